"""verify's streaming read (also the bench's bare walk): every row once, in order, in batches; an error
in the middle reaches the caller; stopping early leaves the connection usable."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing

import psycopg
import pytest
from django.db import connection, transaction

from diwan.audit.models import Event
from diwan.audit.verify import CHAIN_SQL, stream

pytestmark = pytest.mark.django_db

BODIES = "SELECT s.seq, e.body FROM audit_seal s JOIN audit_event e ON e.id = s.event_id ORDER BY s.seq"


def _plain(sql: str) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor.fetchall()]


@pytest.mark.parametrize("fetch", [1, 3, 7, 100])
def test_every_row_in_order_in_batches(make_events: Callable[..., list[Event]], fetch: int) -> None:
    make_events(7)
    with transaction.atomic():
        batches = list(stream(BODIES, fetch))
    assert all(0 < len(batch) <= fetch for batch in batches)
    rows = [row for batch in batches for row in batch]
    assert rows == _plain(BODIES)
    assert all(type(body) is bytes for _, body in rows)


@pytest.mark.postgres
def test_the_chain_query_arrives_as_bytes(make_events: Callable[..., list[Event]]) -> None:
    make_events(3)
    with transaction.atomic():
        rows = [row for batch in stream(CHAIN_SQL, 2) for row in batch]
    assert [tuple(map(type, row)) for row in rows] == [(bytes, bytes)] * 3
    assert [data[32:40] for _, data in rows] == [seq.to_bytes(8, "big") for seq in (1, 2, 3)]


@pytest.mark.postgres
def test_an_error_in_a_later_batch_reaches_the_caller(make_events: Callable[..., list[Event]]) -> None:
    make_events(5)
    failing = "SELECT seq, 1 / (4 - seq) FROM audit_seal ORDER BY seq"  # seq 4 divides by zero
    seen: list[tuple[object, ...]] = []

    def read() -> None:
        with transaction.atomic():
            for batch in stream(failing, 2):
                seen.extend(batch)

    with pytest.raises(psycopg.errors.DivisionByZero):
        read()
    assert [row[0] for row in seen] == [1, 2]
    assert _plain("SELECT 1") == [(1,)]


@pytest.mark.postgres
def test_stopping_early_leaves_the_connection_usable(make_events: Callable[..., list[Event]]) -> None:
    make_events(6)
    with transaction.atomic():
        with closing(stream(BODIES, 2)) as batches:
            first = next(batches)
        assert [row[0] for row in first] == [1, 2]
        # The server-side cursor is closed and nothing else is reading: the next query runs normally.
        assert _plain("SELECT count(*) FROM audit_seal") == [(6,)]
        assert len([row for batch in stream(BODIES, 4) for row in batch]) == 6
