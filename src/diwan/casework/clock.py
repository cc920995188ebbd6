"""The statutory clock of a stage or a case, in working days (docs/statutory-clock.md).

A pure value: no database, no "now" of its own. Rules, in Asia/Baghdad local time:

- Receipt day. A file started on a working day before the cut-off (14:00 by default) is received that
  day; started later, or on a weekend or holiday, it is received on the next working day. The receipt day
  is day 0 and does not count; day 1 is the next working day.
- Due date. The limit (plus the one extension, if granted) in counted working days after the receipt day;
  the deadline is the end of the due date. A limit of 0 makes the receipt day itself the due date.
- Suspensions (the file is with the citizen). The day the file is returned still counts (the office held
  it); the working days after it, up to and including the day the resubmission is received (the same
  cut-off rule), do not. Overlapping suspensions are merged. An open suspension is taken to end at the
  moment asked about: the due date shown is the one that applies if the citizen resubmits now.
- Remaining: working days after today up to the due date (0 on the due date itself, negative once
  overdue); while suspended, counted from the day a resubmission now would be received (so it stays
  frozen). Overdue: today is after the due date. Due soon: not overdue and remaining <= due_soon_days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from diwan.casework.calendar import WorkingCalendar

BAGHDAD = ZoneInfo("Asia/Baghdad")


@dataclass(frozen=True)
class ClockRules:
    cutoff: dt.time = dt.time(14, 0)  # submissions at or after this local time count from the next day
    due_soon_days: int = 2
    zone: dt.tzinfo = BAGHDAD


@dataclass(frozen=True)
class Suspension:
    """The file was with the citizen from `start` until `end` (None: still with them)."""

    start: dt.datetime
    end: dt.datetime | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        _require_aware(self.start, "suspension start")
        if self.end is not None:
            _require_aware(self.end, "suspension end")
            if self.end < self.start:
                raise ValueError("a suspension cannot end before it starts")


@dataclass(frozen=True)
class Extension:
    days: int
    reason: str

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError("an extension adds at least one working day")
        if not self.reason.strip():
            raise ValueError("an extension needs a reason")


@dataclass(frozen=True)
class ClockState:
    due_date: dt.date
    remaining: int  # working days after today up to the due date; negative when overdue
    overdue: bool
    due_soon: bool
    suspended: bool


@dataclass(frozen=True)
class StatutoryClock:
    started_at: dt.datetime
    limit: int  # working days
    calendar: WorkingCalendar
    suspensions: tuple[Suspension, ...] = ()
    extension: Extension | None = None
    rules: ClockRules = field(default_factory=ClockRules)

    def __post_init__(self) -> None:
        _require_aware(self.started_at, "started_at")
        if self.limit < 0:
            raise ValueError("the limit cannot be negative")

    # --- building blocks --------------------------------------------------------------------------

    def local_date(self, moment: dt.datetime) -> dt.date:
        _require_aware(moment, "moment")
        return moment.astimezone(self.rules.zone).date()

    def receipt_day(self, moment: dt.datetime) -> dt.date:
        """The day a file handed in at `moment` counts as received (see the module docstring)."""
        local = moment.astimezone(self.rules.zone)
        day = local.date()
        if local.time() >= self.rules.cutoff:
            return self.calendar.next_working_day(day)
        return self.calendar.working_day_on_or_after(day)

    @property
    def received_on(self) -> dt.date:
        return self.receipt_day(self.started_at)

    @property
    def total_days(self) -> int:
        return self.limit + (self.extension.days if self.extension else 0)

    def paused_spans(self, at: dt.datetime) -> list[tuple[dt.date, dt.date]]:
        """Merged (a, b] day spans whose working days do not count, as known at `at`."""
        spans: list[tuple[dt.date, dt.date]] = []
        for suspension in self.suspensions:
            if suspension.start > at:
                continue  # not yet happened at `at`
            end = suspension.end if suspension.end is not None and suspension.end <= at else at
            first, last = self.local_date(suspension.start), self.receipt_day(end)
            if last > first:
                spans.append((first, last))
        spans.sort()
        merged: list[tuple[dt.date, dt.date]] = []
        for first, last in spans:
            if merged and first <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], last))
            else:
                merged.append((first, last))
        return merged

    def is_suspended(self, at: dt.datetime) -> bool:
        return any(s.start <= at and (s.end is None or s.end > at) for s in self.suspensions)

    # --- answers ----------------------------------------------------------------------------------

    def due_date(self, at: dt.datetime) -> dt.date:
        """The last day of the limit, as known at `at` (suspensions up to `at`, open ones ending at `at`)."""
        calendar = self.calendar
        current, remaining = self.received_on, self.total_days
        if remaining == 0:
            return current
        for first, last in self.paused_spans(at):
            if last <= current:
                continue
            available = calendar.working_days_between(current, max(first, current))
            if available >= remaining:
                break
            remaining -= available
            current = last
        return calendar.add_working_days(current, remaining)

    def state(self, at: dt.datetime) -> ClockState:
        due = self.due_date(at)
        suspended = self.is_suspended(at)
        # While suspended, count from the day a resubmission now would be received: the number stays
        # frozen over weekends and holidays too (unless that day is already past the due date).
        today = self.local_date(at)
        if suspended and self.receipt_day(at) <= due:
            today = self.receipt_day(at)
        remaining = self.calendar.working_days_between(today, due)
        overdue = self.local_date(at) > due
        return ClockState(
            due_date=due,
            remaining=remaining,
            overdue=overdue,
            due_soon=not overdue and remaining <= self.rules.due_soon_days,
            suspended=suspended,
        )

    def remaining(self, at: dt.datetime) -> int:
        return self.state(at).remaining

    def is_overdue(self, at: dt.datetime) -> bool:
        return self.state(at).overdue

    def is_due_soon(self, at: dt.datetime) -> bool:
        return self.state(at).due_soon


def _require_aware(moment: dt.datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime")
