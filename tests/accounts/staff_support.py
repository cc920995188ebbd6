"""Helpers for the staff sign-in tests: a movable clock (a fake of the outside world's time) and a
staff member with a known password and authenticator secret."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from diwan.accounts import mfa
from diwan.accounts.actions.staff import staff_create, totp_confirm, totp_enrol
from diwan.accounts.models import User

PASSWORD = "river palm bridge lantern seven"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SIGN_IN = "/en/account/staff/sign-in/"
VERIFY = "/en/account/staff/verify/"
ENROL = "/en/account/staff/set-up-authenticator/"
HOME = "/en/office/"


class FakeClock:
    """Replaces diwan.core.clock.now; starts at the real time and moves only when told."""

    def __init__(self) -> None:
        self.current = timezone.now()

    def now(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += dt.timedelta(**delta)

    def next_step(self) -> None:
        """Move to the start of the next 30-second TOTP step (so a fresh code is not a replay)."""
        step = int(self.current.timestamp()) // mfa.INTERVAL + 1
        self.current = dt.datetime.fromtimestamp(step * mfa.INTERVAL + 1, tz=dt.UTC)


def make_staff(username: str = "layla.hassan", *, enrolled: bool = True, **extra: Any) -> User:
    user = staff_create(actor=None, username=username, full_name_ar="ليلى حسن", password=PASSWORD, **extra)
    if enrolled:
        totp_enrol(actor=None, user=user, secret=SECRET)
        totp_confirm(actor=None, user=user, code=mfa.current_code(SECRET))
    user.refresh_from_db()
    return user


def password_step(client: Client, username: str = "layla.hassan", password: str = PASSWORD) -> Any:
    return client.post(SIGN_IN, {"username": username, "password": password})


def sign_in(client: Client, clock: FakeClock, username: str = "layla.hassan") -> None:
    """Both factors, at a fresh TOTP step."""
    clock.next_step()
    response = password_step(client, username)
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == VERIFY
    response = client.post(VERIFY, {"code": mfa.current_code(SECRET)})
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == HOME
