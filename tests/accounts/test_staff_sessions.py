"""Staff session limits (idle 15 min, absolute 8 h), "sign out everywhere", password change, new
authenticator, the own-security page and the Django admin gate."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from diwan.accounts import mfa
from diwan.accounts.middleware import SESSION_EPOCH, SESSION_SEEN, SESSION_STARTED
from diwan.accounts.models import TOTPDevice, User
from diwan.audit.models import Event
from diwan.core.access import MFA_SESSION_KEY
from tests.accounts.staff_support import (
    HOME,
    PASSWORD,
    SECRET,
    SIGN_IN,
    VERIFY,
    FakeClock,
    make_staff,
    password_step,
    sign_in,
)

pytestmark = pytest.mark.django_db

SECURITY = "/en/office/security/"
NEW_PASSWORD = "olive tea mountain quiet harbour"


def signed_out(client: Client) -> bool:
    response = client.get(HOME)
    return response.status_code == 302 and response["Location"].startswith(SIGN_IN)


def test_sign_in_stores_the_session_limits(client: Client, clock: FakeClock) -> None:
    user = make_staff()
    sign_in(client, clock)
    session = client.session
    now = int(clock.now().timestamp())
    assert session[SESSION_STARTED] == now
    assert session[SESSION_SEEN] == now
    assert session[SESSION_EPOCH] == user.session_epoch
    assert session[MFA_SESSION_KEY] == now


def test_idle_timeout_after_15_minutes(client: Client, clock: FakeClock) -> None:
    make_staff()
    sign_in(client, clock)
    for _ in range(3):  # activity keeps the session alive
        clock.advance(minutes=14)
        assert client.get(HOME).status_code == 200
    clock.advance(minutes=16)
    assert signed_out(client)


def test_absolute_timeout_after_8_hours_even_with_activity(client: Client, clock: FakeClock) -> None:
    make_staff()
    sign_in(client, clock)
    for _ in range(47):  # 7 h 50 min of steady work
        clock.advance(minutes=10)
        assert client.get(HOME).status_code == 200
    clock.advance(minutes=11)
    assert signed_out(client)


def test_sign_out_everywhere_ends_every_session(clock: FakeClock) -> None:
    make_staff()
    here, elsewhere = Client(), Client()
    sign_in(here, clock)
    sign_in(elsewhere, clock)
    assert elsewhere.get(HOME).status_code == 200
    response = here.post(SECURITY + "sign-out-everywhere/")
    assert response["Location"] == SIGN_IN
    assert signed_out(elsewhere)
    assert signed_out(here)
    assert Event.objects.filter(event_type="accounts.staff.signed_out_everywhere").count() == 1
    sign_in(elsewhere, clock)  # a new sign-in works and gets the new epoch
    assert elsewhere.get(HOME).status_code == 200


def test_sign_out_everywhere_needs_post(client: Client, clock: FakeClock) -> None:
    make_staff()
    sign_in(client, clock)
    assert client.get(SECURITY + "sign-out-everywhere/").status_code == 405
    assert client.get(HOME).status_code == 200


def test_change_password_keeps_this_session_and_ends_the_others(clock: FakeClock) -> None:
    make_staff()
    here, elsewhere = Client(), Client()
    sign_in(here, clock)
    sign_in(elsewhere, clock)
    response = here.post(
        SECURITY + "password/",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
    )
    assert response["Location"] == SECURITY
    assert here.get(HOME).status_code == 200
    assert signed_out(elsewhere)
    user = User.objects.get(username="layla.hassan")
    assert user.check_password(NEW_PASSWORD)
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert Event.objects.filter(event_type="accounts.staff.password_changed").count() == 1
    assert password_step(Client(), password=PASSWORD).status_code == 400


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"current_password": "not my password at all", "new_password": NEW_PASSWORD},
            b"Your current password is not right.",
        ),
        ({"current_password": PASSWORD, "new_password": "short one"}, b"Use at least 15 characters."),
        (
            {"current_password": PASSWORD, "new_password": "layla hassan forever and ever"},
            b"Do not use your username or your name",
        ),
        (
            {"current_password": PASSWORD, "new_password": "password1234567890"},
            b"common or breached",
        ),
    ],
)
def test_change_password_refusals(
    client: Client, clock: FakeClock, data: dict[str, str], message: bytes
) -> None:
    user = make_staff(full_name_latin="Layla Hassan")
    sign_in(client, clock)
    data = {**data, "new_password_again": data["new_password"]}
    response = client.post(SECURITY + "password/", data)
    assert response.status_code == 400
    assert message in response.content
    assert User.objects.get(pk=user.pk).password == user.password


def test_change_password_mismatch(client: Client, clock: FakeClock) -> None:
    make_staff()
    sign_in(client, clock)
    response = client.post(
        SECURITY + "password/",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD + "x",
        },
    )
    assert response.status_code == 400
    assert b"The two new passwords are not the same." in response.content


def test_move_to_a_new_authenticator(client: Client, clock: FakeClock) -> None:
    user = make_staff()
    sign_in(client, clock)
    url = SECURITY + "authenticator/"
    assert b'name="current_password"' in client.get(url).content
    assert client.post(url, {"current_password": "not my password at all"}).status_code == 400
    assert client.post(url, {"current_password": PASSWORD})["Location"] == url
    page = client.get(url)
    assert b'src="data:image/svg+xml' in page.content
    new_secret = client.session["diwan_pending_totp"]
    assert new_secret != SECRET
    assert (
        client.post(url, {"code": "000000" if mfa.current_code(new_secret) != "000000" else "1"}).status_code
        == 400
    )
    assert TOTPDevice.objects.get(user=user).secret == SECRET  # the old app still counts
    assert client.post(url, {"code": mfa.current_code(new_secret)})["Location"] == SECURITY
    device = TOTPDevice.objects.get(user=user)
    assert device.secret == new_secret
    assert device.confirmed_at is not None
    assert Event.objects.filter(event_type="accounts.mfa.reset").count() == 1


def test_security_page_lists_only_own_sign_ins(clock: FakeClock) -> None:
    make_staff()
    make_staff("omar.ali")
    mine, theirs = Client(REMOTE_ADDR="10.0.0.7"), Client(REMOTE_ADDR="10.9.9.9")
    sign_in(theirs, clock, "omar.ali")
    sign_in(mine, clock)
    page = mine.get(SECURITY)
    assert page.status_code == 200
    assert b"10.0.0.7" in page.content
    assert b"10.9.9.9" not in page.content


def test_security_pages_need_mfa(client: Client, clock: FakeClock) -> None:
    make_staff()
    password_step(client)
    for url in (SECURITY, SECURITY + "password/", SECURITY + "authenticator/"):
        assert client.get(url)["Location"].startswith(VERIFY)
    assert client.post(SECURITY + "sign-out-everywhere/")["Location"].startswith(VERIFY)


# --- Django admin --------------------------------------------------------------------------------------


def test_admin_refuses_superuser_without_mfa(client: Client, clock: FakeClock) -> None:
    user = make_staff()
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    password_step(client)
    for url in ("/admin/", "/admin/accounts/user/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/account/staff/verify/" in response["Location"]


def test_admin_refuses_staff_who_are_not_superusers(client: Client, clock: FakeClock) -> None:
    make_staff()
    sign_in(client, clock)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403


def test_admin_for_superuser_with_mfa_hides_the_national_id(client: Client, clock: FakeClock) -> None:
    user = make_staff(national_id="198012345678")
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    sign_in(client, clock)
    assert client.get("/admin/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id, national_id_index FROM accounts_user WHERE id = %s", [user.pk])
        ciphertext, index = cursor.fetchone()
    page = client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert page.status_code == 200
    for secret in (ciphertext, index, "198012345678", user.password):
        assert secret.encode() not in page.content
    assert b"national_id" not in page.content


def test_admin_action_resets_an_authenticator(client: Client, clock: FakeClock) -> None:
    admin_user = make_staff()
    User.objects.filter(pk=admin_user.pk).update(is_superuser=True)
    other = make_staff("omar.ali")
    sign_in(client, clock)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_authenticators", "_selected_action": [other.pk], "index": 0},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=other).exists()
    assert User.objects.get(pk=other.pk).session_epoch == other.session_epoch + 1
    assert Event.objects.filter(event_type="accounts.mfa.reset", objects_ref__user=other.pk).exists()
