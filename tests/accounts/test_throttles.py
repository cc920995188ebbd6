"""Sign-in throttles count before they decide, atomically, in fixed windows that do not move: requests
sent together cannot all slip under a limit, and a window lasts as long as it says."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from diwan.accounts import throttles
from diwan.accounts.actions import staff as staff_actions
from diwan.accounts.actions.citizens import citizen_code_request
from diwan.accounts.models import OneTimeCode, Throttle
from diwan.core.errors import RateLimited
from tests.accounts.citizen_support import request_code
from tests.accounts.staff_support import PASSWORD, FakeClock, make_staff

pytestmark = pytest.mark.django_db


def test_hit_counts_in_a_window_that_does_not_move(clock: FakeClock) -> None:
    assert [throttles.hit("k", 600) for _ in range(3)] == [1, 2, 3]
    clock.advance(seconds=599)
    assert throttles.hit("k", 600) == 4  # still the first window: a hit does not extend it
    assert throttles.count("k") == 4
    clock.advance(seconds=1)
    assert throttles.count("k") == 0
    assert throttles.hit("k", 600) == 1  # a new window
    assert throttles.hit("other", 600) == 1


def test_keys_whose_window_is_over_are_swept(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    throttles.hit("once", 60)
    throttles.hit("longer", 3600)
    clock.advance(seconds=61)
    monkeypatch.setattr(throttles, "SWEEP_ONE_IN", 1)  # every hit sweeps
    throttles.hit("another", 60)
    assert sorted(Throttle.objects.values_list("key", flat=True)) == ["another", "longer"]


def test_the_code_limit_per_connection_lasts_the_whole_hour(clock: FakeClock) -> None:
    """Django's database cache gave a key its default 5-minute timeout on the second attempt, so the
    hourly limit per address ran out after five quiet minutes."""
    for number in range(10):
        assert request_code(Client(), f"0771000{number:04d}", REMOTE_ADDR="10.9.9.9").status_code == 302
    clock.advance(minutes=10)
    assert request_code(Client(), "07719999999", REMOTE_ADDR="10.9.9.9").status_code == 429
    clock.advance(minutes=50)
    assert request_code(Client(), "07719999999", REMOTE_ADDR="10.9.9.9").status_code == 302


def test_a_refused_request_does_not_count_against_the_connection() -> None:
    """Refused for the phone, the request is not held against the address as well."""
    for number in range(3):
        assert request_code(Client(), "07701234567", REMOTE_ADDR=f"10.0.2.{number}").status_code == 302
    for _ in range(10):
        assert request_code(Client(), "07701234567", REMOTE_ADDR="10.0.2.50").status_code == 429
    assert request_code(Client(), "07707654321", REMOTE_ADDR="10.0.2.50").status_code == 302


def test_a_right_password_is_not_a_failure(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither the account nor the address is charged for a right password."""
    monkeypatch.setattr(staff_actions, "IP_MAX_FAILURES", 3)
    user = make_staff()
    for _ in range(6):
        assert staff_actions.staff_check_password(username=user.username, password=PASSWORD, ip="10.7.7.7")
    user.refresh_from_db()
    assert user.failed_logins == 0
    assert throttles.count(staff_actions._ip_key("10.7.7.7")) == 0


def _together(count: int, attempt: Callable[[int], Any]) -> list[Any]:
    """Run attempt(i) in `count` threads released at the same moment; each result or error, in order."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = attempt(index)
        except Exception as exc:  # the outcome is what the test looks at
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_hits_sent_together_each_get_their_own_count() -> None:
    counts = _together(8, lambda _: throttles.hit("together", 600))
    assert sorted(counts) == list(range(1, 9))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_codes_asked_for_together_stop_at_the_phone_limit() -> None:
    results = _together(
        8, lambda i: citizen_code_request(phone="07701234567", ip=f"10.3.3.{i}", language="en")
    )
    sent = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, RateLimited)]
    assert (len(sent), len(refused)) == (3, 5), results
    assert OneTimeCode.objects.count() == 3
