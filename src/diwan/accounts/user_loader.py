"""The signed-in user of every request, read with one fixed statement.

Django's `ModelBackend.get_user()` builds `User.objects.get(pk=...)` through the ORM on every request of a
signed-in person: about 0.25 ms of CPU to compile the same statement again (py-spy and cProfile of the
citizen's "my applications" page and of the submit POST, bench/casework.py). `load_user()` runs that
statement as fixed SQL and turns the row into a `User` with the same converters the ORM applies (encrypted
fields are decrypted, SQLite dates parsed: core.queries.ModelColumns), so the result is the instance `get()`
would have returned.

The session read (accounts.sessions) can read the user's row in the same statement as the session's, when
it already knows whose session it is: it then `offer()`s that row, and the next `load_user()` of the same
id in this thread takes it instead of running its own statement (one round trip less on every signed-in
request). An offer is taken at most once, only for the same id and database, and forgotten at the start
and the end of every request, so it never outlives the request whose session read it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import connections, router

from diwan.accounts.models import User
from diwan.core.db import prepared
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


_offers = threading.local()


def offer(user_id: Any, values: Sequence[Any], alias: str) -> None:
    """The row of user `user_id` (columns as `columns_of(User, alias).select`), just read from `alias`."""
    _offers.row = (user_id, alias, values)


def forget_offer(**kwargs: Any) -> None:
    _offers.__dict__.pop("row", None)


request_started.connect(forget_offer, dispatch_uid="diwan-user-offer-start")
request_finished.connect(forget_offer, dispatch_uid="diwan-user-offer-end")


def load_user(user_id: Any) -> User | None:
    """The user with this primary key, or None."""
    alias = router.db_for_read(User)
    offered = _offers.__dict__.pop("row", None)
    if offered is not None and offered[0] == user_id and offered[1] == alias:
        return columns_of(User, alias).instance(offered[2])
    rows, _count = prepared.execute(connections[alias], _sql(alias), [user_id])  # prepared on PostgreSQL
    return columns_of(User, alias).instance(rows[0]) if rows else None
