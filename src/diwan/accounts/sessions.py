"""Database sessions that write once per sign-in.

Django's `cycle_key()` (called by `login()`) INSERTs a new row at once and the response then UPDATEs it with
the signed-in data: two write transactions on the hottest staff path (bench/login.py). Here the new key is
chosen when the response saves the session, so a sign-in costs one INSERT. The old row is still deleted at
once, so a fixated key dies immediately.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
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
