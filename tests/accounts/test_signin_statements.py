"""The staff sign-in's fixed statements (diwan.accounts.signin_statements) return what the ORM calls they
replace return, on the same rows: the same accounts for the same case-insensitive usernames (wildcards in
a username are plain characters), decrypted fields, the authenticator device (or its absence) loaded with
the user, the same replay-safe claim of a TOTP step, and last_login saved at sign-in."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.signals import user_logged_in
from django.db import DatabaseError, connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diwan.accounts.actions.staff import totp_enrol
from diwan.accounts.models import TOTPDevice, User, UserKind
from diwan.accounts.signin_statements import (
    claim_step,
    confirmed_device_of,
    record_last_login,
    staff_by_username,
)
from tests.accounts.staff_support import SECRET, FakeClock, make_staff, sign_in

pytestmark = pytest.mark.django_db


def _values(obj: Model | None) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _device_of(user: User) -> dict[str, Any] | None:
    try:
        return _values(user.totp_device)
    except TOTPDevice.DoesNotExist:
        return None


@pytest.fixture
def accounts() -> None:
    make_staff("layla.hassan", national_id="199012345678")  # confirmed authenticator, encrypted field
    make_staff("Omar_Ali", enrolled=False)  # no device
    unconfirmed = make_staff("sara.k", enrolled=False)
    totp_enrol(actor=None, user=unconfirmed, secret=SECRET)  # a device not confirmed yet
    User.objects.create(kind=UserKind.STAFF, username="percent%sign", full_name_ar="س")
    User.objects.create(kind=UserKind.STAFF, username="back\\slash", full_name_ar="س", is_active=False)
    # A citizen account with a username is never a staff sign-in.
    User.objects.create(
        kind=UserKind.CITIZEN, username="citizen.user", phone="+9647700000001", full_name_ar="م"
    )


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize(
    "username",
    [
        "layla.hassan",
        "LAYLA.Hassan",
        "omar_ali",
        "OMAR_ALI",
        "omarxali",  # "_" is not a wildcard
        "omar%",  # nor is "%"
        "sara.k",
        "percent%sign",
        "PERCENT%SIGN",
        "percentxsign",
        "back\\slash",
        "back\\\\slash",
        "citizen.user",
        "nobody",
        "layla.hassa",
    ],
)
def test_staff_by_username_is_the_orm_lookup(username: str) -> None:
    expected = User.objects.select_related("totp_device").filter(
        username__iexact=username, kind=UserKind.STAFF
    )
    orm = expected.first()
    with CaptureQueriesContext(connection) as queries:
        fixed = staff_by_username(username)
        fixed_device = _device_of(fixed) if fixed is not None else None  # already loaded: no query
    assert len(queries) == 1
    assert _values(fixed) == _values(orm)
    if orm is not None:
        assert fixed is not None
        assert fixed._state.adding is False
        assert fixed._state.db == orm._state.db
        assert fixed_device == _device_of(orm)
        if fixed_device is not None:
            assert fixed.totp_device.user is fixed  # both directions cached, as select_related does


@pytest.mark.usefixtures("accounts")
def test_the_encrypted_national_id_is_decrypted() -> None:
    user = staff_by_username("layla.hassan")
    assert user is not None
    assert user.national_id == "199012345678"
    assert user.totp_device.secret == SECRET


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize("username", ["layla.hassan", "Omar_Ali", "sara.k"])
def test_confirmed_device_of_is_the_orm_lookup(username: str) -> None:
    user = User.objects.get(username=username)
    orm = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    assert _values(confirmed_device_of(user)) == _values(orm)


def test_a_step_is_claimed_once_and_only_forward() -> None:
    user = make_staff()
    device = TOTPDevice.objects.get(user=user)
    step = device.last_used_step + 10
    assert claim_step(device, step) is True
    assert claim_step(device, step) is False  # the same code again: a replay
    assert claim_step(device, step - 1) is False  # an older one
    assert TOTPDevice.objects.get(pk=device.pk).last_used_step == step
    assert claim_step(device, step + 1) is True
    assert TOTPDevice.objects.get(pk=device.pk).last_used_step == step + 1


def test_sign_in_saves_last_login_with_the_fixed_statement(client: Client, clock: FakeClock) -> None:
    uids = {key[0] for key, *_ in user_logged_in.receivers}
    assert "diwan_record_last_login" in uids
    assert "update_last_login" not in uids  # Django's receiver, replaced: last_login is saved once
    user = make_staff()
    assert user.last_login is None
    sign_in(client, clock)
    user.refresh_from_db()
    assert user.last_login is not None
    assert abs((user.last_login - timezone.now()).total_seconds()) < 60


def test_last_login_of_a_vanished_account_fails_as_save_does() -> None:
    gone = User(pk=987654, kind=UserKind.STAFF, username="gone")
    with pytest.raises(DatabaseError):
        record_last_login(sender=User, user=gone)
