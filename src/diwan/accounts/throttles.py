"""Sign-in throttles: fixed-window counters shared by every worker process, counted in the database.

`hit(key, window)` counts one attempt and returns the count in the key's current window, in one atomic
statement (an INSERT ... ON CONFLICT DO UPDATE ... RETURNING, on PostgreSQL and on SQLite): callers count
first and decide on the returned number, so requests that arrive together each see their own count and
no more than the limit get through; `count(key)` reads without counting. Why not Django's cache: its
`incr` is a get and a set on every backend but Redis and memcached, so two requests could read the same
count, and the set gave the key the cache's default timeout, which shortened the window after the
second attempt.
"""

from __future__ import annotations

import secrets

from django.db import connection

from diwan.accounts.models import Throttle
from diwan.core import clock

# About one hit in this many also deletes the rows whose window is over, so keys that never come back
# (a phone tried once) do not pile up; a key that comes back starts a new window in hit() itself.
SWEEP_ONE_IN = 1000


def _table() -> str:
    return connection.ops.quote_name(Throttle._meta.db_table)


def hit(key: str, window: int) -> int:
    """Count one attempt under `key` and return the count in its current window of `window` seconds
    (1 for the first attempt of a window)."""
    now = int(clock.now().timestamp())
    table = _table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, count, window_ends) VALUES (%s, 1, %s) "  # noqa: S608 (model's table)
            f"ON CONFLICT (key) DO UPDATE SET "
            f"count = CASE WHEN {table}.window_ends <= %s THEN 1 ELSE {table}.count + 1 END, "
            f"window_ends = CASE WHEN {table}.window_ends <= %s THEN excluded.window_ends "
            f"ELSE {table}.window_ends END "
            f"RETURNING count",
            [key, now + window, now, now],
        )
        row = cursor.fetchone()
        if secrets.randbelow(SWEEP_ONE_IN) == 0:
            cursor.execute(f"DELETE FROM {table} WHERE window_ends <= %s", [now])  # noqa: S608
    return int(row[0])


def count(key: str) -> int:
    """The attempts counted under `key` in its current window (0 if none)."""
    now = int(clock.now().timestamp())
    with connection.cursor() as cursor:  # read on every staff sign-in: no ORM query to build each time
        cursor.execute(
            f"SELECT count FROM {_table()} WHERE key = %s AND window_ends > %s",  # noqa: S608 (model's table)
            [key, now],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0
