"""Sealing: one chain, seq contiguous, hashes recomputable from the stored bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest
from django.db import DatabaseError, DataError, connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from diwan.audit.actions import events_seal, events_seal_all, record_event
from diwan.audit.chain import GENESIS, canonical_body, canonical_body_parts, format_time
from diwan.audit.models import Event, Seal
from diwan.core.middleware import RequestContext, current
from tests.audit.conftest import SampleEvent

pytestmark = pytest.mark.django_db


def test_record_event_inserts_unsealed_and_the_sealer_chains_it(
    make_events: Callable[..., list[Event]],
) -> None:
    make_events(3, seal=False)
    assert Event.objects.filter(seal__isnull=True).count() == 3
    assert events_seal(limit=2) == 2
    assert events_seal(limit=2) == 1
    assert events_seal(limit=2) == 0
    rows = list(Event.objects.select_related("seal").order_by("seal__seq"))
    assert [e.seq for e in rows] == [1, 2, 3]
    prev = GENESIS
    for event in rows:
        assert event.seq is not None
        assert bytes(event.seal.prev_hash) == prev
        expected = hashlib.sha256(prev + event.seq.to_bytes(8, "big") + bytes(event.body)).digest()
        assert bytes(event.seal.hash) == expected
        prev = expected


def test_body_is_the_canonical_form_of_the_columns() -> None:
    token = current.set(RequestContext(request_id="r" * 32, ip="::FFFF:10.0.0.1", user_agent="UA"))
    try:
        with transaction.atomic():
            event = record_event(
                event_type=SampleEvent.THING_READ,
                details={"z": 1, "a": "كوردی"},
                objects={"case": 7},
                data_subject=5,
            )
    finally:
        current.reset(token)
    event.refresh_from_db()
    assert event.ip == "::ffff:10.0.0.1"
    assert list(event.details) == ["a", "z"]
    assert bytes(event.body) == canonical_body(
        occurred_at=event.occurred_at,
        event_type=event.event_type,
        actor_id=None,
        actor_label="",
        acting_for="",
        office_id=None,
        ip="::ffff:10.0.0.1",
        user_agent="UA",
        request_id="r" * 32,
        objects={"case": 7},
        data_subject_id=5,
        purpose="",
        details={"a": "كوردی", "z": 1},
        salt=json.loads(bytes(event.body))["salt"],
    )
    assert len(json.loads(bytes(event.body))["salt"]) == 32
    assert format_time(event.occurred_at).encode() in bytes(event.body)
    assert bytes(event.body).isascii()


def test_event_type_must_be_shaped_area_subject_verb() -> None:
    class Wrong(StrEnum):
        X = "Thing-Done"

    with pytest.raises(ValueError, match=r"area\.subject\.verb"):
        record_event(event_type=Wrong.X)
    assert Event.objects.count() == 0


def test_a_rolled_back_change_leaves_no_event() -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            record_event(event_type=SampleEvent.THING_DONE)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert Event.objects.count() == 0
    assert events_seal_all() == 0


def test_sealing_continues_an_existing_chain(make_events: Callable[..., list[Event]]) -> None:
    make_events(2)
    make_events(2)
    assert list(Seal.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4]
    heads = list(Seal.objects.order_by("seq").values_list("prev_hash", "hash"))
    for (_, previous), (link, _) in itertools.pairwise(heads):
        assert bytes(link) == bytes(previous)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(max_size=40),
    number=st.none() | st.integers(min_value=-(2**63), max_value=2**63 - 1),
    values=st.dictionaries(
        st.text(max_size=8),
        st.recursive(
            st.none()
            | st.booleans()
            | st.integers()
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
            ),
            max_leaves=8,
        ),
        max_size=4,
    ),
)
def test_the_fast_body_is_the_canonical_body(text: str, number: int | None, values: dict[str, Any]) -> None:
    """record_event joins the encoded values instead of encoding a dict: the bytes must be the same."""
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    common: dict[str, Any] = {
        "event_type": text,
        "actor_id": number,
        "actor_label": text,
        "acting_for": text[::-1],
        "office_id": number,
        "ip": text or None,
        "user_agent": text,
        "request_id": text,
        "data_subject_id": number,
        "purpose": text,
        "salt": text,
    }
    extra = {"when": dt.date(2026, 5, 1), "fee": Decimal("12.50")}
    for objects, details in [(values, {**values, **extra}), ({}, {})]:
        body, objects_json, details_json = canonical_body_parts(
            occurred_at=format_time(moment), objects=objects, details=details, **common
        )
        assert body == canonical_body(occurred_at=moment, objects=objects, details=details, **common)
        document = json.loads(body)
        assert json.loads(objects_json) == document["objects"]
        assert json.loads(details_json) == document["details"]


def test_record_event_returns_what_the_row_holds() -> None:
    details = {"b": [1, {"z": 2, "a": None}], "a": dt.date(2026, 5, 1), "fee": Decimal("1.50")}
    with transaction.atomic():
        event = record_event(event_type=SampleEvent.THING_READ, objects={"y": 1, "x": 2}, details=details)
    stored = Event.objects.get(pk=event.pk)
    assert (event.objects_ref, event.details) == (stored.objects_ref, stored.details)
    assert list(event.details) == ["a", "b", "fee"]
    assert event.details["a"] == "2026-05-01"
    assert (event.occurred_at, event.event_type) == (stored.occurred_at, stored.event_type)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pipeline", [True, False], ids=["libpq-pipeline", "two-round-trips"])
def test_record_event_starts_the_transaction_when_it_comes_first(
    pipeline: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prepared-statement path sends BEGIN itself when no statement ran yet in the transaction (with
    the INSERT in one round trip on libpq 14+, before it otherwise)."""
    from psycopg import pq

    monkeypatch.setattr("diwan.audit.actions._PG_PIPELINE", pipeline)

    def change_that_fails() -> None:
        with transaction.atomic():
            assert connection.connection.pgconn.transaction_status == pq.TransactionStatus.IDLE
            record_event(event_type=SampleEvent.THING_DONE, details={"n": 1})
            raise RuntimeError("the change failed")

    class TooLong(StrEnum):
        X = "tests.thing." + "x" * 80  # well shaped, longer than the column

    connection.ensure_connection()
    with pytest.raises(RuntimeError):
        change_that_fails()
    with pytest.raises(DataError), transaction.atomic():
        record_event(event_type=TooLong.X)  # fails in the same round trip as its BEGIN
    assert Event.objects.count() == 0
    with transaction.atomic():
        record_event(event_type=SampleEvent.THING_DONE)
    record_event(event_type=SampleEvent.THING_READ)  # autocommit: no BEGIN, committed at once
    assert connection.connection.pgconn.transaction_status == pq.TransactionStatus.IDLE
    assert Event.objects.count() == 2


@pytest.mark.postgres
def test_record_event_errors_are_django_errors_and_roll_back() -> None:
    class TooLong(StrEnum):
        X = "tests.thing." + "x" * 80  # well shaped, longer than the column

    with pytest.raises(DataError), transaction.atomic():
        record_event(event_type=TooLong.X)
    with transaction.atomic():
        record_event(event_type=SampleEvent.THING_DONE)
    assert list(Event.objects.values_list("event_type", flat=True)) == [SampleEvent.THING_DONE]


@pytest.mark.postgres
def test_a_deallocated_statement_fails_once_then_is_prepared_again() -> None:
    with transaction.atomic():
        record_event(event_type=SampleEvent.THING_DONE)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with pytest.raises(DatabaseError), transaction.atomic():
        record_event(event_type=SampleEvent.THING_DONE)
    with transaction.atomic():
        record_event(event_type=SampleEvent.THING_READ)
    assert Event.objects.count() == 2


def test_watched_queries_see_the_insert() -> None:
    """With a debug cursor (query counting, DEBUG) the insert goes through Django's cursor and is seen."""
    with CaptureQueriesContext(connection) as queries:
        record_event(event_type=SampleEvent.THING_DONE)
    assert [q["sql"].split(" (")[0] for q in queries.captured_queries] == ["INSERT INTO audit_event"]
    assert Event.objects.count() == 1
