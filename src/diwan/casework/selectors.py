"""Reads of casework that depend on who is asking (ARCHITECTURE §5.2).

Officials see their own offices' queues only. A file outside them is "not found" unless the official
opened it through break-glass (a typed reason, audited, flagged to integrity) in the last hours.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import RawSQL

from diwan.applications.models import Application, ApplicationStatus
from diwan.applications.tracking import normalise_tracking_number
from diwan.casework.clock import BAGHDAD
from diwan.casework.deadlines import calendar_of, case_clock
from diwan.casework.models import (
    BreakGlassAccess,
    CaseEntry,
    CaseMessage,
    Suspension,
    Task,
    TaskKind,
    TaskStatus,
)
from diwan.catalogue.models import ServiceVersion
from diwan.core import clock
from diwan.core.errors import NotFound
from diwan.core.i18n import pick
from diwan.directory.models import Office
from diwan.directory.selectors import held_positions

BREAK_GLASS_WINDOW = dt.timedelta(hours=8)
INBOX_PAGE_SIZE = 50
DUE_SOON_DAYS = 2
INBOX_STATUSES = {
    "open": (TaskStatus.OPEN, TaskStatus.WAITING),
    "with_citizen": (TaskStatus.WITH_CITIZEN,),
}


def today() -> dt.date:
    return clock.now().astimezone(BAGHDAD).date()


CASEWORK_ROLES = ("case_officer", "reviewer", "approver", "registry_clerk")


def staff_office_ids(actor: Any) -> list[int]:
    """Offices whose files the official works on: where they hold a casework role today, plus the offices
    under those where they are an approver (a supervisor oversees the offices below theirs). Other
    positions (an agency administrator's, an auditor's) open no queue."""
    held = held_positions(actor).filter(role__in=CASEWORK_ROLES).values_list("office_id", "role")
    offices = {office_id for office_id, _role in held}
    frontier = {office_id for office_id, role in held if role == "approver"}
    while frontier:
        below = set(Office.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - offices
        offices |= below
        frontier = below
    return sorted(offices)


def my_offices(actor: Any) -> QuerySet[Office]:
    return Office.objects.filter(pk__in=staff_office_ids(actor)).select_related("agency").order_by("pk")


def access_office_for(actor: Any, office_id: int) -> Office:
    office = my_offices(actor).filter(pk=office_id).first()
    if office is None:
        raise NotFound()
    return office


# --- The office inbox -------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxRow:
    task: Task
    tracking_number: str
    applicant_name: str
    service_title: str
    stage_name: str
    due_date: dt.date
    overdue: bool
    due_soon: bool
    mine: bool


@dataclass(frozen=True)
class InboxPage:
    office: Office
    rows: list[InboxRow]
    next_cursor: str | None
    view: str
    query: str
    mine_only: bool
    overdue_count: int | None = None


def _cursor(task: Task) -> str:
    return f"{task.due_date.isoformat()}_{task.pk}"


def _after(cursor: str) -> Q:
    try:
        day_text, id_text = cursor.split("_", 1)
        day, pk = dt.date.fromisoformat(day_text), int(id_text)
    except ValueError:
        return Q()
    return Q(due_date__gt=day) | Q(due_date=day, pk__gt=pk)


@dataclass(frozen=True)
class _VersionNames:
    """What the inbox shows of a service version: its title and its stages' names (translated texts)."""

    title: dict[str, str]
    stages: dict[str, dict[str, str]]


_NO_NAMES = _VersionNames({}, {})
VERSION_NAMES_KEPT = 256
_version_names: OrderedDict[tuple[int, str], _VersionNames] = OrderedDict()
_version_names_lock = threading.Lock()


def _names_of_versions(keys: set[tuple[int, str]]) -> dict[tuple[int, str], _VersionNames]:
    """Titles and stage names of service versions, by (id, content hash). A published version never
    changes (docs/catalogue.md), so they are kept per process, the last VERSION_NAMES_KEPT used; the hash
    is in the key because an id alone can come back with other content in a database that rolled back.
    The ones not kept yet come in one query that reads only those two parts of the definition."""
    found: dict[tuple[int, str], _VersionNames] = {}
    with _version_names_lock:
        for key in keys:
            names = _version_names.get(key)
            if names is not None:
                _version_names.move_to_end(key)
                found[key] = names
    missing = keys - found.keys()
    if not missing:
        return found
    read = (
        ServiceVersion.objects.filter(pk__in={pk for pk, _digest in missing})
        .order_by()
        .values_list("pk", "content_hash", "definition__title", "definition__workflow__stages")
    )
    fresh: dict[tuple[int, str], _VersionNames] = {}
    for pk, digest, title, stages in read:
        by_key: dict[str, dict[str, str]] = {}
        for stage in stages or ():
            by_key.setdefault(stage["key"], stage.get("name") or {})  # the first one, as the engine does
        fresh[(pk, digest)] = _VersionNames(title or {}, by_key)
    with _version_names_lock:
        for key, names in fresh.items():
            _version_names[key] = names
            _version_names.move_to_end(key)
        while len(_version_names) > VERSION_NAMES_KEPT:
            _version_names.popitem(last=False)
    return found | fresh


def _status_in(statuses: tuple[TaskStatus, ...]) -> Q | RawSQL:
    """`status IN (...)` with the statuses written into the SQL, not bound as parameters: SQLite uses a
    partial index (casework_task_inbox_open) only when the query states the index's condition with the
    same constants; PostgreSQL plans it the same either way. One status stays a plain equality (the
    full inbox index keeps its order). The values are TaskStatus members, not input."""
    if len(statuses) == 1:
        return Q(status=statuses[0])
    assert all(status in TaskStatus.values and status.isidentifier() for status in statuses)
    column = f"{connection.ops.quote_name(Task._meta.db_table)}.{connection.ops.quote_name('status')}"
    listed = ", ".join(f"'{status}'" for status in statuses)
    return RawSQL(f"{column} IN ({listed})", (), output_field=BooleanField())  # noqa: S611 (constants)


def office_inbox(
    actor: Any,
    office_id: int,
    *,
    view: str = "open",
    query: str = "",
    mine_only: bool = False,
    cursor: str = "",
    page_size: int = INBOX_PAGE_SIZE,
    offices: Sequence[Office] | None = None,
) -> InboxPage:
    """One page of an office's tasks by deadline (keyset pagination on the inbox indexes: the page costs
    the same with 100 or 100,000 open tasks). `query` finds a tracking number or an applicant's name.

    `offices`: what `my_offices(actor)` gave earlier in the same request, when the caller has it (the
    page lists them), so they are not read again; the office must be one of them (else "not found")."""
    if offices is None:
        office = access_office_for(actor, office_id)
    else:
        chosen = next((item for item in offices if item.pk == office_id), None)
        if chosen is None:
            raise NotFound()
        office = chosen
    statuses = INBOX_STATUSES.get(view, INBOX_STATUSES["open"])
    tasks = Task.objects.filter(_status_in(statuses), office=office)
    query = query.strip()[:100]
    if query:
        number = normalise_tracking_number(query)
        if number:
            tasks = tasks.filter(application__tracking_number=number)
        else:
            tasks = tasks.filter(application__applicant_name__icontains=query)
    if mine_only:
        tasks = tasks.filter(assignee_id=actor.pk)
    if cursor:
        tasks = tasks.filter(_after(cursor))
    found = list(
        tasks.select_related("application")
        # Not the service definition (~15 KB each): the names come from _names_of_versions.
        .annotate(version_hash=F("application__service_version__content_hash"))
        .only(
            "id",
            "application_id",
            "stage_key",
            "stage_index",
            "kind",
            "status",
            "due_date",
            "assignee_id",
            "escalated_at",
            "application__id",
            "application__tracking_number",
            "application__applicant_name",
            "application__service_version_id",
        )
        .order_by("due_date", "id")[: page_size + 1]
    )
    page = found[:page_size]
    names = _names_of_versions({(t.application.service_version_id, t.version_hash) for t in page})
    now = today()
    soon = calendar_of(office).add_working_days(now, DUE_SOON_DAYS)
    titles: dict[tuple[int, str], str] = {}  # picked once per version and stage in the active language
    stage_names: dict[tuple[int, str, str], str] = {}
    rows = []
    for task in page:
        application = task.application
        key = (application.service_version_id, task.version_hash)
        version = names.get(key, _NO_NAMES)
        if key not in titles:
            titles[key] = pick(version.title)
        stage_of_version = (*key, task.stage_key)
        if stage_of_version not in stage_names:
            stage = version.stages.get(task.stage_key)
            stage_names[stage_of_version] = pick(stage) if stage is not None else task.stage_key
        rows.append(
            InboxRow(
                task=task,
                tracking_number=application.tracking_number or "",
                applicant_name=application.applicant_name,
                service_title=titles[key],
                stage_name=stage_names[stage_of_version],
                due_date=task.due_date,
                overdue=task.due_date < now,
                due_soon=now <= task.due_date <= soon,
                mine=task.assignee_id == actor.pk,
            )
        )
    next_cursor = _cursor(found[page_size - 1]) if len(found) > page_size else None
    return InboxPage(office, rows, next_cursor, view, query, mine_only)


# --- One file, for staff ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseAccess:
    application: Application
    office_id: int | None  # the official's office through which they see it (None: break-glass)
    break_glass: bool


def access_case_for(actor: Any, application_id: int) -> CaseAccess:
    """A submitted file the official may see: one of their offices holds (or held) a task of it, or it
    is routed to one of their offices; else a break-glass opening by them in the last hours."""
    application = (
        Application.objects.select_related("service", "service_version", "office", "applicant")
        .exclude(status=ApplicationStatus.DRAFT)
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise NotFound()
    mine = staff_office_ids(actor)
    if application.office_id in mine:
        return CaseAccess(application, application.office_id, False)
    through = (
        Task.objects.filter(application=application, office_id__in=mine)
        .values_list("office_id", flat=True)
        .first()
    )
    if through is not None:
        return CaseAccess(application, through, False)
    recent = BreakGlassAccess.objects.filter(
        official=actor, application=application, opened_at__gte=clock.now() - BREAK_GLASS_WINDOW
    ).exists()
    if recent:
        return CaseAccess(application, None, True)
    raise NotFound()


def find_case_by_tracking_number(tracking_number: str) -> int | None:
    """The id of a submitted file by its tracking number, for the break-glass form (which then checks and
    records access); None when the number is malformed or unknown."""
    number = normalise_tracking_number(tracking_number)
    if number is None:
        return None
    found: int | None = (
        Application.objects.filter(tracking_number=number).values_list("pk", flat=True).first()
    )
    return found


@dataclass
class CaseDetail:
    application: Application
    tasks: list[Task]
    entries: list[CaseEntry]
    messages: list[CaseMessage]
    attachments: list[Any]
    suspensions: list[Suspension]
    legal_due: dt.date | None
    actions_for_me: dict[int, list[str]] = field(default_factory=dict)


def case_detail(actor: Any, access: CaseAccess) -> CaseDetail:
    application = access.application
    tasks = list(
        Task.objects.filter(application=application)
        .select_related("office", "assignee")
        .order_by("opened_at", "id")
    )
    for task in tasks:
        task.application = application
    definition = application.definition
    actions: dict[int, list[str]] = {}
    for task in tasks:
        if task.assignee_id == actor.pk and task.status == TaskStatus.OPEN:
            if task.kind == TaskKind.CONSULTATION:
                actions[task.pk] = ["answer"]
            else:
                actions[task.pk] = list(definition["workflow"]["stages"][task.stage_index]["actions"])
    suspensions = list(Suspension.objects.filter(application=application))
    return CaseDetail(
        application=application,
        tasks=tasks,
        entries=list(CaseEntry.objects.filter(application=application).select_related("office", "actor")),
        messages=list(
            CaseMessage.objects.filter(application=application)
            .select_related("author")
            .prefetch_related("attachments")
        ),
        attachments=list(application.attachments.filter(replaced=False).exclude(field_name="")),
        suspensions=suspensions,
        legal_due=case_clock(application, suspensions).due_date(clock.now())
        if application.submitted_at
        else None,
        actions_for_me=actions,
    )


def reassign_candidates(actor: Any, task: Task) -> list[Any]:
    from django.contrib.auth import get_user_model

    from diwan.casework import assignment

    if not assignment.is_supervisor(actor, task.office):
        return []
    ids = assignment.eligible(task)
    return list(get_user_model().objects.filter(pk__in=ids).order_by("full_name_ar"))


def supervised_task_for(actor: Any, task_id: int) -> Task:
    from diwan.casework import assignment

    task = Task.objects.select_related("office", "application__service_version").filter(pk=task_id).first()
    if task is None or not assignment.is_supervisor(actor, task.office):
        raise NotFound()
    return task


# --- The citizen's view of their file ---------------------------------------------------------------


@dataclass(frozen=True)
class StageView:
    key: str
    name: str
    office: str
    state: str  # done, current, with_citizen, upcoming, stopped
    expected: dt.date | None  # the stage's due date (done: the day it was completed)
    completed_at: dt.datetime | None


@dataclass(frozen=True)
class Timeline:
    stages: list[StageView]
    entries: list[CaseEntry]
    legal_due: dt.date | None
    suspended: bool
    suspensions: list[Suspension]


def citizen_timeline(application: Application) -> Timeline:
    """Every stage with its office and expected date, the legal deadline, suspensions and extension, and
    the public timeline entries (never who inside the office holds the file)."""
    definition = application.definition
    tasks = {
        t.stage_index: t
        for t in Task.objects.filter(application=application, kind=TaskKind.STAGE)
        .select_related("office")
        .order_by("opened_at")
    }
    suspensions = list(Suspension.objects.filter(application=application))
    suspended = any(s.ended_at is None for s in suspensions)
    calendar = calendar_of(application.office)
    views: list[StageView] = []
    running: dt.date | None = None
    stopped = application.status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
    for index, stage in enumerate(definition["workflow"]["stages"]):
        task = tasks.get(index)
        if task is not None:
            if task.status == TaskStatus.DONE:
                state = "done"
                expected: dt.date | None = (
                    task.closed_at.astimezone(BAGHDAD).date() if task.closed_at else None
                )
            elif task.status == TaskStatus.CANCELLED:
                state = "stopped"
                expected = None
            else:
                state = "with_citizen" if task.status == TaskStatus.WITH_CITIZEN else "current"
                expected = task.due_date
            running = expected
            office_label = task.office.label
        else:
            state = "stopped" if stopped else "upcoming"
            expected = None
            if not stopped and running is not None and application.submitted_at:
                running = calendar.add_working_days(max(running, today()), int(stage["time_limit_days"]))
                expected = running
            office_label = (
                application.office.label
                if application.office and stage.get("office", "routed") == "routed"
                else ""
            )
        views.append(
            StageView(
                key=stage["key"],
                name=pick(stage["name"]),
                office=office_label,
                state=state,
                expected=expected,
                completed_at=task.closed_at if task is not None else None,
            )
        )
    entries = list(CaseEntry.objects.filter(application=application, public=True).select_related("office"))
    legal_due = (
        case_clock(application, suspensions).due_date(clock.now())
        if application.submitted_at and not stopped
        else application.legal_due_date
    )
    return Timeline(views, entries, legal_due, suspended, suspensions)


def citizen_messages(application: Application) -> QuerySet[CaseMessage]:
    return (
        CaseMessage.objects.filter(application=application)
        .prefetch_related("attachments")
        .order_by("sent_at", "id")
    )


# --- Integrity: break-glass openings ----------------------------------------------------------------


def break_glass_for_review(actor: Any) -> QuerySet[BreakGlassAccess]:
    """Openings by officials of the agencies where `actor` is an integrity officer, newest first."""
    agencies = (
        held_positions(actor).filter(role="integrity_officer").values_list("office__agency__code", flat=True)
    )
    return (
        BreakGlassAccess.objects.filter(agency_code__in=list(agencies))
        .select_related("official", "application", "reviewed_by")
        .order_by(F("reviewed_at").asc(nulls_first=True), "-opened_at")  # waiting for review first
    )


def access_break_glass_for(actor: Any, access_id: int) -> BreakGlassAccess:
    found = break_glass_for_review(actor).filter(pk=access_id).first()
    if found is None:
        raise NotFound()
    return found
