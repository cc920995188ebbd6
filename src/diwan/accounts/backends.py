"""Authentication backend: staff by username + password (the TOTP step follows in the view);
citizens are signed in by the one-time-code and eID actions, never by password.

The staff sign-in view uses diwan.accounts.actions.staff.staff_check_password (lockout, throttling,
audit); this backend serves `login(..., backend=...)` and anything that calls `authenticate()`, and
refuses locked and inactive accounts too.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from diwan.accounts.models import User, UserKind
from diwan.accounts.user_loader import load_user
from diwan.core import clock


class DiwanBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        user = User.objects.filter(username__iexact=username.strip(), kind=UserKind.STAFF).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal usernames
            return None
        if user.locked_until is not None and user.locked_until > clock.now():
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        """As ModelBackend's (inactive users are refused), read with one fixed statement (user_loader)."""
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
