"""The database itself refuses to change or remove audit rows (triggers on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from diwan.audit import triggers
from diwan.audit.actions import checkpoint_create
from diwan.audit.models import Event

pytestmark = pytest.mark.django_db


def _run(sql: str, params: list[Any] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _refused(sql: str, params: list[Any] | None = None) -> None:
    with pytest.raises(DatabaseError):
        _run(sql, params)


def test_the_trigger_guards_every_content_column() -> None:
    model_columns = {f.column for f in Event._meta.concrete_fields}
    assert model_columns == set(triggers.CONTENT_COLUMNS) | set(triggers.SEAL_COLUMNS)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET purpose = 'rewritten'",
        "UPDATE audit_event SET details = '{}'",
        "UPDATE audit_event SET body = %s",
        "UPDATE audit_event SET occurred_at = occurred_at",  # a no-op still may not touch a sealed row
        "DELETE FROM audit_event",
    ],
)
def test_sealed_events_cannot_be_updated_or_deleted(
    make_events: Callable[..., list[Event]], sql: str
) -> None:
    make_events(2)
    _refused(sql, [b"{}"] if "%s" in sql else None)
    assert Event.objects.count() == 2


def test_the_seal_cannot_be_rewritten(make_events: Callable[..., list[Event]]) -> None:
    make_events(1)
    _refused("UPDATE audit_event SET hash = %s", [bytes(32)])
    _refused("UPDATE audit_event SET seq = 7")


def test_unsealed_events_cannot_be_edited_or_deleted(make_events: Callable[..., list[Event]]) -> None:
    make_events(1, seal=False)
    _refused("UPDATE audit_event SET purpose = 'rewritten'")
    _refused("DELETE FROM audit_event")
    # Sealing part of the columns, or sealing and editing at once, is refused too.
    _refused("UPDATE audit_event SET seq = 1, prev_hash = %s, hash = %s", [bytes(32), bytes(32)])
    _refused(
        "UPDATE audit_event SET seq = 1, prev_hash = %s, hash = %s, sealed_at = occurred_at, purpose = 'x'",
        [bytes(32), bytes(32)],
    )


def test_the_only_allowed_update_is_sealing_an_unsealed_event(
    make_events: Callable[..., list[Event]],
) -> None:
    make_events(1, seal=False)
    _run(
        "UPDATE audit_event SET seq = 1, prev_hash = %s, hash = %s, sealed_at = occurred_at",
        [bytes(32), bytes(32)],
    )
    assert Event.objects.get().seq == 1


def test_checkpoints_cannot_be_updated_or_deleted(make_events: Callable[..., list[Event]]) -> None:
    make_events(3)
    assert checkpoint_create() is not None
    _refused("UPDATE audit_checkpoint SET size = 2")
    _refused("UPDATE audit_checkpoint SET root_hash = %s", [bytes(32)])
    _refused("DELETE FROM audit_checkpoint")


@pytest.mark.postgres
def test_truncate_is_refused_on_postgresql(make_events: Callable[..., list[Event]]) -> None:
    make_events(1)
    checkpoint_create()
    _refused("TRUNCATE audit_event")
    _refused("TRUNCATE audit_checkpoint")


def test_without_the_triggers_the_same_statements_succeed(make_events: Callable[..., list[Event]]) -> None:
    """Guards the tests above: they fail because of the triggers, not because of bad SQL."""
    make_events(2)
    checkpoint_create()
    triggers.remove(connection)
    try:
        _run("UPDATE audit_event SET purpose = 'rewritten'")
        _run("UPDATE audit_checkpoint SET size = 2")
        _run("DELETE FROM audit_event")
    finally:
        triggers.install(connection)
    assert Event.objects.count() == 0
