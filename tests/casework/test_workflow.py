"""The workflow engine through its actions: submission starts the first stage in the routed office,
rotation assigns it, officials move it on, and every rule refuses what it must (and changes nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from diwan.applications import actions as applying
from diwan.applications.models import Application, ApplicationStatus
from diwan.applications.selectors import access_application_for, access_attachment_for_citizen
from diwan.applications.tracking import normalise_tracking_number
from diwan.audit.models import Event
from diwan.casework import actions, assignment, selectors
from diwan.casework.models import (
    BreakGlassAccess,
    CaseEntry,
    EntryKind,
    Suspension,
    Task,
    TaskStatus,
)
from diwan.core import clock
from diwan.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from diwan.directory.models import Office
from diwan.directory.roles import Role
from diwan.notifications.models import Message

from .support import (
    Desk,
    complete_draft,
    make_citizen,
    make_official,
    pdf_bytes,
    png_bytes,
    set_up_desk,
    submitted,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db: Any) -> Desk:
    return set_up_desk()


@pytest.fixture(autouse=True)
def in_english() -> Any:
    """Refusal messages are matched in English (Arabic is the default language)."""
    with translation.override("en"):
        yield


def stage_task(application: Application) -> Task:
    return Task.objects.get(application=application, status__in=(TaskStatus.OPEN, TaskStatus.WITH_CITIZEN))


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def events(event_type: str) -> list[Event]:
    return list(Event.objects.filter(event_type=event_type))


def test_submission_routes_assigns_and_tells_the_citizen(desk: Desk) -> None:
    citizen = make_citizen()
    application = submitted(citizen)

    assert application.status == ApplicationStatus.IN_PROGRESS
    assert normalise_tracking_number(application.tracking_number or "") == application.tracking_number
    assert application.office == desk.office
    assert application.legal_due_date is not None
    assert application.legal_due_date > dt.date(2026, 1, 1)
    task = stage_task(application)
    assert (task.stage_key, task.role, task.office) == ("check", "case_officer", desk.office)
    assert task.assignee in (desk.officer_a, desk.officer_b)
    assert task.assignment_reason.startswith("rotation: least loaded (0 open tasks) of 2 eligible")
    assert "tie among 2 broken at random" in task.assignment_reason
    assert task.due_date <= application.legal_due_date
    kinds = list(CaseEntry.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds == [EntryKind.SUBMITTED, EntryKind.STAGE_STARTED, EntryKind.ASSIGNED]
    assert events("applications.application.submitted")[0].data_subject_id == citizen.pk
    assert events("casework.task.assigned")[0].details["assignee"] == task.assignee_id
    sms = Message.objects.get(template="applications.submitted")
    assert sms.recipient == citizen.phone
    assert application.tracking_number in sms.body


def test_submitting_twice_gives_one_application(desk: Desk) -> None:
    citizen = make_citizen()
    draft = complete_draft(citizen)
    first = applying.application_submit(actor=citizen, application_id=draft.pk)
    second = applying.application_submit(actor=citizen, application_id=draft.pk)
    assert first.tracking_number == second.tracking_number
    assert Task.objects.filter(application=draft).count() == 1
    assert Message.objects.filter(template="applications.submitted").count() == 1


def test_a_tracking_number_already_taken_is_drawn_again(desk: Desk) -> None:
    """Uniqueness is the database constraint: a colliding draw fails the attempt as a whole (nothing of it
    stays) and the submission is made again with the next number."""
    taken = submitted(make_citizen()).tracking_number
    citizen = make_citizen()
    draft = complete_draft(citizen)
    unused = applying.new_tracking_number()
    with mock.patch.object(applying, "new_tracking_number", side_effect=[taken, unused]):
        done = applying.application_submit(actor=citizen, application_id=draft.pk)
    assert done.tracking_number == unused
    assert Task.objects.filter(application=draft).count() == 1
    assert Message.objects.filter(template="applications.submitted", user_id=citizen.pk).count() == 1
    assert len([e for e in events("applications.application.submitted") if e.actor_id == citizen.pk]) == 1


def test_other_integrity_errors_are_not_retried(desk: Desk) -> None:
    citizen = make_citizen()
    draft = complete_draft(citizen)
    calls = []

    def failing(*args: Any, **kwargs: Any) -> Application:
        calls.append(1)
        raise applying.IntegrityError("something else")

    with mock.patch.object(applying, "_submit", failing), pytest.raises(applying.IntegrityError):
        applying.application_submit(actor=citizen, application_id=draft.pk)
    assert len(calls) == 1


def test_start_token_gives_the_same_draft(desk: Desk) -> None:
    import uuid

    citizen = make_citizen()
    token = uuid.uuid4()
    a = applying.draft_start(actor=citizen, service_code="good-conduct-certificate", start_token=token)
    b = applying.draft_start(actor=citizen, service_code="good-conduct-certificate", start_token=token)
    assert a.pk == b.pk


def test_incomplete_draft_is_not_submitted(desk: Desk) -> None:
    citizen = make_citizen()
    draft = applying.draft_start(actor=citizen, service_code="good-conduct-certificate")
    with pytest.raises(applying.IncompleteApplication) as refused:
        applying.application_submit(actor=citizen, application_id=draft.pk)
    assert {field for _page, field, _message in refused.value.problems} >= {
        "full_name",
        "photo",
        "declaration",
    }
    assert fresh(draft).status == ApplicationStatus.DRAFT
    assert fresh(draft).tracking_number is None
    assert not Task.objects.exists()


def test_rotation_gives_the_next_file_to_the_least_loaded(desk: Desk) -> None:
    first = submitted(make_citizen())
    busy = stage_task(first).assignee
    second = submitted(make_citizen())
    other = stage_task(second).assignee
    assert {busy, other} == {desk.officer_a, desk.officer_b}
    assert "least loaded (0 open tasks)" in stage_task(second).assignment_reason
    assert "tie" not in stage_task(second).assignment_reason


def test_rotation_tie_is_broken_at_random(desk: Desk) -> None:
    with mock.patch.object(assignment._random, "choice", side_effect=lambda tied: tied[-1]) as chosen:
        application = submitted(make_citizen())
    assert sorted(chosen.call_args.args[0]) == sorted([desk.officer_a.pk, desk.officer_b.pk])
    assert stage_task(application).assignee_id == max(desk.officer_a.pk, desk.officer_b.pk)


def move_on(application: Application) -> Task:
    task = stage_task(application)
    return actions.task_approve(actor=task.assignee, task_id=task.pk, revision=fresh(application).revision)


def test_three_stages_to_an_approved_decision(desk: Desk) -> None:
    citizen = make_citizen()
    application = submitted(citizen)
    move_on(application)
    assert stage_task(application).assignee == desk.reviewer
    move_on(application)
    assert stage_task(application).assignee == desk.approver
    move_on(application)
    application = fresh(application)
    assert application.status == ApplicationStatus.APPROVED
    assert application.decided_at is not None
    assert Message.objects.filter(template="applications.approved", recipient=citizen.phone).exists()
    timeline = selectors.citizen_timeline(application)
    assert [s.state for s in timeline.stages] == ["done", "done", "done"]
    assert not any(e.kind == EntryKind.ASSIGNED for e in timeline.entries)  # internal, never shown


def test_only_the_assignee_acts_and_other_offices_do_not_see_it(desk: Desk) -> None:
    application = submitted(make_citizen())
    task = stage_task(application)
    colleague = desk.officer_b if task.assignee == desk.officer_a else desk.officer_a
    with pytest.raises(PermissionDenied):
        actions.task_approve(actor=colleague, task_id=task.pk, revision=application.revision)
    elsewhere = make_official(Office.objects.exclude(pk=desk.office.pk).order_by("pk")[0], Role.CASE_OFFICER)
    with pytest.raises(NotFound):
        actions.task_approve(actor=elsewhere, task_id=task.pk, revision=application.revision)
    with pytest.raises(NotFound):
        selectors.access_case_for(elsewhere, application.pk)
    assert stage_task(application).status == TaskStatus.OPEN


def test_stale_action_changes_nothing(desk: Desk) -> None:
    application = submitted(make_citizen())
    task = stage_task(application)
    seen = application.revision
    actions.task_escalate(actor=task.assignee, task_id=task.pk, revision=seen, reason="Needs the supervisor")
    with pytest.raises(Conflict):
        actions.task_approve(actor=task.assignee, task_id=task.pk, revision=seen)
    assert stage_task(application).pk == task.pk
    assert stage_task(application).status == TaskStatus.OPEN
    assert not events("casework.stage.approved")


def test_who_reviewed_cannot_approve(desk: Desk) -> None:
    both = make_official(desk.office, Role.REVIEWER, Role.APPROVER)
    desk.reviewer.memberships.update(valid_to=clock.now())  # `both` is now the only reviewer
    application = submitted(make_citizen())
    move_on(application)
    assert stage_task(application).assignee == both
    move_on(application)
    approval = stage_task(application)
    assert approval.assignee == desk.approver, "rotation skips who completed an earlier stage"
    # Forced onto them anyway (say, before a rule change), the action is refused and audited.
    Task.objects.filter(pk=approval.pk).update(assignee=both)
    with pytest.raises(PermissionDenied, match="earlier stage"):
        actions.task_approve(actor=both, task_id=approval.pk, revision=fresh(application).revision)
    assert stage_task(application).status == TaskStatus.OPEN
    refusal = events("casework.action.refused")[0]
    assert refusal.details["rule"] == "separation_of_duties"
    assert refusal.actor_id == both.pk


def test_own_or_relatives_file_is_never_assigned_nor_actionable(desk: Desk) -> None:
    citizen = make_citizen(national_id="198811112222")
    desk.officer_a.set_national_id("198811112222")  # the official applies as a citizen too
    desk.officer_a.save()
    actions.relative_declare(actor=desk.officer_b, national_id="198811112222", relation="brother")
    application = submitted(citizen)
    task = stage_task(application)
    assert task.assignee is None
    assert task.assignment_reason == "no eligible official in the office"
    for official in (desk.officer_a, desk.officer_b):
        Task.objects.filter(pk=task.pk).update(assignee=official)
        with pytest.raises(PermissionDenied, match="relative"):
            actions.task_approve(actor=official, task_id=task.pk, revision=fresh(application).revision)
    assert [e.details["rule"] for e in events("casework.action.refused")] == ["conflict_of_interest"] * 2


def test_return_for_correction_stops_the_clock_until_resubmission(desk: Desk) -> None:
    citizen = make_citizen()
    start = clock.now().replace(year=2027, month=1, day=3, hour=6, minute=0)  # a Sunday, 09:00 in Baghdad
    with mock.patch("diwan.core.clock.now", return_value=start):
        application = submitted(citizen)
    task = stage_task(application)
    due_before, legal_before = task.due_date, fresh(application).legal_due_date
    with mock.patch("diwan.core.clock.now", return_value=start + dt.timedelta(days=1)):
        actions.task_return(
            actor=task.assignee,
            task_id=task.pk,
            revision=fresh(application).revision,
            fields=["purpose"],
            message="اختر الجهة التي ستقدم لها الشهادة بدقة",
        )
    application = fresh(application)
    assert application.status == ApplicationStatus.RETURNED
    assert application.correction_fields == ["purpose"]
    assert stage_task(application).status == TaskStatus.WITH_CITIZEN
    assert Suspension.objects.get(application=application).ended_at is None
    assert Message.objects.filter(template="applications.returned").exists()
    # Only the marked answer may change.
    with pytest.raises(ValidationFailed):
        applying.draft_save_page(
            actor=citizen,
            application_id=application.pk,
            page_key="applicant",
            answers={"full_name": "اسم آخر تماما"},
        )
    applying.draft_save_page(
        actor=citizen, application_id=application.pk, page_key="purpose", answers={"purpose": "embassy"}
    )
    # A week later (5 working days with the citizen, Friday and Saturday off) it comes back.
    with mock.patch("diwan.core.clock.now", return_value=start + dt.timedelta(days=7)):
        applying.application_resubmit(
            actor=citizen, application_id=application.pk, revision=application.revision
        )
    application = fresh(application)
    task = stage_task(application)
    assert application.status == ApplicationStatus.IN_PROGRESS
    assert task.status == TaskStatus.OPEN
    assert application.answers["purpose"] == "embassy"
    assert task.due_date > due_before
    assert application.legal_due_date is not None
    assert legal_before is not None
    assert application.legal_due_date > legal_before
    assert Suspension.objects.get(application=application).ended_at is not None


def test_extension_once_with_a_reason(desk: Desk) -> None:
    application = submitted(make_citizen())
    task = stage_task(application)
    legal_before = application.legal_due_date
    with pytest.raises(ValidationFailed):
        actions.task_request_extension(
            actor=task.assignee, task_id=task.pk, revision=application.revision, days=3, reason=" "
        )
    actions.task_request_extension(
        actor=task.assignee,
        task_id=task.pk,
        revision=application.revision,
        days=3,
        reason="بانتظار جواب مديرية تحقيق الأدلة الجنائية",
    )
    application = fresh(application)
    assert application.extension_days == 3
    assert application.legal_due_date is not None
    assert legal_before is not None
    assert application.legal_due_date > legal_before
    assert stage_task(application).extended
    with pytest.raises(Conflict, match="already"):
        actions.task_request_extension(
            actor=task.assignee, task_id=task.pk, revision=application.revision, days=2, reason="again please"
        )
    entry = CaseEntry.objects.get(application=application, kind=EntryKind.EXTENDED)
    assert entry.public
    assert entry.text.startswith("بانتظار")


def test_reject_needs_a_listed_reason(desk: Desk) -> None:
    application = submitted(make_citizen())
    task = stage_task(application)
    with pytest.raises(ValidationFailed):
        actions.task_reject(
            actor=task.assignee, task_id=task.pk, revision=application.revision, reason_code="bribe", text="x"
        )
    assert fresh(application).status == ApplicationStatus.IN_PROGRESS
    actions.task_reject(
        actor=task.assignee,
        task_id=task.pk,
        revision=application.revision,
        reason_code="documents_incomplete",
        text="صورة البطاقة الوطنية غير واضحة",
    )
    application = fresh(application)
    assert application.status == ApplicationStatus.REJECTED
    assert application.decision_reason_code == "documents_incomplete"
    assert not Task.objects.filter(application=application, status=TaskStatus.OPEN).exists()


def test_overdue_stages_escalate_once_to_the_supervisor(desk: Desk) -> None:
    application = submitted(make_citizen())
    task = stage_task(application)
    later = task.due_date + dt.timedelta(days=3)
    assert actions.tasks_escalate_overdue(today=later) == 1
    assert actions.tasks_escalate_overdue(today=later) == 0  # idempotent
    task.refresh_from_db()
    assert task.escalated_to == desk.approver
    assert task.escalated_at is not None
    assert events("casework.task.escalated")[0].details["reason"] == "overdue"


def test_supervisor_reassigns_with_a_reason(desk: Desk) -> None:
    application = submitted(make_citizen())
    task = stage_task(application)
    with pytest.raises(NotFound):
        actions.task_reassign(
            actor=desk.officer_a, task_id=task.pk, revision=application.revision, reason="x"
        )
    with pytest.raises(ValidationFailed):
        actions.task_reassign(actor=desk.approver, task_id=task.pk, revision=application.revision, reason="")
    previous = task.assignee
    actions.task_reassign(
        actor=desk.approver, task_id=task.pk, revision=application.revision, reason="الموظف في إجازة مرضية"
    )
    task.refresh_from_db()
    assert task.assignee not in (None, previous)
    assert task.assignment_reason.startswith("reassigned by supervisor")


def test_break_glass_opens_a_file_outside_the_queue_and_flags_it(desk: Desk) -> None:
    application = submitted(make_citizen())
    outsider_office = (
        Office.objects.filter(agency=desk.office.agency).exclude(pk=desk.office.pk).order_by("pk")[0]
    )
    outsider = make_official(outsider_office, Role.CASE_OFFICER)
    with pytest.raises(NotFound):
        selectors.access_case_for(outsider, application.pk)
    with pytest.raises(ValidationFailed):
        actions.case_break_glass(actor=outsider, application_id=application.pk, reason="curious")
    actions.case_break_glass(
        actor=outsider, application_id=application.pk, reason="المواطن حضر إلى مكتبنا ويسأل عن ملفه"
    )
    access = selectors.access_case_for(outsider, application.pk)
    assert access.break_glass
    event = events("casework.case.break_glass")[0]
    assert event.data_subject_id == application.applicant_id
    assert event.actor_id == outsider.pk
    integrity = make_official(outsider_office, Role.INTEGRITY_OFFICER)
    assert list(selectors.break_glass_for_review(integrity)) == list(BreakGlassAccess.objects.all())
    stranger = make_official(
        Office.objects.exclude(agency=outsider_office.agency).order_by("pk")[0], Role.INTEGRITY_OFFICER
    )
    assert not selectors.break_glass_for_review(stranger).exists()
    with pytest.raises(NotFound):
        actions.break_glass_review(actor=stranger, access_id=BreakGlassAccess.objects.get().pk, note="ok")


def test_citizens_see_only_their_own(desk: Desk) -> None:
    owner, other = make_citizen(), make_citizen()
    application = submitted(owner)
    with pytest.raises(NotFound):
        access_application_for(other, application.pk)
    attachment = application.attachments.first()
    assert attachment is not None
    with pytest.raises(NotFound):
        access_attachment_for_citizen(other, attachment.pk)
    with pytest.raises(NotFound):
        applying.application_submit(actor=other, application_id=application.pk)
    with pytest.raises(NotFound):
        applying.draft_save_page(actor=other, application_id=application.pk, page_key="purpose", answers={})


def test_a_refused_upload_leaves_no_file(desk: Desk) -> None:
    citizen = make_citizen()
    draft = applying.draft_start(actor=citizen, service_code="good-conduct-certificate")
    with pytest.raises(ValidationFailed):
        applying.attachment_add(
            actor=citizen,
            application=draft,
            field_name="photo",
            upload=SimpleUploadedFile("photo.png", b"just text, not an image", content_type="image/png"),
        )
    assert not draft.attachments.exists()
    assert events("applications.file.refused")


def test_a_stage_waits_for_its_consultations(desk: Desk) -> None:
    evidence = Office.objects.get(agency__code="IQ-POLICE", code="CRIM-EVID")
    examiner = make_official(evidence, Role.CASE_OFFICER)
    application = submitted(make_citizen())
    stage = stage_task(application)
    consultation = actions._open_consultation(
        actor=None,
        parent=stage,
        consultation={
            "agency": "IQ-POLICE",
            "office": "CRIM-EVID",
            "question": {
                "ar": "هل البصمات مطابقة؟",
                "ckb": "ئایا پەنجەمۆرەکان یەکدەگرنەوە؟",
                "en": "Do the fingerprints match?",
            },
            "time_limit_days": 2,
        },
    )
    assert consultation.assignee == examiner
    assert consultation.office == evidence
    # The consulted office sees the file through its task; the examiner may not act on the stage itself.
    assert selectors.access_case_for(examiner, application.pk).office_id == evidence.pk
    with pytest.raises(Conflict, match="consultation"):
        actions.task_approve(actor=stage.assignee, task_id=stage.pk, revision=fresh(application).revision)
    with pytest.raises(ValidationFailed):
        actions.consultation_answer(
            actor=examiner, task_id=consultation.pk, revision=fresh(application).revision, answer=""
        )
    actions.consultation_answer(
        actor=examiner,
        task_id=consultation.pk,
        revision=fresh(application).revision,
        answer="لا توجد قيود جنائية مطابقة",
    )
    actions.task_approve(actor=stage.assignee, task_id=stage.pk, revision=fresh(application).revision)
    assert stage_task(application).stage_key == "review"


def test_documents_of_a_submitted_file_cannot_be_swapped(desk: Desk) -> None:
    citizen = make_citizen()
    application = submitted(citizen)
    photo = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    with pytest.raises(Conflict):
        applying.attachment_add(actor=citizen, application=application, field_name="photo", upload=photo)
    task = stage_task(application)
    actions.task_return(
        actor=task.assignee,
        task_id=task.pk,
        revision=application.revision,
        fields=["photo"],
        message="صورة أوضح",
    )
    application = fresh(application)
    card = SimpleUploadedFile("card.pdf", pdf_bytes(), content_type="application/pdf")
    with pytest.raises(Conflict):  # not marked for correction
        applying.attachment_add(
            actor=citizen, application=application, field_name="national_card", upload=card
        )
    photo.seek(0)
    applying.attachment_add(actor=citizen, application=application, field_name="photo", upload=photo)
    assert application.attachments.filter(field_name="photo", replaced=False).count() == 1


def test_no_messages_on_a_draft(desk: Desk) -> None:
    citizen = make_citizen()
    draft = complete_draft(citizen)
    with pytest.raises(Conflict):
        actions.message_post(actor=citizen, application=draft, body="مرحبا")


def test_only_casework_positions_open_a_queue_and_supervisors_see_the_offices_below(desk: Desk) -> None:
    application = submitted(make_citizen())
    admin = make_official(desk.office, Role.AGENCY_ADMIN)
    with pytest.raises(NotFound):
        selectors.access_case_for(admin, application.pk)
    with pytest.raises(NotFound):
        selectors.access_office_for(admin, desk.office.pk)
    child = directory_office_under(desk.office)
    moved = submitted(make_citizen())
    Application.objects.filter(pk=moved.pk).update(office=child)
    Task.objects.filter(application=moved).update(office=child)
    assert selectors.access_case_for(desk.approver, moved.pk).office_id == child.pk
    assert child.pk in selectors.staff_office_ids(desk.approver)
    assert child.pk not in selectors.staff_office_ids(desk.officer_a)


def directory_office_under(parent: Office) -> Office:
    from diwan.directory import actions as directory

    return directory.office_create(
        actor=None,
        agency=parent.agency,
        code="CRIM-REC-KRK",
        name={"ar": "شعبة كرخ", "ckb": "هۆبەی کەرخ", "en": "Karkh section"},
        governorate=parent.governorate,
        parent=parent,
    )
