"""core.db.prepared: on PostgreSQL a hot statement is prepared once per connection and then only bound and
executed; it keeps working after the transaction rolls back (psycopg's DEALLOCATE ALL); Django still sees
it whenever Django is watching statements; other databases run it through Django's cursor."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from diwan.core.db import prepared

pytestmark = pytest.mark.django_db

STATEMENT = "SELECT %s + 1, %s"


def _prepared_texts() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_is_prepared_once_then_bound(on_postgres: bool) -> None:
    rows, _count = prepared.execute(connection, STATEMENT, [41, "x"])
    assert rows == [(42, "x")]
    assert prepared.execute(connection, STATEMENT, [1, "y"])[0] == [(2, "y")]
    if on_postgres:
        texts = [text for text in _prepared_texts() if "+ 1" in text]
        assert texts == ["SELECT $1 + 1, $2"]  # one statement for both calls, parameters bound


@pytest.mark.django_db(transaction=True)
def test_it_keeps_working_after_a_rollback(on_postgres: bool) -> None:
    for value in (1, 2):
        with transaction.atomic():
            assert prepared.execute(connection, STATEMENT, [value, "in"])[0] == [(value + 1, "in")]
            transaction.set_rollback(True)  # ROLLBACK: psycopg forgets its statements (DEALLOCATE ALL)
    assert prepared.execute(connection, STATEMENT, [9, "after"])[0] == [(10, "after")]


def test_django_sees_the_statement_when_it_watches(on_postgres: bool) -> None:
    with CaptureQueriesContext(connection) as seen:
        assert prepared.execute(connection, STATEMENT, [1, "seen"])[0] == [(2, "seen")]
    assert len(seen.captured_queries) == 1
    assert "+ 1" in seen.captured_queries[0]["sql"]


def test_a_broken_transaction_is_refused_as_django_refuses_it(on_postgres: bool) -> None:
    if not on_postgres:
        pytest.skip("SQLite runs through Django's cursor, which refuses the same way")
    with transaction.atomic():
        with pytest.raises(DatabaseError), transaction.atomic(savepoint=False):
            prepared.execute(connection, "SELECT 1 / %s", [0])
        with pytest.raises(TransactionManagementError):
            prepared.execute(connection, STATEMENT, [1, "broken"])
        transaction.set_rollback(True)


def test_rows_and_row_counts_of_every_kind_of_statement(on_postgres: bool) -> None:
    """Rows come back only from a statement that returns them; a write without RETURNING gives none and
    its row count; a query matching nothing gives an empty list, not an error. (A SELECT's row count is
    the driver's: -1 on SQLite.)"""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE prepared_kinds (n integer)")
    assert prepared.execute(connection, "INSERT INTO prepared_kinds (n) VALUES (%s), (%s)", [1, 2]) == ([], 2)
    assert prepared.execute(connection, "UPDATE prepared_kinds SET n = n + %s", [10]) == ([], 2)
    assert prepared.execute(connection, "SELECT n FROM prepared_kinds WHERE n > %s", [99])[0] == []
    rows, _count = prepared.execute(connection, "SELECT n FROM prepared_kinds WHERE n > %s ORDER BY n", [0])
    assert rows == [(11,), (12,)]
    deleted = "DELETE FROM prepared_kinds WHERE n = %s RETURNING n"
    returned, _count = prepared.execute(connection, deleted, [11])
    assert returned == [(11,)]
