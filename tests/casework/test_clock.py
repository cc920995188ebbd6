"""The statutory clock: receipt day, suspensions, extension, remaining/overdue/due-soon (Asia/Baghdad)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diwan.casework.calendar import WorkingCalendar
from diwan.casework.clock import ClockRules, Extension, StatutoryClock, Suspension
from tests.casework.test_calendar import FEDERAL

BAGHDAD = ZoneInfo("Asia/Baghdad")
PLAIN = WorkingCalendar()
D = dt.date


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BAGHDAD)


def test_submission_before_the_cutoff_counts_from_the_next_day() -> None:
    clock = StatutoryClock(started_at=at(D(2026, 11, 22), 13, 59), limit=3, calendar=PLAIN)  # Sunday
    assert clock.received_on == D(2026, 11, 22)
    assert clock.due_date(at(D(2026, 11, 22))) == D(2026, 11, 25)


def test_submission_after_working_hours_counts_from_the_next_working_day() -> None:
    clock = StatutoryClock(started_at=at(D(2026, 11, 22), 14, 0), limit=3, calendar=PLAIN)
    assert clock.received_on == D(2026, 11, 23)
    assert clock.due_date(at(D(2026, 11, 23))) == D(2026, 11, 26)
    thursday_evening = StatutoryClock(started_at=at(D(2026, 11, 26), 18), limit=1, calendar=PLAIN)
    assert thursday_evening.received_on == D(2026, 11, 29)
    assert thursday_evening.due_date(at(D(2026, 11, 29))) == D(2026, 11, 30)
    later = StatutoryClock(
        started_at=at(D(2026, 11, 22), 14, 30), limit=3, calendar=PLAIN, rules=ClockRules(cutoff=dt.time(15))
    )
    assert later.received_on == D(2026, 11, 22)


def test_a_friday_submission_is_received_on_sunday() -> None:
    clock = StatutoryClock(started_at=at(D(2026, 11, 27), 9), limit=2, calendar=PLAIN)
    assert clock.received_on == D(2026, 11, 29)
    assert clock.due_date(at(D(2026, 11, 29))) == D(2026, 12, 1)


def test_utc_times_are_read_in_baghdad_time() -> None:
    # 11:30 UTC is 14:30 in Baghdad (UTC+3): after the cutoff.
    utc = dt.datetime(2026, 11, 22, 11, 30, tzinfo=dt.UTC)
    assert StatutoryClock(started_at=utc, limit=1, calendar=PLAIN).received_on == D(2026, 11, 23)
    with pytest.raises(ValueError, match="aware"):
        StatutoryClock(started_at=dt.datetime(2026, 11, 22, 9), limit=1, calendar=PLAIN)  # noqa: DTZ001


def test_a_limit_spanning_eid_al_adha() -> None:
    # Submitted Tuesday 26 May 2026; Eid al-Adha (expected) Wed 27 - Sat 30 May.
    clock = StatutoryClock(started_at=at(D(2026, 5, 26)), limit=5, calendar=FEDERAL)
    assert clock.due_date(at(D(2026, 5, 26))) == D(2026, 6, 4)


def test_suspension_stops_the_clock_and_resubmission_resumes_it() -> None:
    start = at(D(2026, 11, 22))  # Sunday; limit 5: due Sunday 29 without suspension
    plain = StatutoryClock(started_at=start, limit=5, calendar=PLAIN)
    assert plain.due_date(at(D(2026, 11, 22))) == D(2026, 11, 29)
    # Returned Monday 23 (still counts), resubmitted Wednesday 25 at 10:00: Tue 24 and Wed 25 do not count.
    returned = Suspension(start=at(D(2026, 11, 23), 11), end=at(D(2026, 11, 25), 10), reason="blurred ID")
    clock = StatutoryClock(started_at=start, limit=5, calendar=PLAIN, suspensions=(returned,))
    assert clock.due_date(at(D(2026, 11, 25), 12)) == D(2026, 12, 1)
    # Before the return happened, the suspension is not known yet.
    assert clock.due_date(at(D(2026, 11, 23), 9)) == D(2026, 11, 29)


def test_open_suspension_freezes_the_remaining_days() -> None:
    start = at(D(2026, 11, 22))
    open_one = Suspension(start=at(D(2026, 11, 23), 11))
    clock = StatutoryClock(started_at=start, limit=5, calendar=PLAIN, suspensions=(open_one,))
    states = [clock.state(at(D(2026, 11, 23) + dt.timedelta(days=i), 9)) for i in range(1, 10)]
    assert all(s.suspended for s in states)
    assert {s.remaining for s in states} == {4}
    assert not any(s.overdue for s in states)


def test_overlapping_suspensions_count_once() -> None:
    start = at(D(2026, 11, 22))
    first = Suspension(start=at(D(2026, 11, 23), 11), end=at(D(2026, 11, 25), 10))
    second = Suspension(start=at(D(2026, 11, 24), 11), end=at(D(2026, 11, 26), 10))
    both = StatutoryClock(started_at=start, limit=5, calendar=PLAIN, suspensions=(first, second))
    union = Suspension(start=first.start, end=second.end)
    alone = StatutoryClock(started_at=start, limit=5, calendar=PLAIN, suspensions=(union,))
    moment = at(D(2026, 12, 1))
    assert both.due_date(moment) == alone.due_date(moment) == D(2026, 12, 2)


def test_resubmission_after_hours_is_received_the_next_working_day() -> None:
    start = at(D(2026, 11, 22))
    returned = Suspension(start=at(D(2026, 11, 23), 11), end=at(D(2026, 11, 25), 16))
    clock = StatutoryClock(started_at=start, limit=5, calendar=PLAIN, suspensions=(returned,))
    assert clock.due_date(at(D(2026, 11, 30))) == D(2026, 12, 2)


def test_extension_adds_working_days_and_needs_a_reason() -> None:
    start = at(D(2026, 12, 1))
    base = StatutoryClock(started_at=start, limit=10, calendar=FEDERAL)
    extended = StatutoryClock(
        started_at=start, limit=10, calendar=FEDERAL, extension=Extension(days=5, reason="site visit")
    )
    moment = at(D(2026, 12, 2))
    assert base.due_date(moment) == D(2026, 12, 16)  # Victory Day (Thu 10 Dec) skipped
    assert extended.due_date(moment) == D(2026, 12, 23)
    with pytest.raises(ValueError, match="reason"):
        Extension(days=3, reason=" ")
    with pytest.raises(ValueError, match="at least one"):
        Extension(days=0, reason="x")


def test_remaining_overdue_and_due_soon() -> None:
    clock = StatutoryClock(started_at=at(D(2026, 11, 22)), limit=5, calendar=PLAIN)  # due Sunday 29
    assert clock.remaining(at(D(2026, 11, 23))) == 4
    assert not clock.is_due_soon(at(D(2026, 11, 23)))
    assert clock.remaining(at(D(2026, 11, 25))) == 2
    assert clock.is_due_soon(at(D(2026, 11, 25)))
    assert clock.remaining(at(D(2026, 11, 27))) == 1  # Friday
    last_day = clock.state(at(D(2026, 11, 29), 23, 59))
    assert (last_day.remaining, last_day.overdue, last_day.due_soon) == (0, False, True)
    late = clock.state(at(D(2026, 12, 1)))
    assert (late.remaining, late.overdue, late.due_soon) == (-2, True, False)


# --- properties -----------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=dt.datetime(2026, 1, 1),  # noqa: DTZ001 (made aware by timezones=)
    max_value=dt.datetime(2027, 6, 30),  # noqa: DTZ001
    timezones=st.just(BAGHDAD),
)
suspension_lists = st.lists(
    st.tuples(moments, st.integers(min_value=0, max_value=20 * 24), st.booleans()), max_size=3
)
bounded = settings(max_examples=120, deadline=None)


def _suspensions(raw: list[tuple[dt.datetime, int, bool]]) -> tuple[Suspension, ...]:
    return tuple(
        Suspension(start=s, end=None if is_open else s + dt.timedelta(hours=hours))
        for s, hours, is_open in raw
    )


@bounded
@given(moments, st.integers(0, 60), suspension_lists, moments, st.integers(0, 20 * 24))
def test_a_suspension_never_makes_the_deadline_earlier(
    start: dt.datetime, limit: int, raw: list[tuple[dt.datetime, int, bool]], extra: dt.datetime, hours: int
) -> None:
    existing = _suspensions(raw)
    before = StatutoryClock(started_at=start, limit=limit, calendar=FEDERAL, suspensions=existing)
    added = Suspension(start=extra, end=extra + dt.timedelta(hours=hours))
    after = StatutoryClock(started_at=start, limit=limit, calendar=FEDERAL, suspensions=(*existing, added))
    moment = max(extra + dt.timedelta(hours=hours), start) + dt.timedelta(days=1)
    assert after.due_date(moment) >= before.due_date(moment)
    assert FEDERAL.is_working_day(after.due_date(moment))


@bounded
@given(moments, st.integers(1, 60), st.integers(1, 30), moments)
def test_an_extension_of_k_days_adds_exactly_k_working_days(
    start: dt.datetime, limit: int, k: int, moment: dt.datetime
) -> None:
    base = StatutoryClock(started_at=start, limit=limit, calendar=FEDERAL)
    extended = StatutoryClock(
        started_at=start, limit=limit, calendar=FEDERAL, extension=Extension(days=k, reason="more time")
    )
    assert FEDERAL.working_days_between(base.due_date(moment), extended.due_date(moment)) == k
    assert extended.remaining(moment) - base.remaining(moment) == k


@bounded
@given(moments, st.integers(0, 60), suspension_lists, moments)
def test_deadline_is_a_working_day_and_state_is_consistent(
    start: dt.datetime, limit: int, raw: list[tuple[dt.datetime, int, bool]], moment: dt.datetime
) -> None:
    clock = StatutoryClock(started_at=start, limit=limit, calendar=FEDERAL, suspensions=_suspensions(raw))
    state = clock.state(moment)
    assert FEDERAL.is_working_day(state.due_date)
    assert state.due_date >= clock.received_on
    assert state.overdue == (state.remaining < 0 or moment.date() > state.due_date)
    assert not (state.overdue and state.due_soon)


def test_returning_a_file_on_its_due_date_buys_no_time() -> None:
    returned = Suspension(start=at(D(2026, 11, 29), 13))  # the due date, still open
    clock = StatutoryClock(started_at=at(D(2026, 11, 22)), limit=5, calendar=PLAIN, suspensions=(returned,))
    evening = clock.state(at(D(2026, 11, 29), 15))
    assert (evening.due_date, evening.remaining, evening.overdue, evening.suspended) == (
        D(2026, 11, 29),
        0,
        False,
        True,
    )
    assert clock.state(at(D(2026, 11, 30))).overdue
    assert clock.state(at(D(2026, 11, 30))).remaining == -1
