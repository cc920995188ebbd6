"""`diwan demo-data` also loads months of applications through the real actions: every state, valid
answers and files, consistent timelines, clocks and audit events, staff for rotation; twice without
duplicates. (At test scale: tests/demo/conftest.py.)"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from diwan.accounts.models import TOTPDevice, User
from diwan.applications.actions import attached_fields
from diwan.applications.forms import missing_answers
from diwan.applications.models import Application, ApplicationStatus
from diwan.applications.uploads import detect_type
from diwan.audit.models import Event
from diwan.casework import assignment
from diwan.casework.clock import BAGHDAD
from diwan.casework.deadlines import case_clock, task_clock
from diwan.casework.models import (
    BreakGlassAccess,
    CaseEntry,
    CaseMessage,
    EntryKind,
    Suspension,
    Task,
    TaskStatus,
)
from diwan.demo import case_content
from diwan.demo.casework import SimulatedClock, simulated_time
from diwan.demo.files import pdf_document, png_image
from diwan.demo.loader import showcase_citizens, synthetic_staff
from diwan.directory.models import Office

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts() -> dict[str, int]:
    return {
        "applications": Application.objects.count(),
        "tasks": Task.objects.count(),
        "entries": CaseEntry.objects.count(),
        "messages": CaseMessage.objects.count(),
        "events": Event.objects.count(),
        "staff": User.objects.filter(kind="staff").count(),
        "citizens": User.objects.filter(kind="citizen").count(),
    }


@pytest.fixture
def loaded(db: Any, settings: Any) -> dict[str, int]:
    settings.PASSWORD_HASHERS = FAST_HASHER
    call_command("demo_data", stdout=io.StringIO())
    return counts()


def test_applications_in_every_state(loaded: dict[str, int]) -> None:
    statuses = Counter(Application.objects.values_list("status", flat=True))
    assert set(statuses) == set(ApplicationStatus.values), statuses
    assert sum(statuses.values()) == case_content.APPLICATIONS
    assert not Application.objects.filter(is_test_data=False).exists()
    assert not Application.objects.filter(applicant__is_test_data=False).exists()
    showcase = User.objects.get(phone=showcase_citizens()[0]["phone"])
    mine = Counter(Application.objects.filter(applicant=showcase).values_list("status", flat=True))
    assert set(mine) == set(ApplicationStatus.values), mine


def test_answers_and_files_are_valid_for_each_form(loaded: dict[str, int]) -> None:
    submitted = Application.objects.exclude(status=ApplicationStatus.DRAFT)
    assert submitted.count() > 20
    for application in submitted:
        assert (
            missing_answers(application.definition, application.answers, attached_fields(application)) == []
        )
        assert application.tracking_number
        assert application.office is not None
        assert application.applicant_name == application.answers["full_name"]
    attachments = [a for app in submitted for a in app.attachments.all()]
    assert attachments
    for attachment in attachments:
        with attachment.file.open("rb") as stored:
            head = stored.read(8192)
        assert detect_type(head) == {"application/pdf": "pdf", "image/png": "png"}[attachment.content_type]
    assert detect_type(pdf_document("x", ["y"])) == "pdf"
    assert detect_type(png_image(1)) == "png"


def test_timelines_and_decisions_are_consistent(loaded: dict[str, int]) -> None:
    for application in Application.objects.exclude(status=ApplicationStatus.DRAFT):
        kinds = list(application.entries.values_list("kind", flat=True))
        assert kinds[0] == EntryKind.SUBMITTED
        tasks = list(application.tasks.all())
        if application.status == ApplicationStatus.APPROVED:
            assert application.decided_at is not None
            assert EntryKind.APPROVED in kinds
            stages = len(application.definition["workflow"]["stages"])
            assert sum(1 for t in tasks if t.kind == "stage" and t.outcome == "approved") >= stages
        elif application.status == ApplicationStatus.REJECTED:
            codes = {r["code"] for r in application.definition["workflow"]["rejection_reasons"]}
            assert application.decision_reason_code in codes
            assert application.decision_text
            assert EntryKind.REJECTED in kinds
        elif application.status == ApplicationStatus.RETURNED:
            assert application.correction_fields
            assert application.correction_message
            assert application.suspensions.filter(ended_at__isnull=True).count() == 1
            assert any(t.status == TaskStatus.WITH_CITIZEN for t in tasks)
        else:
            assert any(t.status == TaskStatus.OPEN for t in tasks)
        if application.extension_days:
            assert application.extension_reason
            assert application.entries.filter(kind=EntryKind.EXTENDED).exclude(text="").exists()
    assert CaseEntry.objects.filter(kind=EntryKind.ESCALATED).exists()
    assert CaseEntry.objects.filter(kind=EntryKind.RESUBMITTED).exists()
    assert Application.objects.filter(extension_days__gt=0).exists()
    assert CaseMessage.objects.filter(from_citizen=True).exists()
    assert CaseMessage.objects.filter(from_citizen=False).exists()
    assert BreakGlassAccess.objects.filter(reviewed_at__isnull=False).exists()
    assert BreakGlassAccess.objects.filter(reviewed_at__isnull=True).exists()


def test_history_happened_in_the_past_with_consistent_clocks_and_audit(loaded: dict[str, int]) -> None:
    now = timezone.now()
    submitted = list(Application.objects.exclude(status=ApplicationStatus.DRAFT))
    times = sorted(a.submitted_at for a in submitted if a.submitted_at)
    assert times[-1] < now
    assert times[-1] - times[0] > dt.timedelta(days=30)
    # Audit: one submission event per file, at the simulated moment of the submission.
    events = {
        e.objects_ref["application"]: e.occurred_at
        for e in Event.objects.filter(event_type="applications.application.submitted")
    }
    assert {a.pk: a.submitted_at for a in submitted} == events
    # Stored due dates are what the statutory clock gives from the stored facts.
    today = now.astimezone(BAGHDAD).date()
    for task in Task.objects.filter(status=TaskStatus.OPEN).select_related(
        "application__service_version", "office"
    ):
        suspensions = list(Suspension.objects.filter(application=task.application))
        assert task.due_date == task_clock(task, suspensions).due_date(now)
    for application in Application.objects.filter(status=ApplicationStatus.IN_PROGRESS):
        suspensions = list(application.suspensions.all())
        assert application.legal_due_date == case_clock(application, suspensions).due_date(now)
    overdue = Task.objects.filter(status=TaskStatus.OPEN, due_date__lt=today)
    assert overdue.exists()
    # The daily job ran in the simulated past: what was overdue yesterday is escalated.
    yesterday = today - dt.timedelta(days=1)
    assert not overdue.filter(due_date__lt=yesterday, escalated_at__isnull=True).exists()
    # Staff acted in office hours.
    closed = Task.objects.filter(closed_by__isnull=False).values_list("closed_at", flat=True)
    assert all(c is not None and 8 <= c.astimezone(BAGHDAD).hour < 16 for c in closed)


def test_offices_have_officials_for_rotation(loaded: dict[str, int]) -> None:
    for staffing in case_content.STAFFED:
        office = Office.objects.get(agency__code=staffing.agency, code=staffing.office)
        assert len(assignment.role_holders(office, "case_officer")) >= staffing.officers
        assert len(assignment.role_holders(office, "approver")) >= staffing.approvers
    for spec in synthetic_staff():
        user = User.objects.get(username=spec.username)
        assert user.is_test_data
        assert TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
    # Files were assigned by rotation to several officials of the same office.
    busy = Task.objects.filter(office__code="PASS-BGD", assignee__isnull=False)
    assert busy.values("assignee").distinct().count() >= 2
    # ...and offices nobody staffs yet keep their files waiting, unassigned.
    staffed = {(s.agency, s.office) for s in case_content.STAFFED}
    for task in Task.objects.filter(assignee__isnull=True, status=TaskStatus.OPEN).select_related(
        "office__agency"
    ):
        assert (task.office.agency.code, task.office.code) not in staffed


def test_loading_twice_adds_nothing(loaded: dict[str, int]) -> None:
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert counts() == loaded
    assert "nothing to do" in out.getvalue()


def test_print_accounts_names_a_citizen_the_busy_office_and_integrity(loaded: dict[str, int]) -> None:
    out = io.StringIO()
    call_command("demo_data", "--print-accounts", stdout=out)
    text = out.getvalue()
    for username in ("pass.officer", "pass.reviewer", "pass.approver", "moi.integrity"):
        assert username in text
    showcase = showcase_citizens()[0]
    national = "0" + showcase["phone"][4:]
    assert f"{national[:4]} {national[4:7]} {national[7:]}" in text
    assert showcase["full_name_latin"] in text


def test_simulated_time_is_restored() -> None:
    before = timezone.now()
    moment = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    with simulated_time(moment) as clock:
        assert isinstance(clock, SimulatedClock)
        assert timezone.now() == moment
        clock.set(moment - dt.timedelta(days=1))  # never backwards
        assert timezone.now() == moment
    assert timezone.now() >= before
