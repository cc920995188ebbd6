"""/api/v1/casework/: officials' queues, files and actions through HTTP, every answer checked against the
committed OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from diwan.accounts.models import User
from diwan.applications.models import Application
from diwan.audit.models import Event
from diwan.casework.models import BreakGlassAccess, CaseMessage, Task
from diwan.directory.models import Office
from diwan.directory.roles import Role

from .support import (
    COMPANY,
    PDF,
    Bureau,
    call,
    make_official,
    open_task,
    registry,
    sign_in_citizen,
    sign_in_official,
    submitted,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/casework"


@pytest.fixture
def filed(citizen: User, office: Bureau) -> Application:
    """A submitted civil status record request in the Baghdad office, first stage with the officer."""
    application = submitted(citizen)
    assert open_task(application).assignee_id == office.officer.pk
    return application


def _viewed(application: Application) -> int:
    return Event.objects.filter(
        event_type="casework.case.viewed", objects_ref__application=application.pk
    ).count()


def test_an_official_lists_offices_and_the_inbox(client: Client, office: Bureau, filed: Application) -> None:
    sign_in_official(client, office.officer)
    _response, offices = call(client, "GET", f"{API}/offices")
    assert offices == [
        {
            "id": office.office.pk,
            "code": "CS-BGD",
            "name": office.office.label,
            "agency": "MOI",
            "governorate": "BGD",
            "roles": ["case_officer"],
        }
    ]
    inbox = f"{API}/offices/{office.office.pk}/inbox"
    response, page = call(client, "GET", inbox)
    assert response.status_code == 200
    assert page["office"]["id"] == office.office.pk
    [row] = page["rows"]
    assert row["application_id"] == filed.pk
    assert row["tracking_number"] == filed.tracking_number
    assert row["stage"] == "check"
    assert row["mine"] is True
    assert row["overdue"] is False
    assert page["next_cursor"] is None
    assert (
        call(client, "GET", inbox, data={"q": filed.tracking_number})[1]["rows"][0]["task_id"]
        == row["task_id"]
    )
    assert call(client, "GET", inbox, data={"q": "nobody by this name"})[1]["rows"] == []
    assert call(client, "GET", inbox, data={"view": "with_citizen"})[1]["rows"] == []
    sign_in_official(client, office.clerk)
    assert call(client, "GET", inbox, data={"mine": "true"})[1]["rows"] == []
    assert len(call(client, "GET", inbox)[1]["rows"]) == 1
    response, body = call(client, "GET", inbox, data={"view": "everything"})
    assert response.status_code == 400
    assert body["field"] == "view"


def test_other_offices_and_roles_are_refused(client: Client, office: Bureau, filed: Application) -> None:
    inbox = f"{API}/offices/{office.office.pk}/inbox"
    case = f"{API}/cases/{filed.pk}"
    assert call(client, "GET", inbox)[0].status_code == 401
    sign_in_official(client, office.outsider)  # case officer in Basra
    for path in (inbox, case, f"{case}/messages"):
        response, body = call(client, "GET", path)
        assert response.status_code == 404, path
        assert body["detail"]
    assert _viewed(filed) == 0  # nothing was shown, nothing recorded
    sign_in_official(client, office.admin)  # in the office, but no casework role
    assert call(client, "GET", inbox)[0].status_code == 403
    assert call(client, "GET", case)[0].status_code == 403
    assert call(client, "GET", f"{API}/offices")[0].status_code == 403
    sign_in_official(Client(), office.officer, mfa=False)
    no_mfa = sign_in_official(Client(), office.officer, mfa=False)
    assert call(no_mfa, "GET", inbox)[0].status_code == 403
    assert call(no_mfa, "GET", case)[0].status_code == 403
    citizen = sign_in_citizen(Client(), filed.applicant)
    assert call(citizen, "GET", case)[0].status_code == 403
    assert _viewed(filed) == 0


def test_reading_a_file_is_recorded(client: Client, office: Bureau, filed: Application) -> None:
    sign_in_official(client, office.officer)
    response, case = call(client, "GET", f"{API}/cases/{filed.pk}")
    assert response.status_code == 200
    assert _viewed(filed) == 1
    assert case["tracking_number"] == filed.tracking_number
    assert case["revision"] == filed.revision
    assert case["break_glass"] is False
    assert case["applicant_name"] == "زينب علي حسين الجبوري"
    [task] = case["tasks"]
    assert task["assignee"]["id"] == office.officer.pk
    assert task["actions"] == ["approve", "return_for_correction", "reject", "request_extension", "escalate"]
    assert {r["code"] for r in case["rejection_reasons"]} == {
        "documents_incomplete",
        "not_eligible",
        "record_mismatch",
    }
    assert {e["kind"] for e in case["entries"]} >= {"submitted", "stage_started", "assigned"}
    assert any(not e["public"] for e in case["entries"])  # staff see the internal entries too
    answers = {a["field"]: a for a in case["answers"]}
    assert answers["national_id"]["value"] == "199001234567"
    card = answers["national_card"]["attachment_id"]
    download = client.get(f"{API}/cases/{filed.pk}/files/{card}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert _viewed(filed) == 1
    downloads = Event.objects.filter(event_type="applications.file.downloaded", actor_id=office.officer.pk)
    assert downloads.get().objects_ref == {"application": filed.pk, "attachment": card}
    another = submitted(filed.applicant)  # in the same office: a file is reached through its own case
    assert call(client, "GET", f"{API}/cases/{another.pk}/files/{card}")[0].status_code == 404
    sign_in_official(client, office.approver)  # same office, not the assignee: reads, cannot act
    _response, seen = call(client, "GET", f"{API}/cases/{filed.pk}")
    assert seen["tasks"][0]["actions"] == []
    sign_in_official(client, office.outsider)
    response, _body = call(client, "GET", f"{API}/cases/{filed.pk}/files/{card}")
    assert response.status_code == 404
    assert _viewed(filed) == 2  # the outsider read nothing


def in_arabic(message: str) -> str:
    """The API answers in the default language, Arabic."""
    with translation.override("ar"):
        translated = translation.gettext(message)
    assert translated != message, "the message has an Arabic translation"
    return translated


def _act(client: Client, task: Task | int, action: str, **body: Any) -> tuple[Any, Any]:
    task_id = task if isinstance(task, int) else task.pk
    return call(client, "POST", f"{API}/tasks/{task_id}/{action}", body)


def test_approving_both_stages_decides_the_file(
    client: Client, citizen: User, office: Bureau, filed: Application
) -> None:
    first = open_task(filed)
    sign_in_official(client, office.officer)
    response, done = _act(
        client, first, "approve", revision=filed.revision, note="Checked against the register."
    )
    assert response.status_code == 200, done
    assert done["task_status"] == "done"
    assert done["application_status"] == "in_progress"
    assert done["revision"] == filed.revision + 1
    second = open_task(filed)
    assert second.assignee_id == office.approver.pk
    sign_in_official(client, office.approver)
    _response, decided = _act(client, second, "approve", revision=done["revision"])
    assert decided["application_status"] == "approved"
    me = sign_in_citizen(Client(), citizen)
    _response, mine = call(me, "GET", f"/api/v1/applications/{filed.pk}")
    assert mine["decision"]["outcome"] == "approved"
    assert [s["state"] for s in mine["timeline"]["stages"]] == ["done", "done"]


def test_a_stale_revision_is_refused_and_changes_nothing(
    client: Client, office: Bureau, filed: Application
) -> None:
    task = open_task(filed)
    sign_in_official(client, office.officer)
    stale: list[tuple[str, dict[str, Any]]] = [
        ("approve", {}),
        ("reject", {"reason_code": "not_eligible", "text": "Not registered."}),
        ("return", {"fields": ["copies"], "message": "How many?"}),
        ("extend", {"days": 5, "reason": "Waiting for the register."}),
        ("escalate", {"reason": "Unclear record."}),
    ]
    for action, body in stale:
        response, refused = _act(client, task, action, revision=filed.revision - 1, **body)
        assert response.status_code == 409, action
        assert refused["detail"] == in_arabic(
            "This file has changed since you opened it. Reload it to see what happened, then act again."
        )
    task.refresh_from_db()
    filed.refresh_from_db()
    assert task.status == "open"
    assert not task.extended
    assert task.escalated_at is None
    assert filed.status == "in_progress"
    assert filed.revision == 1


def test_bad_input_is_refused_with_the_field(client: Client, office: Bureau, filed: Application) -> None:
    task = open_task(filed)
    revision = filed.revision
    sign_in_official(client, office.officer)
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("reject", {"reason_code": "because", "text": "No."}, "reason_code"),
        ("reject", {"reason_code": "not_eligible", "text": "  "}, "text"),
        ("return", {"fields": [], "message": "Fix it."}, "fields"),
        ("return", {"fields": ["salary"], "message": "Fix it."}, "fields"),
        ("return", {"fields": ["copies"], "message": ""}, "message"),
        ("extend", {"days": 0, "reason": "Waiting."}, "days"),
        ("extend", {"days": 31, "reason": "Waiting."}, "days"),
        ("extend", {"days": 5, "reason": ""}, "reason"),
        ("escalate", {"reason": ""}, "reason"),
    ]
    for action, body, field in cases:
        response, refused = _act(client, task, action, revision=revision, **body)
        assert response.status_code == 400, (action, body)
        assert refused["field"] == field, (action, body, refused)
    response, _body = _act(client, task, "answer", revision=revision, answer="Yes.")  # not a consultation
    assert response.status_code == 403
    filed.refresh_from_db()
    assert filed.revision == revision
    assert filed.status == "in_progress"


def test_reject_return_extend_and_escalate(client: Client, office: Bureau, citizen: User) -> None:
    sign_in_official(client, office.officer)
    returned = submitted(citizen)
    response, body = _act(
        client,
        open_task(returned),
        "return",
        revision=returned.revision,
        fields=["copies"],
        message="How many?",
    )
    assert response.status_code == 200, body
    assert body["application_status"] == "returned"
    assert body["task_status"] == "with_citizen"
    inbox = f"{API}/offices/{office.office.pk}/inbox"
    assert [
        r["application_id"] for r in call(client, "GET", inbox, data={"view": "with_citizen"})[1]["rows"]
    ] == [returned.pk]

    extended = submitted(citizen)
    task = open_task(extended)
    _response, body = _act(
        client, task, "extend", revision=extended.revision, days=5, reason="Register is closed."
    )
    assert body["revision"] == extended.revision + 1
    response, _again = _act(client, task, "extend", revision=body["revision"], days=5, reason="Still closed.")
    assert response.status_code == 409  # once per file
    response, body = _act(
        client, task, "escalate", revision=body["revision"], reason="The register is unclear."
    )
    assert response.status_code == 200
    _response, case = call(client, "GET", f"{API}/cases/{extended.pk}")
    assert case["extension"] == {"days": 5, "reason": "Register is closed."}
    assert case["tasks"][0]["extended"] is True
    assert case["tasks"][0]["escalated_at"]

    rejected = submitted(citizen)
    _response, body = _act(
        client,
        open_task(rejected),
        "reject",
        revision=rejected.revision,
        reason_code="not_eligible",
        text="The record is not in this register.",
    )
    assert body["application_status"] == "rejected"


def test_only_the_assignee_with_a_deciding_role_acts(
    client: Client, office: Bureau, filed: Application
) -> None:
    task = open_task(filed)
    revision = filed.revision
    sign_in_official(client, office.clerk)  # the office's registry clerk: no deciding role
    assert _act(client, task, "approve", revision=revision)[0].status_code == 403
    sign_in_official(client, office.approver)  # in the office, not the assignee
    response, refused = _act(client, task, "approve", revision=revision)
    assert response.status_code == 403
    assert refused["detail"] == in_arabic(
        "This file is assigned to another official. Ask your supervisor to reassign it."
    )
    sign_in_official(client, office.outsider)  # another office: as if the task did not exist
    assert _act(client, task, "approve", revision=revision)[0].status_code == 404
    assert _act(client, 999999, "approve", revision=revision)[0].status_code == 404
    no_mfa = sign_in_official(Client(), office.officer, mfa=False)
    assert _act(no_mfa, task, "approve", revision=revision)[0].status_code == 403
    task.refresh_from_db()
    assert task.status == "open"


def test_a_supervisor_reassigns(client: Client, office: Bureau, filed: Application) -> None:
    task = open_task(filed)
    colleague = make_official(office.office, Role.CASE_OFFICER, username="colleague")
    sign_in_official(client, office.officer)  # not a supervisor
    assert call(client, "GET", f"{API}/tasks/{task.pk}/candidates")[0].status_code == 403
    assert _act(client, task, "reassign", revision=filed.revision, reason="Leave")[0].status_code == 403
    sign_in_official(client, office.approver)
    _response, candidates = call(client, "GET", f"{API}/tasks/{task.pk}/candidates")
    assert {c["id"] for c in candidates} == {office.officer.pk, colleague.pk}
    response, body = _act(
        client, task, "reassign", revision=filed.revision, reason="Leave", to_user_id=office.clerk.pk
    )
    assert response.status_code == 400
    assert body["field"] == "to_user"
    response, body = _act(
        client, task, "reassign", revision=filed.revision, reason="", to_user_id=colleague.pk
    )
    assert body["field"] == "reason"
    response, body = _act(
        client,
        task,
        "reassign",
        revision=filed.revision,
        reason="On leave this week.",
        to_user_id=colleague.pk,
    )
    assert response.status_code == 200, body
    task.refresh_from_db()
    assert task.assignee_id == colleague.pk
    basra_approver = make_official(office.other_office, Role.APPROVER)
    sign_in_official(client, basra_approver)
    assert call(client, "GET", f"{API}/tasks/{task.pk}/candidates")[0].status_code == 404
    assert _act(client, task, "reassign", revision=body["revision"], reason="Mine now.")[0].status_code == 404


def test_messages_between_the_office_and_the_citizen(
    client: Client, office: Bureau, citizen: User, filed: Application
) -> None:
    sign_in_official(client, office.clerk)
    path = f"{API}/cases/{filed.pk}/messages"
    response, body = call(client, "POST", path, {"body": ""})
    assert response.status_code == 400
    assert body["field"] == "body"
    response, sent = call(client, "POST", path, {"body": "Bring the original card on Sunday."})
    assert response.status_code == 201
    assert sent["office"] == office.office.label
    assert sent["author"]["id"] == office.clerk.pk
    _response, thread = call(client, "GET", path)
    assert [m["body"] for m in thread] == ["Bring the original card on Sunday."]
    me = sign_in_citizen(Client(), citizen)
    _response, mine = call(me, "GET", f"/api/v1/applications/{filed.pk}/messages")
    assert [m["body"] for m in mine] == ["Bring the original card on Sunday."]
    sign_in_official(client, office.outsider)
    assert call(client, "POST", path, {"body": "Hello"})[0].status_code == 404
    assert CaseMessage.objects.count() == 1


def test_break_glass_opens_a_file_for_reading_and_is_reviewed(
    client: Client, office: Bureau, filed: Application
) -> None:
    sign_in_official(client, office.outsider)
    assert call(client, "GET", f"{API}/cases/{filed.pk}")[0].status_code == 404
    reason = "The citizen called the Basra office about this file."
    response, body = call(
        client, "POST", f"{API}/break-glass", {"tracking_number": "nonsense", "reason": reason}
    )
    assert response.status_code == 400
    assert body["field"] == "tracking_number"
    response, body = call(
        client, "POST", f"{API}/break-glass", {"tracking_number": filed.tracking_number, "reason": "curious"}
    )
    assert response.status_code == 400
    assert body["field"] == "reason"
    unknown = "0000-0000-0"
    assert (
        call(client, "POST", f"{API}/break-glass", {"tracking_number": unknown, "reason": reason})[
            0
        ].status_code
        == 404
    )
    assert not BreakGlassAccess.objects.exists()

    typed = str(filed.tracking_number).lower().replace("-", " ")  # as read aloud on the phone
    response, opened = call(
        client, "POST", f"{API}/break-glass", {"tracking_number": typed, "reason": reason}
    )
    assert response.status_code == 201, opened
    assert opened["application_id"] == filed.pk
    response, case = call(client, "GET", f"{API}/cases/{filed.pk}")
    assert response.status_code == 200
    assert case["break_glass"] is True
    viewed = Event.objects.filter(event_type="casework.case.viewed", objects_ref__application=filed.pk).get()
    assert viewed.purpose == "break-glass"
    response, _refused = call(client, "POST", f"{API}/cases/{filed.pk}/messages", {"body": "Hello"})
    assert response.status_code == 403
    assert _act(client, open_task(filed), "approve", revision=filed.revision)[0].status_code == 404

    sign_in_official(client, office.integrity)
    _response, openings = call(client, "GET", f"{API}/break-glass")
    assert [(o["id"], o["official"]["id"], o["reason"]) for o in openings] == [
        (opened["id"], office.outsider.pk, reason)
    ]
    response, body = call(client, "POST", f"{API}/break-glass/{opened['id']}/review", {"note": ""})
    assert body["field"] == "note"
    response, reviewed = call(
        client,
        "POST",
        f"{API}/break-glass/{opened['id']}/review",
        {"note": "Confirmed with the Basra office."},
    )
    assert response.status_code == 200
    assert reviewed["reviewed_by"]["id"] == office.integrity.pk
    assert (
        call(client, "POST", f"{API}/break-glass/{opened['id']}/review", {"note": "Again."})[0].status_code
        == 409
    )
    sign_in_official(client, office.officer)  # not an integrity officer
    assert call(client, "GET", f"{API}/break-glass")[0].status_code == 403
    sign_in_official(client, office.clerk)  # registry clerks do not break glass
    response, _body = call(
        client, "POST", f"{API}/break-glass", {"tracking_number": filed.tracking_number, "reason": reason}
    )
    assert response.status_code == 403


def test_a_consultation_is_answered_by_the_consulted_office(
    client: Client, citizen: User, synced: None
) -> None:
    people = registry()
    application = submitted(citizen, service=COMPANY)
    stage = open_task(application)
    consultation = Task.objects.get(application=application, kind="consultation")
    assert consultation.assignee_id == people.consulted.pk
    sign_in_official(client, people.officer)
    response, refused = _act(client, stage, "approve", revision=application.revision)
    assert response.status_code == 409  # the criminal records directorate has not answered
    assert refused["detail"]
    assert (
        _act(client, consultation, "answer", revision=application.revision, answer="No.")[0].status_code
        == 404
    )
    sign_in_official(client, people.consulted)
    _response, case = call(client, "GET", f"/api/v1/casework/cases/{application.pk}")
    assert [t["actions"] for t in case["tasks"] if t["kind"] == "consultation"] == [["answer"]]
    assert case["tasks"][1]["question"]
    response, body = _act(client, consultation, "answer", revision=application.revision, answer="")
    assert body["field"] == "answer"
    response, body = _act(
        client, consultation, "answer", revision=application.revision, answer="No conviction."
    )
    assert response.status_code == 200, body
    assert body["task_status"] == "done"
    sign_in_official(client, people.officer)
    response, body = _act(client, stage, "approve", revision=body["revision"])
    assert response.status_code == 200, body


def test_staff_session_writes_need_the_csrf_token(office: Bureau, filed: Application) -> None:
    client = sign_in_official(Client(enforce_csrf_checks=True), office.officer)
    task = open_task(filed)
    response, body = _act(client, task, "approve", revision=filed.revision)
    assert response.status_code == 403
    assert "CSRF" in body["detail"]
    task.refresh_from_db()
    assert task.status == "open"
    token = "b" * 32
    client.cookies["csrftoken"] = token
    response, _body = call(
        client, "POST", f"{API}/tasks/{task.pk}/approve", {"revision": filed.revision}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200


def test_offices_list_every_role_held(client: Client, office: Bureau) -> None:
    both = make_official(office.office, Role.CASE_OFFICER, Role.REVIEWER)
    basra = Office.objects.get(pk=office.other_office.pk)
    make_official(basra, Role.APPROVER, username="unused")
    sign_in_official(client, both)
    _response, offices = call(client, "GET", f"{API}/offices")
    assert [(o["code"], sorted(o["roles"])) for o in offices] == [("CS-BGD", ["case_officer", "reviewer"])]
