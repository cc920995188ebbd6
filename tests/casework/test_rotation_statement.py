"""Rotation's query runs as a prepared statement on PostgreSQL (core.db.prepared): planning it cost more than
running it, in every submission. Same answers as before: who is eligible and their open tasks."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from diwan.casework import assignment
from diwan.casework.models import Task, TaskStatus
from diwan.core.db import prepared
from tests.casework.support import make_citizen, set_up_desk, submitted

pytestmark = pytest.mark.django_db


def _prepared_texts() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_eligible_officials_are_read_through_the_prepared_path(monkeypatch: pytest.MonkeyPatch) -> None:
    desk = set_up_desk()
    sent: list[str] = []
    original = prepared.execute

    def watching(conn: Any, sql: str, params: Any) -> Any:
        sent.append(sql)
        return original(conn, sql, params)

    monkeypatch.setattr(prepared, "execute", watching)
    application = submitted(make_citizen())
    assert any("WITH holders AS" in sql for sql in sent)
    task = Task.objects.get(application=application, kind="stage")
    # The positional statement binds every named value where it stood (office, role, now x4, ...).
    loads = assignment.eligible_with_loads(task)
    assert set(loads) == {desk.officer_a.pk, desk.officer_b.pk}
    assert sorted(loads.values()) == [0, 1]
    assert loads[task.assignee_id] == 1
    assert assignment.eligible_with_loads(task, exclude={task.assignee_id}) == {
        pk: 0 for pk in loads if pk != task.assignee_id
    }
    task.status = TaskStatus.DONE
    task.save(update_fields=["status"])
    assert sorted(assignment.eligible_with_loads(task).values()) == [0, 0]


def test_on_postgresql_the_statement_is_prepared(on_postgres: bool) -> None:
    if not on_postgres:
        pytest.skip("SQLite runs it through Django's cursor")
    set_up_desk()
    submitted(make_citizen())
    texts = [text for text in _prepared_texts() if "WITH holders AS" in text]
    assert len(texts) == 1
    assert "%(" not in texts[0]
    assert "$1" in texts[0]
