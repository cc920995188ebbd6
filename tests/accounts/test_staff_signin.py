"""Staff sign-in over HTTP: password, TOTP (and first-time enrolment), replay, lockout, throttling,
re-hashing, and that nothing staff-only is reachable before the second factor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from diwan.accounts import mfa
from diwan.accounts.actions import staff as staff_actions
from diwan.accounts.models import TOTPDevice, User
from diwan.audit.models import Event
from diwan.core.access import MFA_SESSION_KEY, policy_of
from tests.accounts.staff_support import (
    ENROL,
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


def events(event_type: str) -> int:
    return Event.objects.filter(event_type=event_type).count()


def wrong_code() -> str:
    return "000000" if mfa.current_code(SECRET) != "000000" else "111111"


def test_sign_in_page_renders(client: Client) -> None:
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'autocomplete="current-password"' in response.content


def test_password_then_totp_completes_sign_in(client: Client, clock: FakeClock) -> None:
    make_staff()
    clock.next_step()
    response = password_step(client)
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert MFA_SESSION_KEY not in client.session
    assert client.get(VERIFY).status_code == 200
    response = client.post(VERIFY, {"code": mfa.current_code(SECRET)})
    assert response["Location"] == HOME
    assert client.session[MFA_SESSION_KEY]
    assert client.get(HOME).status_code == 200
    assert events("accounts.staff.signed_in") == 1


def test_first_sign_in_enrols_the_authenticator(client: Client, clock: FakeClock) -> None:
    user = make_staff(enrolled=False)
    response = password_step(client)
    assert response["Location"] == ENROL
    assert client.get(VERIFY)["Location"] == ENROL
    page = client.get(ENROL)
    assert page.status_code == 200
    assert b'src="data:image/svg+xml' in page.content
    secret = TOTPDevice.objects.get(user=user).secret
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)).encode() in page.content
    assert client.get(HOME)["Location"].startswith(VERIFY)  # not signed in yet
    bad = client.post(ENROL, {"code": "000000" if mfa.current_code(secret) != "000000" else "111111"})
    assert bad.status_code == 400
    assert b"That code is not right" in bad.content
    response = client.post(ENROL, {"code": mfa.current_code(secret)})
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed_at is not None
    assert events("accounts.mfa.enrolled") == 1
    assert events("accounts.staff.signed_in") == 1


def test_enrolment_is_refused_once_an_authenticator_is_confirmed(client: Client, clock: FakeClock) -> None:
    """A stolen password alone must not let anyone replace the second factor."""
    user = make_staff()
    password_step(client)
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    client.post(ENROL, {"code": "123456"})
    assert TOTPDevice.objects.get(user=user).secret == SECRET


def test_wrong_password_and_unknown_user_get_the_same_answer(client: Client) -> None:
    make_staff()
    wrong = client.post(SIGN_IN, {"username": "layla.hassan", "password": "not the password at all"})
    unknown = client.post(SIGN_IN, {"username": "nobody.here", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 400
    assert b"The username or password is not right." in wrong.content
    assert b"The username or password is not right." in unknown.content
    assert "_auth_user_id" not in client.session
    assert events("accounts.staff.sign_in_failed") == 2


def test_empty_form_is_a_clear_400(client: Client) -> None:
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    assert response.status_code == 400
    assert b"error-summary" in response.content


def test_a_totp_code_cannot_be_replayed(clock: FakeClock) -> None:
    make_staff()
    first, second = Client(), Client()
    clock.next_step()
    password_step(first)
    password_step(second)
    code = mfa.current_code(SECRET)
    assert first.post(VERIFY, {"code": code})["Location"] == HOME
    replay = second.post(VERIFY, {"code": code})
    assert replay.status_code == 400
    assert MFA_SESSION_KEY not in second.session
    assert events("accounts.mfa.failed") == 1


def test_totp_accepts_one_step_of_drift_but_not_two(client: Client, clock: FakeClock) -> None:
    make_staff()
    clock.next_step()
    clock.next_step()  # the enrolment used an earlier step; step - 1 must not be a replay of it
    step = mfa.current_step()
    password_step(client)
    too_old = mfa.code_at(SECRET, step - 2)
    if too_old not in {mfa.code_at(SECRET, s) for s in (step - 1, step, step + 1)}:
        assert client.post(VERIFY, {"code": too_old}).status_code == 400
    assert client.post(VERIFY, {"code": mfa.code_at(SECRET, step - 1)})["Location"] == HOME


def test_five_wrong_passwords_lock_the_account_for_15_minutes(client: Client, clock: FakeClock) -> None:
    make_staff()
    for _ in range(4):
        assert password_step(client, password="wrong password number one").status_code == 400
    fifth = password_step(client, password="wrong password number one")
    assert fifth.status_code == 429
    assert b"This account is locked for 15 minutes" in fifth.content
    locked = password_step(client)  # even the right password is refused now
    assert locked.status_code == 429
    assert b"This account is locked for 15 minutes" in locked.content
    assert events("accounts.staff.locked") == 1
    clock.advance(minutes=14)
    assert password_step(client).status_code == 429
    clock.advance(minutes=2)
    sign_in(client, clock)
    assert User.objects.get(username="layla.hassan").failed_logins == 0


def test_wrong_totp_codes_count_towards_the_lockout_and_the_password_step_does_not_reset_them(
    client: Client, clock: FakeClock
) -> None:
    make_staff()
    for _ in range(3):
        password_step(client, password="wrong password number one")
    clock.next_step()
    password_step(client)  # right password: the counter must not go back to zero
    assert client.post(VERIFY, {"code": wrong_code()}).status_code == 400
    locked = client.post(VERIFY, {"code": wrong_code()})
    assert locked.status_code == 429
    assert b"locked" in locked.content
    assert "_auth_user_id" not in client.session  # the half-signed-in session is ended
    user = User.objects.get(username="layla.hassan")
    assert staff_actions.is_locked(user)
    assert events("accounts.mfa.failed") == 2


def test_per_ip_throttle_across_usernames(
    client: Client, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_actions, "IP_MAX_FAILURES", 3)
    make_staff()
    for name in ("alpha.one", "beta.two", "gamma.three"):
        assert password_step(client, username=name).status_code == 400
    throttled = password_step(client)  # a real account and its right password, same address
    assert throttled.status_code == 429
    assert b"Too many failed sign-in attempts from this network" in throttled.content
    other_ip = Client(REMOTE_ADDR="10.1.2.3")
    assert password_step(other_ip).status_code == 302


@pytest.mark.parametrize(
    "old_hash",
    [
        pytest.param(lambda p: make_password(p, hasher="pbkdf2_sha256"), id="pbkdf2"),
        pytest.param(
            lambda p: Argon2PasswordHasher().encode(p, "saltsaltsaltsalt"),
            id="django-default-argon2",
        ),
    ],
)
def test_old_hashes_are_upgraded_to_owasp_argon2id_on_sign_in(
    client: Client, clock: FakeClock, old_hash: Any
) -> None:
    user = make_staff()
    User.objects.filter(pk=user.pk).update(password=old_hash(PASSWORD))
    assert not User.objects.get(pk=user.pk).password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert password_step(client).status_code == 302
    upgraded = User.objects.get(pk=user.pk).password
    assert upgraded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    assert events("accounts.staff.password_rehashed") == 1


def test_wrong_password_does_not_touch_an_old_hash(client: Client) -> None:
    user = make_staff()
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    User.objects.filter(pk=user.pk).update(password=old)
    password_step(client, password="wrong password number one")
    assert User.objects.get(pk=user.pk).password == old


def test_owasp_hasher_parameters_are_effective() -> None:
    from django.contrib.auth.hashers import get_hasher

    encoded = make_password("any long passphrase here")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert get_hasher("default").must_update(encoded) is False


def test_the_mfa_step_expires_after_five_minutes(client: Client, clock: FakeClock) -> None:
    make_staff()
    password_step(client)
    clock.advance(minutes=6)
    response = client.get(VERIFY)
    assert response["Location"] == SIGN_IN
    assert "_auth_user_id" not in client.session


def test_next_is_kept_but_never_leaves_the_site(clock: FakeClock) -> None:
    make_staff()
    inside, outside = Client(), Client()
    clock.next_step()
    inside.post(SIGN_IN + "?next=/en/office/security/", {"username": "layla.hassan", "password": PASSWORD})
    assert inside.post(VERIFY, {"code": mfa.current_code(SECRET)})["Location"] == "/en/office/security/"
    clock.next_step()
    outside.post(SIGN_IN + "?next=https://evil.example/", {"username": "layla.hassan", "password": PASSWORD})
    assert outside.post(VERIFY, {"code": mfa.current_code(SECRET)})["Location"] == HOME


def test_a_citizen_session_cannot_use_the_mfa_pages(client: Client) -> None:
    citizen = User.objects.create_user(phone="+9647701234567", full_name_ar="مواطن", kind="citizen")
    client.force_login(citizen)
    assert client.get(VERIFY).status_code in {302, 403}
    assert client.get(HOME).status_code in {302, 403}


# --- nothing staff-only before MFA ----------------------------------------------------------------------


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _password_only_request(client: Client) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = client.session
    request.user = User.objects.get(username="layla.hassan")
    return request


def test_no_staff_view_admits_a_session_without_mfa(client: Client, clock: FakeClock) -> None:
    make_staff()
    password_step(client)
    request = _password_only_request(client)
    staff_routes = []
    for route, callback in _patterns(get_resolver()):
        declared = policy_of(callback)
        if declared is None or declared.kind not in {"staff", "superuser"}:
            continue
        staff_routes.append(route)
        assert not declared.admits(request), route
    assert any("office/" in r for r in staff_routes)


def test_no_staff_page_answers_before_mfa_over_http(client: Client, clock: FakeClock) -> None:
    make_staff()
    password_step(client)
    checked = 0
    for route, callback in _patterns(get_resolver()):
        declared = policy_of(callback)
        if "<" in route or declared is None or declared.kind not in {"staff", "superuser"}:
            continue
        url = "/" + route.replace("^", "").replace("$", "").replace("\\Z", "")
        url = url.replace("/^", "/").replace("/(?P<", "/")
        if "(" in url or "[" in url:
            continue
        url = url if url.startswith("/en/") or url.startswith("/admin") else "/en" + url.removeprefix("/en")
        response = client.get(url)
        assert response.status_code in {302, 403, 405}, url
        if response.status_code == 302:
            assert response["Location"].startswith(VERIFY), url
        checked += 1
    assert checked >= 2
    for url in ("/admin/", "/admin/accounts/user/", "/admin/accounts/user/1/change/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/account/staff/verify/" in response["Location"], url


def test_no_staff_api_operation_admits_a_session_without_mfa(client: Client, clock: FakeClock) -> None:
    from diwan.api.urls import api
    from diwan.core.access import POLICY_ATTRIBUTE

    make_staff()
    password_step(client)
    request = _password_only_request(client)
    for _prefix, router in api._routers:
        for _path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                declared = getattr(operation.view_func, POLICY_ATTRIBUTE, None)
                if declared is not None and declared.kind in {"staff", "superuser"}:
                    assert not declared.admits(request), _path
