"""Django's PostgreSQL backend, with a connection health check that needs no round trip when it can.

With persistent connections and CONN_HEALTH_CHECKS, Django runs `SELECT 1` at the first query of every
request to find out whether the server is still there: one more round trip and statement per request, on
every page (bench/casework.py). An idle connection to PostgreSQL receives nothing unasked, so its socket
becomes readable only when the server has closed it or is telling it why it will (restart, termination,
idle timeout). Here the check looks at the socket first (a non-blocking `select`, no I/O) and runs Django's
`SELECT 1` only if the connection is not idle, not in a good state, or has something to read; a dead
connection is therefore still found and replaced before the request uses it. A link that silently drops
packets is found by neither check (the query would wait for TCP's timeout either way).
"""

from __future__ import annotations

import select
from typing import Any

from django.db.backends.postgresql import base
from psycopg import pq


def _quietly_idle(connection: Any) -> bool:
    if connection.closed or connection.pgconn.status != pq.ConnStatus.OK:
        return False
    if connection.info.transaction_status != pq.TransactionStatus.IDLE:
        return False
    readable, _, _ = select.select([connection.fileno()], [], [], 0)
    return not readable


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        # health_check_enabled/_done are Django's (set at connect and per request; not in django-stubs).
        state: Any = self
        if (
            self.connection is not None
            and state.health_check_enabled
            and not state.health_check_done
            and not self.pool
            and _quietly_idle(self.connection)
        ):
            state.health_check_done = True
            return
        super().close_if_health_check_failed()
