"""Reads of applications that depend on who is asking (ARCHITECTURE §5.2). A citizen sees their own
applications only; anyone else's is "not found" (never "forbidden": that would confirm it exists)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypedDict

from django.db.models import F, QuerySet

from diwan.applications.models import Application, Attachment
from diwan.core.errors import NotFound
from diwan.core.queries import CompiledRows, Fetched


def my_applications(actor: Any) -> QuerySet[Application]:
    """The citizen's applications, most recently changed first (one query with the service version)."""
    return (
        Application.objects.filter(applicant_id=actor.pk)
        .select_related("service_version", "office")
        .defer("answers")
        .order_by("-updated_at", "-id")
    )


class ApplicationRow(TypedDict):
    """One application as "My applications" lists it (my_application_rows)."""

    id: int
    status: str
    tracking_number: str | None
    legal_due_date: date | None
    updated_at: datetime
    current_page: str
    service_title: dict[str, str]  # the pinned version's title, {ar, ckb, en}


# What "My applications" shows of each application: compiled once, run on every visit (core.queries).
_application_rows: CompiledRows[ApplicationRow] = CompiledRows(
    Application,
    lambda applicant_id: (
        Application.objects.filter(applicant_id=applicant_id)
        .order_by("-updated_at", "-id")
        .values(
            "id",
            "status",
            "tracking_number",
            "legal_due_date",
            "updated_at",
            "current_page",
            service_title=F("service_version__titles"),
        )
    ),
)


def my_application_rows(actor: Any) -> Fetched[ApplicationRow]:
    """The citizen's applications as the "My applications" page lists them, most recently changed first,
    in one query: a few columns and `service_title` ({ar, ckb, en}), the pinned version's `titles`. Neither
    the definition (several KB of compressed JSON per row, which PostgreSQL would decompress for each row
    to take its title) nor the encrypted answers are read. `.rows()` gives the rows; `.raw` is what the
    database returned, enough to tell whether the list changed (the page renders it only then)."""
    return _application_rows.fetch(actor.pk)


def access_application_for(actor: Any, application_id: int) -> Application:
    application = (
        Application.objects.select_related("service", "service_version", "office", "applicant")
        .filter(pk=application_id, applicant_id=actor.pk)
        .first()
    )
    if application is None:
        raise NotFound()
    return application


def current_attachments(application: Application) -> dict[str, Attachment]:
    """The file answering each file field (a replaced upload no longer counts)."""
    return {
        a.field_name: a
        for a in application.attachments.filter(replaced=False).exclude(field_name="").order_by("id")
    }


def access_attachment_for_citizen(actor: Any, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.select_related("application").filter(pk=attachment_id).first()
    if attachment is None or attachment.application.applicant_id != actor.pk:
        raise NotFound()
    return attachment


def access_attachment_for_staff(actor: Any, attachment_id: int) -> tuple[Attachment, Any]:
    """A file of a case the official may see (their office's, or opened through break-glass), with that
    access (casework.selectors.CaseAccess: the office through which they see it)."""
    from diwan.casework.selectors import access_case_for

    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    access = access_case_for(actor, attachment.application_id)  # NotFound when the case is not theirs
    return attachment, access
