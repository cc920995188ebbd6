"""The citizen's applications (issue 3 §2): start a service, answer it page by page (uploads included),
check the answers, submit, then follow the file, correct it when the office returns it, and write to the
office. Thin: each view parses input, calls an action or a selector of applications/casework, renders.

Every page works without JavaScript. A question that a page shows only after an earlier answer on the
same page (`show_if`) appears when the citizen continues: the page comes back with the new question and
keeps what was typed, without saving (see `_revealed`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from diwan.applications.actions import (
    IncompleteApplication,
    application_resubmit,
    application_submit,
    attached_fields,
    attachment_add,
    attachment_downloaded,
    draft_delete,
    draft_save_page,
    draft_start,
)
from diwan.applications.forms import (
    PageForm,
    answer_display,
    missing_answers,
    page_after,
    page_before,
    page_form,
    page_of,
    pages,
    visible_fields,
    visible_pages,
)
from diwan.applications.models import Application, ApplicationStatus, Attachment
from diwan.applications.selectors import (
    ApplicationRow,
    access_application_for,
    access_attachment_for_citizen,
    current_attachments,
    my_application_rows,
)
from diwan.casework.actions import message_post
from diwan.casework.selectors import citizen_messages, citizen_timeline
from diwan.catalogue import selectors as catalogue
from diwan.core.access import CITIZEN, policy
from diwan.core.caching import never_cache
from diwan.core.errors import DiwanError, NotFound
from diwan.core.fragments import cached_fragment
from diwan.core.i18n import pick
from diwan.core.interface import found, show_refusal
from diwan.portal.applications_forms import MessageForm

CHECK = "check"  # `current_page` of a draft whose every page is answered
FROM_CHECK = "check"  # ?from=check: a "Change" link; the page returns to "check your answers"
STATUS_TAGS = {
    ApplicationStatus.DRAFT: "",
    ApplicationStatus.IN_PROGRESS: "",
    ApplicationStatus.RETURNED: "tag-warn",
    ApplicationStatus.APPROVED: "tag-ok",
    ApplicationStatus.REJECTED: "tag-bad",
}


def _fee(amount: int | None) -> str:
    if not amount:
        return _("Free")
    return _("%(amount)s Iraqi dinars") % {"amount": f"{amount:,}"}


def _stage_states() -> dict[str, str]:
    return {
        "done": _("Done"),
        "current": _("In progress"),
        "with_citizen": _("Waiting for your correction"),
        "upcoming": _("Not started yet"),
        "stopped": _("Stopped"),
    }


def _own(request: HttpRequest, application_id: int) -> Application:
    return found(lambda: access_application_for(request.user, application_id))


def _page_url(application: Application, page_key: str, *, from_check: bool = False) -> str:
    url = reverse("portal:applications:page", args=[application.pk, page_key])
    return f"{url}?from={FROM_CHECK}" if from_check else url


def _resume_url(application: Application) -> str:
    """Where "Continue" takes the citizen: the page they stopped at (drafts), else the file's page."""
    if application.status != ApplicationStatus.DRAFT:
        return reverse("portal:applications:detail", args=[application.pk])
    if application.current_page == CHECK:
        return reverse("portal:applications:check", args=[application.pk])
    keys = [page["key"] for page in pages(application.definition)]
    key = application.current_page if application.current_page in keys else keys[0]
    return _page_url(application, key)


def _field_link(application: Application, field_name: str, *, from_check: bool = False) -> str:
    page_key = page_of(application.definition, field_name)
    if page_key is None:
        return _resume_url(application)
    return f"{_page_url(application, page_key, from_check=from_check)}#id_{field_name}"


def _problem_links(
    application: Application, problems: list[tuple[str, str, str]], *, from_check: bool
) -> list[dict[str, str]]:
    return [
        {"message": message, "url": _field_link(application, field, from_check=from_check)}
        for _page, field, message in problems
    ]


def _refusal_links(application: Application, error: DiwanError) -> list[dict[str, str]]:
    """An action's refusal for the error summary. Submission names `governorate` (a field *type*) when
    the service is not offered there: link to the field that asked it."""
    url = ""
    if error.field:
        name = error.field
        for field in visible_fields(application.definition, application.answers):
            if field["name"] == name or field["type"] == name:
                url = _field_link(application, field["name"], from_check=True)
                break
    return [{"message": str(error.message), "url": url}]


# --- Start --------------------------------------------------------------------------------------------


def _start_token(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@policy(CITIZEN)
@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    """ "Before you start" (what to have at hand), then Start: a draft, at its first page. The form's
    one-time token makes a double click or a resent form start one draft, not two."""
    service = found(lambda: catalogue.public_service(code))
    version = found(lambda: catalogue.current(service))
    refusal = ""
    status = 200
    if request.method == "POST":
        try:
            application = draft_start(
                actor=request.user,
                service_code=service.code,
                start_token=_start_token(request.POST.get("start_token", "")),
            )
        except DiwanError as exc:
            if exc.status == 404:
                raise Http404 from exc
            refusal, status = str(exc.message), exc.status
        else:
            return redirect(_resume_url(application))
    definition = version.definition
    return render(
        request,
        "portal/applications/start.html",
        {
            "service": service,
            "title": version.title,
            "summary": version.summary,
            "fee": _fee(definition.get("fee_iqd")),
            "days": definition["legal_time_limit_days"],
            "documents": [pick(d) for d in definition.get("documents", [])],
            "start_token": uuid.uuid4(),
            "refusal": refusal,
        },
        status=status,
    )


# --- My applications ----------------------------------------------------------------------------------


_ID = 9_876_543_210  # stands for an application's id in a URL reversed once for every row of a list


def _by_id(name: str) -> Callable[[int], str]:
    """The URL `name` of any application: reversed once (the active language's prefix included), then
    filled in for each row. reverse() for every row cost ~30 us each, a third of the page's rows."""
    head, _id, tail = reverse(name, args=[_ID]).partition(str(_ID))
    return lambda application_id: f"{head}{application_id}{tail}"


def _draft_url(application_id: int, current_page: str) -> str:
    """Where "Continue" takes the citizen for a draft listed without its definition: the page they stopped
    at (the actions only ever store a page key of the pinned version or "check"); the file's page, which
    redirects to where the draft resumes, if none is stored."""
    if current_page == CHECK:
        return reverse("portal:applications:check", args=[application_id])
    if current_page:
        return reverse("portal:applications:page", args=[application_id, current_page])
    return reverse("portal:applications:detail", args=[application_id])


class _Days:
    """Each day in the active language's DATE_FORMAT, formatted once per page (a citizen's files share a
    few days); what `|date:"DATE_FORMAT"` shows, at a fraction of the cost of the filter on every row."""

    def __init__(self) -> None:
        self.seen: dict[date, str] = {}

    def __call__(self, day: date) -> str:
        text = self.seen.get(day)
        if text is None:
            text = self.seen[day] = formats.date_format(day, "DATE_FORMAT")
        return text


@policy(CITIZEN)
@never_cache
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """One query of a few columns (my_application_rows) on every request; the page is rendered from those
    rows only when this worker has not rendered it before for this citizen, these rows and this address
    (core.fragments, keyed on the rows as the database returned them; Django's converters run only to
    render): a citizen reloading the page while they wait for a decision reads their files again, and
    sees any change at once. What else the page shows is the same for every request with that key — its
    layout holds no form and no name — except a notice waiting to be shown once: then it is rendered
    afresh. The rows' HTML is kept by the rows alone, shared by the three languages' pages."""
    applications = my_application_rows(request.user)

    def page() -> str:
        listed = cached_fragment(
            "portal:my-applications",
            applications.raw,
            lambda: render_to_string(
                "portal/applications/includes/application_rows.html",
                {"rows": _list_rows(applications.rows())},
            ),
        )
        context = {"listed": listed, "any": bool(applications.raw)}
        return render_to_string("portal/applications/list.html", context, request)

    if messages.get_messages(request):
        return HttpResponse(page())
    key = (request.user.pk, request.get_full_path(), *applications.raw)
    return HttpResponse(cached_fragment("portal:my-applications-page", key, page))


def _list_rows(applications: list[ApplicationRow]) -> list[dict[str, Any]]:
    """Each row's texts and links: no definition read, no URL reversed per row, every date formatted once."""
    detail_url = _by_id("portal:applications:detail")
    delete_url = _by_id("portal:applications:delete")
    shown: dict[str, tuple[str, str]] = {}  # each status's label and tag, looked up once
    day_text = _Days()
    rows = []
    for application in applications:
        status = application["status"]
        if status not in shown:
            choice = ApplicationStatus(status)
            shown[status] = (str(choice.label), STATUS_TAGS.get(choice, ""))
        label, tag = shown[status]
        is_draft = status == ApplicationStatus.DRAFT
        pk = application["id"]
        due = application["legal_due_date"]
        changed = timezone.localtime(application["updated_at"])  # as the template's |date would show it
        rows.append(
            {
                "title": pick(application["service_title"]),
                "tracking_number": application["tracking_number"],
                "status": label,
                "tag": tag,
                "is_draft": is_draft,
                "url": _draft_url(pk, application["current_page"]) if is_draft else detail_url(pk),
                "delete_url": delete_url(pk) if is_draft else "",
                "due_iso": due.isoformat() if due else "",
                "due_text": day_text(due) if due else "",
                "changed_iso": changed.isoformat(),
                "changed_text": day_text(changed.date()),
            }
        )
    return rows


@policy(CITIZEN)
@never_cache
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _own(request, application_id)
    if not application.is_draft:
        return redirect("portal:applications:detail", application.pk)
    refusal = ""
    status = 200
    if request.method == "POST":
        try:
            draft_delete(actor=request.user, application_id=application.pk)
        except DiwanError as exc:
            refusal, status = str(exc.message), exc.status
        else:
            messages.success(request, _("Your unfinished application was deleted."))
            return redirect("portal:applications:list")
    return render(
        request,
        "portal/applications/delete.html",
        {
            "application": application,
            "title": application.service_version.title,
            "back_url": reverse("portal:applications:list"),
            "refusal": refusal,
        },
        status=status,
    )


# --- One page of the form -----------------------------------------------------------------------------


def _revealed(request: HttpRequest, form: PageForm) -> list[str]:
    """Questions the citizen has not seen yet: shown now because of an answer given on this page (the
    page lists the questions it showed in `shown`). Without JavaScript they appear after Continue."""
    if "shown" not in request.POST:
        return []
    shown = set(request.POST.get("shown", "").split())
    return [name for name in form.fields if name not in shown]


def _field_rows(application: Application, form: PageForm) -> list[dict[str, Any]]:
    """Each question of the page with the file already uploaded for it (shown with "replace")."""
    attached: dict[str, Attachment] = current_attachments(application)
    return [{"field": form[name], "attached": attached.get(name)} for name in form.fields]


@policy(CITIZEN)
@never_cache
@require_http_methods(["GET", "POST"])
def form_page(request: HttpRequest, application_id: int, page_key: str) -> HttpResponse:
    application = _own(request, application_id)
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
        return redirect("portal:applications:detail", application.pk)
    definition = application.definition
    correcting = application.status == ApplicationStatus.RETURNED
    fixable = set(application.correction_fields) if correcting else set()
    posted = request.method == "POST"
    form = found(
        lambda: page_form(
            definition,
            page_key,
            answers=application.answers,
            data=request.POST if posted else None,
            files=request.FILES if posted else None,
            attached=attached_fields(application),
        )
    )
    from_check = request.GET.get("from") == FROM_CHECK or request.POST.get("from") == FROM_CHECK
    if correcting:
        if not fixable & set(form.fields):  # nothing to correct here: the file's page says what is
            return redirect("portal:applications:detail", application.pk)
        for name, field in form.fields.items():
            field.disabled = name not in fixable
    if not form.fields:  # every question of this page is hidden by earlier answers
        after = page_after(definition, page_key, answers=application.answers)
        return redirect(_page_url(application, after) if after else _after_last_page(application))
    status = 200
    notice = ""
    if posted:
        valid = form.is_valid()
        revealed = _revealed(request, form)
        if revealed:
            for name in revealed:  # a question they have not seen is not yet "missing"
                form.errors.pop(name, None)
            notice = _("Your answer needs one more detail. Answer the new question below, then continue.")
            status = 400 if form.errors else 200
        elif not valid:
            status = 400
        else:
            try:
                saved = _save_page(request, application, form, fixable=fixable, from_check=from_check)
            except DiwanError as exc:
                status = show_refusal(form, exc)
            else:
                return redirect(_next_url(saved, page_key, correcting=correcting, from_check=from_check))
    before = page_before(definition, page_key, answers=application.answers)
    keys = [page["key"] for page, _fields in visible_pages(definition, application.answers)]
    if page_key not in keys:
        keys.append(page_key)
    if from_check:
        back_url = reverse("portal:applications:check", args=[application.pk])
    elif correcting:
        back_url = reverse("portal:applications:detail", args=[application.pk])
    elif before:
        back_url = _page_url(application, before)
    else:
        back_url = reverse("portal:applications:list")
    return render(
        request,
        "portal/applications/page.html",
        {
            "application": application,
            "service_title": application.service_version.title,
            "form": form,
            "page_title": form.title,
            "step": keys.index(page_key) + 1 if page_key in keys else 1,
            "steps": len(keys),
            "fields": _field_rows(application, form),
            "correcting": correcting,
            "from_check": from_check,
            "back_url": back_url,
            "notice": notice,
            "action_url": request.path,
        },
        status=status,
    )


def _save_page(
    request: HttpRequest, application: Application, form: PageForm, *, fixable: set[str], from_check: bool
) -> Application:
    """Store the page's files, then its answers. A refused file stops before the answers are saved."""
    for name, upload in form.uploads().items():
        if fixable and name not in fixable:
            continue  # a returned file: only the marked documents may be replaced
        attachment_add(actor=request.user, application=application, field_name=name, upload=upload)
    answers = form.cleaned_answers()
    if fixable:
        answers = {name: value for name, value in answers.items() if name in fixable}
    merged = {**application.answers, **answers}
    if from_check or fixable:
        next_page: str | None = CHECK
    else:
        next_page = page_after(application.definition, form.page_key, answers=merged) or CHECK
    return draft_save_page(
        actor=request.user,
        application_id=application.pk,
        page_key=form.page_key,
        answers=answers,
        next_page=next_page if application.status == ApplicationStatus.DRAFT else "",
    )


def _after_last_page(application: Application) -> str:
    if application.status == ApplicationStatus.RETURNED:
        return reverse("portal:applications:detail", args=[application.pk])
    return reverse("portal:applications:check", args=[application.pk])


def _next_url(application: Application, page_key: str, *, correcting: bool, from_check: bool) -> str:
    if correcting:
        return reverse("portal:applications:detail", args=[application.pk]) + "#correction"
    if from_check or application.current_page == CHECK:
        return reverse("portal:applications:check", args=[application.pk])
    return _page_url(application, application.current_page)


# --- Check your answers, submit ----------------------------------------------------------------------


LEFT_TO_RIGHT_TYPES = {"national_id", "phone", "email", "number"}  # shown isolated, left to right


def _answer_sections(application: Application, *, change: bool) -> list[dict[str, Any]]:
    """Every visible answer by page, as the citizen reads it, with its "Change" link. Declarations are
    not listed: the page above the Send button repeats them."""
    attachments = current_attachments(application)
    sections = []
    for page, fields in visible_pages(application.definition, application.answers):
        rows = []
        for field in fields:
            name = field["name"]
            if field["type"] == "declaration":
                continue
            row: dict[str, Any] = {
                "name": name,
                "label": pick(field["label"]),
                "file": None,
                "ltr": field["type"] in LEFT_TO_RIGHT_TYPES,
            }
            if field["type"] == "file":
                row["file"] = attachments.get(name)
                row["value"] = row["file"].original_name if row["file"] else _("Not uploaded")
            else:
                row["value"] = answer_display(field, application.answers.get(name))
            row["change_url"] = _field_link(application, name, from_check=True) if change else ""
            rows.append(row)
        if rows:
            sections.append({"key": page["key"], "title": pick(page["title"]), "rows": rows})
    return sections


def _declarations(application: Application) -> list[str]:
    return [
        pick(field["label"])
        for field in visible_fields(application.definition, application.answers)
        if field["type"] == "declaration"
    ]


@policy(CITIZEN)
@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, application_id: int) -> HttpResponse:
    if request.method == "POST":
        # The action reads the application once, under lock and as the applicant's (another citizen's is
        # "not found"); it is read again here only to show a refusal.
        try:
            submitted = application_submit(actor=request.user, application_id=application_id)
        except NotFound as exc:
            raise Http404 from exc
        except IncompleteApplication as exc:
            application = _own(request, application_id)
            problems = _problem_links(application, exc.problems, from_check=True)
            status = exc.status
        except DiwanError as exc:
            application = _own(request, application_id)
            problems = _refusal_links(application, exc)
            status = exc.status
        else:  # submitting twice gives the same confirmation (the action is idempotent)
            return redirect("portal:applications:submitted", submitted.pk)
    else:
        application = _own(request, application_id)
        if not application.is_draft:
            return redirect("portal:applications:detail", application.pk)
        found_problems = missing_answers(
            application.definition, application.answers, attached_fields(application)
        )
        problems = _problem_links(application, found_problems, from_check=True)
        status = 200
    if not application.is_draft:
        return redirect("portal:applications:detail", application.pk)
    definition = application.definition
    keys = [page["key"] for page, _fields in visible_pages(definition, application.answers)]
    return render(
        request,
        "portal/applications/check.html",
        {
            "application": application,
            "service_title": application.service_version.title,
            "sections": _answer_sections(application, change=True),
            "problems": problems,
            "fee": _fee(definition.get("fee_iqd")),
            "days": definition["legal_time_limit_days"],
            "declarations": _declarations(application),
            "back_url": _page_url(application, keys[-1]) if keys else reverse("portal:applications:list"),
        },
        status=status,
    )


@policy(CITIZEN)
@never_cache
@require_GET
def submitted(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _own(request, application_id)
    if application.is_draft:
        return redirect(_resume_url(application))
    definition = application.definition
    return render(
        request,
        "portal/applications/submitted.html",
        {
            "application": application,
            "service_title": application.service_version.title,
            "stages": [
                {"name": pick(stage["name"]), "days": stage["time_limit_days"]}
                for stage in definition["workflow"]["stages"]
            ],
            "days": definition["legal_time_limit_days"],
            "office": application.office.label if application.office else "",
        },
    )


# --- The file: status, timeline, correction, messages -----------------------------------------------


def _decision_reason(application: Application) -> str:
    for reason in application.definition["workflow"].get("rejection_reasons", []):
        if reason["code"] == application.decision_reason_code:
            return pick(reason["text"])
    return ""


def _correction(application: Application) -> list[dict[str, str]]:
    labels = {
        field["name"]: pick(field["label"])
        for page in pages(application.definition)
        for field in page["fields"]
    }
    return [
        {"label": labels.get(name, name), "url": _field_link(application, name)}
        for name in application.correction_fields
    ]


def _render_detail(
    request: HttpRequest,
    application: Application,
    *,
    message_form: MessageForm | None = None,
    problems: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    timeline = citizen_timeline(application)
    states = _stage_states()
    returned = application.status == ApplicationStatus.RETURNED
    return render(
        request,
        "portal/applications/detail.html",
        {
            "application": application,
            "service_title": application.service_version.title,
            "status_tag": STATUS_TAGS.get(ApplicationStatus(application.status), ""),
            "timeline": timeline,
            "stages": [
                {"stage": stage, "state_label": states.get(stage.state, "")} for stage in timeline.stages
            ],
            "decision_reason": _decision_reason(application),
            "returned": returned,
            "correction": _correction(application) if returned else [],
            "problems": problems or [],
            "sections": _answer_sections(application, change=False),
            "thread": list(citizen_messages(application).select_related("office")),
            "message_form": message_form or MessageForm(),
        },
        status=status,
    )


@policy(CITIZEN)
@never_cache
@require_GET
def detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _own(request, application_id)
    if application.is_draft:
        return redirect(_resume_url(application))
    return _render_detail(request, application)


@policy(CITIZEN)
@never_cache
@require_POST
def resubmit(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _own(request, application_id)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = -1
    try:
        application_resubmit(actor=request.user, application_id=application.pk, revision=revision)
    except IncompleteApplication as exc:
        problems = _problem_links(application, exc.problems, from_check=False)
        return _render_detail(request, application, problems=problems, status=exc.status)
    except DiwanError as exc:
        if exc.status == 404:
            raise Http404 from exc
        problems = [{"message": str(exc.message), "url": ""}]
        return _render_detail(request, _own(request, application_id), problems=problems, status=exc.status)
    messages.success(request, _("Your corrected application was sent back to the office."))
    return redirect("portal:applications:detail", application.pk)


@policy(CITIZEN)
@never_cache
@require_POST
def message(request: HttpRequest, application_id: int) -> HttpResponse:
    application = _own(request, application_id)
    if application.is_draft:
        return redirect(_resume_url(application))
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, application, message_form=form, status=400)
    try:
        ids = []
        upload = form.cleaned_data.get("attachment")
        if upload is not None:
            stored = attachment_add(actor=request.user, application=application, field_name="", upload=upload)
            ids.append(stored.pk)
        message_post(
            actor=request.user, application=application, body=form.cleaned_data["body"], attachment_ids=ids
        )
    except DiwanError as exc:
        status = show_refusal(form, exc)
        return _render_detail(request, application, message_form=form, status=status)
    messages.success(request, _("Your message was sent to the office."))
    return redirect(reverse("portal:applications:detail", args=[application.pk]) + "#messages")


# --- Files --------------------------------------------------------------------------------------------


@policy(CITIZEN)
@never_cache
@require_GET
def attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """One of the citizen's files, as a download: the type stored at upload (judged by content), never
    shown inline, never sniffed. Another citizen's file is "not found"."""
    stored = found(lambda: access_attachment_for_citizen(request.user, attachment_id))
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    attachment_downloaded(actor=request.user, attachment=stored)
    response = FileResponse(
        handle, as_attachment=True, filename=stored.original_name, content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
