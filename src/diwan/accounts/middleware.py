"""Staff session limits: idle timeout (15 min), absolute lifetime (8 h), and "sign out everywhere".

The staff sign-in (diwan.backoffice.signin_views) stores SESSION_STARTED, SESSION_SEEN and SESSION_EPOCH
when the session is created; a session whose epoch is older than the user's (after "sign out everywhere"
or a password change) is signed out on its next request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.functional import LazyObject, empty

from diwan.core import clock

SESSION_STARTED = "diwan_started_at"
SESSION_SEEN = "diwan_seen_at"
SESSION_EPOCH = "diwan_epoch"


def unwrapped(user: Any) -> Any:
    """The object a lazy `request.user` stands for, once it has been read; anything else as it is."""
    if isinstance(user, LazyObject):
        wrapped = user._wrapped
        return user if wrapped is empty else wrapped
    return user


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        signed_in = (
            user.is_authenticated
        )  # reads the session and the user (AuthenticationMiddleware's lazy user)
        # From here on the user itself, not the lazy wrapper: it has been read, and every later attribute
        # read through the wrapper costs a Python-level indirection (4 % of "My applications", py-spy).
        request.user = user = unwrapped(user)
        if signed_in:
            session = request.session
            now = int(clock.now().timestamp())  # the one clock, so tests can move it
            expired = session.get(SESSION_EPOCH, 0) != getattr(user, "session_epoch", 0)
            if getattr(user, "kind", None) == "staff":
                started = session.get(SESSION_STARTED, now)
                seen = session.get(SESSION_SEEN, now)
                expired = expired or now - seen > settings.DIWAN_STAFF_IDLE_SECONDS
                expired = expired or now - started > settings.DIWAN_STAFF_ABSOLUTE_SECONDS
                if not expired:
                    session.setdefault(SESSION_STARTED, now)
                    # Write at most once a minute so every request does not save the session.
                    if now - seen >= 60 or SESSION_SEEN not in session:
                        session[SESSION_SEEN] = now
            if expired:
                logout(request)
                request.session_expired = True  # type: ignore[attr-defined]
        return self.get_response(request)
