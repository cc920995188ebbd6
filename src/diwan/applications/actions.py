"""The one write path of applications (docs/applications.md): drafts, uploads, submission, resubmission.

Answers reach these actions already cleaned by `diwan.applications.forms` (the portal's pages and the API
both bind the same page forms); submission re-checks the whole file (`missing_answers`) so a draft saved
by an older page, or an API client skipping a page, cannot submit an incomplete file.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from diwan.accounts.models import NATIONAL_ID_CONTEXT
from diwan.applications.events import ApplicationEvent
from diwan.applications.forms import merge_answers, missing_answers, pages, visible_fields
from diwan.applications.models import Application, ApplicationStatus, Attachment
from diwan.applications.tracking import new_tracking_number
from diwan.applications.uploads import check_upload
from diwan.audit.actions import record_event
from diwan.casework import actions as casework
from diwan.casework.deadlines import case_clock
from diwan.catalogue.actions import route
from diwan.catalogue.models import Service, ServiceVersion
from diwan.core import clock
from diwan.core.bounded import remember
from diwan.core.crypto import blind_index
from diwan.core.errors import Conflict, NotFound, ValidationFailed
from diwan.core.i18n import LANGUAGES
from diwan.core.queries import CompiledRows, update_columns
from diwan.directory.models import Office

MAX_DRAFTS_PER_CITIZEN = 50  # a runaway client cannot fill the table with drafts
TRACKING_NUMBER_ATTEMPTS = 5  # five collisions in a row among 31^8 numbers: not a practical event


class IncompleteApplication(ValidationFailed):
    """Submission refused: answers are missing or no longer valid. `problems` lists (page, field, message)."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        super().__init__(problems[0][2], field=problems[0][1])
        self.problems = problems


def _application_query(*, lock: bool) -> CompiledRows[Application]:
    def build(pk: int, applicant_id: int) -> Any:
        found = Application.objects.select_related(
            "service__agency", "service_version", "applicant", "office"
        ).defer(*_VERSION_DEFERRED)  # the version's definition comes from `_definitions`
        if lock:
            found = found.select_for_update(of=("self",))  # office is nullable: lock only the application
        return found.filter(pk=pk, applicant_id=applicant_id)

    return CompiledRows(Application, build)


# A version's definition is the same for every file of that version, and a version never changes (a
# changed service is a new version; the content hash is part of the key all the same). Read with each file,
# it cost PostgreSQL a few KB of JSONB to decompress and this process a JSON parse in every action; it is
# read once per process and version instead. The dict is shared by every request: nothing may change it
# (the forms and the workflow engine only read it). Bounded: emptied when full.
_VERSION_DEFERRED = ("service_version__definition", "service_version__search_text")
_definitions: dict[tuple[int, str], dict[str, Any]] = {}
DEFINITIONS_MAX = 256

_definition_of: CompiledRows[Any] = CompiledRows(
    ServiceVersion,
    lambda pk, content_hash: ServiceVersion.objects.filter(pk=pk, content_hash=content_hash).values(
        "definition"
    ),
)


def _with_definition(application: Application) -> Application:
    version = application.service_version
    key = (version.pk, version.content_hash)
    definition = _definitions.get(key)
    if definition is None:
        rows = _definition_of(version.pk, version.content_hash)
        if not rows:  # pragma: no cover - versions are never changed nor deleted
            raise NotFound()
        definition = remember(_definitions, key, rows[0]["definition"], DEFINITIONS_MAX)
    version.definition = definition
    return application


# Every action starts with one of these reads (four joins): compiled once per process (core.queries).
_own_application = _application_query(lock=False)
_own_application_locked = _application_query(lock=True)


def _own(actor: Any, application_id: int, *, lock: bool = False) -> Application:
    query = _own_application_locked if lock else _own_application
    found = query(application_id, actor.pk)
    if not found:
        raise NotFound()
    return _with_definition(found[0])


def draft_start(*, actor: Any, service_code: str, start_token: uuid.UUID | None = None) -> Application:
    """Start a draft of the current version of a service. The same `start_token` (a hidden form field)
    gives the same draft back: a double click or a resent form starts one draft, not two."""
    service = Service.objects.select_related("current_version").filter(code=service_code).first()
    if service is None or service.current_version is None:
        raise NotFound()
    if start_token is not None:
        existing = Application.objects.filter(applicant_id=actor.pk, start_token=start_token).first()
        if existing is not None:
            return existing
    drafts = Application.objects.filter(applicant_id=actor.pk, status=ApplicationStatus.DRAFT).count()
    if drafts >= MAX_DRAFTS_PER_CITIZEN:
        raise Conflict(_("You have too many unfinished applications. Finish or delete some first."))
    language = translation.get_language() or "ar"
    definition = service.current_version.definition
    try:
        with transaction.atomic():
            application = Application.objects.create(
                service=service,
                service_version=service.current_version,
                applicant=actor,
                start_token=start_token,
                current_page=definition["form"]["pages"][0]["key"],
                language=language if language in LANGUAGES else "ar",
                answers={},
            )
            record_event(
                event_type=ApplicationEvent.DRAFT_STARTED,
                actor=actor,
                data_subject=actor,
                objects={"application": application.pk, "service": service.code},
                details={"version": service.current_version.number},
            )
    except IntegrityError:
        # The same token raced in from a second request: return the draft that won.
        existing = Application.objects.filter(applicant_id=actor.pk, start_token=start_token).first()
        if existing is None:
            raise
        return existing
    return application


def draft_save_page(
    *,
    actor: Any,
    application_id: int,
    page_key: str,
    answers: Mapping[str, Any],
    next_page: str | None = None,
) -> Application:
    """Keep one page's cleaned answers; the citizen resumes at `next_page` (default: the page after)."""
    with transaction.atomic():
        application = _own(actor, application_id, lock=True)
        if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
            raise Conflict(_("This application has been submitted; it can no longer be changed."))
        keys = [page["key"] for page in pages(application.definition)]
        if page_key not in keys:
            raise NotFound()
        if application.status == ApplicationStatus.RETURNED:
            allowed = set(application.correction_fields)
            if any(name not in allowed for name in answers if answers[name] != application.answers.get(name)):
                raise ValidationFailed(_("Only the answers the office marked can be changed."))
        merged = merge_answers(application.definition, application.answers, answers)
        if next_page is None:
            index = keys.index(page_key)
            next_page = keys[index + 1] if index + 1 < len(keys) else "check"
        application.answers = merged
        application.current_page = next_page
        application.updated_at = clock.now()
        application.save(update_fields=["answers", "current_page", "updated_at"])
        record_event(
            event_type=ApplicationEvent.DRAFT_SAVED,
            actor=actor,
            data_subject=actor,
            objects={"application": application.pk},
            details={"page": page_key},
        )
    return application


def draft_delete(*, actor: Any, application_id: int) -> None:
    with transaction.atomic():
        application = _own(actor, application_id, lock=True)
        if application.status != ApplicationStatus.DRAFT:
            raise Conflict(_("A submitted application cannot be deleted."))
        for attachment in application.attachments.all():
            attachment.file.delete(save=False)
        application.attachments.all().delete()
        application.delete()
        record_event(
            event_type=ApplicationEvent.DRAFT_DELETED,
            actor=actor,
            data_subject=actor,
            objects={"application": application_id},
        )


def attachment_add(
    *, actor: Any, application: Application, field_name: str, upload: UploadedFile[Any]
) -> Attachment:
    """Store an uploaded file after checking its type by content, its size and the malware scanner.
    `field_name` is a file field of the form, or "" for a case message's attachment. The caller has
    checked that `actor` may add files to this application."""
    if field_name:
        # A document the form asks for, given the answers saved so far (a hidden question's is refused).
        field = next(
            (
                f
                for f in visible_fields(application.definition, application.answers)
                if f["name"] == field_name
            ),
            None,
        )
        if field is None or field["type"] != "file":
            raise ValidationFailed(_("This form has no such document."), field=field_name)
        if application.status == ApplicationStatus.RETURNED:
            if field_name not in application.correction_fields:
                raise Conflict(_("Only the documents the office marked can be replaced."))
        elif application.status != ApplicationStatus.DRAFT:
            raise Conflict(_("This application has been submitted; it can no longer be changed."))
        rule = field["file"]
    else:
        if application.status == ApplicationStatus.DRAFT:
            raise Conflict(_("Submit the application first; then you can write to the office."))
        rule = {"allowed_types": ["pdf", "jpeg", "png"], "max_size_mb": 10}
    try:
        checked = check_upload(upload, rule, field=field_name or "attachment")
    except ValidationFailed as refusal:
        with transaction.atomic():
            record_event(
                event_type=ApplicationEvent.FILE_REFUSED,
                actor=actor,
                data_subject=application.applicant_id,
                objects={"application": application.pk},
                details={"field": field_name, "code": refusal.code, "size": upload.size},
            )
        raise
    with transaction.atomic():
        if field_name:
            application.attachments.filter(field_name=field_name, replaced=False).update(replaced=True)
        attachment = Attachment(
            application=application,
            field_name=field_name,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        attachment.file.save(checked.kind, upload, save=False)
        attachment.save()
        record_event(
            event_type=ApplicationEvent.FILE_UPLOADED,
            actor=actor,
            data_subject=application.applicant_id,
            objects={"application": application.pk, "attachment": attachment.pk},
            details={
                "field": field_name,
                "type": checked.kind,
                "size": checked.size,
                "sha256": checked.sha256,
            },
        )
    return attachment


_attached_fields: CompiledRows[Any] = CompiledRows(
    Attachment,
    lambda application_id: (
        Attachment.objects.filter(application_id=application_id, replaced=False)
        .exclude(field_name="")
        .values("field_name")
    ),
)


def attached_fields(application: Application) -> set[str]:
    return {row["field_name"] for row in _attached_fields(application.pk)}


# The office a submission is routed to, by (agency code, office code).
_office_by_codes: CompiledRows[Office] = CompiledRows(
    Office, lambda agency, code: Office.objects.filter(agency__code=agency, code=code)
)


def _applicant_details(application: Application) -> tuple[str, str, str]:
    """(governorate, name, national ID blind index) from the answers, else from the citizen's account."""
    answers, user = application.answers, application.applicant
    governorate, name, nid = "", "", ""
    for field in visible_fields(application.definition, answers):
        value = answers.get(field["name"])
        if not value:
            continue
        if field["type"] == "governorate" and not governorate:
            governorate = str(value)
        elif field["type"] == "arabic_name" and not name:
            name = str(value)
        elif field["type"] == "national_id" and not nid:
            nid = str(value)
    index = blind_index(nid, context=NATIONAL_ID_CONTEXT) if nid else (user.national_id_index or "")
    return governorate or user.governorate, name or user.full_name_ar, index


def application_submit(*, actor: Any, application_id: int) -> Application:
    """Submit a complete draft: route it, give it a tracking number, start its workflow and clock, and
    tell the citizen. Submitting an already submitted application returns it unchanged (idempotent).

    The tracking number is drawn at random (40 bits) and its uniqueness is the database's unique
    constraint, not a query before each submission: the rare collision fails the whole submission, which
    is simply made again with another number."""
    for attempt in range(1, TRACKING_NUMBER_ATTEMPTS + 1):
        number = new_tracking_number()
        try:
            return _submit(actor, application_id, number)
        except IntegrityError:
            taken = Application.objects.filter(tracking_number=number).exists()
            if not taken or attempt == TRACKING_NUMBER_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def _submit(actor: Any, application_id: int, tracking_number: str) -> Application:
    with transaction.atomic():
        application = _own(actor, application_id, lock=True)
        if application.status != ApplicationStatus.DRAFT:
            return application
        problems = missing_answers(application.definition, application.answers, attached_fields(application))
        if problems:
            raise IncompleteApplication(problems)
        governorate, name, nid_index = _applicant_details(application)
        target = (
            route(application.definition, governorate, application.service.agency.code)
            if governorate
            else None
        )
        offices = _office_by_codes(*target) if target else []
        office = offices[0] if offices else None
        if office is None:
            raise ValidationFailed(
                _("This service is not offered in your governorate yet. The service page lists where it is."),
                field="governorate",
            )
        now = clock.now()
        application.status = ApplicationStatus.IN_PROGRESS
        application.office = office
        application.governorate = governorate
        application.applicant_name = name[:200]
        application.applicant_nid_index = nid_index
        application.submitted_at = now
        application.updated_at = now
        application.revision += 1
        application.current_page = ""
        application.legal_due_date = case_clock(application).due_date(now)
        application.tracking_number = tracking_number
        # Every column but the answers (unchanged, and re-encrypting them costs for nothing).
        update_columns(
            application,
            [
                "status",
                "office",
                "governorate",
                "applicant_name",
                "applicant_nid_index",
                "submitted_at",
                "updated_at",
                "revision",
                "current_page",
                "legal_due_date",
                "tracking_number",
            ],
        )
        record_event(
            event_type=ApplicationEvent.SUBMITTED,
            actor=actor,
            office_id=office.pk,
            data_subject=actor,
            objects={"application": application.pk, "service": application.service.code},
            details={
                "tracking_number": application.tracking_number,
                "version": application.service_version.number,
            },
        )
        casework.workflow_start(actor=actor, application=application)
        casework.notify_citizen(
            application,
            "applications.submitted",
            service=application.service_version.title,
            due=application.legal_due_date.isoformat(),
        )
    return application


def application_resubmit(*, actor: Any, application_id: int, revision: int) -> Application:
    """Send a returned application back to the office with its corrections; the clock starts again."""
    with transaction.atomic():
        application = _own(actor, application_id, lock=True)
        if application.status != ApplicationStatus.RETURNED:
            if application.status == ApplicationStatus.IN_PROGRESS and application.revision == revision + 1:
                return application  # the same resubmission sent twice
            raise Conflict(_("This application is not waiting for your correction."))
        if application.revision != revision:
            raise Conflict(_("This application has changed since you opened it. Reload the page."))
        problems = missing_answers(application.definition, application.answers, attached_fields(application))
        if problems:
            raise IncompleteApplication(problems)
        application.status = ApplicationStatus.IN_PROGRESS
        application.correction_fields = []
        application.correction_message = ""
        application.revision += 1
        application.updated_at = clock.now()
        casework.case_resubmitted(actor=actor, application=application)
        application.save()
        record_event(
            event_type=ApplicationEvent.RESUBMITTED,
            actor=actor,
            office_id=application.office_id,
            data_subject=actor,
            objects={"application": application.pk},
        )
    return application


def attachment_downloaded(*, actor: Any, attachment: Attachment, office_id: int | None = None) -> None:
    """Someone opened a document of a file (the caller checked they may): staff reads show the citizen who
    read their documents; the citizen's own downloads are recorded too, as evidence of what they saw."""
    with transaction.atomic():
        record_event(
            event_type=ApplicationEvent.FILE_DOWNLOADED,
            actor=actor,
            office_id=office_id,
            data_subject=attachment.application.applicant_id,
            objects={"application": attachment.application_id, "attachment": attachment.pk},
            details={"field": attachment.field_name},
        )
