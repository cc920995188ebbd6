""" "My applications" (bench/casework.py measures it): what each row shows and where it leads, read in one
query of a few columns — neither the service definition nor the encrypted answers — and nothing written."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from diwan.accounts.models import User
from diwan.applications import selectors
from diwan.applications.models import Application, ApplicationStatus
from diwan.core.queries import CompiledRows
from diwan.portal import applications_views
from tests.accounts.citizen_support import make_citizen
from tests.portal.support import (
    APPLICANT,
    BASE,
    answer,
    check_url,
    detail_url,
    fill_in,
    page_url,
    sign_in_citizen,
    start,
    submit,
)

pytestmark = pytest.mark.django_db

TITLE_EN = "Certificate of good conduct"


def _rows(body: str) -> list[str]:
    return re.findall(r"<li>\s*<h2>.*?</li>", body, flags=re.S)


def _day(value: Any, language: str = "en") -> str:
    with translation.override(language):
        return str(formats.date_format(value, "DATE_FORMAT"))


@pytest.fixture
def files(client: Client, officer: User) -> dict[str, Application]:
    """A submitted file, a draft stopped at its second page and a draft ready to send."""
    sent = start(client)
    fill_in(client, sent)
    sent = submit(client, sent)
    stopped = start(client)
    answer(client, stopped, "applicant", APPLICANT)
    ready = start(client)
    fill_in(client, ready)
    for application in (stopped, ready):
        application.refresh_from_db()
    return {"sent": sent, "stopped": stopped, "ready": ready}


def test_each_row_shows_the_title_number_status_dates_and_its_links(
    client: Client, files: dict[str, Application]
) -> None:
    body = client.get(BASE).content.decode()
    rows = _rows(body)
    assert len(rows) == 3
    ready, stopped, sent = rows  # most recently changed first
    sent_file = files["sent"]
    assert TITLE_EN in sent
    assert f'href="{detail_url(sent_file)}"' in sent
    assert f'<span class="mono">{sent_file.tracking_number}</span>' in sent
    assert '<span class="tag ">In progress</span>' in sent
    assert sent_file.legal_due_date is not None
    due = sent_file.legal_due_date
    assert f'<time datetime="{due.isoformat()}">{_day(due)}</time>' in sent
    changed = timezone.localtime(sent_file.updated_at)  # shown in the platform's time zone
    assert f'<time datetime="{changed.isoformat()}">{_day(changed)}</time>' in sent
    assert "/delete/" not in sent
    assert "Draft — not sent yet" not in sent

    assert f'href="{page_url(files["stopped"], "purpose")}"' in stopped  # Continue where they stopped
    assert f'href="{check_url(files["ready"])}"' in ready  # every page answered: check your answers
    for row, draft in ((stopped, files["stopped"]), (ready, files["ready"])):
        assert "Draft — not sent yet" in row
        assert f'href="{BASE}{draft.pk}/delete/"' in row
        assert "Legal deadline" not in row
        assert '<span class="tag ">Draft</span>' in row


def test_a_returned_file_is_tagged_and_titles_follow_the_language(
    client: Client, files: dict[str, Application]
) -> None:
    Application.objects.filter(pk=files["sent"].pk).update(status=ApplicationStatus.RETURNED)
    sent = _rows(client.get(BASE).content.decode())[2]
    assert '<span class="tag tag-warn">Returned to you for correction</span>' in sent
    arabic = client.get(BASE.replace("/en/", "/ar/")).content.decode()
    assert "شهادة حسن السيرة والسلوك" in arabic
    assert TITLE_EN not in arabic
    assert _day(files["sent"].legal_due_date, "ar") in arabic


def test_an_empty_list_says_so(client: Client) -> None:
    body = client.get(BASE).content.decode()
    assert "You have not applied for anything yet." in body
    assert "<li>" not in body.split("<main", 1)[1].split("</main>", 1)[0]


def _page_queries(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(BASE).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_rows_are_one_query_without_the_definition_or_the_answers(
    client: Client, files: dict[str, Application]
) -> None:
    queries = _page_queries(client)
    on_applications = [sql for sql in queries if "applications_application" in sql]
    assert len(on_applications) == 1
    rows = on_applications[0]
    assert "answers" not in rows
    # The title comes from the version's titles column: the definition is not read at all.
    assert "definition" not in rows
    assert '"catalogue_serviceversion"."titles"' in rows
    more = start(client)
    assert more.pk
    assert len(_page_queries(client)) == len(queries)  # the same queries for any number of rows


def test_reading_the_list_writes_nothing(client: Client, files: dict[str, Application]) -> None:
    client.get(BASE)  # the CSRF cookie of the page's forms is set once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(BASE)
    assert response.status_code == 200
    writes = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert "sessionid" not in response.cookies  # the session is read, not saved again


def test_a_successful_submission_reads_the_application_only_in_the_action(
    client: Client, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    application = start(client)
    fill_in(client, application)
    reads: list[int] = []
    checked_read = selectors.access_application_for

    def counted(actor: Any, application_id: int) -> Application:
        reads.append(application_id)
        return checked_read(actor, application_id)

    monkeypatch.setattr("diwan.portal.applications_views.access_application_for", counted)
    submit(client, application)
    assert reads == []
    assert application.status == ApplicationStatus.IN_PROGRESS


def test_the_rows_are_rendered_again_only_when_what_they_show_changes(
    client: Client, files: dict[str, Application], other_citizen: User
) -> None:
    """The list is kept by its content (core.fragments): reloading the same rows reuses it, any change to
    a row is a different list, and another citizen's list is never this one."""
    rendered: list[str] = []
    real = applications_views.render_to_string

    def counting(template: str, context: Any = None, *args: Any, **kwargs: Any) -> str:
        rendered.append(template)
        return real(template, context, *args, **kwargs)

    with mock.patch.object(applications_views, "render_to_string", counting):
        first = client.get(BASE).content.decode()
        assert _rows(client.get(BASE).content.decode()) == _rows(first)
        renders = rendered.count(ROWS_TEMPLATE)
        Application.objects.filter(pk=files["sent"].pk).update(status=ApplicationStatus.RETURNED)
        changed = client.get(BASE).content.decode()
        assert rendered.count(ROWS_TEMPLATE) == renders + 1
        assert "Returned to you for correction" in changed
        assert "Returned to you for correction" not in first
        theirs = sign_in_citizen(Client(), other_citizen).get(BASE).content.decode()
    assert TITLE_EN not in theirs


ROWS_TEMPLATE = "portal/applications/includes/application_rows.html"
PAGE_TEMPLATE = "portal/applications/list.html"


def test_the_page_is_kept_per_citizen_rows_and_address_and_a_notice_always_shows(
    client: Client, files: dict[str, Application], other_citizen: User
) -> None:
    """The whole page is rendered again only for another citizen, other rows or another address (the
    language links carry it); a notice waiting to be shown is shown, once."""
    rendered: list[str] = []
    real = applications_views.render_to_string

    def counting(template: str, context: Any = None, *args: Any, **kwargs: Any) -> str:
        rendered.append(template)
        return real(template, context, *args, **kwargs)

    theirs = sign_in_citizen(Client(), other_citizen)
    with mock.patch.object(applications_views, "render_to_string", counting):
        first = client.get(BASE).content.decode()
        assert client.get(BASE).content.decode() == first
        assert rendered.count(PAGE_TEMPLATE) == 1
        theirs.get(BASE)  # another citizen: their own page
        assert rendered.count(PAGE_TEMPLATE) == 2
        # A third citizen whose rows are the same as the second's (none): still a page of their own.
        third = sign_in_citizen(Client(), make_citizen(phone="+9647801119999", national_id="199500000099"))
        third.get(BASE)
        assert rendered.count(PAGE_TEMPLATE) == 3
        theirs.get(BASE)
        assert rendered.count(PAGE_TEMPLATE) == 3
        with_query = client.get(f"{BASE}?from=sms").content.decode()
        assert rendered.count(PAGE_TEMPLATE) == 4
        assert "next=/ar/me/applications/%3Ffrom%3Dsms" in with_query  # the address, in the links
        Application.objects.filter(pk=files["sent"].pk).update(status=ApplicationStatus.RETURNED)
        client.get(BASE)
        assert rendered.count(PAGE_TEMPLATE) == 5
    # A notice waiting in the browser's message cookie is shown on the kept page, once.
    storage = CookieStorage(RequestFactory().get(BASE))
    client.cookies[storage.cookie_name] = storage._encode([Message(constants.SUCCESS, "A notice for you")])
    assert "A notice for you" in client.get(BASE).content.decode()
    assert "A notice for you" not in client.get(BASE).content.decode()
    # The one a deleted draft leaves, too.
    response = client.post(f"{BASE}{files['stopped'].pk}/delete/")
    assert response.status_code == 302
    assert "Your unfinished application was deleted." in client.get(BASE).content.decode()
    assert "Your unfinished application was deleted." not in client.get(BASE).content.decode()


def test_the_compiled_rows_are_what_the_orm_returns(files: dict[str, Application], citizen: User) -> None:
    by_orm = list(selectors._application_rows.queryset(citizen.pk))
    compiled = selectors.my_application_rows(citizen).rows()
    assert compiled == by_orm
    assert isinstance(compiled[2]["legal_due_date"], date)  # converted as the ORM converts (SQLite: text)
    assert compiled[0]["service_title"]["en"] == TITLE_EN


def test_compiled_rows_refuse_a_query_without_the_value() -> None:
    rows: CompiledRows[dict[str, Any]] = CompiledRows(
        Application, lambda value: Application.objects.filter(pk=1).values("id")
    )
    with pytest.raises(ValueError, match="exactly once"):
        rows(5)
