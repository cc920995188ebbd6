"""Sealing: one chain, seq contiguous, hashes recomputable from the stored bytes."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from enum import StrEnum

import pytest
from django.db import transaction

from diwan.audit.actions import events_seal, events_seal_all, record_event
from diwan.audit.chain import GENESIS, canonical_body, format_time
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
