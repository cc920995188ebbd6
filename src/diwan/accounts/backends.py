"""Authentication backend: staff by username + password (the TOTP step follows in the view);
citizens are signed in by the one-time-code and eID actions, never by password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from diwan.accounts.models import User, UserKind


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
        try:
            user = User.objects.get(username=username, kind=UserKind.STAFF)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check, so timing does not reveal usernames
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
