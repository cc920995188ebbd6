"""Reads of applications that depend on who is asking (ARCHITECTURE §5.2). A citizen sees their own
applications only; anyone else's is "not found" (never "forbidden": that would confirm it exists)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from diwan.applications.models import Application, Attachment
from diwan.core.errors import NotFound


def my_applications(actor: Any) -> QuerySet[Application]:
    """The citizen's applications, most recently changed first (one query with the service version)."""
    return (
        Application.objects.filter(applicant_id=actor.pk)
        .select_related("service_version", "office")
        .defer("answers")
        .order_by("-updated_at", "-id")
    )


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


def access_attachment_for_staff(actor: Any, attachment_id: int) -> Attachment:
    """A file of a case the official may see (their office's, or opened through break-glass)."""
    from diwan.casework.selectors import access_case_for

    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    access_case_for(actor, attachment.application_id)  # raises NotFound when the case is not theirs
    return attachment
