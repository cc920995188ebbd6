"""The auditors' event browser: search the audit log, open one event with its seal. Each search that
names a person and each opened event is itself recorded in the log (who looked, at what)."""

from __future__ import annotations

import json

from django import forms
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from diwan.audit import selectors
from diwan.audit.actions import record_event
from diwan.audit.events import AuditEventType
from diwan.core.access import policy, staff
from diwan.core.errors import NotFound
from diwan.directory.roles import Role

AUDITORS = staff(Role.AUDITOR, Role.INTEGRITY_OFFICER)
PAGE_SIZE = 50


class EventSearchForm(forms.Form):
    event_type = forms.RegexField(
        label=_("Event type"),
        regex=r"^[a-z_.]*$",
        max_length=80,
        required=False,
        help_text=_("The whole type or its start, for example accounts.staff"),
        error_messages={"invalid": _("Use lower-case letters, dots and underscores only.")},
    )
    actor_id = forms.IntegerField(label=_("Actor (user number)"), min_value=1, required=False)
    data_subject_id = forms.IntegerField(
        label=_("Citizen concerned (user number)"), min_value=1, required=False
    )
    since = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must not be before the start date."))
        return cleaned


@policy(AUDITORS)
def events(request: HttpRequest) -> HttpResponse:
    form = EventSearchForm(request.GET or None)
    status = 200
    page = None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        wanted = selectors.EventFilter(
            event_type=data.get("event_type") or "",
            actor_id=data.get("actor_id"),
            data_subject_id=data.get("data_subject_id"),
            since=data.get("since"),
            until=data.get("until"),
        )
        if wanted.actor_id is not None or wanted.data_subject_id is not None:
            with transaction.atomic():
                record_event(
                    event_type=AuditEventType.LOG_SEARCHED,
                    actor=request.user,
                    data_subject=wanted.data_subject_id,
                    purpose="audit",
                    details={"actor_id": wanted.actor_id, "event_type": wanted.event_type},
                )
        paginator = Paginator(selectors.events_for_auditor(request.user, wanted), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/audit/events.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=status,
    )


@policy(AUDITORS)
def event(request: HttpRequest, event_id: int) -> HttpResponse:
    try:
        found = selectors.access_event_for(request.user, event_id)
    except NotFound as exc:
        raise Http404 from exc
    with transaction.atomic():
        record_event(
            event_type=AuditEventType.EVENT_VIEWED,
            actor=request.user,
            data_subject=found.data_subject_id,
            objects={"audit_event": found.pk},
            purpose="audit",
        )
    return render(
        request,
        "backoffice/audit/event.html",
        {
            "event": found,
            "objects_json": json.dumps(found.objects_ref, ensure_ascii=False, indent=2, sort_keys=True),
            "details_json": json.dumps(found.details, ensure_ascii=False, indent=2, sort_keys=True),
        },
    )
