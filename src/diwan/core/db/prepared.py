"""Hot statements run as prepared statements on PostgreSQL: parsed and planned once per connection.

Django binds parameters on the client and psycopg's automatic preparation of every statement is off
(config/settings.py says why). The few statements run on every request or every submission — the compiled
reads and writes of `core.queries`, the session read and the user read — are fixed texts with parameters,
so each connection prepares them the first time and then only binds and executes: on "My applications"
and a submission, PostgreSQL's parse and plan were about 40 % of its CPU per statement (bench/casework.py,
bench/README.md).

psycopg does the work: a server-side-binding cursor on Django's connection, `execute(..., prepare=True)`.
Its statement cache belongs to the connection and is emptied (`DEALLOCATE ALL`) after a rollback, so a
statement is prepared again when needed. Where Django must see the statement — queries being logged
(DEBUG, tests counting queries) or execute wrappers installed — or on another database, the statement goes
through Django's cursor as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg.pq import ExecStatus

# psycopg prepares only when its threshold is set; with client-side binding (Django's default cursor) it
# never prepares anything, so this enables preparation for the cursors of this module alone.
PREPARE_THRESHOLD = 1_000_000
TUPLES_OK = ExecStatus.TUPLES_OK


def execute(connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any]) -> tuple[list[Any], int]:
    """Run one statement (`%s` placeholders); returns (rows, rowcount) — rows empty when it returns none."""
    if connection.vendor != "postgresql" or connection.queries_logged or connection.execute_wrappers:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return (cursor.fetchall() if cursor.description else []), cursor.rowcount
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = PREPARE_THRESHOLD
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, params, prepare=True)
        # Whether rows came back, from the result's status: `cursor.description` would build a Column
        # object per column on every call (5 % of "My applications" in a worker, py-spy).
        result = cursor.pgresult
        returned_rows = result is not None and result.status == TUPLES_OK
        return (cursor.fetchall() if returned_rows else []), cursor.rowcount
