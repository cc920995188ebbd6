"""Staff actions: creation with the NIST rules, TOTP enrolment and confirmation, lockout."""

from __future__ import annotations

import datetime as dt

import pytest

from diwan.accounts import mfa
from diwan.accounts.actions.staff import staff_create, totp_confirm, totp_enrol
from diwan.accounts.models import TOTPDevice, User
from diwan.audit.models import Event
from diwan.core.errors import RateLimited, ValidationFailed

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "river palm bridge lantern seven"
FIXED_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def make_staff(username: str = "layla.hassan") -> User:
    return staff_create(actor=None, username=username, full_name_ar="ليلى حسن", password=GOOD_PASSWORD)


def test_staff_create_hashes_with_owasp_argon2id_and_audits() -> None:
    user = make_staff()
    assert user.kind == "staff"
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(GOOD_PASSWORD)
    assert user.password_changed_at is not None
    assert Event.objects.filter(event_type="accounts.staff.created", objects_ref__user=user.pk).exists()


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short pass 12", "too short"),
        ("passwordpassword", "common"),
        ("layla.hassan-is-my-password", "contains the username"),
        ("a" * 200, "too long"),
    ],
)
def test_staff_create_refuses_weak_passwords(password: str, why: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        staff_create(actor=None, username="layla.hassan", full_name_ar="ليلى حسن", password=password)
    assert caught.value.field == "password", why
    assert not User.objects.filter(username="layla.hassan").exists()


def test_staff_create_refuses_duplicate_username_and_bad_input() -> None:
    make_staff()
    with pytest.raises(ValidationFailed):
        make_staff("Layla.Hassan")
    with pytest.raises(ValidationFailed):
        staff_create(actor=None, username="x", full_name_ar="س", password=GOOD_PASSWORD)
    with pytest.raises(ValidationFailed):
        staff_create(actor=None, username="okname", full_name_ar=" ", password=GOOD_PASSWORD)
    with pytest.raises(ValidationFailed):
        staff_create(
            actor=None, username="okname", full_name_ar="س", password=GOOD_PASSWORD, national_id="123"
        )
    assert User.objects.count() == 1


def test_totp_enrol_with_fixed_secret_then_confirm() -> None:
    user = make_staff()
    device = totp_enrol(actor=None, user=user, secret=FIXED_SECRET)
    assert device.secret == FIXED_SECRET
    assert device.confirmed_at is None
    confirmed = totp_confirm(actor=user, user=user, code=mfa.current_code(FIXED_SECRET))
    assert confirmed.confirmed_at is not None
    assert confirmed.last_used_step == mfa.current_step()
    assert Event.objects.filter(event_type="accounts.mfa.enrolled").count() == 1


def test_totp_secret_is_encrypted_at_rest() -> None:
    from django.db import connection

    user = make_staff()
    totp_enrol(actor=None, user=user, secret=FIXED_SECRET)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice")
        (stored,) = cursor.fetchone()
    assert FIXED_SECRET not in stored


def test_totp_confirm_refuses_wrong_code_and_counts_failure() -> None:
    user = make_staff()
    totp_enrol(actor=None, user=user, secret=FIXED_SECRET)
    wrong = "000000" if mfa.current_code(FIXED_SECRET) != "000000" else "111111"
    with pytest.raises(ValidationFailed):
        totp_confirm(actor=user, user=user, code=wrong)
    user.refresh_from_db()
    assert user.failed_logins == 1
    assert TOTPDevice.objects.get(user=user).confirmed_at is None
    assert Event.objects.filter(event_type="accounts.mfa.failed").count() == 1


def test_five_wrong_codes_lock_the_account() -> None:
    user = make_staff()
    totp_enrol(actor=None, user=user, secret=FIXED_SECRET)
    wrong = "000000" if mfa.current_code(FIXED_SECRET) != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            totp_confirm(actor=user, user=user, code=wrong)
    with pytest.raises(RateLimited):
        totp_confirm(actor=user, user=user, code=mfa.current_code(FIXED_SECRET))
    user.refresh_from_db()
    assert user.locked_until is not None
    assert user.locked_until - dt.timedelta(minutes=14) > user.date_joined
    assert Event.objects.filter(event_type="accounts.staff.locked").count() == 1


def test_totp_enrol_refuses_bad_secret() -> None:
    user = make_staff()
    with pytest.raises(ValidationFailed):
        totp_enrol(actor=None, user=user, secret="not base32 !!")


def test_matching_step_refuses_a_step_already_used() -> None:
    step = mfa.current_step()
    code = mfa.code_at(FIXED_SECRET, step)
    assert mfa.matching_step(FIXED_SECRET, code, last_used_step=step - 5) == step
    assert mfa.matching_step(FIXED_SECRET, code, last_used_step=step) is None
    assert mfa.matching_step(FIXED_SECRET, "12 34", last_used_step=0) is None


def test_two_concurrent_uses_of_one_code_succeed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both requests read the device before either wrote: the conditional UPDATE admits only one."""
    from diwan.accounts.actions import staff as staff_actions

    user = make_staff()
    totp_enrol(actor=None, user=user, secret=FIXED_SECRET)
    TOTPDevice.objects.filter(user=user).update(confirmed_at=user.date_joined)
    stale = mfa.matching_step
    monkeypatch.setattr(
        staff_actions.mfa,
        "matching_step",
        lambda secret, code, last_used_step: stale(secret, code, last_used_step=0),
    )
    code = mfa.current_code(FIXED_SECRET)
    staff_actions.staff_check_totp(user=user, code=code)
    with pytest.raises(ValidationFailed):
        staff_actions.staff_check_totp(user=user, code=code)
    assert Event.objects.filter(event_type="accounts.staff.signed_in").count() == 1
