"""Applying for a service over HTTP: start, answer page by page (uploads too), check, submit."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from diwan.accounts.models import User
from diwan.applications.models import Application, ApplicationStatus, Attachment
from tests.accounts.citizen_support import latest_code, request_code
from tests.portal.support import (
    APPLICANT,
    BASE,
    PURPOSE,
    SERVICE,
    START,
    answer,
    check_url,
    detail_url,
    documents,
    fill_in,
    jpeg,
    page_url,
    sign_in_citizen,
    start,
    submit,
)

pytestmark = pytest.mark.django_db


def test_the_whole_journey_from_the_service_page_to_the_tracking_number(client: Client) -> None:
    service_page = client.get(f"/en/services/{SERVICE}/").content.decode()
    assert f'href="{START}"' in service_page  # "Apply online"

    application = start(client)
    assert application.status == ApplicationStatus.DRAFT
    first = client.get(page_url(application, "applicant")).content.decode()
    assert "Step 1 of 4" in first
    assert f'href="{BASE}"' in first  # back to "My applications" from the first page

    fill_in(client, application)
    application.refresh_from_db()
    assert application.current_page == "check"
    assert application.answers["phone"] == "+9647801112233"
    assert set(Attachment.objects.filter(application=application).values_list("field_name", flat=True)) == {
        "national_card",
        "photo",
    }

    check = client.get(check_url(application))
    assert check.status_code == 200
    body = check.content.decode()
    assert APPLICANT["full_name"] in body
    assert "An employer" in body  # the choice's label, not its value
    assert "card.pdf" in body
    assert "photo.jpg" in body
    assert "5,000 Iraqi dinars" in body
    assert "10 working days" in body
    assert "I declare that the information I have given is true" in body
    assert f'href="{page_url(application, "purpose")}?from=check#id_purpose"' in body

    application = submit(client, application)
    assert application.status == ApplicationStatus.IN_PROGRESS
    assert application.tracking_number
    confirmation = client.get(f"{BASE}{application.pk}/submitted/").content.decode()
    assert application.tracking_number in confirmation
    assert "What happens next" in confirmation
    assert "Checking the application" in confirmation

    page = client.get(detail_url(application)).content.decode()
    assert application.tracking_number in page
    assert "Checking the application" in page
    assert "Directorate of Criminal Records" in page
    # The draft pages are closed once submitted.
    assert client.get(page_url(application, "applicant"))["Location"] == detail_url(application)
    assert client.get(check_url(application))["Location"] == detail_url(application)


def test_change_link_returns_to_check_your_answers(client: Client) -> None:
    application = start(client)
    fill_in(client, application)
    page = client.get(page_url(application, "purpose") + "?from=check").content.decode()
    assert 'name="from" value="check"' in page
    assert f'href="{check_url(application)}"' in page  # back goes to the check page
    response = client.post(page_url(application, "purpose"), {"purpose": "embassy", "from": "check"})
    assert response["Location"] == check_url(application)
    application.refresh_from_db()
    assert application.answers["purpose"] == "embassy"


def test_invalid_answers_show_the_error_summary_and_save_nothing(client: Client) -> None:
    application = start(client)
    response = answer(client, application, "applicant", {**APPLICANT, "national_id": "12", "full_name": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_national_id"' in body
    assert 'href="#id_full_name"' in body
    assert 'aria-invalid="true"' in body
    assert body.count("<title>Error:") == 1
    application.refresh_from_db()
    assert application.answers == {}
    assert application.current_page == "applicant"


def test_a_choice_error_links_to_the_first_option(client: Client) -> None:
    application = start(client)
    answer(client, application, "applicant", APPLICANT)
    response = answer(client, application, "purpose", {})
    assert response.status_code == 400
    assert 'href="#id_purpose_0"' in response.content.decode()


def test_a_question_revealed_by_an_answer_on_the_same_page_is_asked_before_saving(client: Client) -> None:
    """Without JavaScript, "Someone else" shows "Say who" when the citizen continues: no error, no save."""
    application = start(client)
    answer(client, application, "applicant", APPLICANT)
    page = client.get(page_url(application, "purpose")).content.decode()
    assert 'name="purpose_other"' not in page
    response = answer(client, application, "purpose", {"purpose": "other", "shown": "purpose"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="purpose_other"' in body
    assert "There is a problem" not in body
    application.refresh_from_db()
    assert "purpose" not in application.answers
    response = answer(
        client,
        application,
        "purpose",
        {"purpose": "other", "purpose_other": "A bank", "shown": "purpose purpose_other"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.answers["purpose_other"] == "A bank"


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_saved(client: Client) -> None:
    application = start(client)
    answer(client, application, "applicant", APPLICANT)
    answer(client, application, "purpose", PURPOSE)
    files = documents()
    files["national_card"] = SimpleUploadedFile(
        "card.pdf", b"MZ\x90\x00 a program named .pdf", "application/pdf"
    )
    response = answer(client, application, "documents", files)
    assert response.status_code == 400
    body = response.content.decode()
    assert "not one of the accepted types" in body
    assert 'href="#id_national_card"' in body
    assert not Attachment.objects.filter(application=application).exists()
    application.refresh_from_db()
    assert application.current_page == "documents"


def test_a_file_refused_by_the_virus_check_is_shown_on_its_field(client: Client) -> None:
    application = start(client)
    answer(client, application, "applicant", APPLICANT)
    answer(client, application, "purpose", PURPOSE)
    eicar = rb"%PDF-1.4 X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    files = {"national_card": SimpleUploadedFile("card.pdf", eicar, "application/pdf"), "photo": jpeg()}
    response = answer(client, application, "documents", files)
    assert response.status_code == 400, response.content.decode()[:3000]
    assert 'href="#id_national_card"' in response.content.decode()
    application.refresh_from_db()
    assert application.current_page == "documents"
    assert not Attachment.objects.filter(application=application, field_name="national_card").exists()


def test_an_uploaded_file_is_shown_with_replace_and_need_not_be_sent_again(client: Client) -> None:
    application = start(client)
    fill_in(client, application)
    page = client.get(page_url(application, "documents")).content.decode()
    assert "card.pdf" in page
    assert "To replace it" in page
    assert answer(client, application, "documents", {}).status_code == 302
    response = answer(client, application, "documents", {"photo": jpeg("new-photo.jpg")})
    assert response.status_code == 302
    current = Attachment.objects.filter(application=application, field_name="photo", replaced=False)
    assert [a.original_name for a in current] == ["new-photo.jpg"]


def test_submitting_twice_gives_one_application_and_the_same_confirmation(client: Client) -> None:
    application = start(client)
    fill_in(client, application)
    first = submit(client, application)
    again = client.post(check_url(application))
    assert again.status_code == 302
    assert again["Location"] == f"{BASE}{application.pk}/submitted/"
    application.refresh_from_db()
    assert application.tracking_number == first.tracking_number
    assert Application.objects.count() == 1


def test_the_same_start_token_starts_one_draft(client: Client) -> None:
    page = client.get(START).content.decode()
    token = re.search(r'name="start_token" value="([0-9a-f-]+)"', page)
    assert token
    one = client.post(START, {"start_token": token.group(1)})
    two = client.post(START, {"start_token": token.group(1)})
    assert one["Location"] == two["Location"]
    assert Application.objects.count() == 1


def test_an_incomplete_application_lists_what_is_missing_with_links(client: Client) -> None:
    application = start(client)
    answer(client, application, "applicant", APPLICANT)
    page = client.get(check_url(application))
    assert f'href="{page_url(application, "purpose")}?from=check#id_purpose"' in page.content.decode()
    response = client.post(check_url(application))
    assert response.status_code == 400
    body = response.content.decode()
    assert "cannot be sent yet" in body
    assert f"{page_url(application, 'documents')}?from=check#id_national_card" in body
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_a_draft_is_resumed_where_the_citizen_stopped(citizen: User, services: None) -> None:
    first = sign_in_citizen(Client(), citizen)
    application = start(first)
    answer(first, application, "applicant", APPLICANT)

    later = sign_in_citizen(Client(), citizen)
    listing = later.get(BASE).content.decode()
    assert "Certificate of good conduct" in listing
    assert "Draft — not sent yet" in listing
    assert f'href="{page_url(application, "purpose")}"' in listing  # Continue
    page = later.get(page_url(application, "applicant")).content.decode()
    assert APPLICANT["full_name"] in page  # saved answers are the page's initial values


def test_a_draft_can_be_deleted_after_confirming(client: Client) -> None:
    application = start(client)
    confirm = client.get(f"{BASE}{application.pk}/delete/")
    assert confirm.status_code == 200
    assert "Delete your unfinished application?" in confirm.content.decode()
    assert Application.objects.filter(pk=application.pk).exists()
    response = client.post(f"{BASE}{application.pk}/delete/")
    assert response["Location"] == BASE
    assert not Application.objects.filter(pk=application.pk).exists()


def test_a_submitted_application_cannot_be_deleted(client: Client) -> None:
    application = start(client)
    fill_in(client, application)
    submit(client, application)
    response = client.post(f"{BASE}{application.pk}/delete/")
    assert response["Location"] == detail_url(application)
    assert Application.objects.filter(pk=application.pk).exists()


def test_anonymous_visitors_sign_in_and_come_back_to_the_start_page(citizen: User) -> None:
    client = Client()
    service_page = client.get(f"/en/services/{SERVICE}/").content.decode()
    assert "Sign in to apply online" in service_page
    response = client.get(START)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/account/sign-in/?next=")
    client.get(response["Location"])  # the sign-in page remembers where to return
    assert request_code(client, "0780 111 2233").status_code == 302
    signed_in = client.post("/en/account/sign-in/code/", {"code": latest_code(citizen.phone or "")})
    assert signed_in["Location"] == START
    assert client.get(START).status_code == 200
