"""The officials' casework pages over HTTP: the inbox, a case, the actions on a task and their refusals,
break-glass, integrity review, declared relatives and file downloads."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from diwan.accounts.models import User
from diwan.applications.models import Application, ApplicationStatus
from diwan.audit.models import Event
from diwan.backoffice import casework_views
from diwan.casework.models import BreakGlassAccess, CaseMessage, DeclaredRelative, Task, TaskStatus
from diwan.directory.roles import Role
from tests.backoffice.conftest import Desk, make_official, pdf_bytes, sign_in_staff, tracking

pytestmark = pytest.mark.django_db

INBOX = "/en/office/cases/"


def case_url(application: Application, lang: str = "en") -> str:
    return f"/{lang}/office/cases/{application.pk}/"


def action_url(application: Application, task: Task, action: str) -> str:
    return f"/en/office/cases/{application.pk}/tasks/{task.pk}/{action}/"


def post_action(
    client: Client,
    application: Application,
    task: Task,
    action: str,
    revision: int | None = None,
    **data: Any,
) -> Any:
    prefix = f"t{task.pk}-{action}"
    payload: dict[str, Any] = {f"{prefix}-{name}": value for name, value in data.items()}
    payload["revision"] = application.revision if revision is None else revision
    return client.post(action_url(application, task, action), payload)


def events(event_type: str) -> list[Event]:
    return list(Event.objects.filter(event_type=event_type))


# --- The inbox --------------------------------------------------------------------------------------


def test_inbox_shows_only_the_officials_own_office(client: Client, desk: Desk) -> None:
    application = desk.submit()
    sign_in_staff(client, desk.officer)
    body = client.get(INBOX).content.decode()
    assert tracking(application) in body
    assert "Assigned to you" in body
    assert desk.citizen.full_name_ar in body

    other = Client()
    sign_in_staff(other, desk.outsider)
    response = other.get(INBOX)
    assert response.status_code == 200
    assert tracking(application) not in response.content.decode()
    # Asking for another office's queue by its id is "not found".
    assert other.get(f"{INBOX}?office={desk.office.pk}").status_code == 404


def test_inbox_search_mine_and_tabs(client: Client, desk: Desk) -> None:
    first = desk.submit()
    second = desk.submit()
    sign_in_staff(client, desk.officer)

    body = client.get(INBOX, {"q": tracking(first)}).content.decode()
    assert tracking(first) in body
    assert tracking(second) not in body

    body = client.get(INBOX, {"q": "حسن"}).content.decode()  # part of the applicant's name
    assert tracking(first) in body
    assert tracking(second) in body

    reviewer = Client()
    sign_in_staff(reviewer, desk.reviewer)
    # The reviewer is not a case officer of the check stage: nothing is theirs.
    body = reviewer.get(INBOX, {"mine": "1"}).content.decode()
    assert tracking(first) not in body
    assert "No file matches this search." in body

    task = desk.open_task(first)
    post_action(
        client, first, task, "return_for_correction", fields=["photo"], message="The photo is blurred."
    )
    body = client.get(INBOX, {"view": "with_citizen"}).content.decode()
    assert tracking(first) in body
    assert tracking(second) not in body
    assert tracking(first) not in client.get(INBOX).content.decode()


def test_inbox_pages_by_keyset_without_a_count(client: Client, desk: Desk, monkeypatch: Any) -> None:
    monkeypatch.setattr(casework_views, "PAGE_SIZE", 2)
    numbers = [tracking(desk.submit()) for _ in range(3)]
    sign_in_staff(client, desk.officer)
    body = client.get(INBOX).content.decode()
    shown = [n for n in numbers if n in body]
    assert len(shown) == 2
    assert "Next page" in body
    assert "Page 1 of" not in body
    cursor = body.split('rel="next"')[0].rsplit("after=", 1)[1].split('"')[0]
    body = client.get(INBOX, {"after": cursor.replace("&amp;", "&")}).content.decode()
    rest = [n for n in numbers if n in body]
    assert len(rest) == 1
    assert rest[0] not in shown
    assert "Next page" not in body
    assert "First page" in body


def test_inbox_marks_overdue_and_due_soon_with_text(client: Client, desk: Desk) -> None:
    import datetime as dt

    from diwan.casework.selectors import today

    late, soon = desk.submit(), desk.submit()
    Task.objects.filter(application=late).update(due_date=today() - dt.timedelta(days=3))
    Task.objects.filter(application=soon).update(due_date=today())
    sign_in_staff(client, desk.officer)
    body = client.get(INBOX).content.decode()
    assert "Overdue" in body
    assert "Due soon" in body
    assert body.index(tracking(late)) < body.index(tracking(soon))  # by deadline


# --- Who may use the pages --------------------------------------------------------------------------


def test_an_auditor_and_a_citizen_are_refused(client: Client, desk: Desk) -> None:
    application = desk.submit()
    sign_in_staff(client, desk.auditor)
    assert client.get(INBOX).status_code == 403
    assert client.get(case_url(application)).status_code == 403

    citizen = Client()
    citizen.force_login(desk.citizen)
    assert citizen.get(INBOX).status_code == 403
    assert citizen.get(case_url(application)).status_code == 403
    assert citizen.get("/en/office/cases/break-glass/").status_code == 403

    anonymous = Client().get(case_url(application))
    assert anonymous.status_code == 302
    assert "/staff/sign-in/" in anonymous["Location"]


def test_staff_without_mfa_are_sent_to_verify(client: Client, desk: Desk) -> None:
    client.force_login(desk.officer)
    response = client.get(INBOX)
    assert response.status_code == 302
    assert "/staff/verify/" in response["Location"]


def test_home_links_to_the_casework_pages_by_role(client: Client, desk: Desk) -> None:
    sign_in_staff(client, desk.officer)
    body = client.get("/en/office/").content.decode()
    assert INBOX in body
    assert "/en/office/cases/break-glass/openings/" not in body
    sign_in_staff(client, desk.integrity)
    body = client.get("/en/office/").content.decode()
    assert "/en/office/cases/break-glass/openings/" in body
    assert f'href="{INBOX}"' not in body


# --- The case page ----------------------------------------------------------------------------------


def test_case_page_shows_the_file_and_audits_the_read(client: Client, desk: Desk) -> None:
    application = desk.submit()
    sign_in_staff(client, desk.officer)
    response = client.get(case_url(application))
    assert response.status_code == 200
    body = response.content.decode()
    for expected in (
        tracking(application),
        desk.citizen.full_name_ar,
        "Certificate of good conduct",
        "An employer",  # an answer, as the citizen chose it
        "card.pdf",
        "Checking the application",
        "Internal",  # the assignment entry of the timeline
        "Approve this stage",
        "Refuse the application",
        "Return to the citizen for correction",
        "Extend the time limit",
        f'name="revision" value="{application.revision}"',
    ):
        assert expected in body, expected
    viewed = events("casework.case.viewed")
    assert len(viewed) == 1
    assert viewed[0].actor_id == desk.officer.pk
    assert viewed[0].data_subject_id == desk.citizen.pk
    client.get(case_url(application))
    assert len(events("casework.case.viewed")) == 2  # every read


def test_an_official_who_is_not_the_assignee_sees_no_action_forms(client: Client, desk: Desk) -> None:
    application = desk.submit()
    sign_in_staff(client, desk.reviewer)  # same office, not assigned to the check stage
    body = client.get(case_url(application)).content.decode()
    assert tracking(application) in body
    assert "Approve this stage" not in body


@pytest.mark.parametrize("lang", ["ar", "ckb", "en"])
def test_pages_render_in_every_language(client: Client, desk: Desk, lang: str) -> None:
    application = desk.submit()
    sign_in_staff(client, desk.officer)
    direction = "ltr" if lang == "en" else "rtl"
    for url in (
        f"/{lang}/office/cases/",
        case_url(application, lang),
        f"/{lang}/office/cases/break-glass/",
        f"/{lang}/office/cases/relatives/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{lang}" dir="{direction}"' in response.content.decode(), url
    sign_in_staff(client, desk.integrity)
    assert client.get(f"/{lang}/office/cases/break-glass/openings/").status_code == 200


# --- Actions on a task ------------------------------------------------------------------------------


def test_approve_moves_the_file_to_the_next_stage(client: Client, desk: Desk) -> None:
    application = desk.submit()
    task = desk.open_task(application)
    sign_in_staff(client, desk.officer)
    response = post_action(client, application, task, "approve", note="All in order.")
    assert response.status_code == 302
    assert response["Location"] == case_url(application)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    review = desk.open_task(application)
    assert review.stage_key == "review"
    assert review.assignee == desk.reviewer
    body = client.get(case_url(application)).content.decode()
    assert "The stage is approved." in body
    assert "All in order." in body  # the note, in the timeline


def test_a_stale_page_is_refused_with_409_and_changes_nothing(client: Client, desk: Desk) -> None:
    application = desk.submit()
    task = desk.open_task(application)
    sign_in_staff(client, desk.officer)
    response = post_action(client, application, task, "approve", revision=application.revision - 1)
    assert response.status_code == 409
    assert "This file has changed since you opened it" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    before = application.revision
    application.refresh_from_db()
    assert application.revision == before
    # The page shown again carries the current revision: acting from it now works.
    assert f'name="revision" value="{before}"' in response.content.decode()


def test_a_missing_revision_counts_as_stale(client: Client, desk: Desk) -> None:
    application = desk.submit()
    task = desk.open_task(application)
    sign_in_staff(client, desk.officer)
    response = client.post(action_url(application, task, "approve"), {f"t{task.pk}-approve-note": ""})
    assert response.status_code == 409
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_reject_needs_a_reason_and_links_the_error_to_the_field(client: Client, desk: Desk) -> None:
    application = desk.submit()
    task = desk.open_task(application)
    sign_in_staff(client, desk.officer)
    response = post_action(client, application, task, "reject", text="")
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert f'href="#id_t{task.pk}-reject-reason_code"' in body
    assert f'href="#id_t{task.pk}-reject-text"' in body
    assert '<details class="action" open>' in body
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_PROGRESS

    response = post_action(
        client, application, task, "reject", reason_code="record_mismatch", text="The name does not match."
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert application.decision_reason_code == "record_mismatch"


def test_return_for_correction_then_no_extension_twice(client: Client, desk: Desk) -> None:
    application = desk.submit()
    task = desk.open_task(application)
    sign_in_staff(client, desk.officer)
    response = post_action(
        client, application, task, "request_extension", days="5", reason="Waiting for records."
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.extension_days == 5
    body = client.get(case_url(application)).content.decode()
    assert "Extend the time limit" not in body  # once per file

    response = post_action(client, application, task, "return_for_correction", message="Please fix.")
    assert response.status_code == 400
    assert "Mark at least one answer the citizen must correct." in response.content.decode()
    response = post_action(
        client, application, task, "return_for_correction", fields=["photo"], message="The photo is blurred."
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    assert application.correction_fields == ["photo"]


def test_escalate_records_the_reason(client: Client, desk: Desk) -> None:
    application = desk.submit()
    task = desk.open_task(application)
    sign_in_staff(client, desk.officer)
    response = post_action(client, application, task, "escalate", reason="The records office must confirm.")
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.escalated_to == desk.approver
    assert "The records office must confirm." in client.get(case_url(application)).content.decode()


def test_the_reviewer_cannot_approve_what_they_reviewed(client: Client, desk: Desk) -> None:
    from diwan.directory import actions as directory
    from tests.backoffice.conftest import text

    application = desk.submit()
    position = directory.position_create(
        actor=None, office=desk.office, title=text("second approver"), role=Role.APPROVER
    )
    directory.membership_grant(actor=None, user=desk.reviewer, position=position)
    officer, reviewer = Client(), Client()
    sign_in_staff(officer, desk.officer)
    sign_in_staff(reviewer, desk.reviewer)
    assert post_action(officer, application, desk.open_task(application), "approve").status_code == 302
    application.refresh_from_db()
    assert post_action(reviewer, application, desk.open_task(application), "approve").status_code == 302
    application.refresh_from_db()
    approval = desk.open_task(application)
    assert approval.stage_key == "approval"
    assert approval.assignee == desk.approver  # rotation already leaves the reviewer out
    # Suppose the file reached the reviewer anyway (an assignment made before a rule changed):
    Task.objects.filter(pk=approval.pk).update(assignee=desk.reviewer)
    response = post_action(reviewer, application, approval, "approve")
    assert response.status_code == 403
    assert "You completed an earlier stage of this file" in response.content.decode()
    approval.refresh_from_db()
    assert approval.status == TaskStatus.OPEN
    assert events("casework.action.refused")[-1].details["rule"] == "separation_of_duties"


def test_an_official_cannot_act_on_a_declared_relatives_file(client: Client, desk: Desk) -> None:
    application = desk.submit()
    task = desk.open_task(application)
    sign_in_staff(client, desk.officer)
    response = client.post(
        "/en/office/cases/relatives/", {"national_id": desk.citizen.national_id, "relation": "sibling"}
    )
    assert response.status_code == 302
    assert DeclaredRelative.objects.filter(official=desk.officer).count() == 1
    response = post_action(client, application, task, "approve")
    assert response.status_code == 403
    assert "it is your own or a declared relative" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_an_official_cannot_act_on_their_own_file(client: Client, desk: Desk) -> None:
    application = desk.submit(national_id="199912345678")
    task = desk.open_task(application)
    assert task.assignee == desk.officer
    desk.officer.set_national_id("199912345678")  # the official's number, recorded after assignment
    desk.officer.save()
    sign_in_staff(client, desk.officer)
    response = post_action(client, application, task, "approve")
    assert response.status_code == 403
    assert "it is your own or a declared relative" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_rotation_never_gives_an_official_their_own_file(desk: Desk) -> None:
    desk.officer.set_national_id("199912345678")
    desk.officer.save()
    application = desk.submit(national_id="199912345678")
    assert desk.open_task(application).assignee is None


def test_declaring_a_relative_checks_the_number(client: Client, desk: Desk) -> None:
    sign_in_staff(client, desk.officer)
    response = client.post("/en/office/cases/relatives/", {"national_id": "12345", "relation": "spouse"})
    assert response.status_code == 400
    assert 'href="#id_national_id"' in response.content.decode()
    assert not DeclaredRelative.objects.exists()


def test_a_supervisor_reassigns_with_a_reason(client: Client, desk: Desk) -> None:
    second = make_official(desk.office, Role.CASE_OFFICER)
    application = desk.submit()
    task = desk.open_task(application)
    holder = task.assignee
    assert holder is not None
    other = second if holder == desk.officer else desk.officer
    sign_in_staff(client, desk.approver)
    body = client.get(case_url(application)).content.decode()
    assert "As supervisor" in body
    url = f"/en/office/cases/tasks/{task.pk}/reassign/"
    prefix = f"t{task.pk}-reassign"
    response = client.post(url, {"revision": application.revision, f"{prefix}-to_user": str(other.pk)})
    assert response.status_code == 400  # the reason is required
    response = client.post(
        url,
        {
            "revision": application.revision,
            f"{prefix}-to_user": str(other.pk),
            f"{prefix}-reason": "On leave.",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.assignee == other

    # An official who is not a supervisor of the office cannot even see the page.
    sign_in_staff(client, desk.officer)
    assert client.get(url).status_code == 404


def test_a_consultation_is_answered_by_the_other_office(client: Client, desk: Desk) -> None:
    application = desk.submit()
    for official in (desk.officer, desk.reviewer):
        sign_in_staff(client, official)
        application.refresh_from_db()
        assert post_action(client, application, desk.open_task(application), "approve").status_code == 302
    application.refresh_from_db()
    approval = desk.open_task(application)
    consultation = Task.objects.get(application=application, kind="consultation")
    assert consultation.assignee == desk.outsider

    sign_in_staff(client, desk.approver)
    body = client.get(case_url(application)).content.decode()
    assert "has not been answered yet" in body
    assert f"/tasks/{approval.pk}/approve/" not in body

    sign_in_staff(client, desk.outsider)
    assert tracking(application) in client.get(INBOX).content.decode()
    body = client.get(case_url(application)).content.decode()
    assert "Does the civil status record match?" in body
    response = post_action(client, application, consultation, "answer", answer="Yes, it matches.")
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == TaskStatus.DONE

    sign_in_staff(client, desk.approver)
    application.refresh_from_db()
    assert post_action(client, application, approval, "approve").status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED


# --- Break-glass ------------------------------------------------------------------------------------


def test_a_case_outside_the_office_is_not_found_until_break_glass(client: Client, desk: Desk) -> None:
    application = desk.submit()
    sign_in_staff(client, desk.outsider)
    assert client.get(case_url(application)).status_code == 404

    url = "/en/office/cases/break-glass/"
    response = client.post(url, {"tracking_number": tracking(application), "reason": "too short"})
    assert response.status_code == 400
    assert "at least 15 characters" in response.content.decode()
    response = client.post(url, {"tracking_number": "ZZZZ-ZZZZ-Z", "reason": "A citizen called about it."})
    assert response.status_code == 400
    assert "No submitted file has this tracking number" in response.content.decode()
    assert not BreakGlassAccess.objects.exists()

    reason = "The citizen is at my desk and asks about this file."
    response = client.post(url, {"tracking_number": tracking(application).lower(), "reason": reason})
    assert response.status_code == 302
    assert response["Location"] == case_url(application)
    opening = BreakGlassAccess.objects.get()
    assert opening.official == desk.outsider
    assert opening.agency_code == "MOI"
    assert opening.reason == reason
    assert events("casework.case.break_glass")[0].data_subject_id == desk.citizen.pk

    body = client.get(case_url(application)).content.decode()
    assert "You opened this file through break-glass." in body
    assert events("casework.case.viewed")[-1].purpose == "break-glass"
    assert "Write to the citizen" not in body
    response = client.post(f"/en/office/cases/{application.pk}/messages/", {"message-body": "Hello"})
    assert response.status_code == 403
    assert not CaseMessage.objects.exists()


def test_break_glass_on_a_file_of_ones_own_office_just_opens_it(client: Client, desk: Desk) -> None:
    application = desk.submit()
    sign_in_staff(client, desk.officer)
    response = client.post(
        "/en/office/cases/break-glass/",
        {"tracking_number": tracking(application), "reason": "Checking something in my queue."},
    )
    assert response.status_code == 302
    assert not BreakGlassAccess.objects.exists()


def test_the_integrity_officer_reviews_openings_of_their_agency(client: Client, desk: Desk) -> None:
    from diwan.directory import actions as directory
    from tests.backoffice.conftest import text

    application = desk.submit()
    traffic_office = directory.office_create(
        actor=None, agency=desk.police, code="TRAFFIC", name=text("Traffic"), governorate="BGD"
    )
    traffic = make_official(traffic_office, Role.CASE_OFFICER)  # police, outside the records office
    reason = "A prosecutor's letter asks about this file."
    for official in (traffic, desk.outsider):  # police (the integrity officer's agency) and MOI
        sign_in_staff(client, official)
        client.post(
            "/en/office/cases/break-glass/",
            {"tracking_number": tracking(application), "reason": reason},
        )
    police_opening = BreakGlassAccess.objects.get(official=traffic)
    moi_opening = BreakGlassAccess.objects.get(official=desk.outsider)

    sign_in_staff(client, desk.integrity)
    body = client.get("/en/office/cases/break-glass/openings/").content.decode()
    assert traffic.full_name_ar in body
    assert desk.outsider.full_name_ar not in body  # another agency's integrity office reviews that one
    url = f"/en/office/cases/break-glass/openings/{police_opening.pk}/"
    assert client.post(url, {"note": ""}).status_code == 400
    response = client.post(url, {"note": "Justified: the prosecutor's letter is on file."})
    assert response.status_code == 302
    police_opening.refresh_from_db()
    assert police_opening.reviewed_by == desk.integrity
    assert events("casework.break_glass.reviewed")
    assert client.get(f"/en/office/cases/break-glass/openings/{moi_opening.pk}/").status_code == 404

    sign_in_staff(client, desk.officer)
    assert client.get("/en/office/cases/break-glass/openings/").status_code == 403


# --- Messages and files -----------------------------------------------------------------------------


def test_the_official_replies_with_a_file(client: Client, desk: Desk) -> None:
    application = desk.submit()
    sign_in_staff(client, desk.officer)
    url = f"/en/office/cases/{application.pk}/messages/"
    assert client.post(url, {"message-body": "  "}).status_code == 400
    response = client.post(
        url,
        {
            "message-body": "Please bring the original card.",
            "message-attachment": SimpleUploadedFile(
                "letter.pdf", pdf_bytes(), content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    message = CaseMessage.objects.get()
    assert message.office == desk.office
    assert not message.from_citizen
    [attachment] = message.attachments.all()
    assert attachment.field_name == ""
    body = client.get(case_url(application)).content.decode()
    assert "Please bring the original card." in body
    assert "letter.pdf" in body

    response = client.post(
        url,
        {
            "message-body": "Another.",
            "message-attachment": SimpleUploadedFile(
                "x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 400
    assert CaseMessage.objects.count() == 1


def test_staff_download_a_document_as_an_attachment(client: Client, desk: Desk) -> None:
    application = desk.submit()
    attachment = application.attachments.get(field_name="national_card")
    sign_in_staff(client, desk.officer)
    response = client.get(f"/en/office/cases/files/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    # Read to the end: the test client then closes the response (closing it again would end the test's
    # database connection on PostgreSQL).
    assert b"".join(response.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]

    sign_in_staff(client, desk.outsider)
    assert client.get(f"/en/office/cases/files/{attachment.pk}/").status_code == 404


def test_unknown_ids_are_not_found(client: Client, desk: Desk) -> None:
    application = desk.submit()
    sign_in_staff(client, desk.officer)
    assert client.get("/en/office/cases/999999/").status_code == 404
    assert client.get("/en/office/cases/files/999999/").status_code == 404
    task = desk.open_task(application)
    response = client.post(f"/en/office/cases/{application.pk}/tasks/{task.pk}/delete/", {"revision": 1})
    assert response.status_code == 404
    draft_owner = User.objects.get(pk=desk.citizen.pk)
    from diwan.applications import actions as applying

    draft = applying.draft_start(actor=draft_owner, service_code="good-conduct-certificate")
    assert client.get(f"/en/office/cases/{draft.pk}/").status_code == 404
