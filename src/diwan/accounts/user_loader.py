"""The signed-in user of every request, read with one fixed statement.

Django's `ModelBackend.get_user()` builds `User.objects.get(pk=...)` through the ORM on every request of a
signed-in person: about 0.25 ms of CPU to compile the same statement again (py-spy and cProfile of the
citizen's "my applications" page and of the submit POST, bench/casework.py). `load_user()` runs that
statement as fixed SQL and turns the row into a `User` with the same converters the ORM applies (encrypted
fields are decrypted, SQLite dates parsed), so the result is the instance `get()` would have returned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, router

from diwan.accounts.models import User

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Statement:
    sql: str
    attnames: list[str]
    converters: list[tuple[int, Sequence[Converter], Any]]  # (column index, converters, column expression)


_STATEMENTS: dict[str, _Statement] = {}  # by database alias


def _statement(alias: str) -> _Statement:
    found = _STATEMENTS.get(alias)
    if found is None:
        connection = connections[alias]
        quote = connection.ops.quote_name
        meta = User._meta
        table = meta.db_table
        fields = list(meta.concrete_fields)
        converters: list[tuple[int, Sequence[Converter], Any]] = []
        for index, field in enumerate(fields):
            column = field.get_col(table)
            functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if functions:
                converters.append((index, functions, column))
        columns = ", ".join(quote(str(field.column)) for field in fields)
        key = quote(str(meta.get_field("id").column))
        found = _STATEMENTS[alias] = _Statement(
            sql=f"SELECT {columns} FROM {quote(table)} WHERE {key} = %s",  # noqa: S608 (names from the model, the key as a parameter)
            attnames=[field.attname for field in fields],
            converters=converters,
        )
    return found


def load_user(user_id: Any) -> User | None:
    """The user with this primary key, or None."""
    alias = router.db_for_read(User)
    statement = _statement(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, functions, column in statement.converters:
        value = values[index]
        for function in functions:
            value = function(value, column, connection)
        values[index] = value
    return User.from_db(alias, statement.attnames, values)
