"""Working days: Iraq's weekend (Friday and Saturday) and public holidays (docs/statutory-clock.md).

`WorkingCalendar` is pure arithmetic over dates. Counting rule (GOV-style): the start day is day 0 and is
never counted; day 1 is the first working day after it. `add_working_days(start, n)` is the n-th working day
after `start` (a deadline runs to the end of that day), and `working_days_between(a, b)` counts the working
days d with a < d <= b, so `working_days_between(start, add_working_days(start, n)) == n` for n >= 1.

`calendar_for(scope)` builds the calendar of a scope from the Holiday table, cached per process; any save or
delete of a Holiday drops the cache in that process, and other processes reload after CACHE_SECONDS.
`holidays_load(...)` is the one write path for holidays: it syncs one year from a calendars/*.yaml file.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from diwan.audit.actions import record_event
from diwan.casework.events import CaseworkEvent
from diwan.casework.models import Holiday, HolidayScope
from diwan.core.i18n import LANGUAGES

FRIDAY = 4  # date.weekday() numbers: Monday is 0
SATURDAY = 5
IRAQ_WEEKEND = frozenset({FRIDAY, SATURDAY})
ONE_DAY = dt.timedelta(days=1)


class WorkingCalendar:
    """Which days are working days, and arithmetic over them. Immutable and hashable."""

    __slots__ = ("_hash", "_weekday_holidays", "holidays", "weekend", "working_per_week")

    def __init__(self, holidays: Iterable[dt.date] = (), weekend: Iterable[int] = IRAQ_WEEKEND) -> None:
        self.holidays: frozenset[dt.date] = frozenset(holidays)
        self.weekend: frozenset[int] = frozenset(weekend)
        if not self.weekend <= set(range(7)) or len(self.weekend) > 6:
            raise ValueError("weekend must be weekday numbers 0-6 leaving at least one working day")
        self.working_per_week = 7 - len(self.weekend)
        # Holidays that fall on a weekday: only these remove a working day (no substitute days in Iraq).
        self._weekday_holidays = sorted(d for d in self.holidays if d.weekday() not in self.weekend)
        self._hash = hash((self.holidays, self.weekend))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return self.holidays == other.holidays and self.weekend == other.weekend

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"WorkingCalendar({len(self.holidays)} holidays, weekend={sorted(self.weekend)})"

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def _holidays_in(self, after: dt.date, upto: dt.date) -> int:
        """Weekday holidays d with after < d <= upto."""
        days = self._weekday_holidays
        return bisect.bisect_right(days, upto) - bisect.bisect_right(days, after)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days d with a < d <= b; negative (-(working days in (b, a])) when b is before a."""
        if b < a:
            return -self.working_days_between(b, a)
        span = (b - a).days
        weeks, rest = divmod(span, 7)
        count = weeks * self.working_per_week
        day = a + dt.timedelta(days=weeks * 7)
        for _ in range(rest):
            day += ONE_DAY
            if day.weekday() not in self.weekend:
                count += 1
        return count - self._holidays_in(a, b)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (start itself is day 0 and never counts).

        n == 0 gives `start` when it is a working day, otherwise the next working day, so the result is
        always a working day."""
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            return self.working_day_on_or_after(start)
        current, remaining = start, n
        # Jump whole weeks while the target is clearly beyond them, then walk day by day.
        while remaining > self.working_per_week:
            week_end = current + dt.timedelta(days=7)
            worked = self.working_per_week - self._holidays_in(current, week_end)
            if worked >= remaining:
                break
            current, remaining = week_end, remaining - worked
        while True:
            current += ONE_DAY
            if self.is_working_day(current):
                remaining -= 1
                if remaining == 0:
                    return current


# --- Loading calendars from the database, cached per process -----------------------------------------

CACHE_SECONDS = 300.0  # how stale another process's calendar may be after a holiday changes
_cache: dict[str, tuple[float, WorkingCalendar]] = {}
_cache_lock = threading.Lock()

SCOPES_INCLUDED: Mapping[str, tuple[str, ...]] = {
    HolidayScope.FEDERAL: (HolidayScope.FEDERAL,),
    HolidayScope.KURDISTAN_REGION: (HolidayScope.FEDERAL, HolidayScope.KURDISTAN_REGION),
}


def calendar_for(scope: str = HolidayScope.FEDERAL) -> WorkingCalendar:
    """The working calendar of offices in `scope`: federal holidays, plus regional ones for the Kurdistan
    Region. Cached per process for CACHE_SECONDS; a Holiday saved or deleted here clears it at once."""
    if scope not in SCOPES_INCLUDED:
        raise ValueError(f"unknown holiday scope {scope!r}")
    now = time.monotonic()
    cached = _cache.get(scope)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    days = Holiday.objects.filter(scope__in=SCOPES_INCLUDED[scope]).values_list("date", flat=True)
    calendar = WorkingCalendar(days)
    with _cache_lock:
        _cache[scope] = (now, calendar)
    return calendar


def invalidate_calendars(**_: Any) -> None:
    with _cache_lock:
        _cache.clear()


post_save.connect(invalidate_calendars, sender=Holiday, dispatch_uid="casework_holiday_saved")
post_delete.connect(invalidate_calendars, sender=Holiday, dispatch_uid="casework_holiday_deleted")


# --- The calendar files (calendars/iraq-YYYY.yaml) ---------------------------------------------------


class CalendarFileError(ValueError):
    """A calendar file that cannot be loaded; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class HolidayEntry:
    key: str
    date: dt.date
    scope: str
    name: dict[str, str]
    provisional: bool


@dataclass(frozen=True)
class CalendarFile:
    year: int
    holidays: tuple[HolidayEntry, ...]


def parse_calendar(text: str, *, source: str = "<calendar>") -> CalendarFile:
    """Validate a calendar document (schema in docs/statutory-clock.md); raise CalendarFileError."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CalendarFileError(f"{source}: not valid YAML: {error}") from None
    if not isinstance(document, dict) or set(document) != {"year", "holidays"}:
        raise CalendarFileError(f"{source}: expected exactly the keys `year` and `holidays`")
    year = document["year"]
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise CalendarFileError(f"{source}: `year` must be a year such as 2026")
    items = document["holidays"]
    if not isinstance(items, list):
        raise CalendarFileError(f"{source}: `holidays` must be a list")
    entries: list[HolidayEntry] = []
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        entries.append(_entry(item, year=year, where=f"{source}: holiday #{index}", seen=seen))
    return CalendarFile(year=year, holidays=tuple(entries))


_ENTRY_KEYS = {"key", "date", "scope", "name", "provisional"}


def _entry(item: object, *, year: int, where: str, seen: set[str]) -> HolidayEntry:
    if not isinstance(item, dict):
        raise CalendarFileError(f"{where}: must be a mapping")
    key = item.get("key")
    if isinstance(key, str):
        where = f"{where} ({key})"
    if set(item) != _ENTRY_KEYS:
        missing, extra = _ENTRY_KEYS - set(item), set(item) - _ENTRY_KEYS
        raise CalendarFileError(f"{where}: missing fields {sorted(missing)}, unknown fields {sorted(extra)}")
    if not isinstance(key, str) or not key or len(key) > 60 or not key.replace("-", "").isalnum():
        raise CalendarFileError(f"{where}: `key` must be a slug such as eid-al-fitr-1")
    if key in seen:
        raise CalendarFileError(f"{where}: `key` is used twice")
    seen.add(key)
    day = item["date"]
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise CalendarFileError(f"{where}: `date` must be a date written YYYY-MM-DD")
    if day.year != year:
        raise CalendarFileError(f"{where}: `date` {day.isoformat()} is not in {year}")
    scope = item["scope"]
    if scope not in HolidayScope.values:
        raise CalendarFileError(f"{where}: `scope` must be one of {', '.join(HolidayScope.values)}")
    name = item["name"]
    if (
        not isinstance(name, dict)
        or set(name) != set(LANGUAGES)
        or not all(isinstance(v, str) and v.strip() for v in name.values())
    ):
        raise CalendarFileError(f"{where}: `name` must give ar, ckb and en, each non-empty")
    provisional = item["provisional"]
    if not isinstance(provisional, bool):
        raise CalendarFileError(f"{where}: `provisional` must be true or false")
    return HolidayEntry(
        key=key,
        date=day,
        scope=str(scope),
        name={code: name[code].strip() for code in LANGUAGES},
        provisional=provisional,
    )


@dataclass(frozen=True)
class LoadResult:
    year: int
    added: int
    changed: int
    removed: int
    unchanged: int


def holidays_load(*, actor: Any | None, path: Path) -> LoadResult:
    """Make the Holiday table for the file's year exactly what the file says (idempotent).

    A holiday is matched by its key within the year: a new key is added, a different date, scope, name or
    provisional flag is a change, a key no longer in the file is removed. Each is an audit event in the
    same transaction, with the old and new values."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CalendarFileError(f"{path}: cannot be read: {error.strerror}") from None
    calendar_file = parse_calendar(text, source=str(path))
    return holidays_sync(actor=actor, calendar_file=calendar_file, source=path.name)


def holidays_sync(*, actor: Any | None, calendar_file: CalendarFile, source: str) -> LoadResult:
    added = changed = removed = unchanged = 0
    year = calendar_file.year
    with transaction.atomic():
        existing = {h.key: h for h in Holiday.objects.select_for_update().filter(year=year)}
        for entry in calendar_file.holidays:
            values = {
                "date": entry.date,
                "scope": entry.scope,
                "name": entry.name,
                "provisional": entry.provisional,
            }
            holiday = existing.pop(entry.key, None)
            if holiday is None:
                holiday = Holiday.objects.create(year=year, key=entry.key, **values)
                _record(CaseworkEvent.HOLIDAY_ADDED, actor, holiday, source, after=_snapshot(holiday))
                added += 1
                continue
            before = _snapshot(holiday)
            for field, value in values.items():
                setattr(holiday, field, value)
            after = _snapshot(holiday)
            if before == after:
                unchanged += 1
                continue
            holiday.save()
            _record(CaseworkEvent.HOLIDAY_CHANGED, actor, holiday, source, before=before, after=after)
            changed += 1
        for holiday in existing.values():
            before = _snapshot(holiday)
            _record(CaseworkEvent.HOLIDAY_REMOVED, actor, holiday, source, before=before)
            holiday.delete()
            removed += 1
        transaction.on_commit(invalidate_calendars)
    return LoadResult(year=year, added=added, changed=changed, removed=removed, unchanged=unchanged)


def _snapshot(holiday: Holiday) -> dict[str, Any]:
    return {
        "date": holiday.date.isoformat(),
        "scope": holiday.scope,
        "name": dict(holiday.name),
        "provisional": holiday.provisional,
    }


def _record(
    event_type: CaseworkEvent,
    actor: Any | None,
    holiday: Holiday,
    source: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    details: dict[str, Any] = {"year": holiday.year, "key": holiday.key, "source": source}
    if before is not None:
        details["before"] = before
    if after is not None:
        details["after"] = after
    record_event(
        event_type=event_type,
        actor=actor,
        objects={"holiday": f"{holiday.year}/{holiday.key}"},
        details=details,
    )
