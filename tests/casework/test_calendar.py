"""Working-day arithmetic: known Iraqi dates and properties (hypothesis, bounded so the suite stays fast)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diwan.casework.calendar import WorkingCalendar, parse_calendar

ROOT = Path(__file__).resolve().parents[2]
D = dt.date


def iraq(year: int, *, region: bool = False) -> WorkingCalendar:
    days: set[dt.date] = set()
    for y in (2026, 2027) if year == 0 else (year,):
        parsed = parse_calendar((ROOT / f"calendars/iraq-{y}.yaml").read_text(encoding="utf-8"))
        days |= {h.date for h in parsed.holidays if region or h.scope == "federal"}
    return WorkingCalendar(frozenset(days))


FEDERAL = iraq(0)
REGION = iraq(0, region=True)


def test_friday_and_saturday_are_the_weekend() -> None:
    plain = WorkingCalendar()
    assert [plain.is_working_day(D(2026, 11, 22) + dt.timedelta(days=i)) for i in range(7)] == [
        True,  # Sunday
        True,
        True,
        True,
        True,  # Thursday
        False,  # Friday
        False,  # Saturday
    ]


def test_start_day_is_day_zero() -> None:
    plain = WorkingCalendar()
    sunday = D(2026, 11, 22)
    assert plain.add_working_days(sunday, 1) == D(2026, 11, 23)
    assert plain.add_working_days(sunday, 4) == D(2026, 11, 26)  # Thursday
    assert plain.add_working_days(sunday, 5) == D(2026, 11, 29)  # over the weekend to Sunday
    assert plain.add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 29)  # from a Friday
    assert plain.add_working_days(sunday, 0) == sunday
    assert plain.add_working_days(D(2026, 11, 27), 0) == D(2026, 11, 29)


def test_a_limit_spanning_eid_al_fitr_and_nowruz_2026() -> None:
    # Eid al-Fitr 1447 (expected Fri 20 - Sun 22 March 2026) and Nowruz (Sat 21 March): only Sunday 22
    # falls on a working day. From Thursday 19 March, 3 working days: Mon 23, Tue 24, Wed 25.
    assert FEDERAL.add_working_days(D(2026, 3, 19), 3) == D(2026, 3, 25)
    # The Kurdistan Region also closes on 22 and 23 March (Nowruz holiday).
    assert REGION.add_working_days(D(2026, 3, 19), 3) == D(2026, 3, 26)
    assert not REGION.is_working_day(D(2026, 3, 16))  # Halabja remembrance
    assert FEDERAL.is_working_day(D(2026, 3, 16))


def test_a_limit_spanning_eid_al_adha_2026() -> None:
    # Eid al-Adha expected Wed 27 - Sat 30 May 2026: Wed and Thu lost, then the weekend.
    assert FEDERAL.add_working_days(D(2026, 5, 26), 1) == D(2026, 5, 31)
    assert FEDERAL.working_days_between(D(2026, 5, 24), D(2026, 6, 4)) == 7
    assert WorkingCalendar().working_days_between(D(2026, 5, 24), D(2026, 6, 4)) == 9


def test_thirty_working_days_over_the_end_of_2026() -> None:
    # 10 Dec (Thursday), 25 Dec (Friday: already weekend), 1 Jan 2027 (Friday), 6 Jan 2027 (Wednesday).
    due = FEDERAL.add_working_days(D(2026, 12, 1), 30)
    assert due == D(2027, 1, 14)
    assert FEDERAL.working_days_between(D(2026, 12, 1), due) == 30


def test_next_working_day_and_negative_counts() -> None:
    assert FEDERAL.next_working_day(D(2026, 12, 9)) == D(2026, 12, 13)  # over Victory Day and the weekend
    assert FEDERAL.working_days_between(D(2026, 12, 13), D(2026, 12, 9)) == -1
    with pytest.raises(ValueError, match=">= 0"):
        FEDERAL.add_working_days(D(2026, 12, 9), -1)
    with pytest.raises(ValueError, match="weekend"):
        WorkingCalendar(weekend=range(7))


# --- properties -----------------------------------------------------------------------------------

dates = st.dates(min_value=D(2025, 12, 1), max_value=D(2027, 12, 31))
counts = st.integers(min_value=0, max_value=90)
calendars = st.sampled_from([FEDERAL, REGION, WorkingCalendar()]) | st.builds(
    WorkingCalendar,
    st.frozensets(dates, max_size=40),
    st.frozensets(st.integers(0, 6), max_size=3),
)
bounded = settings(max_examples=150, deadline=None)


@bounded
@given(calendars, dates, counts)
def test_result_is_a_working_day_counted_exactly(cal: WorkingCalendar, start: dt.date, n: int) -> None:
    due = cal.add_working_days(start, n)
    assert cal.is_working_day(due)  # never a weekend or a holiday
    assert due.weekday() not in cal.weekend
    assert due not in cal.holidays
    if n >= 1 or cal.is_working_day(start):
        assert cal.working_days_between(start, due) == n
    if n >= 1:
        assert due > start
        assert cal.working_days_between(start, due - dt.timedelta(days=1)) == n - 1


@bounded
@given(calendars, dates, counts, st.integers(min_value=0, max_value=30))
def test_add_working_days_is_monotonic(cal: WorkingCalendar, start: dt.date, n: int, more: int) -> None:
    assert cal.add_working_days(start, n) <= cal.add_working_days(start, n + more)
    assert cal.add_working_days(start, n) <= cal.add_working_days(start + dt.timedelta(days=more), n)


@bounded
@given(calendars, dates, dates)
def test_between_matches_a_day_by_day_count(cal: WorkingCalendar, a: dt.date, b: dt.date) -> None:
    low, high = min(a, b), max(a, b)
    expected = sum(cal.is_working_day(low + dt.timedelta(days=i)) for i in range(1, (high - low).days + 1))
    assert cal.working_days_between(low, high) == expected
    assert cal.working_days_between(high, low) == -expected


@bounded
@given(calendars, dates, st.integers(min_value=1, max_value=90), st.integers(min_value=1, max_value=30))
def test_adding_k_days_adds_k_working_days(cal: WorkingCalendar, start: dt.date, n: int, k: int) -> None:
    first = cal.add_working_days(start, n)
    assert cal.working_days_between(first, cal.add_working_days(start, n + k)) == k
