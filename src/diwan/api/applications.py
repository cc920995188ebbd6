"""/api/v1/applications/: a signed-in citizen's own applications (docs/api/applications-and-casework.md).

Drafts are started, answered page by page (each page is validated by the same `page_form` as the portal),
given their documents, submitted, corrected and resubmitted; the file's timeline, decision and messages
are read here. Another citizen's application, or its files, is "not found" (404), never "forbidden".

Every refusal is JSON `{"detail": <translated sentence>, "field": <input field or null>, "errors": [...]}`
with a 4xx status and changes nothing. The schemas and the refusal helpers here are shared with the staff
API (diwan.api.casework).
"""

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, UploadedFile
from ninja.responses import Status
from pydantic import Field

from diwan.api.security import api_policy
from diwan.applications import actions, selectors
from diwan.applications.actions import IncompleteApplication
from diwan.applications.forms import answer_display, missing_answers, page_form, visible_pages
from diwan.applications.models import Application, ApplicationStatus, Attachment
from diwan.casework import actions as casework
from diwan.casework.models import CaseEntry, CaseMessage, EntryKind, Suspension
from diwan.casework.selectors import citizen_messages, citizen_timeline
from diwan.core.access import CITIZEN
from diwan.core.errors import Conflict, DiwanError, NotFound, ValidationFailed
from diwan.core.i18n import pick

router = Router(tags=["applications"])

# --- Refusals (shared with diwan.api.casework) ------------------------------------------------------


class FieldError(Schema):
    field: str = Field(description="Name of the input field (a form field's name for answers)")
    detail: str = Field(description="Translated message")
    page: str | None = Field(None, description="Key of the form page that asks the field, if any")


class ErrorOut(Schema):
    detail: str = Field(description="Translated, in the language of the request (Accept-Language or cookie)")
    field: str | None = Field(None, description="The input field the refusal is about, if any")
    errors: list[FieldError] = Field(default_factory=list, description="Every field error, when several")


# 401 and 403 also come from the operation's policy (diwan.api.security) with the same `detail` shape.
ERROR_CODES = frozenset({400, 401, 403, 404, 409, 429})


def refusal(status: int, detail: str, *, field: str | None = None, errors: Iterable[FieldError] = ()) -> Any:
    return Status(status, ErrorOut(detail=detail, field=field, errors=list(errors)))


def refusals[H: Callable[..., Any]](handler: H) -> H:
    """Answer the domain's refusals (DiwanError) as `ErrorOut` with the error's status. Actions refuse
    inside their own transaction, so nothing they started is kept."""

    @functools.wraps(handler)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return handler(request, *args, **kwargs)
        except IncompleteApplication as error:
            problems = [
                FieldError(page=page, field=field, detail=message) for page, field, message in error.problems
            ]
            return refusal(error.status, str(error.message), field=error.field, errors=problems)
        except DiwanError as error:
            return refusal(error.status, str(error.message), field=error.field)

    return answer  # type: ignore[return-value]


# --- Schemas shared by the citizen and staff views --------------------------------------------------


class AnswerOut(Schema):
    page: str
    field: str
    label: str
    type: str = Field(description="Field type of the service definition (text, date, file, ...)")
    value: Any = Field(description="The stored answer (JSON); null for a file field")
    display: str = Field(description="The answer as a person reads it, in the request's language")
    attachment_id: int | None = Field(description="File fields: the current document")


class AttachmentOut(Schema):
    id: int
    field: str | None = Field(description="The form field it answers; null for a message attachment")
    name: str = Field(description="The uploader's file name, made safe")
    content_type: str = Field(description="Detected from the content")
    size: int
    sha256: str
    uploaded_at: dt.datetime
    replaced: bool = Field(description="A newer upload answers the field now (kept as history)")


class MessageOut(Schema):
    id: int
    from_citizen: bool
    office: str | None = Field(description="The office that wrote, for office messages")
    body: str
    sent_at: dt.datetime
    attachments: list[AttachmentOut]


class MessageIn(Schema):
    body: str
    attachment_ids: list[int] = Field(
        default_factory=list, description="Message attachments uploaded with POST …/files"
    )


class SuspensionOut(Schema):
    started_at: dt.datetime
    ended_at: dt.datetime | None
    reason: str


class ExtensionOut(Schema):
    days: int = Field(description="Working days added to the legal time limit (once per file)")
    reason: str


class CorrectionOut(Schema):
    fields: list[str] = Field(description="The answers the office asked to correct")
    message: str


class DecisionOut(Schema):
    outcome: str = Field(description="approved or rejected")
    reason_code: str | None = Field(description="Rejection reason code from the service definition")
    reason: str | None = Field(description="The rejection reason's text, translated")
    text: str = Field(description="What the deciding official wrote")
    decided_at: dt.datetime | None


def attachment_out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "field": attachment.field_name or None,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at,
        "replaced": attachment.replaced,
    }


def message_out(message: CaseMessage) -> dict[str, Any]:
    return {
        "id": message.pk,
        "from_citizen": message.from_citizen,
        "office": message.office.label if message.office_id and message.office else None,
        "body": message.body,
        "sent_at": message.sent_at,
        "attachments": [attachment_out(a) for a in message.attachments.all()],
    }


def suspension_out(suspension: Suspension) -> dict[str, Any]:
    return {"started_at": suspension.started_at, "ended_at": suspension.ended_at, "reason": suspension.reason}


def answers_out(application: Application, current: dict[str, Attachment]) -> list[dict[str, Any]]:
    """Every visible field's answer, page by page (hidden fields' stale answers are not shown)."""
    answers = application.answers
    out = []
    for page, fields in visible_pages(application.definition, answers):
        for field in fields:
            name = field["name"]
            if field["type"] == "file":
                attached = current.get(name)
                value, display = None, attached.original_name if attached else answer_display(field, None)
            else:
                attached, value = None, answers.get(name)
                display = answer_display(field, value)
            out.append(
                {
                    "page": page["key"],
                    "field": name,
                    "label": pick(field["label"]),
                    "type": field["type"],
                    "value": value,
                    "display": display,
                    "attachment_id": attached.pk if attached else None,
                }
            )
    return out


def extension_out(application: Application) -> dict[str, Any] | None:
    if not application.extension_days:
        return None
    return {"days": application.extension_days, "reason": application.extension_reason}


def correction_out(application: Application) -> dict[str, Any] | None:
    if application.status != ApplicationStatus.RETURNED:
        return None
    return {"fields": list(application.correction_fields), "message": application.correction_message}


def decision_out(application: Application) -> dict[str, Any] | None:
    if not application.is_decided:
        return None
    code = application.decision_reason_code or None
    reasons = {r["code"]: r for r in application.definition["workflow"].get("rejection_reasons", [])}
    return {
        "outcome": application.status,
        "reason_code": code,
        "reason": pick(reasons[code]["text"]) if code in reasons else None,
        "text": application.decision_text,
        "decided_at": application.decided_at,
    }


def status_label(application: Application) -> str:
    return str(ApplicationStatus(application.status).label)


# --- Citizen schemas --------------------------------------------------------------------------------


class ApplicationSummaryOut(Schema):
    id: int
    service: str = Field(description="Service code")
    service_title: str
    service_version: int
    status: str = Field(description="draft, in_progress, returned, approved or rejected")
    status_label: str
    tracking_number: str | None
    revision: int = Field(description="Send it back with resubmit; it grows with every change of state")
    current_page: str | None = Field(description="Drafts: the page to resume at (`check`: all answered)")
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    legal_due_date: dt.date | None = Field(
        description="The legal deadline for a decision (working days, holidays skipped)",
    )


class StageProgressOut(Schema):
    key: str
    name: str
    office: str
    state: str = Field(description="done, current, with_citizen, upcoming or stopped")
    expected: dt.date | None = Field(
        description="Due date of the stage (done: the day it was completed; upcoming: an estimate)",
    )
    completed_at: dt.datetime | None


class EntryOut(Schema):
    at: dt.datetime
    kind: str
    label: str
    stage: str | None = Field(description="Key of the stage")
    office: str | None
    text: str = Field(description="A reason or message written by the office, as written")


class TimelineOut(Schema):
    stages: list[StageProgressOut]
    entries: list[EntryOut]
    legal_due: dt.date | None
    suspended: bool = Field(description="The clock is stopped: the file is with you for correction")
    suspensions: list[SuspensionOut]


class ApplicationOut(ApplicationSummaryOut):
    office: str | None = Field(description="The office the file was routed to")
    decided_at: dt.datetime | None
    answers: list[AnswerOut]
    attachments: list[AttachmentOut]
    missing: list[FieldError] = Field(description="Drafts and returned files: what still stops submission")
    correction: CorrectionOut | None
    extension: ExtensionOut | None
    decision: DecisionOut | None
    timeline: TimelineOut | None = Field(description="Null for a draft")


class StartIn(Schema):
    service: str = Field(description="Service code, e.g. civil-status-record-copy")
    start_token: uuid.UUID | None = Field(
        None, description="Any UUID chosen by the client: the same token gives the same draft back"
    )


class PageIn(Schema):
    answers: dict[str, Any] = Field(
        description="The page's answers by field name (files: POST …/files/{field})"
    )


class ResubmitIn(Schema):
    revision: int = Field(description="The revision you read the correction request from")


def summary_out(application: Application) -> dict[str, Any]:
    definition = application.definition
    return {
        "id": application.pk,
        "service": definition["code"],
        "service_title": pick(definition["title"]),
        "service_version": application.service_version.number,
        "status": application.status,
        "status_label": status_label(application),
        "tracking_number": application.tracking_number,
        "revision": application.revision,
        "current_page": application.current_page or None,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
        "submitted_at": application.submitted_at,
        "legal_due_date": application.legal_due_date,
    }


def _entry_out(entry: CaseEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "kind": entry.kind,
        "label": str(EntryKind(entry.kind).label),
        "stage": entry.stage_key or None,
        "office": entry.office.label if entry.office else None,
        "text": entry.text,
    }


def _timeline_out(application: Application) -> dict[str, Any] | None:
    if application.is_draft:
        return None
    timeline = citizen_timeline(application)
    return {
        "stages": [
            {
                "key": s.key,
                "name": s.name,
                "office": s.office,
                "state": s.state,
                "expected": s.expected,
                "completed_at": s.completed_at,
            }
            for s in timeline.stages
        ],
        # Public entries only, and never who inside the office acted.
        "entries": [_entry_out(e) for e in timeline.entries],
        "legal_due": timeline.legal_due,
        "suspended": timeline.suspended,
        "suspensions": [suspension_out(s) for s in timeline.suspensions],
    }


def _missing(application: Application) -> list[dict[str, Any]]:
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
        return []
    problems = missing_answers(
        application.definition, application.answers, actions.attached_fields(application)
    )
    return [{"page": page, "field": field, "detail": message} for page, field, message in problems]


def application_out(application: Application) -> dict[str, Any]:
    current = selectors.current_attachments(application)
    return {
        **summary_out(application),
        "office": application.office.label if application.office else None,
        "decided_at": application.decided_at,
        "answers": answers_out(application, current),
        "attachments": [attachment_out(a) for a in application.attachments.order_by("id")],
        "missing": _missing(application),
        "correction": correction_out(application),
        "extension": extension_out(application),
        "decision": decision_out(application),
        "timeline": _timeline_out(application),
    }


def _mine(request: HttpRequest, application_id: int) -> Application:
    return selectors.access_application_for(request.user, application_id)


def download(attachment: Attachment, *, actor: Any, office_id: int | None = None) -> FileResponse:
    """The stored file, always as a download (never rendered inline), with the type found at upload; the
    read is audited (the citizen sees which official opened their documents)."""
    actions.attachment_downloaded(actor=actor, attachment=attachment, office_id=office_id)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


DOWNLOAD_DOC: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The file (PDF, JPEG or PNG), as an attachment",
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in ("application/pdf", "image/jpeg", "image/png")
            },
        }
    }
}

# --- Citizen operations -----------------------------------------------------------------------------


@router.get("", response={200: list[ApplicationSummaryOut], ERROR_CODES: ErrorOut}, summary="My applications")
@api_policy(CITIZEN)
def application_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [summary_out(a) for a in selectors.my_applications(request.user)]


@router.post("", response={201: ApplicationOut, ERROR_CODES: ErrorOut}, summary="Start a draft")
@api_policy(CITIZEN)
@refusals
def application_start(request: HttpRequest, payload: StartIn) -> Any:
    """Start a draft of the current version of a service. Send a `start_token` of your choosing: a retry
    with the same token returns the same draft instead of a second one."""
    started = actions.draft_start(
        actor=request.user, service_code=payload.service, start_token=payload.start_token
    )
    return Status(201, application_out(_mine(request, started.pk)))


@router.get(
    "/{application_id}",
    response={200: ApplicationOut, ERROR_CODES: ErrorOut},
    summary="One of my applications",
)
@api_policy(CITIZEN)
@refusals
def application_detail(request: HttpRequest, application_id: int) -> Any:
    return application_out(_mine(request, application_id))


@router.delete("/{application_id}", response={204: None, ERROR_CODES: ErrorOut}, summary="Delete a draft")
@api_policy(CITIZEN)
@refusals
def application_delete(request: HttpRequest, application_id: int) -> Any:
    actions.draft_delete(actor=request.user, application_id=application_id)
    return Status(204, None)


@router.put(
    "/{application_id}/pages/{page_key}",
    response={200: ApplicationOut, ERROR_CODES: ErrorOut},
    summary="Answer one page of the form",
)
@api_policy(CITIZEN)
@refusals
def page_save(request: HttpRequest, application_id: int, page_key: str, payload: PageIn) -> Any:
    """Checked by the same rules as the portal's page; a refused page keeps nothing and answers 400 with
    every field error. Documents are uploaded first (POST …/files/{field}); a page whose only questions
    are documents is then saved with `{"answers": {}}`. A returned file accepts changes to the marked
    answers only."""
    application = _mine(request, application_id)
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
        raise Conflict(_("This application has been submitted; it can no longer be changed."))
    form = page_form(
        application.definition,
        page_key,
        answers=application.answers,
        data=payload.answers,
        files={},
        attached=actions.attached_fields(application),
    )
    errors = [
        FieldError(page=page_key, field=name, detail=_("This page does not ask this question."))
        for name in payload.answers
        if name not in form.fields or form.field_defs[name]["type"] == "file"
    ]
    if not form.is_valid() or errors:
        for name, messages in form.errors.items():
            errors.append(FieldError(page=page_key, field=name, detail=str(messages[0])))
        first = errors[0]
        return refusal(400, first.detail, field=first.field, errors=errors)
    actions.draft_save_page(
        actor=request.user, application_id=application.pk, page_key=page_key, answers=form.cleaned_answers()
    )
    return application_out(_mine(request, application_id))


def _may_upload(application: Application, field: str) -> None:
    if application.status == ApplicationStatus.DRAFT:
        return
    if application.status == ApplicationStatus.RETURNED and field in application.correction_fields:
        return
    if application.status == ApplicationStatus.RETURNED:
        raise ValidationFailed(_("Only the answers the office marked can be changed."), field=field)
    raise Conflict(_("This application has been submitted; it can no longer be changed."))


# The download is registered before the uploads: its path takes a number, the uploads' a field name.
@router.get(
    "/{application_id}/files/{int:attachment_id}",
    response={200: None, ERROR_CODES: ErrorOut},
    summary="Download one of my files",
    openapi_extra=DOWNLOAD_DOC,
)
@api_policy(CITIZEN)
@refusals
def file_download(request: HttpRequest, application_id: int, attachment_id: int) -> Any:
    application = _mine(request, application_id)
    attachment = selectors.access_attachment_for_citizen(request.user, attachment_id)
    if attachment.application_id != application.pk:
        raise NotFound()
    return download(attachment, actor=request.user)


@router.post(
    "/{application_id}/files/{field}",
    response={201: AttachmentOut, ERROR_CODES: ErrorOut},
    summary="Upload the document for a form field",
)
@api_policy(CITIZEN)
@refusals
def file_upload(request: HttpRequest, application_id: int, field: str, file: File[UploadedFile]) -> Any:
    """multipart/form-data with the file in `file`. The type is judged by the content (PDF, JPEG, PNG as
    the field allows), the size by the field's limit, and the file is scanned for malware. A new upload
    replaces the field's document (the old one is kept as history)."""
    application = _mine(request, application_id)
    _may_upload(application, field)
    attachment = actions.attachment_add(
        actor=request.user, application=application, field_name=field, upload=file
    )
    return Status(201, attachment_out(attachment))


@router.post(
    "/{application_id}/files",
    response={201: AttachmentOut, ERROR_CODES: ErrorOut},
    summary="Upload a file to attach to a message",
)
@api_policy(CITIZEN)
@refusals
def message_file_upload(request: HttpRequest, application_id: int, file: File[UploadedFile]) -> Any:
    """multipart/form-data with the file in `file` (PDF, JPEG or PNG, up to 10 MB). Send its id in
    `attachment_ids` of POST …/messages."""
    application = _mine(request, application_id)
    if application.is_draft:
        raise Conflict(_("Submit the application first; then you can write to the office."))
    attachment = actions.attachment_add(
        actor=request.user, application=application, field_name="", upload=file
    )
    return Status(201, attachment_out(attachment))


@router.post(
    "/{application_id}/submit",
    response={200: ApplicationOut, ERROR_CODES: ErrorOut},
    summary="Submit a draft",
)
@api_policy(CITIZEN)
@refusals
def application_submit(request: HttpRequest, application_id: int) -> Any:
    """Routes the file, gives it a tracking number and starts its clock. Submitting twice is harmless: the
    second call returns the submitted application. An incomplete draft answers 400 listing every
    missing or no longer valid answer in `errors` (with its page)."""
    _mine(request, application_id)
    actions.application_submit(actor=request.user, application_id=application_id)
    return application_out(_mine(request, application_id))


@router.post(
    "/{application_id}/resubmit",
    response={200: ApplicationOut, ERROR_CODES: ErrorOut},
    summary="Send a corrected application back",
)
@api_policy(CITIZEN)
@refusals
def application_resubmit(request: HttpRequest, application_id: int, payload: ResubmitIn) -> Any:
    """`revision` is the one you read the correction request with; 409 when the file changed since."""
    actions.application_resubmit(actor=request.user, application_id=application_id, revision=payload.revision)
    return application_out(_mine(request, application_id))


@router.get(
    "/{application_id}/messages",
    response={200: list[MessageOut], ERROR_CODES: ErrorOut},
    summary="Messages with the office",
)
@api_policy(CITIZEN)
@refusals
def message_list(request: HttpRequest, application_id: int) -> Any:
    application = _mine(request, application_id)
    return [message_out(m) for m in citizen_messages(application).select_related("office")]


@router.post(
    "/{application_id}/messages",
    response={201: MessageOut, ERROR_CODES: ErrorOut},
    summary="Write to the office",
)
@api_policy(CITIZEN)
@refusals
def message_send(request: HttpRequest, application_id: int, payload: MessageIn) -> Any:
    application = _mine(request, application_id)
    if application.is_draft:
        raise Conflict(_("Submit the application first; then you can write to the office."))
    message = casework.message_post(
        actor=request.user, application=application, body=payload.body, attachment_ids=payload.attachment_ids
    )
    return Status(201, message_out(message))
