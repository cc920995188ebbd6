"""The signed-in user of every request, read with one fixed statement.

Django's `ModelBackend.get_user()` builds `User.objects.get(pk=...)` through the ORM on every request of a
signed-in person: about 0.25 ms of CPU to compile the same statement again (py-spy and cProfile of the
citizen's "my applications" page and of the submit POST, bench/casework.py). `load_user()` runs that
statement as fixed SQL and turns the row into a `User` with the same converters the ORM applies (encrypted
fields are decrypted, SQLite dates parsed: core.queries.ModelColumns), so the result is the instance `get()`
would have returned.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import connections, router

from diwan.accounts.models import User
from diwan.core.queries import columns_of

_local = threading.local()  # by thread, as core.queries.columns_of


def _sql(alias: str) -> str:
    by_alias: dict[str, str] = _local.__dict__.setdefault("by_alias", {})
    sql = by_alias.get(alias)
    if sql is None:
        quote = connections[alias].ops.quote_name
        meta = User._meta
        key = quote(str(meta.get_field("id").column))
        sql = by_alias[alias] = (
            f"SELECT {columns_of(User, alias).select} FROM {quote(meta.db_table)} WHERE {key} = %s"  # noqa: S608 (names from the model, the key as a parameter)
        )
    return sql


def load_user(user_id: Any) -> User | None:
    """The user with this primary key, or None."""
    alias = router.db_for_read(User)
    with connections[alias].cursor() as cursor:
        cursor.execute(_sql(alias), [user_id])
        row = cursor.fetchone()
    return None if row is None else columns_of(User, alias).instance(row)
