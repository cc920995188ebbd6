"""A sign-in code is single-use even when the same correct code arrives twice at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from diwan.accounts.actions.citizens import citizen_code_request, citizen_code_verify
from diwan.accounts.models import Throttle
from diwan.core.errors import ValidationFailed
from tests.accounts.citizen_support import latest_code, make_citizen


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_correct_codes_sign_in_once() -> None:
    make_citizen(phone="+9647801112233")
    results: list[str] = []
    lock = threading.Lock()
    for _round in range(5):
        citizen_code_request(phone="07801112233", ip=f"10.1.1.{_round}")
        code = latest_code("+9647801112233")
        barrier = threading.Barrier(4)
        round_results: list[str] = []

        def attempt(
            code: str = code, barrier: threading.Barrier = barrier, out: list[str] = round_results
        ) -> None:
            try:
                barrier.wait()
                citizen_code_verify(phone="+9647801112233", code=code)
                outcome = "in"
            except ValidationFailed as exc:
                outcome = exc.code
            finally:
                connection.close()
            with lock:
                out.append(outcome)

        threads = [threading.Thread(target=attempt) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(round_results) == ["expired", "expired", "expired", "in"], round_results
        results.extend(round_results)
        Throttle.objects.all().delete()  # the per-phone throttle would stop the next round
    assert results.count("in") == 5
