"""The one write path of casework (docs/casework.md): the workflow engine and every action on a file.

A service's workflow (services/*.yaml) is a list of stages; each stage is a task in one office's queue,
acted on by an official holding the stage's role there, within the stage's time limit in working days.
Consultations are parallel sub-tasks to other offices that must all be answered before the stage can be
approved. Every action:

- runs in one transaction with the application row locked, and refuses with `Conflict` when the page the
  official acted from is stale (the `revision` they saw is not the current one) — nothing changes;
- is taken by the task's assignee only (rotation decides who, never the official), and is refused when
  the official has a conflict of interest with the applicant or completed an earlier stage (separation
  of duties) — checked again at action time, since relatives may be declared after assignment;
- writes the citizen's timeline, an audit event with the citizen as data subject, and queues the
  citizen's message after commit.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diwan.applications.models import Application, ApplicationStatus
from diwan.audit.actions import record_event
from diwan.casework import assignment
from diwan.casework.clock import BAGHDAD
from diwan.casework.deadlines import case_clock, task_clock
from diwan.casework.events import CaseworkEvent
from diwan.casework.models import (
    ACTIVE_TASK_STATUSES,
    BreakGlassAccess,
    CaseEntry,
    CaseMessage,
    DeclaredRelative,
    EntryKind,
    Suspension,
    Task,
    TaskKind,
    TaskOutcome,
    TaskStatus,
)
from diwan.core import clock
from diwan.core.crypto import blind_index
from diwan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from diwan.core.i18n import pick
from diwan.core.queries import insert_instance, insert_rows
from diwan.directory.models import Office
from diwan.notifications.actions import message_queue
from diwan.notifications.models import Medium

MAX_EXTENSION_DAYS = 30
MAX_REASON_LENGTH = 2000


# --- The workflow -----------------------------------------------------------------------------------


def stages(application: Application) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = application.definition["workflow"]["stages"]
    return found


def stage_office(application: Application, stage: dict[str, Any]) -> Office:
    """The office that acts on a stage: the routed office, its parent, or a named office of the agency."""
    routed = application.office
    assert routed is not None, "a submitted application has a routed office"
    where = stage.get("office", "routed")
    if where == "routed":
        return routed
    if where == "parent":
        return routed.parent or routed
    office = Office.objects.filter(agency_id=application.service.agency_id, code=where).first()
    if office is None:
        raise ValidationFailed(_("The service names an office that does not exist."))
    return office


def workflow_start(*, actor: Any, application: Application) -> Task:
    """Open the first stage of a just-submitted application (inside the submit transaction)."""
    submitted = _entry_row(application, EntryKind.SUBMITTED, actor=actor, office=application.office)
    return _open_stage(actor=actor, application=application, index=0, entries=[submitted])


def _open_stage(
    *, actor: Any, application: Application, index: int, entries: list[CaseEntry] | None = None
) -> Task:
    stage = stages(application)[index]
    office = stage_office(application, stage)
    now = clock.now()
    task = Task(
        application=application,
        kind=TaskKind.STAGE,
        stage_key=stage["key"],
        stage_index=index,
        office=office,
        role=stage["role"],
        limit_days=int(stage["time_limit_days"]),
        opened_at=now,
        due_date=now.date(),  # set from the clock below
    )
    task.due_date = task_clock(task).due_date(now)
    # Rotation picks the official before the task is written: one INSERT, not an INSERT and an UPDATE.
    choice = assignment.choose(task)
    task.assignee_id, task.assignment_reason = choice.user_id, choice.reason
    insert_instance(task)  # Model.save() with the INSERT compiled once (core.queries)
    rows = [
        *(entries or []),
        _entry_row(application, EntryKind.STAGE_STARTED, stage_key=task.stage_key, office=office),
    ]
    insert_rows([*rows, _assigned_row(task, choice)])
    record_event(
        event_type=CaseworkEvent.TASK_OPENED,
        actor=actor,
        office_id=office.pk,
        data_subject=application.applicant_id,
        objects={"application": application.pk, "task": task.pk},
        details={"stage": task.stage_key, "due_date": task.due_date.isoformat()},
    )
    _assignment_event(task, choice, actor=actor)
    for consultation in stage.get("consultations", []):
        _open_consultation(actor=actor, parent=task, consultation=consultation)
    return task


def _open_consultation(*, actor: Any, parent: Task, consultation: dict[str, Any]) -> Task:
    office = Office.objects.filter(agency__code=consultation["agency"], code=consultation["office"]).first()
    if office is None:
        raise ValidationFailed(_("The service names an office that does not exist."))
    now = clock.now()
    task = Task(
        application=parent.application,
        kind=TaskKind.CONSULTATION,
        parent=parent,
        stage_key=parent.stage_key,
        stage_index=parent.stage_index,
        office=office,
        role="case_officer",
        limit_days=int(consultation["time_limit_days"]),
        opened_at=now,
        due_date=now.date(),
        question=consultation["question"],
    )
    task.due_date = task_clock(task).due_date(now)
    choice = assignment.choose(task)
    task.assignee_id, task.assignment_reason = choice.user_id, choice.reason
    task.save()
    sent = _entry_row(
        parent.application, EntryKind.CONSULTATION_SENT, stage_key=task.stage_key, office=office
    )
    insert_rows([sent, _assigned_row(task, choice)])
    record_event(
        event_type=CaseworkEvent.TASK_OPENED,
        actor=actor,
        office_id=office.pk,
        data_subject=parent.application.applicant_id,
        objects={"application": parent.application_id, "task": task.pk, "parent": parent.pk},
        details={"stage": task.stage_key, "consultation": True, "due_date": task.due_date.isoformat()},
    )
    _assignment_event(task, choice, actor=actor)
    return task


def _assign(task: Task, *, actor: Any, exclude: set[int] | None = None) -> None:
    """(Re)run rotation for an existing task (one that waited with nobody eligible)."""
    choice = assignment.choose(task, exclude=exclude)
    task.assignee_id = choice.user_id
    task.assignment_reason = choice.reason
    task.save(update_fields=["assignee", "assignment_reason"])
    _assigned_row(task, choice).save()
    _assignment_event(task, choice, actor=actor)


def _assigned_row(task: Task, choice: assignment.Choice) -> CaseEntry:
    """The internal timeline line saying who rotation chose and the numbers behind the choice."""
    return _entry_row(
        task.application,
        EntryKind.ASSIGNED,
        stage_key=task.stage_key,
        office=task.office,
        public=False,
        details={"assignee": choice.user_id, "reason": choice.reason, **choice.facts()},
    )


def _assignment_event(task: Task, choice: assignment.Choice, *, actor: Any) -> None:
    record_event(
        event_type=CaseworkEvent.TASK_ASSIGNED,
        actor=actor,
        office_id=task.office_id,
        data_subject=task.application.applicant_id,
        objects={"application": task.application_id, "task": task.pk},
        details={"assignee": choice.user_id, "reason": choice.reason, "candidates": choice.candidates},
    )


# --- Checks shared by every action on a task --------------------------------------------------------


def _locked_task(task_id: int) -> tuple[Task, Application]:
    task = Task.objects.select_related("office").filter(pk=task_id).first()
    if task is None:
        raise NotFound()
    application = (
        Application.objects.select_for_update(of=("self",))  # office is nullable: lock only the application
        .select_related("service_version", "service", "office", "applicant")
        .get(pk=task.application_id)
    )
    task = Task.objects.select_for_update(of=("self",)).select_related("office").get(pk=task_id)
    task.application = application
    return task, application


def _acting_task(*, actor: Any, task_id: int, revision: int, action: str) -> tuple[Task, Application]:
    """The task, locked, if `actor` may take `action` on it now; otherwise a refusal that changes nothing."""
    task, application = _locked_task(task_id)
    if task.assignee_id != actor.pk:
        if actor.pk not in assignment.role_holders(task.office, task.role) and not assignment.is_supervisor(
            actor, task.office
        ):
            raise NotFound()  # outside the official's office: as if it did not exist
        raise PermissionDenied(
            _("This file is assigned to another official. Ask your supervisor to reassign it.")
        )
    if application.revision != revision:
        raise Conflict(
            _("This file has changed since you opened it. Reload it to see what happened, then act again.")
        )
    if task.status != TaskStatus.OPEN:
        raise Conflict(_("This task is not open for action any more. Reload the file."))
    _check_may_handle(actor, task, application)
    if task.kind == TaskKind.STAGE and action not in stage_actions(task):
        raise PermissionDenied(_("This action is not allowed at this stage of the service."))
    return task, application


def _check_may_handle(actor: Any, task: Task, application: Application) -> None:
    if assignment.conflicted({actor.pk}, application):
        _refused(actor, task, "conflict_of_interest")
    if task.kind == TaskKind.STAGE and actor.pk in assignment.earlier_deciders(
        application, before_stage=task.stage_index
    ):
        _refused(actor, task, "separation_of_duties")


class RuleRefusal(PermissionDenied):
    """A refusal by a casework rule (conflict of interest, separation of duties): the attempt is audited
    after the refused transaction has rolled back (see `records_refusals`)."""

    def __init__(self, message: str, *, rule: str, task: Task) -> None:
        super().__init__(message)
        self.rule = rule
        self.office_id = task.office_id
        self.application_id = task.application_id
        self.subject_id = task.application.applicant_id


def _refused(actor: Any, task: Task, rule: str) -> None:
    messages = {
        "conflict_of_interest": _(
            "You cannot act on this file: it is your own or a declared relative's. "
            "Ask your supervisor to reassign it."
        ),
        "separation_of_duties": _(
            "You completed an earlier stage of this file; another official must act on this stage."
        ),
    }
    raise RuleRefusal(messages[rule], rule=rule, task=task)


def records_refusals[T](action: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(action)
    def wrapper(*, actor: Any, task_id: int, **kwargs: Any) -> T:
        try:
            return action(actor=actor, task_id=task_id, **kwargs)
        except RuleRefusal as refusal:
            with transaction.atomic():
                record_event(
                    event_type=CaseworkEvent.ACTION_REFUSED,
                    actor=actor,
                    office_id=refusal.office_id,
                    data_subject=refusal.subject_id,
                    objects={"application": refusal.application_id, "task": task_id},
                    details={"rule": refusal.rule, "action": action.__name__},
                )
            raise

    return wrapper


def stage_actions(task: Task) -> list[str]:
    stage = stages(task.application)[task.stage_index]
    found: list[str] = stage["actions"]
    return found


def _bump(application: Application, **changes: Any) -> None:
    application.revision += 1
    application.updated_at = clock.now()
    for name, value in changes.items():
        setattr(application, name, value)
    application.save(update_fields=["revision", "updated_at", *changes])


def _close(task: Task, *, actor: Any, outcome: str, **changes: Any) -> None:
    task.status = TaskStatus.DONE
    task.outcome = outcome
    task.closed_at = clock.now()
    task.closed_by = actor
    for name, value in changes.items():
        setattr(task, name, value)
    task.save(update_fields=["status", "outcome", "closed_at", "closed_by", *changes])


def _entry_row(
    application: Application,
    kind: str,
    *,
    actor: Any | None = None,
    stage_key: str = "",
    office: Office | None = None,
    public: bool = True,
    text: str = "",
    details: dict[str, Any] | None = None,
) -> CaseEntry:
    """A timeline line, not yet saved (several written together: core.queries.insert_rows)."""
    return CaseEntry(
        application=application,
        at=clock.now(),
        kind=kind,
        actor=actor,
        stage_key=stage_key,
        office=office,
        public=public,
        text=text,
        details=details or {},
    )


def _entry(application: Application, kind: str, **fields: Any) -> CaseEntry:
    entry = _entry_row(application, kind, **fields)
    entry.save()
    return entry


def _event(event_type: CaseworkEvent, *, actor: Any, task: Task, **details: Any) -> None:
    record_event(
        event_type=event_type,
        actor=actor,
        office_id=task.office_id,
        data_subject=task.application.applicant_id,
        objects={"application": task.application_id, "task": task.pk},
        details={"stage": task.stage_key, **details},
    )


def notify_citizen(application: Application, template: str, **context: object) -> None:
    """Queue the citizen's SMS (and e-mail when they gave one) about their file, in their language."""
    applicant = application.applicant
    context = {"tracking": application.tracking_number or "", **context}
    if applicant.phone:
        message_queue(
            actor=None,
            medium=Medium.SMS,
            recipient=applicant.phone,
            template=template,
            context=context,
            language=application.language,
            user=applicant,
        )
    if applicant.email:
        message_queue(
            actor=None,
            medium=Medium.EMAIL,
            recipient=applicant.email,
            template=template,
            context=context,
            language=application.language,
            user=applicant,
        )


def _reason(text: str, *, field: str, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationFailed(_("Write the reason; the citizen will read it."), field=field)
    if len(text) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            _("Keep it under %(count)s characters.") % {"count": MAX_REASON_LENGTH}, field=field
        )
    return text


# --- Actions on a stage -----------------------------------------------------------------------------


@records_refusals
def task_approve(*, actor: Any, task_id: int, revision: int, note: str = "") -> Task:
    """Complete the stage; open the next one, or decide the file (approved) after the last."""
    note = _reason(note, field="note", required=False)
    with transaction.atomic():
        task, application = _acting_task(actor=actor, task_id=task_id, revision=revision, action="approve")
        if task.kind == TaskKind.CONSULTATION:
            raise PermissionDenied(_("A consultation is answered, not approved."))
        waiting = task.consultations.filter(status__in=ACTIVE_TASK_STATUSES).count()
        if waiting:
            raise Conflict(
                ngettext(
                    "%(count)s consultation with another office has not been answered yet; "
                    "the stage cannot be completed.",
                    "%(count)s consultations with other offices have not been answered yet; "
                    "the stage cannot be completed.",
                    waiting,
                )
                % {"count": waiting}
            )
        _close(task, actor=actor, outcome=TaskOutcome.APPROVED)
        _entry(
            application,
            EntryKind.STAGE_COMPLETED,
            actor=actor,
            stage_key=task.stage_key,
            office=task.office,
            text=note,
        )
        _event(CaseworkEvent.STAGE_APPROVED, actor=actor, task=task)
        _bump(application)
        if task.stage_index + 1 < len(stages(application)):
            _open_stage(actor=actor, application=application, index=task.stage_index + 1)
        else:
            _decide(application, actor=actor, task=task, approved=True, text=note)
    return task


@records_refusals
def task_reject(*, actor: Any, task_id: int, revision: int, reason_code: str, text: str) -> Task:
    """Refuse the application, with a reason from the service's list and words the citizen reads."""
    with transaction.atomic():
        task, application = _acting_task(actor=actor, task_id=task_id, revision=revision, action="reject")
        reasons = {r["code"] for r in application.definition["workflow"].get("rejection_reasons", [])}
        if reason_code not in reasons:
            raise ValidationFailed(_("Choose a reason from the list."), field="reason_code")
        text = _reason(text, field="text")
        _close(task, actor=actor, outcome=TaskOutcome.REJECTED)
        _cancel_others(application, keep=task)
        _decide(application, actor=actor, task=task, approved=False, text=text, reason_code=reason_code)
    return task


def _decide(
    application: Application, *, actor: Any, task: Task, approved: bool, text: str, reason_code: str = ""
) -> None:
    status = ApplicationStatus.APPROVED if approved else ApplicationStatus.REJECTED
    _bump(
        application,
        status=status,
        decided_at=clock.now(),
        decision_reason_code=reason_code,
        decision_text=text,
    )
    _entry(
        application,
        EntryKind.APPROVED if approved else EntryKind.REJECTED,
        actor=actor,
        stage_key=task.stage_key,
        office=task.office,
        text=text,
        details={"reason_code": reason_code} if reason_code else {},
    )
    _event(
        CaseworkEvent.CASE_APPROVED if approved else CaseworkEvent.CASE_REJECTED,
        actor=actor,
        task=task,
        reason_code=reason_code,
    )
    service = application.service_version.title
    template = "applications.approved" if approved else "applications.rejected"
    notify_citizen(application, template, service=service)


def _cancel_others(application: Application, *, keep: Task) -> None:
    Task.objects.filter(application=application, status__in=ACTIVE_TASK_STATUSES).exclude(pk=keep.pk).update(
        status=TaskStatus.CANCELLED, outcome=TaskOutcome.CANCELLED, closed_at=clock.now()
    )


@records_refusals
def task_return(*, actor: Any, task_id: int, revision: int, fields: Sequence[str], message: str) -> Task:
    """Send the file back to the citizen to correct the named fields. The clocks stop until they resubmit."""
    with transaction.atomic():
        task, application = _acting_task(
            actor=actor, task_id=task_id, revision=revision, action="return_for_correction"
        )
        known = {f["name"] for page in application.definition["form"]["pages"] for f in page["fields"]}
        chosen = [name for name in dict.fromkeys(fields) if name]
        if not chosen:
            raise ValidationFailed(_("Mark at least one answer the citizen must correct."), field="fields")
        if any(name not in known for name in chosen):
            raise ValidationFailed(_("Mark answers of this application's form only."), field="fields")
        message = _reason(message, field="message")
        task.status = TaskStatus.WITH_CITIZEN
        task.save(update_fields=["status"])
        Suspension.objects.create(application=application, reason=message)
        _bump(
            application,
            status=ApplicationStatus.RETURNED,
            correction_fields=chosen,
            correction_message=message,
        )
        _entry(
            application,
            EntryKind.RETURNED,
            actor=actor,
            stage_key=task.stage_key,
            office=task.office,
            text=message,
            details={"fields": chosen},
        )
        _event(CaseworkEvent.CASE_RETURNED, actor=actor, task=task, fields=chosen)
        notify_citizen(application, "applications.returned")
    return task


def case_resubmitted(*, actor: Any, application: Application) -> None:
    """The citizen sent the corrected file back (called by applications.actions inside its transaction):
    close the suspension, reopen the stage with its clock moved on, and recompute the file's deadline."""
    now = clock.now()
    Suspension.objects.filter(application=application, ended_at__isnull=True).update(ended_at=now)
    suspensions = list(Suspension.objects.filter(application=application))
    for task in Task.objects.filter(application=application, status=TaskStatus.WITH_CITIZEN).select_related(
        "office"
    ):
        task.application = application
        task.status = TaskStatus.OPEN
        task.due_date = task_clock(task, suspensions).due_date(now)
        task.save(update_fields=["status", "due_date"])
    # Consultations kept running while the file was with the citizen only if they were open; their
    # clocks pause too.
    for task in Task.objects.filter(application=application, status=TaskStatus.OPEN).select_related("office"):
        task.application = application
        due = task_clock(task, suspensions).due_date(now)
        if due != task.due_date:
            task.due_date = due
            task.save(update_fields=["due_date"])
    application.legal_due_date = case_clock(application, suspensions).due_date(now)
    _entry(application, EntryKind.RESUBMITTED, actor=actor, office=application.office)


@records_refusals
def task_request_extension(*, actor: Any, task_id: int, revision: int, days: int, reason: str) -> Task:
    """Extend the stage and the file's legal deadline, once per file, with a reason the citizen reads."""
    with transaction.atomic():
        task, application = _acting_task(
            actor=actor, task_id=task_id, revision=revision, action="request_extension"
        )
        if application.extension_days:
            raise Conflict(_("This file has already had its one extension."))
        if not 1 <= int(days) <= MAX_EXTENSION_DAYS:
            raise ValidationFailed(
                _("An extension is between 1 and %(max)s working days.") % {"max": MAX_EXTENSION_DAYS},
                field="days",
            )
        reason = _reason(reason, field="reason")
        suspensions = list(Suspension.objects.filter(application=application))
        task.extended = True
        application.extension_days = int(days)
        application.extension_reason = reason
        task.due_date = task_clock(task, suspensions).due_date(clock.now())
        task.save(update_fields=["extended", "due_date"])
        legal_due = case_clock(application, suspensions).due_date(clock.now())
        _bump(application, extension_days=int(days), extension_reason=reason, legal_due_date=legal_due)
        _entry(
            application,
            EntryKind.EXTENDED,
            actor=actor,
            stage_key=task.stage_key,
            office=task.office,
            text=reason,
            details={"days": int(days), "due_date": legal_due.isoformat()},
        )
        _event(CaseworkEvent.CASE_EXTENDED, actor=actor, task=task, days=int(days))
        notify_citizen(application, "applications.extended", due=legal_due.isoformat())
    return task


@records_refusals
def task_escalate(*, actor: Any, task_id: int, revision: int, reason: str) -> Task:
    """Ask the office's supervisor to step in (a hard case, a missing document from another office...)."""
    with transaction.atomic():
        task, application = _acting_task(actor=actor, task_id=task_id, revision=revision, action="escalate")
        reason = _reason(reason, field="reason")
        _escalate(task, actor=actor, reason=reason)
        _bump(application)
    return task


def _escalate(task: Task, *, actor: Any | None, reason: str) -> None:
    found = assignment.supervisors(task.office, exclude={task.assignee_id} if task.assignee_id else None)
    supervisor = get_user_model().objects.filter(pk=found[0]).first() if found else None
    task.escalated_at = clock.now()
    task.escalated_to = supervisor
    task.save(update_fields=["escalated_at", "escalated_to"])
    _entry(
        task.application,
        EntryKind.ESCALATED,
        actor=actor,
        stage_key=task.stage_key,
        office=task.office,
        public=True,
        details={"supervisor": supervisor.pk if supervisor else None, "reason": reason},
    )
    _event(
        CaseworkEvent.TASK_ESCALATED,
        actor=actor,
        task=task,
        supervisor=supervisor.pk if supervisor else None,
        reason=reason,
    )
    if supervisor is not None and (supervisor.email or supervisor.phone):
        stage = next(s for s in stages(task.application) if s["key"] == task.stage_key)
        message_queue(
            actor=actor,
            medium=Medium.EMAIL if supervisor.email else Medium.SMS,
            recipient=supervisor.email or supervisor.phone or "",
            template="casework.escalated",
            context={
                "stage": pick(stage["name"], "ar"),
                "tracking": task.application.tracking_number or "",
                "due": task.due_date.isoformat(),
            },
            language="ar",
            user=supervisor,
        )


@records_refusals
def consultation_answer(*, actor: Any, task_id: int, revision: int, answer: str) -> Task:
    with transaction.atomic():
        task, application = _acting_task(actor=actor, task_id=task_id, revision=revision, action="answer")
        if task.kind != TaskKind.CONSULTATION:
            raise PermissionDenied(_("Only a consultation is answered."))
        answer = _reason(answer, field="answer")
        _close(task, actor=actor, outcome=TaskOutcome.ANSWERED, answer=answer)
        _entry(
            application,
            EntryKind.CONSULTATION_ANSWERED,
            actor=actor,
            stage_key=task.stage_key,
            office=task.office,
        )
        _event(CaseworkEvent.CONSULTATION_ANSWERED, actor=actor, task=task)
        _bump(application)
    return task


def task_reassign(
    *, actor: Any, task_id: int, revision: int, reason: str, to_user_id: int | None = None
) -> Task:
    """A supervisor moves a task to another eligible official (or, with no one named, to the next one by
    rotation, never the current holder). The written reason is kept and audited."""
    with transaction.atomic():
        task, application = _locked_task(task_id)
        if not assignment.is_supervisor(actor, task.office):
            raise NotFound()
        if application.revision != revision:
            raise Conflict(
                _(
                    "This file has changed since you opened it. "
                    "Reload it to see what happened, then act again."
                )
            )
        if not task.is_active:
            raise Conflict(_("This task is not open for action any more. Reload the file."))
        reason = _reason(reason, field="reason")
        previous = task.assignee_id
        if to_user_id is not None:
            if int(to_user_id) not in assignment.eligible(task):
                raise ValidationFailed(
                    _(
                        "That official cannot take this file "
                        "(role, office, conflict of interest or an earlier stage)."
                    ),
                    field="to_user",
                )
            task.assignee = get_user_model().objects.get(pk=to_user_id)
            task.assignment_reason = f"reassigned by supervisor: {reason}"
        else:
            choice = assignment.choose(task, exclude={previous} if previous else None)
            if choice.user_id is None:
                raise Conflict(_("No other eligible official in this office can take the file."))
            task.assignee_id = choice.user_id
            task.assignment_reason = f"reassigned by supervisor ({reason}); {choice.reason}"
        task.save(update_fields=["assignee", "assignment_reason"])
        _entry(
            application,
            EntryKind.REASSIGNED,
            actor=actor,
            stage_key=task.stage_key,
            office=task.office,
            public=False,
            text=reason,
            details={"from": previous, "to": task.assignee_id},
        )
        _event(
            CaseworkEvent.TASK_REASSIGNED,
            actor=actor,
            task=task,
            previous=previous,
            to=task.assignee_id,
            reason=reason,
        )
        _bump(application)
    return task


# --- Periodic work ----------------------------------------------------------------------------------


def tasks_escalate_overdue(*, today: dt.date | None = None, limit: int = 500) -> int:
    """Escalate open stages past their due date to the office's supervisor, once each (idempotent)."""
    today = today or clock.now().astimezone(BAGHDAD).date()
    done = 0
    overdue = list(
        Task.objects.filter(status=TaskStatus.OPEN, due_date__lt=today, escalated_at__isnull=True)
        .order_by("due_date", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for task_id in overdue:
        with transaction.atomic():
            task, _application = _locked_task(task_id)
            if task.status != TaskStatus.OPEN or task.escalated_at is not None:
                continue  # another worker got there first
            _escalate(task, actor=None, reason="overdue")
            done += 1
    return done


def tasks_assign_waiting(*, limit: int = 500) -> int:
    """Give unassigned open tasks to an official, for offices that had nobody eligible when they opened."""
    done = 0
    waiting = list(
        Task.objects.filter(status=TaskStatus.OPEN, assignee__isnull=True)
        .order_by("due_date")
        .values_list("pk", flat=True)[:limit]
    )
    for task_id in waiting:
        with transaction.atomic():
            task, _application = _locked_task(task_id)
            if task.assignee_id is not None or task.status != TaskStatus.OPEN:
                continue
            choice = assignment.choose(task)
            if choice.user_id is None:
                continue
            _assign(task, actor=None)
            done += 1
    return done


# --- Messages, break-glass, declarations ------------------------------------------------------------


def message_post(
    *,
    actor: Any,
    application: Application,
    body: str,
    attachment_ids: Sequence[int] = (),
    office: Office | None = None,
) -> CaseMessage:
    """Post in the file's thread (the caller has checked access: the applicant, or staff who may see the
    file). Staff messages reach the citizen by SMS/e-mail; citizen messages show in the office's case page."""
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("Write your message."), field="body")
    if len(body) > 5000:
        raise ValidationFailed(_("Keep it under %(count)s characters.") % {"count": 5000}, field="body")
    if application.status == ApplicationStatus.DRAFT:
        raise Conflict(_("Submit the application first; then you can write to the office."))
    from_citizen = actor.pk == application.applicant_id
    with transaction.atomic():
        message = CaseMessage.objects.create(
            application=application,
            author=actor,
            from_citizen=from_citizen,
            office=None if from_citizen else office,
            body=body,
        )
        if attachment_ids:
            message.attachments.set(application.attachments.filter(pk__in=attachment_ids, field_name=""))
        record_event(
            event_type=CaseworkEvent.MESSAGE_POSTED,
            actor=actor,
            office_id=office.pk if office else application.office_id,
            data_subject=application.applicant_id,
            objects={"application": application.pk, "message": message.pk},
            details={"from_citizen": from_citizen, "attachments": len(attachment_ids)},
        )
        if not from_citizen:
            notify_citizen(application, "applications.message_received")
    return message


def case_break_glass(*, actor: Any, application_id: int, reason: str) -> BreakGlassAccess:
    """Open a file outside the official's queue: typed reason, audited with the citizen as data subject,
    and flagged to the integrity officers of the official's agency."""
    from diwan.directory.selectors import offices_of

    reason = (reason or "").strip()
    if len(reason) < 15:
        raise ValidationFailed(
            _(
                "Explain why you must open this file (at least 15 characters). "
                "Your integrity office will read it."
            ),
            field="reason",
        )
    application = (
        Application.objects.filter(pk=application_id).exclude(status=ApplicationStatus.DRAFT).first()
    )
    if application is None:
        raise NotFound()
    office = offices_of(actor).select_related("agency").first()
    if office is None:
        raise PermissionDenied(_("Only officials holding a position may open files."))
    with transaction.atomic():
        access = BreakGlassAccess.objects.create(
            official=actor,
            application=application,
            agency_code=office.agency.code,
            reason=reason[:MAX_REASON_LENGTH],
        )
        record_event(
            event_type=CaseworkEvent.CASE_BREAK_GLASS,
            actor=actor,
            office_id=office.pk,
            data_subject=application.applicant_id,
            objects={"application": application.pk, "break_glass": access.pk},
            purpose=reason[:300],
        )
    return access


def break_glass_review(*, actor: Any, access_id: int, note: str) -> BreakGlassAccess:
    from diwan.casework.selectors import access_break_glass_for

    with transaction.atomic():
        access = access_break_glass_for(actor, access_id)
        if access.reviewed_at is not None:
            raise Conflict(_("Someone has already reviewed this opening."))
        access.reviewed_by = actor
        access.reviewed_at = clock.now()
        access.review_note = _reason(note, field="note")
        access.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
        record_event(
            event_type=CaseworkEvent.BREAK_GLASS_REVIEWED,
            actor=actor,
            data_subject=access.application.applicant_id,
            objects={"application": access.application_id, "break_glass": access.pk},
        )
    return access


def case_viewed(
    *, actor: Any, application: Application, office_id: int | None, break_glass: bool = False
) -> None:
    """Staff read a citizen's file: an audit event the citizen can later see (who read it, and why)."""
    with transaction.atomic():
        record_event(
            event_type=CaseworkEvent.CASE_VIEWED,
            actor=actor,
            office_id=office_id,
            data_subject=application.applicant_id,
            objects={"application": application.pk},
            purpose="break-glass" if break_glass else "casework",
        )


def relative_declare(*, actor: Any, national_id: str, relation: str) -> DeclaredRelative:
    """An official declares a relative; from now on they are never assigned, and may not act on, that
    person's files."""
    from diwan.accounts.models import NATIONAL_ID_CONTEXT
    from diwan.accounts.validators import normalise_national_id

    national_id = normalise_national_id(national_id)
    relation = (relation or "").strip()[:40]
    if not relation:
        raise ValidationFailed(_("Say how you are related."), field="relation")
    index = blind_index(national_id, context=NATIONAL_ID_CONTEXT)
    with transaction.atomic():
        declared, created = DeclaredRelative.objects.get_or_create(
            official=actor, national_id_index=index, defaults={"relation": relation}
        )
        record_event(
            event_type=CaseworkEvent.RELATIVE_DECLARED,
            actor=actor,
            objects={"relative": declared.pk},
            details={"relation": relation, "new": created},
        )
    return declared
