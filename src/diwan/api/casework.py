"""/api/v1/casework/: officials' work on citizens' files (docs/api/applications-and-casework.md).

Officials with completed MFA see their offices' queues and the files in them; a file outside those is
"not found" (404) unless they open it through break-glass (a typed reason, audited, flagged to their
agency's integrity officers). Every read of a file records `casework.case.viewed`, which the citizen can
later see. Actions on a task send the `revision` the official read the file at; a stale one is refused
with 409 and the reason, and nothing changes. Refusals have the shape of `ErrorOut` (diwan.api.applications).
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from diwan.api.applications import (
    DOWNLOAD_DOC,
    ERROR_CODES,
    AnswerOut,
    AttachmentOut,
    CorrectionOut,
    DecisionOut,
    ErrorOut,
    ExtensionOut,
    MessageOut,
    SuspensionOut,
    answers_out,
    attachment_out,
    correction_out,
    decision_out,
    download,
    extension_out,
    message_out,
    refusals,
    status_label,
    suspension_out,
)
from diwan.api.security import api_policy
from diwan.applications import selectors as application_selectors
from diwan.applications.models import Application
from diwan.applications.tracking import normalise_tracking_number
from diwan.casework import actions, selectors
from diwan.casework.models import CaseEntry, CaseMessage, EntryKind, Task, TaskStatus
from diwan.core.access import staff
from diwan.core.errors import NotFound, PermissionDenied, ValidationFailed
from diwan.core.i18n import pick
from diwan.directory.roles import Role
from diwan.directory.selectors import held_positions

router = Router(tags=["casework"])

# Who reads an office's queue and its files (and writes to citizens in them).
CASEWORKERS = staff(Role.CASE_OFFICER, Role.REVIEWER, Role.APPROVER, Role.REGISTRY_CLERK)
# Who acts on tasks; the engine then checks that the official is the task's assignee.
DECIDERS = staff(Role.CASE_OFFICER, Role.REVIEWER, Role.APPROVER)
# Supervisors: the approvers of the office or of a parent office (checked by the engine).
SUPERVISORS = staff(Role.APPROVER)
INTEGRITY = staff(Role.INTEGRITY_OFFICER)

INBOX_VIEWS = ("open", "with_citizen")


# --- Schemas ----------------------------------------------------------------------------------------


class MyOfficeOut(Schema):
    id: int
    code: str
    name: str
    agency: str = Field(description="Agency code")
    governorate: str
    roles: list[str] = Field(description="The roles you hold in this office today")


class OfficeRef(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    name: str


class InboxRowOut(Schema):
    task_id: int
    kind: str = Field(description="stage or consultation")
    status: str
    application_id: int
    tracking_number: str
    applicant_name: str
    service_title: str
    stage: str = Field(description="Stage key")
    stage_name: str
    due_date: dt.date
    overdue: bool
    due_soon: bool = Field(description="Due within two working days")
    mine: bool = Field(description="Assigned to you")
    escalated: bool


class InboxOut(Schema):
    office: OfficeRef
    view: str
    rows: list[InboxRowOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class TaskOut(Schema):
    id: int
    kind: str
    stage: str
    stage_name: str
    office: OfficeRef
    role: str
    status: str
    status_label: str
    assignee: PersonRef | None
    opened_at: dt.datetime
    due_date: dt.date
    overdue: bool
    extended: bool
    escalated_at: dt.datetime | None
    question: str = Field(description="Consultations: what the office is asked")
    answer: str
    outcome: str | None
    actions: list[str] = Field(
        description="What you may do on it now: approve, reject, return_for_correction, request_extension, "
        "escalate, answer (empty unless it is yours and open)"
    )


class CaseEntryOut(Schema):
    at: dt.datetime
    kind: str
    label: str
    stage: str | None
    office: str | None
    actor: PersonRef | None
    public: bool = Field(description="Shown to the citizen")
    text: str


class CaseMessageOut(MessageOut):
    author: PersonRef


class ReasonOut(Schema):
    code: str
    text: str


class CaseOut(Schema):
    id: int
    tracking_number: str | None
    service: str
    service_title: str
    service_version: int
    status: str
    status_label: str
    revision: int = Field(description="Send it with every action; 409 when the file changed since")
    applicant_name: str
    governorate: str
    office: OfficeRef | None
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    legal_due: dt.date | None
    break_glass: bool = Field(description="You see this file through a break-glass opening, not your queue")
    answers: list[AnswerOut]
    attachments: list[AttachmentOut]
    tasks: list[TaskOut]
    entries: list[CaseEntryOut]
    messages: list[CaseMessageOut]
    suspensions: list[SuspensionOut]
    correction: CorrectionOut | None
    extension: ExtensionOut | None
    decision: DecisionOut | None
    rejection_reasons: list[ReasonOut] = Field(description="The codes `reject` accepts")


class ActionOut(Schema):
    task_id: int
    task_status: str
    application_id: int
    application_status: str
    revision: int = Field(description="The file's revision after the action")


class RevisionIn(Schema):
    revision: int = Field(description="The revision of the file you acted on (CaseOut.revision)")


class ApproveIn(RevisionIn):
    note: str = ""


class RejectIn(RevisionIn):
    reason_code: str = Field(description="One of CaseOut.rejection_reasons")
    text: str = Field(description="The reasons, in words the citizen reads")


class ReturnIn(RevisionIn):
    fields: list[str] = Field(description="Names of the answers the citizen must correct")
    message: str = Field(description="What to correct, in words the citizen reads")


class ExtendIn(RevisionIn):
    days: int = Field(description="Working days, 1 to 30; once per file")
    reason: str


class EscalateIn(RevisionIn):
    reason: str


class AnswerIn(RevisionIn):
    answer: str


class ReassignIn(RevisionIn):
    reason: str
    to_user_id: int | None = Field(None, description="An eligible official; null: the next by rotation")


class StaffMessageIn(Schema):
    body: str


class BreakGlassIn(Schema):
    tracking_number: str
    reason: str = Field(description="Why you must open this file (at least 15 characters)")


class BreakGlassOut(Schema):
    id: int
    application_id: int
    tracking_number: str
    opened_at: dt.datetime
    expires_at: dt.datetime = Field(description="Until then GET /casework/cases/{application_id} shows it")


class BreakGlassReviewOut(Schema):
    id: int
    official: PersonRef
    application_id: int
    tracking_number: str
    reason: str
    opened_at: dt.datetime
    reviewed_by: PersonRef | None
    reviewed_at: dt.datetime | None
    review_note: str


class ReviewIn(Schema):
    note: str


# --- Helpers ----------------------------------------------------------------------------------------


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.full_name_ar or user.get_username()}


def _office_ref(office: Any) -> dict[str, Any] | None:
    return {"id": office.pk, "name": office.label} if office is not None else None


def _stage_name(application: Application, key: str) -> str:
    stage = next((s for s in application.definition["workflow"]["stages"] if s["key"] == key), None)
    return pick(stage["name"]) if stage else key


def _task_out(task: Task, application: Application, actions_for_me: dict[int, list[str]]) -> dict[str, Any]:
    return {
        "id": task.pk,
        "kind": task.kind,
        "stage": task.stage_key,
        "stage_name": _stage_name(application, task.stage_key),
        "office": _office_ref(task.office),
        "role": task.role,
        "status": task.status,
        "status_label": str(TaskStatus(task.status).label),
        "assignee": _person(task.assignee),
        "opened_at": task.opened_at,
        "due_date": task.due_date,
        "overdue": task.is_active and task.due_date < selectors.today(),
        "extended": task.extended,
        "escalated_at": task.escalated_at,
        "question": pick(task.question) if task.question else "",
        "answer": task.answer,
        "outcome": task.outcome or None,
        "actions": actions_for_me.get(task.pk, []),
    }


def _entry_out(entry: CaseEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "kind": entry.kind,
        "label": str(EntryKind(entry.kind).label),
        "stage": entry.stage_key or None,
        "office": entry.office.label if entry.office else None,
        "actor": _person(entry.actor),
        "public": entry.public,
        "text": entry.text,
    }


def _message_out(message: CaseMessage) -> dict[str, Any]:
    return {**message_out(message), "author": _person(message.author)}


def _case(request: HttpRequest, application_id: int) -> selectors.CaseAccess:
    """The file if the official may see it, with the read recorded (the citizen sees who read it)."""
    access = selectors.access_case_for(request.user, application_id)
    actions.case_viewed(
        actor=request.user,
        application=access.application,
        office_id=access.office_id,
        break_glass=access.break_glass,
    )
    return access


def _action_out(task: Task) -> dict[str, Any]:
    application = task.application
    return {
        "task_id": task.pk,
        "task_status": task.status,
        "application_id": application.pk,
        "application_status": application.status,
        "revision": application.revision,
    }


# --- Queues -----------------------------------------------------------------------------------------


@router.get("/offices", response={200: list[MyOfficeOut], ERROR_CODES: ErrorOut}, summary="My offices")
@api_policy(CASEWORKERS)
def office_list(request: HttpRequest) -> list[dict[str, Any]]:
    offices: dict[int, dict[str, Any]] = {}
    for position in (
        held_positions(request.user).select_related("office__agency").order_by("office_id", "role")
    ):
        office = position.office
        entry = offices.setdefault(
            office.pk,
            {
                "id": office.pk,
                "code": office.code,
                "name": office.label,
                "agency": office.agency.code,
                "governorate": office.governorate,
                "roles": [],
            },
        )
        if position.role not in entry["roles"]:
            entry["roles"].append(position.role)
    return list(offices.values())


@router.get(
    "/offices/{office_id}/inbox",
    response={200: InboxOut, ERROR_CODES: ErrorOut},
    summary="An office's queue, by deadline",
)
@api_policy(CASEWORKERS)
@refusals
def inbox(
    request: HttpRequest,
    office_id: int,
    view: str = "open",
    q: str = "",
    mine: bool = False,
    cursor: str = "",
) -> Any:
    """`view`: open (default; includes stages waiting for consultations) or with_citizen; `q`: a tracking
    number or part of an applicant's name; `mine`: only tasks assigned to you; `cursor`: next_cursor of
    the previous page (50 rows a page)."""
    if view not in INBOX_VIEWS:
        raise ValidationFailed(_("Choose open or with_citizen."), field="view")
    page = selectors.office_inbox(request.user, office_id, view=view, query=q, mine_only=mine, cursor=cursor)
    return {
        "office": _office_ref(page.office),
        "view": page.view,
        "rows": [
            {
                "task_id": row.task.pk,
                "kind": row.task.kind,
                "status": row.task.status,
                "application_id": row.task.application.pk,
                "tracking_number": row.tracking_number,
                "applicant_name": row.applicant_name,
                "service_title": row.service_title,
                "stage": row.task.stage_key,
                "stage_name": row.stage_name,
                "due_date": row.due_date,
                "overdue": row.overdue,
                "due_soon": row.due_soon,
                "mine": row.mine,
                "escalated": row.task.escalated_at is not None,
            }
            for row in page.rows
        ],
        "next_cursor": page.next_cursor,
    }


# --- One file ---------------------------------------------------------------------------------------


@router.get(
    "/cases/{application_id}",
    response={200: CaseOut, ERROR_CODES: ErrorOut},
    summary="One file (read is recorded)",
)
@api_policy(CASEWORKERS)
@refusals
def case(request: HttpRequest, application_id: int) -> Any:
    access = _case(request, application_id)
    detail = selectors.case_detail(request.user, access)
    application = detail.application
    definition = application.definition
    current = {a.field_name: a for a in detail.attachments}
    return {
        "id": application.pk,
        "tracking_number": application.tracking_number,
        "service": definition["code"],
        "service_title": pick(definition["title"]),
        "service_version": application.service_version.number,
        "status": application.status,
        "status_label": status_label(application),
        "revision": application.revision,
        "applicant_name": application.applicant_name,
        "governorate": application.governorate,
        "office": _office_ref(application.office),
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "legal_due": detail.legal_due,
        "break_glass": access.break_glass,
        "answers": answers_out(application, current),
        "attachments": [attachment_out(a) for a in application.attachments.order_by("id")],
        "tasks": [_task_out(t, application, detail.actions_for_me) for t in detail.tasks],
        "entries": [_entry_out(e) for e in detail.entries],
        "messages": [_message_out(m) for m in detail.messages],
        "suspensions": [suspension_out(s) for s in detail.suspensions],
        "correction": correction_out(application),
        "extension": extension_out(application),
        "decision": decision_out(application),
        "rejection_reasons": [
            {"code": r["code"], "text": pick(r["text"])}
            for r in definition["workflow"].get("rejection_reasons", [])
        ],
    }


@router.get(
    "/cases/{application_id}/files/{attachment_id}",
    response={200: None, ERROR_CODES: ErrorOut},
    summary="Download a file of a case (read is recorded)",
    openapi_extra=DOWNLOAD_DOC,
)
@api_policy(CASEWORKERS)
@refusals
def case_file(request: HttpRequest, application_id: int, attachment_id: int) -> Any:
    attachment, access = application_selectors.access_attachment_for_staff(request.user, attachment_id)
    if attachment.application_id != application_id:
        raise NotFound()
    return download(attachment, actor=request.user, office_id=access.office_id)


@router.get(
    "/cases/{application_id}/messages",
    response={200: list[CaseMessageOut], ERROR_CODES: ErrorOut},
    summary="The file's messages with the citizen (read is recorded)",
)
@api_policy(CASEWORKERS)
@refusals
def case_messages(request: HttpRequest, application_id: int) -> Any:
    access = _case(request, application_id)
    found = selectors.citizen_messages(access.application).select_related("author", "office")
    return [_message_out(m) for m in found]


@router.post(
    "/cases/{application_id}/messages",
    response={201: CaseMessageOut, ERROR_CODES: ErrorOut},
    summary="Write to the citizen",
)
@api_policy(CASEWORKERS)
@refusals
def case_message_send(request: HttpRequest, application_id: int, payload: StaffMessageIn) -> Any:
    """The citizen is told by SMS (and e-mail) that a message is waiting; the message names your office."""
    access = selectors.access_case_for(request.user, application_id)
    if access.break_glass or access.office_id is None:
        raise PermissionDenied(_("A file opened through break-glass can be read, not acted on."))
    office = selectors.access_office_for(request.user, access.office_id)
    message = actions.message_post(
        actor=request.user, application=access.application, body=payload.body, office=office
    )
    return Status(201, _message_out(message))


# --- Actions on tasks -------------------------------------------------------------------------------

ACTION = {ERROR_CODES: ErrorOut, 200: ActionOut}


@router.post("/tasks/{task_id}/approve", response=ACTION, summary="Complete the stage (or approve the file)")
@api_policy(DECIDERS)
@refusals
def task_approve(request: HttpRequest, task_id: int, payload: ApproveIn) -> Any:
    task = actions.task_approve(
        actor=request.user, task_id=task_id, revision=payload.revision, note=payload.note
    )
    return _action_out(task)


@router.post("/tasks/{task_id}/reject", response=ACTION, summary="Reject the application")
@api_policy(DECIDERS)
@refusals
def task_reject(request: HttpRequest, task_id: int, payload: RejectIn) -> Any:
    task = actions.task_reject(
        actor=request.user,
        task_id=task_id,
        revision=payload.revision,
        reason_code=payload.reason_code,
        text=payload.text,
    )
    return _action_out(task)


@router.post("/tasks/{task_id}/return", response=ACTION, summary="Return to the citizen for correction")
@api_policy(DECIDERS)
@refusals
def task_return(request: HttpRequest, task_id: int, payload: ReturnIn) -> Any:
    """The statutory clock stops until the citizen resubmits."""
    task = actions.task_return(
        actor=request.user,
        task_id=task_id,
        revision=payload.revision,
        fields=payload.fields,
        message=payload.message,
    )
    return _action_out(task)


@router.post("/tasks/{task_id}/extend", response=ACTION, summary="Extend the time limit (once per file)")
@api_policy(DECIDERS)
@refusals
def task_extend(request: HttpRequest, task_id: int, payload: ExtendIn) -> Any:
    task = actions.task_request_extension(
        actor=request.user,
        task_id=task_id,
        revision=payload.revision,
        days=payload.days,
        reason=payload.reason,
    )
    return _action_out(task)


@router.post("/tasks/{task_id}/escalate", response=ACTION, summary="Ask the supervisor to step in")
@api_policy(DECIDERS)
@refusals
def task_escalate(request: HttpRequest, task_id: int, payload: EscalateIn) -> Any:
    task = actions.task_escalate(
        actor=request.user, task_id=task_id, revision=payload.revision, reason=payload.reason
    )
    return _action_out(task)


@router.post("/tasks/{task_id}/answer", response=ACTION, summary="Answer a consultation")
@api_policy(DECIDERS)
@refusals
def task_answer(request: HttpRequest, task_id: int, payload: AnswerIn) -> Any:
    task = actions.consultation_answer(
        actor=request.user, task_id=task_id, revision=payload.revision, answer=payload.answer
    )
    return _action_out(task)


@router.get(
    "/tasks/{task_id}/candidates",
    response={200: list[PersonRef], ERROR_CODES: ErrorOut},
    summary="Who may take a task (supervisors)",
)
@api_policy(SUPERVISORS)
@refusals
def task_candidates(request: HttpRequest, task_id: int) -> Any:
    task = selectors.supervised_task_for(request.user, task_id)
    return [_person(user) for user in selectors.reassign_candidates(request.user, task)]


@router.post(
    "/tasks/{task_id}/reassign", response=ACTION, summary="Give a task to another official (supervisors)"
)
@api_policy(SUPERVISORS)
@refusals
def task_reassign(request: HttpRequest, task_id: int, payload: ReassignIn) -> Any:
    task = actions.task_reassign(
        actor=request.user,
        task_id=task_id,
        revision=payload.revision,
        reason=payload.reason,
        to_user_id=payload.to_user_id,
    )
    return _action_out(task)


# --- Break-glass ------------------------------------------------------------------------------------


@router.post(
    "/break-glass",
    response={201: BreakGlassOut, ERROR_CODES: ErrorOut},
    summary="Open a file outside your queue (audited, flagged to integrity)",
)
@api_policy(DECIDERS)
@refusals
def break_glass(request: HttpRequest, payload: BreakGlassIn) -> Any:
    """The opening lasts a few hours; then GET /casework/cases/{application_id} shows the file (read only)."""
    if normalise_tracking_number(payload.tracking_number) is None:
        raise ValidationFailed(
            _("This is not a tracking number. Check it: it looks like ABCD-1234-X."), field="tracking_number"
        )
    application_id = selectors.find_case_by_tracking_number(payload.tracking_number)
    if application_id is None:
        raise NotFound()
    opened = actions.case_break_glass(
        actor=request.user, application_id=application_id, reason=payload.reason
    )
    return Status(
        201,
        {
            "id": opened.pk,
            "application_id": application_id,
            "tracking_number": opened.application.tracking_number,
            "opened_at": opened.opened_at,
            "expires_at": opened.opened_at + selectors.BREAK_GLASS_WINDOW,
        },
    )


def _opening_out(opened: Any) -> dict[str, Any]:
    return {
        "id": opened.pk,
        "official": _person(opened.official),
        "application_id": opened.application_id,
        "tracking_number": opened.application.tracking_number,
        "reason": opened.reason,
        "opened_at": opened.opened_at,
        "reviewed_by": _person(opened.reviewed_by),
        "reviewed_at": opened.reviewed_at,
        "review_note": opened.review_note,
    }


@router.get(
    "/break-glass",
    response={200: list[BreakGlassReviewOut], ERROR_CODES: ErrorOut},
    summary="Break-glass openings to review (integrity officers)",
)
@api_policy(INTEGRITY)
def break_glass_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Openings by officials of your agency, unreviewed first."""
    return [_opening_out(o) for o in selectors.break_glass_for_review(request.user)[:200]]


@router.post(
    "/break-glass/{access_id}/review",
    response={200: BreakGlassReviewOut, ERROR_CODES: ErrorOut},
    summary="Record your review of an opening (integrity officers)",
)
@api_policy(INTEGRITY)
@refusals
def break_glass_review(request: HttpRequest, access_id: int, payload: ReviewIn) -> Any:
    reviewed = actions.break_glass_review(actor=request.user, access_id=access_id, note=payload.note)
    return _opening_out(selectors.access_break_glass_for(request.user, reviewed.pk))
