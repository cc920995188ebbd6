"""Statutory clocks of tasks and whole files, from the stored facts (docs/casework.md).

The clock itself is a pure value (diwan.casework.clock); this module builds it from a task or an
application and its suspensions, in the working calendar of the office that holds the file (the
Kurdistan Region's offices also keep the Region's holidays).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from diwan.applications.models import Application
from diwan.casework.calendar import WorkingCalendar, calendar_for
from diwan.casework.clock import Extension, StatutoryClock
from diwan.casework.clock import Suspension as ClockSuspension
from diwan.casework.models import HolidayScope, Suspension, Task
from diwan.core.governorates import KURDISTAN_REGION
from diwan.directory.models import Office


def calendar_of(office: Office | None) -> WorkingCalendar:
    if office is not None and office.governorate in KURDISTAN_REGION:
        return calendar_for(HolidayScope.KURDISTAN_REGION)
    return calendar_for(HolidayScope.FEDERAL)


def _pauses(suspensions: Iterable[Suspension], since: dt.datetime) -> tuple[ClockSuspension, ...]:
    return tuple(
        ClockSuspension(start=s.started_at, end=s.ended_at, reason=s.reason)
        for s in suspensions
        if s.ended_at is None or s.ended_at > since
    )


def task_clock(task: Task, suspensions: Iterable[Suspension] = ()) -> StatutoryClock:
    extension = Extension(task.application.extension_days, "extension") if task.extended else None
    return StatutoryClock(
        started_at=task.opened_at,
        limit=task.limit_days,
        calendar=calendar_of(task.office),
        suspensions=_pauses(suspensions, task.opened_at),
        extension=extension,
    )


def case_clock(application: Application, suspensions: Iterable[Suspension] = ()) -> StatutoryClock:
    assert application.submitted_at is not None, "a draft has no clock"
    limit = int(application.definition["legal_time_limit_days"])
    extension = (
        Extension(application.extension_days, application.extension_reason or "extension")
        if application.extension_days
        else None
    )
    return StatutoryClock(
        started_at=application.submitted_at,
        limit=limit,
        calendar=calendar_of(application.office),
        suspensions=_pauses(suspensions, application.submitted_at),
        extension=extension,
    )
