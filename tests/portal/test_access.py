"""Who may use the application pages: the applicant only. Another citizen's application, file or action
is "not found" (never "forbidden": that would confirm it exists); staff and anonymous visitors are refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from diwan.accounts.models import User
from diwan.applications.models import Application, ApplicationStatus, Attachment
from diwan.casework.models import CaseMessage
from tests.directory.conftest import sign_in_staff
from tests.portal.support import BASE, START, fill_in, jpeg, pdf, sign_in_citizen, start, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client: Client) -> Application:
    application = start(client)
    fill_in(client, application)
    return application


@pytest.fixture
def sent(client: Client, officer: User) -> Application:
    application = start(client)
    fill_in(client, application)
    return submit(client, application)


def requests_on(application: Application) -> list[tuple[str, str, dict[str, Any]]]:
    pk = application.pk
    return [
        ("get", f"{BASE}{pk}/", {}),
        ("get", f"{BASE}{pk}/page/applicant/", {}),
        ("post", f"{BASE}{pk}/page/applicant/", {"full_name": "علي علي علي علي"}),
        ("post", f"{BASE}{pk}/page/documents/", {"photo": jpeg()}),
        ("get", f"{BASE}{pk}/check/", {}),
        ("post", f"{BASE}{pk}/check/", {}),
        ("get", f"{BASE}{pk}/submitted/", {}),
        ("get", f"{BASE}{pk}/delete/", {}),
        ("post", f"{BASE}{pk}/delete/", {}),
        ("post", f"{BASE}{pk}/resubmit/", {"revision": application.revision}),
        ("post", f"{BASE}{pk}/messages/", {"body": "hello", "attachment": pdf()}),
    ]


@pytest.mark.parametrize("fixture", ["draft", "sent"])
def test_another_citizens_application_is_not_found_and_unchanged(
    request: pytest.FixtureRequest, fixture: str, other_citizen: User
) -> None:
    application: Application = request.getfixturevalue(fixture)
    application.refresh_from_db()
    before = (application.status, application.answers, application.revision)
    files = Attachment.objects.count()
    intruder = sign_in_citizen(Client(), other_citizen)
    for method, url, data in requests_on(application):
        send: Callable[..., Any] = getattr(intruder, method)
        response = send(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    application.refresh_from_db()
    assert (application.status, application.answers, application.revision) == before
    assert Attachment.objects.count() == files
    assert not CaseMessage.objects.exists()
    assert application.status in (ApplicationStatus.DRAFT, ApplicationStatus.IN_PROGRESS)


def test_another_citizens_file_is_not_found(draft: Application, other_citizen: User) -> None:
    card = Attachment.objects.get(application=draft, field_name="national_card")
    response = sign_in_citizen(Client(), other_citizen).get(f"{BASE}files/{card.pk}/")
    assert response.status_code == 404


def test_my_applications_lists_only_mine(client: Client, draft: Application, other_citizen: User) -> None:
    assert "Certificate of good conduct" in client.get(BASE).content.decode()
    theirs = sign_in_citizen(Client(), other_citizen).get(BASE).content.decode()
    assert "Certificate of good conduct" not in theirs
    assert "You have not applied for anything yet." in theirs


def test_anonymous_visitors_are_sent_to_sign_in(draft: Application) -> None:
    card = Attachment.objects.get(application=draft, field_name="national_card")
    anonymous = Client()
    for url in (BASE, START, f"{BASE}{draft.pk}/", f"{BASE}{draft.pk}/check/", f"{BASE}files/{card.pk}/"):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/en/account/sign-in/?next=")
    assert anonymous.post(f"{BASE}{draft.pk}/check/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT


def test_staff_are_refused_even_the_office_handling_the_file(sent: Application, officer: User) -> None:
    card = Attachment.objects.get(application=sent, field_name="national_card")
    staff = sign_in_staff(Client(), officer)
    for url in (BASE, START, f"{BASE}{sent.pk}/", f"{BASE}files/{card.pk}/"):
        assert staff.get(url).status_code == 403, url
    assert staff.post(f"{BASE}{sent.pk}/messages/", {"body": "hi"}).status_code == 403
    assert not CaseMessage.objects.exists()


def test_a_staff_member_sees_no_apply_button_on_the_service_page(services: None, officer: User) -> None:
    page = sign_in_staff(Client(), officer).get("/en/services/good-conduct-certificate/").content.decode()
    assert 'id="apply"' not in page


def test_an_unknown_service_or_page_is_not_found(client: Client, draft: Application) -> None:
    assert client.get(f"{BASE}start/no-such-service/").status_code == 404
    assert client.post(f"{BASE}start/no-such-service/").status_code == 404
    assert client.get(f"{BASE}{draft.pk}/page/nowhere/").status_code == 404
