"""Database sessions that write once per sign-in and read with one prepared-shape query.

Django's `cycle_key()` (called by `login()`) INSERTs a new row at once and the response then UPDATEs it with
the signed-in data: two write transactions on the hottest staff path (bench/login.py). Here the new key is
chosen when the response saves the session, so a sign-in costs one INSERT. The old row is still deleted at
once, so a fixated key dies immediately.

Every signed-in request reads its session. Django builds that read through the ORM (`Session.objects.get(
session_key=..., expire_date__gt=now)`), about 0.2 ms of CPU per request to compile the same statement
again (bench/casework.py, my applications). `load()` here runs that statement as fixed SQL instead, with the
same rules: only an unexpired row of that key counts, and a key with no such row is forgotten, so the
response never saves data under a key the client chose (no session fixation).
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone
from django.utils.crypto import get_random_string

_LOAD_SQL: dict[str, str] = {}  # by database alias


def _load_sql(alias: str, model: Any) -> str:
    sql = _LOAD_SQL.get(alias)
    if sql is None:
        quote = connections[alias].ops.quote_name
        meta = model._meta
        data, key, expires = (
            quote(meta.get_field(name).column) for name in ("session_data", "session_key", "expire_date")
        )
        sql = _LOAD_SQL[alias] = (
            f"SELECT {data} FROM {quote(meta.db_table)} WHERE {key} = %s AND {expires} > %s"  # noqa: S608 (names from the model, values as parameters)
        )
    return sql


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        key = self.session_key
        if key is None:
            return {}
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(
                _load_sql(alias, self.model), [key, connection.ops.adapt_datetimefield_value(timezone.now())]
            )
            row = cursor.fetchone()
        if row is None:  # unknown or expired: a new key is drawn if anything is saved
            self._session_key = None
            return {}
        data: dict[str, Any] = self.decode(row[0])
        return data

    def cycle_key(self) -> None:
        data = dict(self.items())  # loads the current data (public API; the stubs lack _get_session)
        old_key = self.session_key
        self._session_key = None  # a fresh key is drawn at save(), which must create a new row
        self._session_cache = data
        self.modified = True
        if old_key:
            self.delete(old_key)

    def _get_new_session_key(self) -> str:
        # 32 characters from 36 (165 bits): a collision is not a practical event, and save(must_create=True)
        # still refuses one with CreateError, so the existence query before each insert is skipped.
        return get_random_string(32, VALID_KEY_CHARS)
