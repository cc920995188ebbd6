"""`diwan audit verify` names the first bad event for each kind of tampering (triggers dropped first,
as an attacker with database rights would)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from diwan.audit.actions import checkpoint_create
from diwan.audit.chain import chain_hash
from diwan.audit.models import Event, Seal
from diwan.audit.verify import PG_MATCH_SIGNATURE as MATCH
from diwan.audit.verify import verify_log
from tests.audit.conftest import triggers_disabled

pytestmark = pytest.mark.django_db


def _sql(sql: str, params: list[Any] | None = None) -> None:
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _event_of(seq: int) -> str:
    return f"(SELECT event_id FROM audit_seal WHERE seq = {int(seq)})"  # noqa: S608 (an int)


def _lift_column_check() -> None:
    """What an attacker must do before a readable column can be changed: get rid of the CHECK constraint
    that keeps the columns equal to the sealed body (PostgreSQL: drop it; SQLite: rebuild the table
    without it, which is what PRAGMA ignore_check_constraints would allow too)."""
    if connection.vendor == "postgresql":
        _sql("ALTER TABLE audit_event DROP CONSTRAINT audit_event_columns_match_body")
    else:
        with triggers_disabled(), connection.cursor() as cursor:
            cursor.execute("CREATE TABLE audit_event_plain AS SELECT * FROM audit_event")
            cursor.execute("DROP TABLE audit_event")
            cursor.execute("ALTER TABLE audit_event_plain RENAME TO audit_event")


def _change_column(column: str, value: object, seq: int) -> None:
    # While the CHECK constraint is there, the database refuses to change a column, triggers or not.
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql(f"UPDATE audit_event SET {column} = %s WHERE id = {_event_of(seq)}", [value])  # noqa: S608
    _lift_column_check()
    _sql(f"UPDATE audit_event SET {column} = %s WHERE id = {_event_of(seq)}", [value])  # noqa: S608


def _first_bad(kind: str, seq: int) -> str:
    report = verify_log()
    assert not report.ok
    first = report.first_bad
    assert first is not None
    assert (first.kind, first.seq) == (kind, seq), report.problems
    with pytest.raises(CommandError, match=f"first bad event: seq {seq}\\b"):
        call_command("audit", "verify")
    return first.message


def test_an_intact_log_verifies(
    make_events: Callable[..., list[Event]], capsys: pytest.CaptureFixture[str]
) -> None:
    make_events(7)
    checkpoint_create()
    make_events(5)
    checkpoint_create()
    make_events(2, seal=False)  # unsealed events are not yet in the chain
    report = verify_log(fetch=3)
    assert report.ok, report.problems
    assert (report.events, report.checkpoints) == (12, 2)
    call_command("audit", "verify")
    assert "OK: 12 events, 2 checkpoints" in capsys.readouterr().out


def test_modified_column(make_events: Callable[..., list[Event]]) -> None:
    make_events(5)
    # PostgreSQL: the catalog proves the columns equal the bodies; SQLite: compared row by row, always.
    assert verify_log().columns == ("checked" if connection.vendor == "postgresql" else "compared")
    assert verify_log(compare_columns=True).ok
    _change_column("event_type", "tests.thing.else", 3)
    assert verify_log().columns == "compared"
    assert "differ from its sealed record" in _first_bad("modified", 3)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "weakening",
    [
        # Added back without checking the existing rows.
        "ALTER TABLE audit_event DROP CONSTRAINT audit_event_columns_match_body; "
        "ALTER TABLE audit_event ADD CONSTRAINT audit_event_columns_match_body CHECK ("
        "audit_event_matches_body(body, occurred_at, event_type, actor_id, office_id, data_subject_id, "
        "objects_ref, details)) NOT VALID",
        # STRICT: a NULL argument (actor_id of most events) skips the function, and NULL passes a CHECK.
        f"ALTER FUNCTION {MATCH} STRICT",
        # Its own search_path (with a schema of look-alike functions in front).
        f"ALTER FUNCTION {MATCH} SET search_path = public, pg_catalog",
        # A body that says yes to everything.
        "CREATE OR REPLACE FUNCTION audit_event_matches_body(body bytea, occurred_at timestamptz, "
        "event_type text, actor_id bigint, office_id bigint, data_subject_id bigint, objects jsonb, "
        "details jsonb) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$BEGIN RETURN true; END$$",
        # Another function of the same name, found first.
        f"CREATE SCHEMA audit_evil; CREATE FUNCTION audit_evil.{MATCH} RETURNS boolean LANGUAGE sql "
        "IMMUTABLE AS 'SELECT true'; SET LOCAL search_path = audit_evil, public",
    ],
)
def test_a_weakened_column_check_means_a_row_by_row_comparison(
    make_events: Callable[..., list[Event]], weakening: str
) -> None:
    make_events(3)
    assert verify_log().columns == "checked"
    _sql(weakening)
    report = verify_log()
    assert report.columns == "compared"
    assert report.ok, report.problems


@pytest.mark.postgres
def test_look_alike_functions_in_the_search_path_do_not_fool_the_check(
    make_events: Callable[..., list[Event]],
) -> None:
    """The check function names pg_catalog for everything it calls: a session that puts its own
    `to_jsonb` in front of pg_catalog cannot make it accept a column that differs from the body."""
    make_events(2)
    _sql(
        "CREATE SCHEMA audit_evil; CREATE FUNCTION audit_evil.to_jsonb(bigint) RETURNS jsonb "
        "LANGUAGE sql IMMUTABLE AS $$SELECT '1000'::jsonb$$"
    )
    update = f"UPDATE audit_event SET data_subject_id = 5 WHERE id = {_event_of(1)}"  # noqa: S608
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql(f"SET LOCAL search_path = audit_evil, public, pg_catalog; {update}")
    assert verify_log().columns == "checked"


def test_modified_purpose_is_a_modified_body(make_events: Callable[..., list[Event]]) -> None:
    """purpose, ip, user agent, labels are read from the sealed body itself: changing them changes it."""
    make_events(5)
    body = bytes(Event.objects.get(seal__seq=3).body).replace(b'"purpose":"testing"', b'"purpose":"other"')
    _sql(f"UPDATE audit_event SET body = %s WHERE id = {_event_of(3)}", [body])  # noqa: S608
    assert Event.objects.get(seal__seq=3).purpose == "other"
    assert "does not match its hash" in _first_bad("modified", 3)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("details", '{"i": 99}'),
        ("objects_ref", '{"case": 1}'),
        ("actor_id", 5),
        ("data_subject_id", 1),
        ("ip", "10.9.9.9"),
        ("event_type", "tests.thing.read"),
        ("occurred_at", "2020-01-01 00:00:00+00:00"),
    ],
)
def test_every_readable_column_is_checked(
    make_events: Callable[..., list[Event]], column: str, value: object
) -> None:
    make_events(4)
    if column == "ip":  # read from the body, not a column: changing it means changing the body
        body = bytes(Event.objects.get(seal__seq=2).body).replace(b'"ip":null', f'"ip":"{value}"'.encode())
        _sql(f"UPDATE audit_event SET body = %s WHERE id = {_event_of(2)}", [body])  # noqa: S608
    else:
        _change_column(column, value, 2)
    _first_bad("modified", 2)


def test_modified_body(make_events: Callable[..., list[Event]]) -> None:
    make_events(5)
    body = bytes(Event.objects.get(seal__seq=4).body).replace(b"testing", b"tested!")
    _sql(f"UPDATE audit_event SET body = %s WHERE id = {_event_of(4)}", [body])  # noqa: S608
    assert "does not match its hash" in _first_bad("modified", 4)


def test_deleted_event(make_events: Callable[..., list[Event]]) -> None:
    make_events(5)
    _sql(f"DELETE FROM audit_event WHERE id = {_event_of(2)}")  # noqa: S608
    _sql("DELETE FROM audit_seal WHERE seq = 2")
    assert "seq 2 is missing" in _first_bad("deleted", 2)


def test_deleted_event_row_with_its_seal_left(make_events: Callable[..., list[Event]]) -> None:
    """Only the event row deleted: its seal still names it. The seal must not drop out of the walk
    unnoticed (the rest of the chain is intact, so nothing else would give the deletion away)."""
    make_events(5)
    _sql(f"DELETE FROM audit_event WHERE id = {_event_of(3)}")  # noqa: S608
    assert "seq 3 is missing (its seal is still there)" in _first_bad("deleted", 3)
    assert verify_log(fetch=1).first_bad == verify_log().first_bad


def test_deleted_event_with_the_rest_rechained(make_events: Callable[..., list[Event]]) -> None:
    """Event 5 deleted and every later seal re-hashed onto event 4 (no checkpoint covers them): the hashes
    and the prev_hash links are consistent again, only the seq numbers give the deletion away."""
    make_events(8)
    _sql(f"DELETE FROM audit_event WHERE id = {_event_of(5)}")  # noqa: S608
    _sql("DELETE FROM audit_seal WHERE seq = 5")
    prev = bytes(Seal.objects.get(seq=4).hash)
    for seq in (6, 7, 8):
        digest = chain_hash(prev, seq, bytes(Event.objects.get(seal__seq=seq).body))
        _sql("UPDATE audit_seal SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, seq])
        prev = digest
    assert "seq 5 is missing" in _first_bad("deleted", 5)
    assert verify_log(fetch=1).first_bad == verify_log().first_bad


def test_truncation_after_a_checkpoint(make_events: Callable[..., list[Event]]) -> None:
    make_events(6)
    checkpoint_create()
    _sql("DELETE FROM audit_event WHERE id IN (SELECT event_id FROM audit_seal WHERE seq >= 5)")
    _sql("DELETE FROM audit_seal WHERE seq >= 5")
    assert "checkpoint 6" in _first_bad("truncated", 5)


def test_reordered_events(make_events: Callable[..., list[Event]]) -> None:
    make_events(5)
    _sql("UPDATE audit_seal SET seq = 100 WHERE seq = 2")
    _sql("UPDATE audit_seal SET seq = 2 WHERE seq = 4")
    _sql("UPDATE audit_seal SET seq = 4 WHERE seq = 100")
    assert "reordered" in _first_bad("reordered", 2)


def test_fork(make_events: Callable[..., list[Event]]) -> None:
    make_events(4)
    forked = make_events(1, seal=False)[0]
    # A second successor of event 2, correctly hashed: only the one-successor index would stop it.
    prev = bytes(Seal.objects.get(seq=2).hash)
    digest = chain_hash(prev, 5, bytes(forked.body))
    _sql("DROP INDEX audit_seal_one_successor")
    _sql(
        "INSERT INTO audit_seal (seq, event_id, prev_hash, hash, sealed_at) VALUES (5, %s, %s, %s, %s)",
        [forked.pk, prev, digest, forked.occurred_at],
    )
    assert "fork" in _first_bad("fork", 5)


def test_the_database_refuses_a_fork(make_events: Callable[..., list[Event]]) -> None:
    make_events(3)
    forked = make_events(1, seal=False)[0]
    prev = bytes(Seal.objects.get(seq=1).hash)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_seal (seq, event_id, prev_hash, hash, sealed_at) VALUES (4, %s, %s, %s, %s)",
            [forked.pk, prev, chain_hash(prev, 4, bytes(forked.body)), forked.occurred_at],
        )


def test_tampered_checkpoint(make_events: Callable[..., list[Event]]) -> None:
    make_events(4)
    checkpoint_create()
    _sql("UPDATE audit_checkpoint SET root_hash = %s", [bytes(32)])
    report = verify_log()
    assert [p.message for p in report.problems] == [
        "checkpoint 4: bad signature",
        "checkpoint 4: root does not match the events",
    ]


def test_forged_checkpoint_signed_correctly_but_wrong_root(
    make_events: Callable[..., list[Event]],
) -> None:
    make_events(4)
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    # Rewrite event 4 and re-hash it: the chain is self-consistent again, but the signed root is not.
    event = Event.objects.get(seal__seq=4)
    body = bytes(event.body).replace(b"testing", b"tested!")
    _sql(f"UPDATE audit_event SET body = %s WHERE id = {_event_of(4)}", [body])  # noqa: S608
    _sql("UPDATE audit_seal SET hash = %s WHERE seq = 4", [chain_hash(bytes(event.seal.prev_hash), 4, body)])
    report = verify_log()
    assert [p.message for p in report.problems] == ["checkpoint 4: root does not match the events"]


def test_the_first_bad_event_is_named_when_a_later_one_is_bad_too(
    make_events: Callable[..., list[Event]],
) -> None:
    """Event 2 rewritten and re-hashed (its seal is consistent again, the link to event 3 is not), event 4
    edited: the first bad event is seq 3, although seq 4 is the first seal that does not hash right."""
    make_events(5)
    event = Event.objects.get(seal__seq=2)
    body = bytes(event.body).replace(b"testing", b"tested!")
    _sql(f"UPDATE audit_event SET body = %s WHERE id = {_event_of(2)}", [body])  # noqa: S608
    _sql("UPDATE audit_seal SET hash = %s WHERE seq = 2", [chain_hash(bytes(event.seal.prev_hash), 2, body)])
    later = bytes(Event.objects.get(seal__seq=4).body).replace(b"testing", b"tested!")
    _sql(f"UPDATE audit_event SET body = %s WHERE id = {_event_of(4)}", [later])  # noqa: S608
    assert "prev_hash of event seq 3 matches no event" in _first_bad("modified", 3)


def _swap_seals(a: int, b: int) -> None:
    _sql(f"UPDATE audit_seal SET seq = 100 WHERE seq = {int(a)}")  # noqa: S608 (ints)
    _sql(f"UPDATE audit_seal SET seq = {int(a)} WHERE seq = {int(b)}")  # noqa: S608
    _sql(f"UPDATE audit_seal SET seq = {int(b)} WHERE seq = 100")  # noqa: S608


@pytest.mark.parametrize(
    "tamper",
    [
        lambda: _sql(
            f"UPDATE audit_event SET body = %s WHERE id = {_event_of(5)}",  # noqa: S608
            [bytes(Event.objects.get(seal__seq=5).body).replace(b"testing", b"tested!")],
        ),
        lambda: _sql("DELETE FROM audit_seal WHERE seq = 5"),
        lambda: _sql(f"DELETE FROM audit_event WHERE id = {_event_of(5)}"),  # noqa: S608
        lambda: _swap_seals(4, 5),
        lambda: _swap_seals(5, 6),
        lambda: _sql("DELETE FROM audit_seal WHERE seq >= 7"),
    ],
    ids=["modified", "deleted", "deleted-event-row", "reordered-across", "reordered-within", "truncated"],
)
def test_the_same_report_whatever_the_batch_and_chunk_sizes(
    make_events: Callable[..., list[Event]], monkeypatch: pytest.MonkeyPatch, tamper: Callable[[], None]
) -> None:
    """verify checks the rows a chunk at a time inside each fetched batch, carrying the previous hash and
    the expected seq over: a bad event on either side of a boundary is named the same way."""
    make_events(8)
    checkpoint_create()
    tamper()
    expected = verify_log().problems
    assert expected
    for fetch, chunk in [(1, 1), (2, 2), (3, 2), (4, 4), (5, 2), (8, 3)]:
        monkeypatch.setattr("diwan.audit.verify.CHUNK", chunk)
        assert verify_log(fetch=fetch).problems == expected, (fetch, chunk)
