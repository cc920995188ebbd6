"""`diwan casework tick [--follow]` (run by `make demo`): gives waiting files to an official once the office
has one, escalates overdue stages once each, and keeps doing so with --follow."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from diwan.accounts.models import User
from diwan.applications import actions as applying
from diwan.applications.models import Application
from diwan.casework.models import CaseEntry, EntryKind, Task
from diwan.catalogue.actions import catalogue_sync
from diwan.demo.files import pdf_document, png_image
from diwan.demo.loader import LoadReport, load_directory
from diwan.directory import actions as directory
from diwan.directory.models import Office


def _submitted_good_conduct() -> Application:
    citizen = User(
        kind="citizen", phone="+9647701234567", full_name_ar="زينب حسن علي الجبوري", governorate="BGD"
    )
    citizen.set_national_id("199012345678")
    citizen.set_unusable_password()
    citizen.save()
    draft = applying.draft_start(actor=citizen, service_code="good-conduct-certificate")
    pages: dict[str, dict[str, Any]] = {
        "applicant": {
            "full_name": citizen.full_name_ar,
            "national_id": "199012345678",
            "phone": citizen.phone,
            "governorate": "BGD",
        },
        "purpose": {"purpose": "employment"},
        "declaration": {"declaration": True},
    }
    for page, answers in pages.items():
        applying.draft_save_page(actor=citizen, application_id=draft.pk, page_key=page, answers=answers)
    for name, upload in {
        "national_card": SimpleUploadedFile("card.pdf", pdf_document("Card", []), "application/pdf"),
        "photo": SimpleUploadedFile("photo.png", png_image(3), "image/png"),
    }.items():
        applying.attachment_add(actor=citizen, application=draft, field_name=name, upload=upload)
    return applying.application_submit(actor=citizen, application_id=draft.pk)


def _tick(*args: str) -> str:
    out = io.StringIO()
    call_command("casework", "tick", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def waiting(db: Any) -> Task:
    """A file in the criminal-records office, which has no case officer yet: its task waits unassigned."""
    load_directory(LoadReport())
    catalogue_sync(actor=None)
    application = _submitted_good_conduct()
    task = Task.objects.get(application=application)
    assert task.assignee_id is None
    return task


def test_tick_assigns_waiting_tasks_once_someone_holds_the_role(waiting: Task) -> None:
    assert _tick() == ""  # nobody to give it to: nothing happens, nothing printed
    office = Office.objects.get(agency__code="IQ-POLICE", code="CRIM-REC")
    official = User.objects.create_user("records.officer", kind="staff", full_name_ar="موظف السجلات")
    position = directory.position_create(
        actor=None,
        office=office,
        title={"ar": "موظف", "ckb": "فەرمانبەر", "en": "Officer"},
        role="case_officer",
    )
    directory.membership_grant(actor=None, user=official, position=position)
    assert "1 assigned" in _tick()
    waiting.refresh_from_db()
    assert waiting.assignee_id == official.pk
    assert "assigned" not in _tick()  # idempotent


def test_tick_escalates_overdue_stages_once(waiting: Task) -> None:
    assert _tick() == ""
    later = timezone.now() + dt.timedelta(days=40)
    with mock.patch.object(timezone, "now", return_value=later):
        assert "1 escalated" in _tick()
        assert _tick() == ""
    waiting.refresh_from_db()
    assert waiting.escalated_at is not None
    assert CaseEntry.objects.filter(application=waiting.application, kind=EntryKind.ESCALATED).count() == 1


def test_follow_ticks_until_stopped(waiting: Task) -> None:
    later = timezone.now() + dt.timedelta(days=40)
    with mock.patch.object(timezone, "now", return_value=later):
        out = _tick("--follow", "--interval", "0.01", "--iterations", "3")
    assert out.count("escalated") == 1  # three ticks, one escalation


def test_interval_must_be_positive(db: Any) -> None:
    with pytest.raises(CommandError, match="positive"):
        _tick("--follow", "--interval", "0")
