"""The database itself refuses to change or remove audit rows (triggers on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from diwan.audit import triggers
from diwan.audit.actions import checkpoint_create, record_event
from diwan.audit.models import Event
from tests.audit.conftest import SampleEvent

pytestmark = pytest.mark.django_db


def _run(sql: str, params: list[Any] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _refused(sql: str, params: list[Any] | None = None) -> None:
    with pytest.raises(DatabaseError):
        _run(sql, params)


def test_the_triggers_guard_every_audit_table() -> None:
    tables = {model._meta.db_table for model in apps.get_app_config("audit").get_models()}
    assert tables == {table for table, _ in triggers._TABLES}
    for table in tables:
        for statement in ("UPDATE", "DELETE"):
            assert any(
                f"{statement}" in s and f" ON {table} " in s for s in triggers.install_sql(connection.vendor)
            )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET xid = 7",
        "UPDATE audit_event SET body = %s",
        "UPDATE audit_event SET body = body",  # a no-op still may not touch a sealed row
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
    _refused("UPDATE audit_seal SET hash = %s", [bytes(32)])
    _refused("UPDATE audit_seal SET seq = 7")
    _refused("UPDATE audit_seal SET sealed_at = sealed_at")
    _refused("DELETE FROM audit_seal")


def test_unsealed_events_cannot_be_edited_or_deleted(make_events: Callable[..., list[Event]]) -> None:
    make_events(1, seal=False)
    _refused("UPDATE audit_event SET xid = 1")
    _refused("UPDATE audit_event SET body = %s", [b"{}"])
    _refused("DELETE FROM audit_event")


def test_readable_columns_cannot_differ_from_the_body(make_events: Callable[..., list[Event]]) -> None:
    """The CHECK constraint refuses them, inserted or updated, even with the triggers dropped."""
    event = make_events(1)[0]
    columns = "body, occurred_at, event_type, actor_id, office_id, data_subject_id, objects_ref, details"
    row = Event.objects.values_list(*columns.replace(" ", "").split(",")).get()
    when = connection.ops.adapt_datetimefield_value
    values = [row[0], when(event.occurred_at), *row[2:6], json.dumps(row[6]), json.dumps(row[7])]
    insert = f"INSERT INTO audit_event ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"  # noqa: S608
    triggers.remove(connection)
    try:
        _refused("UPDATE audit_event SET event_type = 'tests.thing.read'")
        _refused("UPDATE audit_event SET details = '{}'")
        _refused("UPDATE audit_event SET data_subject_id = 1001")
        _refused(insert, [*values[:5], 1001, *values[6:]])  # another data subject than the body's
        _refused(insert, [*values[:6], '{"case": 1}', values[7]])
        _refused(insert, [values[0], when(event.occurred_at + dt.timedelta(microseconds=1)), *values[2:]])
        _run(insert, values)  # the same row again is consistent (guards the refusals above)
    finally:
        triggers.install(connection)


def test_sealing_is_an_insert_and_the_event_row_is_never_updated(
    make_events: Callable[..., list[Event]],
) -> None:
    event = make_events(1, seal=False)[0]
    _run(
        "INSERT INTO audit_seal (seq, event_id, prev_hash, hash, sealed_at) VALUES (1, %s, %s, %s, %s)",
        [event.pk, bytes(32), bytes(32), event.occurred_at],
    )
    assert Event.objects.get().seq == 1
    _refused("UPDATE audit_event SET xid = xid")


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
    _refused("TRUNCATE audit_seal")
    _refused("TRUNCATE audit_checkpoint")


def test_without_the_triggers_the_same_statements_succeed(make_events: Callable[..., list[Event]]) -> None:
    """Guards the tests above: they fail because of the triggers, not because of bad SQL."""
    make_events(2)
    checkpoint_create()
    triggers.remove(connection)
    try:
        _run("UPDATE audit_event SET xid = 7")
        _run("UPDATE audit_event SET body = body")
        _run("UPDATE audit_seal SET sealed_at = sealed_at")
        _run("UPDATE audit_checkpoint SET size = 2")
        _run("DELETE FROM audit_seal")
        _run("DELETE FROM audit_event")
    finally:
        triggers.install(connection)
    assert Event.objects.count() == 0


@pytest.mark.postgres
def test_events_are_recorded_after_psycopg_forgets_every_prepared_statement() -> None:
    """psycopg prepares repeated statements and sends DEALLOCATE ALL after any rollback, which drops the
    event INSERT's prepared statement too: the next event must prepare it again, not fail."""

    class Refused(Exception):
        pass

    def refused_change() -> None:
        with transaction.atomic():
            record_event(event_type=SampleEvent.THING_DONE)
            raise Refused

    connection.ensure_connection()
    raw = connection.connection
    threshold = raw.prepare_threshold
    raw.prepare_threshold = 5  # as settings would make it with OPTIONS["prepare_threshold"]
    try:
        with transaction.atomic():
            record_event(event_type=SampleEvent.THING_DONE)
        for _ in range(6):  # psycopg prepares a statement from its fifth run on
            Event.objects.filter(pk=-1).exists()
        with pytest.raises(Refused):
            refused_change()
        with transaction.atomic():
            record_event(event_type=SampleEvent.THING_READ)
    finally:
        raw.prepare_threshold = threshold
    assert Event.objects.filter(event_type=SampleEvent.THING_READ).count() == 1
