"""Concurrent writers and concurrent sealers on PostgreSQL produce one chain: no fork, seq contiguous."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from diwan.audit.actions import events_seal, events_seal_all, record_event
from diwan.audit.chain import GENESIS
from diwan.audit.models import Event, Seal
from diwan.audit.verify import verify_log
from tests.audit.conftest import SampleEvent

WRITERS = 8
PER_WRITER = 60
SEALERS = 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_writers_and_three_sealers_make_one_chain() -> None:
    errors: list[BaseException] = []
    writers_done = threading.Event()
    start = threading.Barrier(WRITERS + SEALERS)

    def writer(number: int) -> None:
        try:
            start.wait()
            for i in range(PER_WRITER):
                with transaction.atomic():
                    record_event(event_type=SampleEvent.THING_DONE, details={"writer": number, "i": i})
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)
        finally:
            connection.close()

    def sealer() -> None:
        try:
            start.wait()
            while not writers_done.is_set():
                events_seal(limit=7)  # small batches: many sealing transactions race the writers
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    writer_threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    sealer_threads = [threading.Thread(target=sealer) for _ in range(SEALERS)]
    for thread in writer_threads + sealer_threads:
        thread.start()
    for thread in writer_threads:
        thread.join(timeout=120)
    writers_done.set()
    for thread in sealer_threads:
        thread.join(timeout=120)
    assert errors == []
    events_seal_all()

    total = WRITERS * PER_WRITER
    rows = list(Seal.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    assert Event.objects.count() == total
    assert len(rows) == total
    assert [seq for seq, _, _ in rows] == list(range(1, total + 1))
    predecessors = Counter(bytes(prev) for _, prev, _ in rows)
    assert max(predecessors.values()) == 1, "a hash has two successors: the chain forked"
    hashes = {bytes(h) for _, _, h in rows}
    # Every hash but the head has exactly one successor, and the first event follows the genesis hash.
    assert set(predecessors) - hashes == {GENESIS}
    assert len(hashes - set(predecessors)) == 1
    report = verify_log()
    assert report.ok, report.problems
    assert report.events == total
