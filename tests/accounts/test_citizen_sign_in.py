"""Citizen sign-in by phone + one-time code, through HTTP as a browser would do it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from diwan.accounts.middleware import SESSION_EPOCH
from diwan.accounts.models import OneTimeCode, User, VerificationLevel
from diwan.audit.models import Event
from diwan.notifications.models import Message
from tests.accounts.citizen_support import (
    CODE,
    HOME,
    PROFILE,
    PROFILE_DATA,
    SIGN_IN,
    latest_code,
    make_citizen,
    request_code,
    sign_up,
)

pytestmark = pytest.mark.django_db


def events(event_type: str) -> int:
    return Event.objects.filter(event_type=event_type).count()


def test_sign_in_page_has_the_phone_question(client: Client) -> None:
    page = client.get(SIGN_IN).content.decode()
    assert 'type="tel"' in page
    assert 'autocomplete="tel"' in page
    assert "csrfmiddlewaretoken" in page


def test_first_sign_in_creates_the_citizen_and_signs_in(client: Client) -> None:
    before = client.cookies.get("sessionid")
    user = sign_up(client, "٠٧٧٠ ١٢٣ ٤٥٦٧")
    assert user.phone == "+9647701234567"
    assert user.kind == "citizen"
    assert user.full_name_ar == "زينب علي حسين"
    assert user.full_name_latin == "Zainab Ali Hussein"
    assert user.national_id == "199001234567"  # Arabic-Indic digits normalised
    assert user.national_id_index  # blind index for lookup
    assert user.verification_level == VerificationLevel.PHONE
    assert not user.has_usable_password()
    # encrypted at rest: the raw column does not contain the number
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id FROM accounts_user WHERE id = %s", [user.pk])
        stored = cursor.fetchone()[0]
    assert "199001234567" not in stored
    assert client.session[SESSION_EPOCH] == user.session_epoch
    assert client.cookies["sessionid"].value != (before.value if before else "")
    page = client.get(HOME)
    assert page.status_code == 200
    assert "زينب علي حسين" in page.content.decode()
    assert "••••••••4567" in page.content.decode()
    assert events("accounts.citizen.registered") == 1
    assert events("accounts.citizen.signed_in") == 1


def test_returning_citizen_goes_straight_in_and_session_key_changes(client: Client) -> None:
    citizen = make_citizen(phone="+9647801112233")
    assert request_code(client, "0780 111 2233").status_code == 302
    anonymous_key = client.session.session_key
    response = client.post(CODE, {"code": latest_code("+9647801112233")})
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert client.session.session_key != anonymous_key  # cycled: no session fixation
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert client.session[SESSION_EPOCH] == citizen.session_epoch
    assert "diwan_signin_phone" not in client.session
    assert Event.objects.filter(event_type="accounts.citizen.signed_in", actor_id=citizen.pk).exists()


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(client: Client) -> None:
    make_citizen(phone="+9647801112233")
    client.get(SIGN_IN + "?next=https://evil.example/steal")
    request_code(client, "07801112233")
    response = client.post(CODE, {"code": latest_code("+9647801112233")})
    assert response["Location"] == HOME


def test_same_answer_for_registered_and_unknown_phones(client: Client) -> None:
    make_citizen(phone="+9647801112233")
    known = request_code(Client(), "07801112233", REMOTE_ADDR="10.0.0.1")
    unknown = request_code(Client(), "07809998877", REMOTE_ADDR="10.0.0.2")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == CODE
    assert Message.objects.filter(recipient="+9647801112233").count() == 1
    assert Message.objects.filter(recipient="+9647809998877").count() == 1


def test_code_is_hashed_six_digits_and_expires_in_five_minutes(client: Client) -> None:
    request_code(client)
    issued = OneTimeCode.objects.get()
    code = latest_code("+9647701234567")
    assert len(code) == 6
    assert code.isdigit()
    assert code not in issued.code_hash
    assert (
        dt.timedelta(minutes=4, seconds=50) < issued.expires_at - issued.created_at <= dt.timedelta(minutes=5)
    )
    assert events("accounts.code.requested") == 1


def test_code_page_is_one_time_code_friendly(client: Client) -> None:
    request_code(client)
    page = client.get(CODE).content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    assert "0770 123 4567" in page


def test_malformed_phone_is_refused_and_nothing_is_sent(client: Client) -> None:
    response = request_code(client, "0720 123 4567")
    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page
    assert 'href="#id_phone"' in page
    assert "Mobile numbers start with 073 to 079" in page
    assert OneTimeCode.objects.count() == 0
    assert Message.objects.count() == 0


def test_wrong_code_is_refused_counted_and_audited(client: Client) -> None:
    request_code(client)
    code = latest_code("+9647701234567")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 400
    assert "The code is not correct" in response.content.decode()
    assert OneTimeCode.objects.get().attempts == 1
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(event_type="accounts.code.rejected", details__reason="wrong").exists()


def test_malformed_code_does_not_use_an_attempt(client: Client) -> None:
    request_code(client)
    response = client.post(CODE, {"code": "12ab"})
    assert response.status_code == 400
    assert "6 digits" in response.content.decode()
    assert OneTimeCode.objects.get().attempts == 0


def test_expired_code_is_refused(client: Client) -> None:
    request_code(client)
    code = latest_code("+9647701234567")
    OneTimeCode.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    response = client.post(CODE, {"code": code})
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_code_works_only_once(client: Client) -> None:
    citizen = make_citizen(phone="+9647801112233")
    request_code(client, "07801112233")
    code = latest_code("+9647801112233")
    assert client.post(CODE, {"code": code}).status_code == 302
    client.post("/en/account/sign-out/")
    other = Client()
    other.session  # noqa: B018 - start a session
    request_code(other, "07801112233")
    # the attacker replays the old code after a new one was requested: still refused
    refused = other.post(CODE, {"code": code})
    assert refused.status_code == 400
    assert "_auth_user_id" not in other.session
    # and the very same code cannot be used twice even if it is the latest
    OneTimeCode.objects.exclude(pk=OneTimeCode.objects.order_by("id").first().pk).delete()  # type: ignore[union-attr]
    again = other.post(CODE, {"code": code})
    assert again.status_code == 400
    assert "already been used" in again.content.decode()
    assert citizen.pk  # unchanged


def test_five_wrong_codes_lock_the_code_even_for_the_right_one(client: Client) -> None:
    request_code(client)
    code = latest_code("+9647701234567")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert client.post(CODE, {"code": wrong}).status_code == 400
    response = client.post(CODE, {"code": code})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_three_codes_per_phone_then_429(client: Client) -> None:
    for number in range(3):
        assert request_code(Client(), "07701234567", REMOTE_ADDR=f"10.0.1.{number}").status_code == 302
    response = request_code(Client(), "07701234567", REMOTE_ADDR="10.0.1.99")
    assert response.status_code == 429
    assert "Wait 15 minutes" in response.content.decode()
    assert OneTimeCode.objects.count() == 3
    assert Event.objects.filter(event_type="accounts.code.throttled", details__scope="phone").exists()


def test_resend_counts_against_the_phone_limit(client: Client) -> None:
    request_code(client)
    assert client.post(CODE, {"resend": "1"}).status_code == 200
    assert client.post(CODE, {"resend": "1"}).status_code == 200
    response = client.post(CODE, {"resend": "1"})
    assert response.status_code == 429
    assert OneTimeCode.objects.count() == 3


def test_ten_codes_per_ip_then_429(client: Client) -> None:
    for number in range(10):
        response = request_code(client, f"0771000{number:04d}", REMOTE_ADDR="10.9.9.9")
        assert response.status_code == 302
    response = request_code(client, "07719999999", REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    assert "from this connection" in response.content.decode()
    assert Event.objects.filter(event_type="accounts.code.throttled", details__scope="ip").exists()
    # another connection is not affected
    assert request_code(Client(), "07719999999", REMOTE_ADDR="10.9.9.10").status_code == 302


def test_csrf_is_enforced_on_sign_in() -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(SIGN_IN, {"phone": "07701234567"})
    assert response.status_code == 403
    assert "Your form has expired" in response.content.decode()
    assert OneTimeCode.objects.count() == 0


def test_csrf_token_from_the_page_is_accepted() -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.get(SIGN_IN)
    token = strict.cookies["csrftoken"].value
    response = strict.post(SIGN_IN, {"phone": "07701234567", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_code_and_profile_pages_need_the_earlier_steps(client: Client) -> None:
    assert client.get(CODE)["Location"] == SIGN_IN
    assert client.get(PROFILE)["Location"] == SIGN_IN
    assert client.post(PROFILE, PROFILE_DATA)["Location"] == SIGN_IN
    assert User.objects.count() == 0


def _verified(client: Client, phone: str = "07701234567") -> None:
    request_code(client, phone)
    response = client.post(CODE, {"code": latest_code(client.session["diwan_signin_phone"])})
    assert response["Location"] == PROFILE


def test_bad_profile_writes_nothing_and_shows_every_problem(client: Client) -> None:
    _verified(client)
    response = client.post(
        PROFILE, {**PROFILE_DATA, "full_name_ar": "Zainab", "national_id": "12345", "governorate": ""}
    )
    assert response.status_code == 400
    page = response.content.decode()
    for field in ("id_full_name_ar", "id_national_id", "id_governorate"):
        assert f'href="#{field}"' in page
    assert "exactly 12 digits" in page
    assert User.objects.count() == 0
    assert events("accounts.citizen.registered") == 0


def test_duplicate_national_id_is_refused_clearly(client: Client) -> None:
    make_citizen(phone="+9647801112233", national_id="199001234567")
    _verified(client)
    response = client.post(PROFILE, PROFILE_DATA)
    assert response.status_code == 400
    assert "already registered to another account" in response.content.decode()
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session
    assert events("accounts.citizen.registration_refused") == 1


def test_staff_phone_cannot_sign_in_as_citizen(client: Client) -> None:
    staff = User.objects.create_user("rana.staff", kind="staff", phone="+9647801112233", full_name_ar="رنا")
    request_code(client, "07801112233")
    response = client.post(CODE, {"code": latest_code("+9647801112233")})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(event_type="accounts.citizen.sign_in_failed", actor_id=staff.pk).exists()


def test_sign_out_ends_the_session_and_is_audited(client: Client) -> None:
    user = sign_up(client)
    response = client.post("/en/account/sign-out/")
    assert response.status_code == 302
    assert client.get(HOME).status_code == 302
    assert Event.objects.filter(event_type="accounts.citizen.signed_out", actor_id=user.pk).exists()


def test_sign_out_everywhere_epoch_ends_citizen_sessions(client: Client) -> None:
    user = sign_up(client)
    User.objects.filter(pk=user.pk).update(session_epoch=user.session_epoch + 1)
    response = client.get(HOME)
    assert response.status_code == 302  # the session's epoch is stale: signed out
