"""The officials' casework pages under /office/cases/ (docs/casework.md): the office inbox, a case with
its answers, documents, tasks, timeline and messages, the actions on a task, break-glass openings and
their review by the integrity office, and declared relatives.

Thin, as every interface: parse with a form, call a selector or an action, render. The actions check
everything again (assignee, role, separation of duties, conflict of interest, the page's revision); a
refusal is shown on the form it came from, with the status it carries (400, 403, 409)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from diwan.applications import actions as applying
from diwan.applications.forms import answer_display, visible_fields, visible_pages
from diwan.applications.models import Application, ApplicationStatus
from diwan.applications.selectors import access_attachment_for_staff
from diwan.casework import actions, selectors
from diwan.casework.models import ACTIVE_TASK_STATUSES, CaseEntry, EntryKind, Task, TaskKind
from diwan.core.access import policy, staff
from diwan.core.errors import Conflict, DiwanError, NotFound, PermissionDenied, ValidationFailed
from diwan.core.i18n import pick
from diwan.core.interface import found, show_refusal
from diwan.directory.roles import Role

from . import casework_forms as f

CASEWORK = staff(Role.CASE_OFFICER, Role.REVIEWER, Role.APPROVER)
INTEGRITY = staff(Role.INTEGRITY_OFFICER)
INBOX_VIEWS = ("open", "with_citizen")
PAGE_SIZE = selectors.INBOX_PAGE_SIZE
REVIEWED_SHOWN = 50

# Statuses as an official reads them (the model's labels speak to the citizen).
STAFF_STATUS = {
    ApplicationStatus.IN_PROGRESS: gettext_lazy("In progress"),
    ApplicationStatus.RETURNED: gettext_lazy("With the citizen for correction"),
    ApplicationStatus.APPROVED: gettext_lazy("Approved"),
    ApplicationStatus.REJECTED: gettext_lazy("Rejected"),
}
STATUS_TAG = {
    ApplicationStatus.RETURNED: "tag-warn",
    ApplicationStatus.APPROVED: "tag-ok",
    ApplicationStatus.REJECTED: "tag-bad",
}


# --- The inbox --------------------------------------------------------------------------------------

_PLACEHOLDER_ID = 9876543210  # digits that cannot be anything else in a case URL


class InboxLine(TypedDict):
    """One row of the queue as the page shows it, worked out once per page: one reverse() for the links
    and one date format per distinct day, instead of a {% url %} and two |date filters in each of the 50
    rows. A dict because the template language reads a key at its first try (an attribute after a
    failed key lookup): the rows were most of the page's rendering time."""

    url: str
    tracking_number: str
    applicant_name: str
    service_title: str
    stage_name: str
    consultation: bool
    escalated: bool
    mine: bool
    overdue: bool
    due_soon: bool
    due_iso: str
    due_text: str


def _inbox_lines(rows: list[selectors.InboxRow]) -> list[InboxLine]:
    url = reverse("backoffice:casework-case", args=[_PLACEHOLDER_ID])
    head, _placeholder, tail = url.partition(str(_PLACEHOLDER_ID))
    days: dict[dt.date, tuple[str, str]] = {}
    lines: list[InboxLine] = []
    for row in rows:
        task = row.task
        day = days.get(row.due_date)
        if day is None:
            day = days[row.due_date] = (row.due_date.isoformat(), date_format(row.due_date, "j F Y"))
        lines.append(
            {
                "url": f"{head}{task.application_id}{tail}",
                "tracking_number": row.tracking_number,
                "applicant_name": row.applicant_name,
                "service_title": row.service_title,
                "stage_name": row.stage_name,
                "consultation": task.kind == TaskKind.CONSULTATION,
                "escalated": task.escalated_at is not None,
                "mine": row.mine,
                "overdue": row.overdue,
                "due_soon": row.due_soon,
                "due_iso": day[0],
                "due_text": day[1],
            }
        )
    return lines


@policy(CASEWORK)
def inbox(request: HttpRequest) -> HttpResponse:
    """One office's queue by deadline, 50 at a time ("next page" by keyset: no count, no offset)."""
    # Read once: the list is both the tabs and the check that the office asked for is the official's.
    offices = list(selectors.my_offices(request.user).order_by("agency__code", "code"))
    if not offices:
        return render(request, "backoffice/casework/inbox.html", {"offices": [], "page": None})
    office = offices[0]
    wanted = request.GET.get("office", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        chosen = next((item for item in offices if item.pk == int(wanted)), None)
        if chosen is None:
            raise Http404
        office = chosen
    view = request.GET.get("view", "open")
    if view not in INBOX_VIEWS:
        view = "open"
    query = request.GET.get("q", "").strip()[:100]
    mine_only = request.GET.get("mine") == "1"
    cursor = request.GET.get("after", "")[:40]
    page = selectors.office_inbox(
        request.user,
        office.pk,
        view=view,
        query=query,
        mine_only=mine_only,
        cursor=cursor,
        page_size=PAGE_SIZE,
        offices=offices,
    )
    return render(
        request,
        "backoffice/casework/inbox.html",
        {
            "offices": offices,
            "office": office,
            "page": page,
            "lines": _inbox_lines(page.rows),
            "view": view,
            "query": query,
            "mine_only": mine_only,
            "paged": bool(cursor),
        },
    )


# --- One case ---------------------------------------------------------------------------------------


@dataclass
class ActionForm:
    action: str
    title: str
    button: str
    form: forms.Form
    warning: bool = False
    open: bool = False


@dataclass
class TaskView:
    task: Task
    stage_name: str
    question: str
    assignee: str
    overdue: bool
    mine: bool
    action_forms: list[ActionForm] = field(default_factory=list)
    waiting_for: int = 0  # consultations not answered yet (the stage cannot be approved)
    reassign: forms.Form | None = None


@dataclass
class EntryView:
    entry: CaseEntry
    stage_name: str
    actor: str
    notes: list[str]


ACTION_TITLES: dict[str, tuple[Any, Any]] = {
    "approve": (gettext_lazy("Approve this stage"), gettext_lazy("Approve")),
    "reject": (gettext_lazy("Refuse the application"), gettext_lazy("Refuse the application")),
    "return_for_correction": (
        gettext_lazy("Return to the citizen for correction"),
        gettext_lazy("Return for correction"),
    ),
    "request_extension": (gettext_lazy("Extend the time limit"), gettext_lazy("Extend the time limit")),
    "escalate": (gettext_lazy("Escalate to the supervisor"), gettext_lazy("Escalate")),
    "answer": (gettext_lazy("Answer the consultation"), gettext_lazy("Send the answer")),
}
SUCCESS = {
    "approve": gettext_lazy("The stage is approved."),
    "reject": gettext_lazy("The application is refused. The citizen has been told."),
    "return_for_correction": gettext_lazy(
        "The file is with the citizen for correction; the clock has stopped."
    ),
    "request_extension": gettext_lazy("The time limit is extended. The citizen has been told."),
    "escalate": gettext_lazy("The file is escalated to the supervisor."),
    "answer": gettext_lazy("Your answer is sent."),
}


def _correctable(application: Application) -> list[tuple[str, str]]:
    """Answers the official may ask the citizen to correct: every visible field but the declaration."""
    return [
        (item["name"], pick(item["label"]))
        for item in visible_fields(application.definition, application.answers)
        if item["type"] != "declaration"
    ]


def _action_form(action: str, application: Application, data: Any = None, *, prefix: str) -> forms.Form:
    workflow = application.definition["workflow"]
    match action:
        case "approve":
            return f.ApproveForm(data, prefix=prefix)
        case "reject":
            return f.RejectForm(data, prefix=prefix, reasons=workflow.get("rejection_reasons", []))
        case "return_for_correction":
            return f.ReturnForm(data, prefix=prefix, choices=_correctable(application))
        case "request_extension":
            return f.ExtensionForm(data, prefix=prefix)
        case "escalate":
            return f.EscalateForm(data, prefix=prefix)
        case "answer":
            return f.AnswerForm(data, prefix=prefix)
    raise Http404


def _prefix(task_id: int, action: str) -> str:
    return f"t{task_id}-{action}"


def _revision(request: HttpRequest) -> int:
    """The revision the page showed. A missing or garbled one can only be stale: -1 never matches."""
    value = request.POST.get("revision", "")
    return int(value) if value.isdigit() else -1


@dataclass
class Bound:
    """A form the official sent that was refused, shown again in its place with its errors."""

    form: forms.Form
    task_id: int | None = None
    action: str = ""


def _names(tasks: list[Task], entries: list[CaseEntry]) -> dict[int, str]:
    names: dict[int, str] = {}
    for task in tasks:
        if task.assignee is not None:
            names[task.assignee.pk] = task.assignee.full_name_ar
        if task.escalated_to_id is not None and task.escalated_to_id not in names:
            escalated_to = task.escalated_to  # one read per escalated task (a handful at most)
            if escalated_to is not None:
                names[escalated_to.pk] = escalated_to.full_name_ar
    for entry in entries:
        if entry.actor is not None:
            names[entry.actor.pk] = entry.actor.full_name_ar
    return names


def rotation_note(details: dict[str, Any]) -> str:
    """Why rotation chose this official, from the numbers the engine recorded."""
    numbers = {
        "eligible": int(details["eligible"]),
        "load": int(details.get("load") or 0),
        "tied": int(details.get("tied") or 0),
    }
    note = _(
        "By rotation: the least loaded of the eligible officials "
        "(eligible: %(eligible)s, open tasks: %(load)s)."
    )
    if numbers["tied"] > 1:
        note += " " + _("Tie broken at random (officials tied: %(tied)s).")
    return note % numbers


def _entry_view(
    entry: CaseEntry,
    *,
    stage_names: dict[str, str],
    names: dict[int, str],
    labels: dict[str, str],
    reasons: dict[str, str],
) -> EntryView:
    details = entry.details or {}
    notes: list[str] = []

    def who(user_id: Any) -> str:
        return names.get(user_id, _("another official")) if user_id else _("nobody")

    match entry.kind:
        case EntryKind.ASSIGNED:
            if details.get("assignee"):
                notes.append(_("Assigned to %(name)s.") % {"name": who(details["assignee"])})
            else:
                notes.append(_("No eligible official in the office yet; it will be assigned when one is."))
            if details.get("eligible"):
                notes.append(rotation_note(details))
        case EntryKind.REASSIGNED:
            notes.append(
                _("From %(before)s to %(after)s.")
                % {"before": who(details.get("from")), "after": who(details.get("to"))}
            )
        case EntryKind.RETURNED:
            chosen = [labels.get(name, name) for name in details.get("fields", [])]
            if chosen:
                notes.append(_("Answers to correct: %(fields)s") % {"fields": "، ".join(chosen)})
        case EntryKind.EXTENDED:
            days = int(details.get("days", 0) or 0)
            notes.append(
                ngettext(
                    "%(days)s more working day; the new legal deadline is %(date)s.",
                    "%(days)s more working days; the new legal deadline is %(date)s.",
                    days,
                )
                % {"days": days, "date": details.get("due_date", "")}
            )
        case EntryKind.REJECTED:
            code = details.get("reason_code", "")
            if code:
                notes.append(_("Reason: %(reason)s") % {"reason": reasons.get(code, code)})
        case EntryKind.ESCALATED:
            reason = details.get("reason", "")
            if reason == "overdue":
                notes.append(_("The stage is past its due date."))
            elif reason:
                notes.append(str(reason))
            if details.get("supervisor"):
                notes.append(_("Supervisor: %(name)s") % {"name": who(details["supervisor"])})
    return EntryView(
        entry=entry,
        stage_name=stage_names.get(entry.stage_key, entry.stage_key),
        actor=entry.actor.full_name_ar if entry.actor is not None else "",
        notes=notes,
    )


def _case_page(
    request: HttpRequest, application_id: int, *, bound: Bound | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    access = found(lambda: selectors.access_case_for(user, application_id))
    detail = selectors.case_detail(user, access)
    application = access.application
    actions.case_viewed(
        actor=user, application=application, office_id=access.office_id, break_glass=access.break_glass
    )
    definition = application.definition
    workflow = definition["workflow"]
    stage_names = {stage["key"]: pick(stage["name"]) for stage in workflow["stages"]}
    labels = {
        item["name"]: pick(item["label"]) for page in definition["form"]["pages"] for item in page["fields"]
    }
    reasons = {reason["code"]: pick(reason["text"]) for reason in workflow.get("rejection_reasons", [])}
    files = {attachment.field_name: attachment for attachment in detail.attachments}
    correction = set(application.correction_fields or [])
    answer_pages = [
        (
            pick(page["title"]),
            [
                {
                    "label": pick(item["label"]),
                    "value": ""
                    if item["type"] == "file"
                    else answer_display(item, application.answers.get(item["name"])),
                    "file": files.get(item["name"]) if item["type"] == "file" else None,
                    "correct": item["name"] in correction,
                }
                for item in shown
            ],
        )
        for page, shown in visible_pages(definition, application.answers)
    ]
    today = selectors.today()
    names = _names(detail.tasks, detail.entries)
    task_views: list[TaskView] = []
    for task in detail.tasks:
        active = task.status in ACTIVE_TASK_STATUSES
        view = TaskView(
            task=task,
            stage_name=stage_names.get(task.stage_key, task.stage_key),
            question=pick(task.question) if task.kind == TaskKind.CONSULTATION else "",
            assignee=task.assignee.full_name_ar if task.assignee is not None else "",
            overdue=active and task.due_date < today,
            mine=task.assignee_id == user.pk,
        )
        if task.kind == TaskKind.STAGE:
            view.waiting_for = sum(
                1
                for other in detail.tasks
                if other.parent_id == task.pk and other.status in ACTIVE_TASK_STATUSES
            )
        for action in detail.actions_for_me.get(task.pk, []):
            if action == "request_extension" and application.extension_days:
                continue  # once per file
            if action == "approve" and view.waiting_for:
                continue  # shown as a notice instead
            mine = bound is not None and bound.task_id == task.pk and bound.action == action
            title, button = ACTION_TITLES[action]
            view.action_forms.append(
                ActionForm(
                    action=action,
                    title=str(title),
                    button=str(button),
                    form=bound.form
                    if mine and bound
                    else _action_form(action, application, prefix=_prefix(task.pk, action)),
                    warning=action == "reject",
                    open=mine,
                )
            )
        if active:
            candidates = [c for c in selectors.reassign_candidates(user, task) if c.pk != task.assignee_id]
            if candidates:
                mine = bound is not None and bound.task_id == task.pk and bound.action == "reassign"
                view.reassign = (
                    bound.form
                    if mine and bound
                    else f.ReassignForm(prefix=_prefix(task.pk, "reassign"), candidates=candidates)
                )
        task_views.append(view)
    entries = [
        _entry_view(entry, stage_names=stage_names, names=names, labels=labels, reasons=reasons)
        for entry in detail.entries
    ]
    message_form = (
        bound.form if bound is not None and bound.action == "message" else f.MessageForm(prefix="message")
    )
    context = {
        "access": access,
        "application": application,
        "detail": detail,
        "service_title": pick(definition["title"]),
        "status_label": STAFF_STATUS.get(
            ApplicationStatus(application.status), application.get_status_display()
        ),
        "status_tag": STATUS_TAG.get(ApplicationStatus(application.status), ""),
        "answer_pages": answer_pages,
        "documents": [(labels.get(a.field_name, a.field_name), a) for a in detail.attachments],
        "tasks": task_views,
        "my_tasks": [view for view in task_views if view.action_forms or (view.waiting_for and view.mine)],
        "supervised": [view for view in task_views if view.reassign is not None],
        "entries": entries,
        "messages_thread": detail.messages,
        "message_form": message_form,
        "correction_fields": [labels.get(name, name) for name in application.correction_fields or []],
        "decision_reason": reasons.get(application.decision_reason_code, ""),
        "bound": bound,
    }
    return render(request, "backoffice/casework/case.html", context, status=status)


@policy(CASEWORK)
def case(request: HttpRequest, application_id: int) -> HttpResponse:
    return _case_page(request, application_id)


def _refusal(error: DiwanError) -> None:
    if isinstance(error, NotFound):
        raise Http404 from error


@policy(CASEWORK)
@require_POST
def task_action(request: HttpRequest, application_id: int, task_id: int, action: str) -> HttpResponse:
    if action not in ACTION_TITLES:
        raise Http404
    access = found(lambda: selectors.access_case_for(request.user, application_id))
    application = access.application
    if task_id not in set(application.tasks.values_list("pk", flat=True)):
        raise Http404
    form = _action_form(action, application, request.POST, prefix=_prefix(task_id, action))
    status = 400
    if form.is_valid():
        try:
            _act(
                action,
                actor=request.user,
                task_id=task_id,
                revision=_revision(request),
                data=form.cleaned_data,
            )
        except DiwanError as error:
            _refusal(error)
            status = show_refusal(form, error)
        else:
            messages.success(request, str(SUCCESS[action]))
            return redirect("backoffice:casework-case", application_id=application_id)
    return _case_page(request, application_id, bound=Bound(form, task_id, action), status=status)


def _act(action: str, *, actor: Any, task_id: int, revision: int, data: dict[str, Any]) -> None:
    common = {"actor": actor, "task_id": task_id, "revision": revision}
    calls: dict[str, Callable[[], Any]] = {
        "approve": lambda: actions.task_approve(**common, note=data["note"]),
        "reject": lambda: actions.task_reject(**common, reason_code=data["reason_code"], text=data["text"]),
        "return_for_correction": lambda: actions.task_return(
            **common, fields=list(data["fields"]), message=data["message"]
        ),
        "request_extension": lambda: actions.task_request_extension(
            **common, days=data["days"], reason=data["reason"]
        ),
        "escalate": lambda: actions.task_escalate(**common, reason=data["reason"]),
        "answer": lambda: actions.consultation_answer(**common, answer=data["answer"]),
    }
    calls[action]()


@policy(CASEWORK)
@require_POST
def message_reply(request: HttpRequest, application_id: int) -> HttpResponse:
    """A message to the citizen in the file's thread, from the official's office, with an optional file."""
    access = found(lambda: selectors.access_case_for(request.user, application_id))
    form = f.MessageForm(request.POST, request.FILES, prefix="message")
    status = 400
    if access.break_glass or access.office_id is None:
        form.is_valid()
        error = PermissionDenied(_("A file opened through break-glass can be read, not written to."))
        status = show_refusal(form, error)
    elif form.is_valid():
        office_id = access.office_id
        office = found(lambda: selectors.access_office_for(request.user, office_id))
        try:
            attachment_ids = []
            upload = form.cleaned_data.get("attachment")
            if upload:
                attachment = applying.attachment_add(
                    actor=request.user, application=access.application, field_name="", upload=upload
                )
                attachment_ids.append(attachment.pk)
            actions.message_post(
                actor=request.user,
                application=access.application,
                body=form.cleaned_data["body"],
                attachment_ids=attachment_ids,
                office=office,
            )
        except DiwanError as error:
            _refusal(error)
            status = show_refusal(form, error)
        else:
            messages.success(request, _("Your message is sent. The citizen is told by SMS."))
            return redirect(reverse("backoffice:casework-case", args=[application_id]) + "#messages")
    return _case_page(request, application_id, bound=Bound(form, None, "message"), status=status)


@policy(CASEWORK)
def case_file(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A document of a file the official may see, as a download (never shown inline: it came from outside)."""
    attachment, access = found(lambda: access_attachment_for_staff(request.user, attachment_id))
    applying.attachment_downloaded(actor=request.user, attachment=attachment, office_id=access.office_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Reassignment by a supervisor ---------------------------------------------------------------------


@policy(CASEWORK)
def reassign(request: HttpRequest, task_id: int) -> HttpResponse:
    """A supervisor (approver of the office or of a parent office) gives a task to another eligible
    official, or to the next one by rotation, with a written reason."""
    task = found(lambda: selectors.supervised_task_for(request.user, task_id))
    candidates = [c for c in selectors.reassign_candidates(request.user, task) if c.pk != task.assignee_id]
    form = f.ReassignForm(request.POST or None, prefix=_prefix(task.pk, "reassign"), candidates=candidates)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.task_reassign(
                    actor=request.user,
                    task_id=task.pk,
                    revision=_revision(request),
                    reason=form.cleaned_data["reason"],
                    to_user_id=form.to_user_id(),
                )
            except DiwanError as error:
                _refusal(error)
                status = show_refusal(form, error)
            else:
                messages.success(request, _("The file is reassigned."))
                try:
                    selectors.access_case_for(request.user, task.application_id)
                except NotFound:
                    return redirect("backoffice:casework-inbox")
                return redirect("backoffice:casework-case", application_id=task.application_id)
        task = found(lambda: selectors.supervised_task_for(request.user, task_id))  # the current revision
    stage = next(
        (s for s in task.application.definition["workflow"]["stages"] if s["key"] == task.stage_key), None
    )
    context = {
        "task": task,
        "application": task.application,
        "form": form,
        "stage_name": pick(stage["name"]) if stage else task.stage_key,
        "service_title": pick(task.application.definition["title"]),
        "assignee": task.assignee.full_name_ar if task.assignee_id and task.assignee else "",
    }
    return render(request, "backoffice/casework/reassign.html", context, status=status)


# --- Break-glass ------------------------------------------------------------------------------------


@policy(CASEWORK)
def break_glass(request: HttpRequest) -> HttpResponse:
    """Open a file outside the official's queue: a tracking number and a typed reason, recorded and
    flagged to the integrity officers of the official's agency."""
    form = f.BreakGlassForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            application_id = selectors.find_case_by_tracking_number(form.cleaned_data["tracking_number"])
            try:
                if application_id is None:
                    raise ValidationFailed(
                        _("No submitted file has this tracking number. Check it and try again."),
                        field="tracking_number",
                    )
                try:
                    access = selectors.access_case_for(request.user, application_id)
                except NotFound:
                    access = None
                if access is not None and not access.break_glass:
                    messages.info(
                        request, _("This file is in your office's queue: it opens without break-glass.")
                    )
                    return redirect("backoffice:casework-case", application_id=application_id)
                actions.case_break_glass(
                    actor=request.user, application_id=application_id, reason=form.cleaned_data["reason"]
                )
            except NotFound:
                form.add_error(
                    "tracking_number",
                    _("No submitted file has this tracking number. Check it and try again."),
                )
            except DiwanError as error:
                status = show_refusal(form, error)
            else:
                return redirect("backoffice:casework-case", application_id=application_id)
    return render(request, "backoffice/casework/break_glass.html", {"form": form}, status=status)


@policy(INTEGRITY)
def integrity(request: HttpRequest) -> HttpResponse:
    """Break-glass openings by officials of the integrity officer's agencies: those not reviewed yet,
    then the latest reviewed ones."""
    openings = selectors.break_glass_for_review(request.user)
    waiting = list(openings.filter(reviewed_at__isnull=True).order_by("opened_at"))
    reviewed = list(openings.filter(reviewed_at__isnull=False).order_by("-reviewed_at")[:REVIEWED_SHOWN])
    return render(request, "backoffice/casework/integrity.html", {"waiting": waiting, "reviewed": reviewed})


@policy(INTEGRITY)
def integrity_review(request: HttpRequest, access_id: int) -> HttpResponse:
    opening = found(lambda: selectors.access_break_glass_for(request.user, access_id))
    form = f.ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if opening.reviewed_at is not None:
            status = show_refusal(form, Conflict(_("Someone has already reviewed this opening.")))
        elif form.is_valid():
            try:
                actions.break_glass_review(
                    actor=request.user, access_id=opening.pk, note=form.cleaned_data["note"]
                )
            except DiwanError as error:
                _refusal(error)
                status = show_refusal(form, error)
            else:
                messages.success(request, _("Your review is recorded."))
                return redirect("backoffice:casework-integrity")
    return render(
        request,
        "backoffice/casework/integrity_review.html",
        {"opening": opening, "form": form},
        status=status,
    )


# --- Declared relatives -----------------------------------------------------------------------------


@policy(CASEWORK)
def relatives(request: HttpRequest) -> HttpResponse:
    """An official declares a relative: from then on they are not given, and may not act on, that
    person's files. Only a keyed hash of the number is kept, so there is no list to show back."""
    form = f.RelativeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.relative_declare(
                    actor=request.user,
                    national_id=form.cleaned_data["national_id"],
                    relation=form.cleaned_data["relation"],
                )
            except DiwanError as error:
                status = show_refusal(form, error)
            else:
                messages.success(
                    request,
                    _("Your relative is declared. You will not be given their files, or act on them."),
                )
                return redirect("backoffice:casework-relatives")
    return render(request, "backoffice/casework/relatives.html", {"form": form}, status=status)
