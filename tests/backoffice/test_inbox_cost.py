"""The office inbox must cost the same with 100 or 100,000 open tasks (bench/casework.py): the open tab
reads its page in the order of a partial index, each service version's title and stage names are read
once per process (not the whole definition on every row), the official's offices are read once per
request, and the links and deadlines are written once per page. What the page shows does not change."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from diwan.applications.models import Application
from diwan.casework import selectors
from diwan.casework.models import Task
from diwan.core.errors import NotFound
from diwan.core.i18n import pick
from tests.backoffice.conftest import Desk, sign_in_staff, tracking

pytestmark = pytest.mark.django_db

INBOX = "/en/office/cases/"
# The whole definition column, not a key inside it (a JSON key read is wrapped in a function or brackets).
WHOLE_DEFINITION = re.compile(r'(?<![(\[])"catalogue_serviceversion"\."definition"(?!\s*(->|,\s*\'\$))')


@pytest.fixture(autouse=True)
def _fresh_names() -> Any:
    selectors._version_names.clear()
    yield
    selectors._version_names.clear()


def _names(application: Application) -> tuple[dict[str, str], dict[str, str]]:
    definition = application.service_version.definition
    stage = next(s for s in definition["workflow"]["stages"] if s["key"] == "check")
    return definition["title"], stage["name"]


def test_the_page_shows_the_service_and_stage_in_each_language(client: Client, desk: Desk) -> None:
    application = desk.submit()
    title, stage = _names(application)
    sign_in_staff(client, desk.officer)
    for lang in ("ar", "ckb", "en"):
        body = client.get(f"/{lang}/office/cases/").content.decode()
        assert pick(title, lang) in body, lang
        assert pick(stage, lang) in body, lang


def test_rows_link_to_the_case_and_write_the_deadline_as_the_date_filter(client: Client, desk: Desk) -> None:
    applications = [desk.submit() for _ in range(3)]
    sign_in_staff(client, desk.officer)
    for lang in ("ar", "en"):
        body = client.get(f"/{lang}/office/cases/").content.decode()
        with translation.override(lang):
            for application in applications:
                url = reverse("backoffice:casework-case", args=[application.pk])
                assert f'href="{url}">{tracking(application)}</a>' in body
                due = Task.objects.get(application=application).due_date
                assert f'<time datetime="{due.isoformat()}">{date_format(due, "j F Y")}</time>' in body


def test_queries_do_not_grow_with_the_rows_and_never_read_a_whole_definition(
    client: Client, desk: Desk
) -> None:
    desk.submit()
    sign_in_staff(client, desk.officer)
    client.get(INBOX)  # names of the service version now kept
    with CaptureQueriesContext(connection) as one:
        assert client.get(INBOX).status_code == 200
    for _ in range(3):
        desk.submit()
    with CaptureQueriesContext(connection) as four:
        body = client.get(INBOX).content.decode()
    assert body.count('class="mono"') == 4
    assert len(four.captured_queries) == len(one.captured_queries)
    for query in four.captured_queries:
        assert not WHOLE_DEFINITION.search(query["sql"]), query["sql"]
    # The official's offices are read once (they were read three times: list, office asked, page).
    offices = [q for q in four.captured_queries if 'FROM "directory_office"' in q["sql"]]
    assert len(offices) == 1


def test_version_names_are_read_once_per_process(desk: Desk) -> None:
    desk.submit()
    with CaptureQueriesContext(connection) as first:
        selectors.office_inbox(desk.officer, desk.office.pk)
    with CaptureQueriesContext(connection) as second:
        page = selectors.office_inbox(desk.officer, desk.office.pk)
    assert len(second.captured_queries) == len(first.captured_queries) - 1
    reads = [q["sql"] for q in first.captured_queries if q not in second.captured_queries]
    assert any('FROM "catalogue_serviceversion"' in sql for sql in reads)
    assert page.rows[0].service_title


def test_a_kept_name_is_used_only_for_the_same_content(desk: Desk) -> None:
    """A database that rolled back can give a version id again with other content: the content hash is
    part of the key, so a name kept for other content is not shown."""
    application = desk.submit()
    version = application.service_version
    selectors._version_names[(version.pk, "another definition")] = selectors._VersionNames(
        {"en": "Stale title"}, {"check": {"en": "Stale stage"}}
    )
    with translation.override("en"):
        row = selectors.office_inbox(desk.officer, desk.office.pk).rows[0]
    assert row.service_title == pick(version.definition["title"], "en")
    assert row.stage_name != "Stale stage"
    # And a name kept for this very content is used without reading the definition.
    selectors._version_names[(version.pk, version.content_hash)] = selectors._VersionNames(
        {"en": "Kept title"}, {"check": {"en": "Kept stage"}}
    )
    with translation.override("en"), CaptureQueriesContext(connection) as queries:
        row = selectors.office_inbox(desk.officer, desk.office.pk).rows[0]
    assert (row.service_title, row.stage_name) == ("Kept title", "Kept stage")
    assert not any('FROM "catalogue_serviceversion"' in q["sql"] for q in queries.captured_queries)


def test_an_unknown_stage_shows_its_key(desk: Desk) -> None:
    application = desk.submit()
    Task.objects.filter(application=application).update(stage_key="gone")
    row = selectors.office_inbox(desk.officer, desk.office.pk).rows[0]
    assert row.stage_name == "gone"


def test_kept_names_are_bounded(desk: Desk, monkeypatch: Any) -> None:
    monkeypatch.setattr(selectors, "VERSION_NAMES_KEPT", 2)
    for n in range(5):
        selectors._version_names[(-n, "old")] = selectors._VersionNames({}, {})
    desk.submit()
    page = selectors.office_inbox(desk.officer, desk.office.pk)
    assert page.rows[0].service_title
    assert len(selectors._version_names) == 2
    assert list(selectors._version_names)[-1][0] == page.rows[0].task.application.service_version_id


def test_offices_given_by_the_caller_still_decide_what_may_be_read(desk: Desk) -> None:
    mine = list(selectors.my_offices(desk.officer))
    desk.submit()
    page = selectors.office_inbox(desk.officer, desk.office.pk, offices=mine)
    assert page.office == desk.office
    assert len(page.rows) == 1
    with pytest.raises(NotFound):
        selectors.office_inbox(desk.officer, desk.other_office.pk, offices=mine)
    with pytest.raises(NotFound):
        selectors.office_inbox(desk.outsider, desk.office.pk)


def test_the_page_refuses_an_office_that_is_not_the_officials(client: Client, desk: Desk) -> None:
    sign_in_staff(client, desk.officer)
    assert client.get(INBOX, {"office": desk.office.pk}).status_code == 200
    for wanted in (desk.other_office.pk, 999_999, "x1"):
        assert client.get(INBOX, {"office": wanted}).status_code == 404, wanted


def test_the_open_tab_has_its_partial_index() -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Task._meta.db_table)
    index = constraints["casework_task_inbox_open"]
    assert index["index"]
    assert index["columns"] == ["office_id", "due_date", "id"]


def _plan(desk: Desk, view: str) -> str:
    """The database's plan for the page's query of tasks, as it was sent (SQL and bound parameters)."""
    sent: list[tuple[str, Any]] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        selectors.office_inbox(desk.officer, desk.office.pk, view=view)
    [(sql, params)] = [(sql, params) for sql, params in sent if 'FROM "casework_task"' in sql]
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny
        cursor.execute(explain + sql, params)
        return "\n".join(str(line) for line in cursor.fetchall())


def test_the_open_tab_reads_its_page_in_index_order(desk: Desk) -> None:
    """The page is the first 51 tasks in the index's order: no sort of every open task of the office.
    On SQLite only if the query repeats the index's condition with the same constants (not parameters)."""
    for _ in range(3):
        desk.submit()
    plan = _plan(desk, "open")
    assert "casework_task_inbox_open" in plan, plan
    assert not re.search(r"TEMP B-TREE|Sort", plan), plan
    plan = _plan(desk, "with_citizen")
    assert "casework_task_inbox" in plan, plan
    assert not re.search(r"TEMP B-TREE|Sort", plan), plan
