"""Database sessions that write once per sign-in and read and write with fixed statements.

Django's `cycle_key()` (called by `login()`) INSERTs a new row at once and the response then UPDATEs it with
the signed-in data: two write transactions on the hottest staff path (bench/login.py). Here the new key is
chosen when the response saves the session, so a sign-in costs one INSERT. The old row is still deleted at
once, so a fixated key dies immediately.

Every signed-in request reads its session. Django builds that read through the ORM (`Session.objects.get(
session_key=..., expire_date__gt=now)`), about 0.2 ms of CPU per request to compile the same statement
again (bench/casework.py, my applications). `load()` here runs that statement as fixed SQL instead, with the
same rules: only an unexpired row of that key counts, and a key with no such row is forgotten, so the
response never saves data under a key the client chose (no session fixation).

`save()` likewise writes with a fixed INSERT (new key) or UPDATE (existing key) instead of `Model.save()`:
both steps of a staff sign-in save the session, and the ORM's save path cost ~0.3 ms of CPU each time
(bench/login.py, py-spy). The rules are Django's: the write runs in its own atomic block, an INSERT that
hits an existing key raises CreateError (create() then draws another key), and an UPDATE that finds no row
(the session was deleted meanwhile, e.g. signed out elsewhere) or fails raises UpdateError, which the
session middleware turns into SessionInterrupted instead of recreating the row.

Decoding the row (base64, HMAC check, JSON) was about a third of the session read's CPU, the same work on
every reload of the same session. `load()` keeps what it decoded, by the exact stored text: a signed text
decodes to one value only, so a text this worker has verified once decodes the same way again, and any
other text (a new save, a forged or truncated one) is a different key and is verified as usual. Only data
made of plain values (str, int, float, bool, None) is kept, and each load gets a new dict, so a request
changing its session never changes what another request reads. Bounded (DECODED_MAX, cleared when full)
and cleared when a setting changes (SECRET_KEY, its fallbacks, the serializer).

Every signed-in request then reads its user (accounts.user_loader), a second round trip. Once this worker
has decoded a session, it remembers whose it was (by key, a hint only); the next read of that key also
reads that user's row, in the same statement (LEFT JOIN on the remembered id). The row is handed to the
user loader only if the session data just read and verified names that same user, so a wrong or stale
hint costs nothing but the unused columns; everything else (auth hash, epoch, timeouts, is_active) is
checked on that row exactly as on the row the loader would have read.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from diwan.accounts import user_loader
from diwan.accounts.models import User
from diwan.core.bounded import remember
from diwan.core.db import prepared
from diwan.core.queries import columns_of

# By database alias: the SELECT of load(), then the INSERT and the UPDATE of save(). The names come from the
# model, every value is a parameter.
_SQL: dict[str, tuple[str, str, str]] = {}


def _statements(alias: str, model: Any) -> tuple[str, str, str]:
    found = _SQL.get(alias)
    if found is None:
        quote = connections[alias].ops.quote_name
        meta = model._meta
        table = quote(meta.db_table)
        data, key, expires = (
            quote(meta.get_field(name).column) for name in ("session_data", "session_key", "expire_date")
        )
        found = _SQL[alias] = (
            f"SELECT {data} FROM {table} WHERE {key} = %s AND {expires} > %s",  # noqa: S608 (see above)
            f"INSERT INTO {table} ({data}, {expires}, {key}) VALUES (%s, %s, %s)",  # noqa: S608 (see above)
            f"UPDATE {table} SET {data} = %s, {expires} = %s WHERE {key} = %s",  # noqa: S608 (see above)
        )
    return found


_JOINED: dict[str, str] = {}  # by alias: the session's SELECT joined to the hinted user's row


def _joined_statement(alias: str, model: Any) -> str:
    found = _JOINED.get(alias)
    if found is None:
        quote = connections[alias].ops.quote_name
        meta, user_meta = model._meta, User._meta
        table, user_table = quote(meta.db_table), quote(user_meta.db_table)
        data, key, expires = (
            f"{table}.{quote(meta.get_field(name).column)}"
            for name in ("session_data", "session_key", "expire_date")
        )
        found = _JOINED[alias] = (
            f"SELECT {data}, {columns_of(User, alias).select} FROM {table} "  # noqa: S608 (names from the models, values as parameters)
            f"LEFT JOIN {user_table} ON {user_table}.{quote(str(user_meta.pk.column))} = %s "
            f"WHERE {key} = %s AND {expires} > %s"
        )
    return found


HINTS_MAX = 10_000
# Session key -> (the user id its data named, as stored; that id as the primary key's Python value).
_USER_OF: dict[str, tuple[str, Any]] = {}

DECODED_MAX = 10_000
_PLAIN = (str, int, float, bool, type(None))
# Stored session text -> its decoded items (only plain values, see above).
_DECODED: dict[str, tuple[tuple[str, Any], ...]] = {}


def _forget_kept(**kwargs: Any) -> None:
    _DECODED.clear()
    _USER_OF.clear()


setting_changed.connect(_forget_kept, dispatch_uid="diwan-sessions-decoded-clear")


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict[str, Any]:
        key = self.session_key
        if key is None:
            return {}
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        hint = _USER_OF.get(key)
        user_loader.forget_offer()
        if hint is None:  # a prepared statement on PostgreSQL (core.db.prepared): read on every request
            rows, _count = prepared.execute(connection, _statements(alias, self.model)[0], [key, now])
        else:
            rows, _count = prepared.execute(
                connection, _joined_statement(alias, self.model), [hint[1], key, now]
            )
        row = rows[0] if rows else None
        if row is None:  # unknown or expired: a new key is drawn if anything is saved
            self._session_key = None
            _USER_OF.pop(key, None)
            return {}
        data = self._decoded(row[0])
        named = data.get(SESSION_KEY)
        if named is None:
            _USER_OF.pop(key, None)
        elif hint is not None and hint[0] == named:
            user = row[1:]
            if user[columns_of(User, alias).pk_index] is not None:
                user_loader.offer(hint[1], user, alias)
        else:
            try:
                user_id = User._meta.pk.to_python(named)
            except ValidationError:
                user_id = None
            if user_id is not None:
                remember(_USER_OF, key, (named, user_id), HINTS_MAX)
        return data

    def _decoded(self, text: str) -> dict[str, Any]:
        items = _DECODED.get(text)
        if items is not None:
            return dict(items)
        data: dict[str, Any] = self.decode(text)  # {} if the signature or the format is wrong
        if data and all(type(value) in _PLAIN for value in data.values()):
            remember(_DECODED, text, tuple(data.items()), DECODED_MAX)
        return data

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        # Django's own helpers (what its save() calls); the stubs lack them.
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        key = self._get_or_create_session_key()  # type: ignore[attr-defined]
        alias = router.db_for_write(self.model)
        connection = connections[alias]
        _, insert, update = _statements(alias, self.model)
        params = [
            self.encode(data),
            connection.ops.adapt_datetimefield_value(self.get_expiry_date()),
            key,
        ]
        try:
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                cursor.execute(insert if must_create else update, params)
                if not must_create and cursor.rowcount != 1:
                    raise UpdateError  # the row is gone: do not bring the session back
        except IntegrityError as error:
            if must_create:
                raise CreateError from error
            raise
        except DatabaseError as error:
            if not must_create:
                raise UpdateError from error
            raise
        return None

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
