"""/api/v1/applications/: a citizen's own applications, through HTTP, every answer checked against the
committed OpenAPI document."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from diwan.accounts.models import User
from diwan.applications.models import Application, Attachment
from diwan.casework import actions as casework
from diwan.casework.models import CaseMessage

from .support import (
    PAGES,
    PDF,
    PNG,
    SERVICE,
    Bureau,
    call,
    draft,
    open_task,
    pdf,
    sign_in_citizen,
    sign_in_official,
    submitted,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/applications"


@pytest.fixture
def me(client: Client, citizen: User) -> Client:
    return sign_in_citizen(client, citizen)


def test_a_citizen_applies_from_start_to_submission(me: Client, citizen: User, office: Bureau) -> None:
    token = str(uuid.uuid4())
    response, started = call(me, "POST", API, {"service": SERVICE, "start_token": token})
    assert response.status_code == 201
    assert started["status"] == "draft"
    assert started["tracking_number"] is None
    assert started["timeline"] is None
    assert started["current_page"] == "applicant"
    assert {m["field"] for m in started["missing"]} >= {"full_name", "national_card", "declaration"}
    # The same start token (a retry) gives the same draft back.
    _response, again = call(me, "POST", API, {"service": SERVICE, "start_token": token})
    assert again["id"] == started["id"]
    assert Application.objects.filter(applicant=citizen).count() == 1

    base = f"{API}/{started['id']}"
    response, body = call(me, "PUT", f"{base}/pages/applicant", {"answers": PAGES["applicant"]})
    assert response.status_code == 200, body
    assert body["current_page"] == "record"
    answers = {a["field"]: a for a in body["answers"]}
    assert answers["phone"]["value"] == "+9647701234567"  # normalised like on the portal
    assert answers["governorate"]["display"]
    call(me, "PUT", f"{base}/pages/record", {"answers": {"whose_record": "self", "copies": "٢"}})
    assert Application.objects.get(pk=started["id"]).answers["copies"] == 2  # Arabic-Indic digits

    response, uploaded = call(me, "POST", f"{base}/files/national_card", {"file": pdf("my card.pdf")})
    assert response.status_code == 201, uploaded
    assert uploaded["field"] == "national_card"
    assert uploaded["content_type"] == "application/pdf"
    assert uploaded["name"] == "my card.pdf"
    call(me, "PUT", f"{base}/pages/documents", {"answers": {}})
    response, body = call(me, "PUT", f"{base}/pages/declaration", {"answers": {"declaration": True}})
    assert body["missing"] == []
    assert body["current_page"] == "check"

    response, sent = call(me, "POST", f"{base}/submit")
    assert response.status_code == 200, sent
    assert sent["status"] == "in_progress"
    assert sent["tracking_number"]
    assert sent["legal_due_date"]
    timeline = sent["timeline"]
    assert [s["key"] for s in timeline["stages"]] == ["check", "approval"]
    assert timeline["stages"][0]["state"] == "current"
    assert timeline["stages"][0]["expected"]
    assert timeline["stages"][0]["office"] == office.office.label
    assert timeline["legal_due"] == sent["legal_due_date"]
    assert timeline["suspended"] is False
    assert [e["kind"] for e in timeline["entries"]] == ["submitted", "stage_started"]
    assert all("actor" not in e for e in timeline["entries"])  # who holds the file stays internal
    file_answer = next(a for a in sent["answers"] if a["field"] == "national_card")
    assert file_answer["attachment_id"] == uploaded["id"]

    # Submitting again changes nothing (a double click, a retried request).
    _response, twice = call(me, "POST", f"{base}/submit")
    assert twice["tracking_number"] == sent["tracking_number"]
    assert twice["revision"] == sent["revision"]

    _response, listed = call(me, "GET", API)
    assert [(a["id"], a["status"]) for a in listed] == [(started["id"], "in_progress")]

    download = me.get(f"{base}/files/{uploaded['id']}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    # A file is reached through its own application only.
    other = draft(citizen, pages=())
    response, _body = call(me, "GET", f"{API}/{other.pk}/files/{uploaded['id']}")
    assert response.status_code == 404


def test_a_refused_page_answers_every_field_error_and_keeps_nothing(
    me: Client, citizen: User, synced: None
) -> None:
    application = draft(citizen, pages=())
    base = f"{API}/{application.pk}"
    bad = {"full_name": "Zainab", "national_id": "12", "phone": "07701234567", "governorate": "BGD"}
    response, body = call(me, "PUT", f"{base}/pages/applicant", {"answers": bad})
    assert response.status_code == 400
    fields = [e["field"] for e in body["errors"]]
    assert set(fields) == {"full_name", "national_id"}
    assert body["field"] == fields[0]
    assert body["detail"] == body["errors"][0]["detail"]
    assert all(e["page"] == "applicant" for e in body["errors"])
    application.refresh_from_db()
    assert application.answers == {}

    response, body = call(
        me, "PUT", f"{base}/pages/applicant", {"answers": {**PAGES["applicant"], "salary": 9}}
    )
    assert response.status_code == 400
    assert body["field"] == "salary"
    # A document is not an answer: it is uploaded.
    response, body = call(me, "PUT", f"{base}/pages/documents", {"answers": {"national_card": "x"}})
    assert response.status_code == 400
    assert "national_card" in {e["field"] for e in body["errors"]}

    response, _body = call(me, "PUT", f"{base}/pages/no-such-page", {"answers": {}})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.answers == {}


def test_an_incomplete_draft_is_not_submitted(me: Client, citizen: User, synced: None) -> None:
    application = draft(citizen, pages=("applicant", "record"))
    response, body = call(me, "POST", f"{API}/{application.pk}/submit")
    assert response.status_code == 400
    problems = {(e["page"], e["field"]) for e in body["errors"]}
    assert problems == {("documents", "national_card"), ("declaration", "declaration")}
    assert body["field"] in {"national_card", "declaration"}
    application.refresh_from_db()
    assert application.status == "draft"
    assert application.tracking_number is None


def test_uploads_are_checked(me: Client, citizen: User, office: Bureau) -> None:
    application = draft(citizen, pages=("applicant", "record"))
    base = f"{API}/{application.pk}/files"
    response, body = call(
        me, "POST", f"{base}/national_card", {"file": pdf("card.pdf", b"just text, no PDF")}
    )
    assert response.status_code == 400
    assert body["field"] == "national_card"
    response, body = call(me, "POST", f"{base}/kinship_proof", {"file": pdf()})  # hidden: own record
    assert response.status_code == 400
    assert body["field"] == "kinship_proof"
    response, body = call(me, "POST", f"{base}/full_name", {"file": pdf()})  # not a file field
    assert response.status_code == 400
    assert not Attachment.objects.filter(application=application).exists()
    # A message file needs a submitted application.
    response, _body = call(me, "POST", base, {"file": pdf()})
    assert response.status_code == 409
    # After submission the documents cannot be replaced.
    done = submitted(citizen)
    before = Attachment.objects.filter(application=done).count()
    response, _body = call(me, "POST", f"{API}/{done.pk}/files/national_card", {"file": pdf("new.pdf")})
    assert response.status_code == 409
    assert Attachment.objects.filter(application=done).count() == before
    assert not Attachment.objects.filter(application=done, replaced=True).exists()


def test_another_citizens_application_and_files_are_not_found(
    client: Client, citizen: User, other_citizen: User, office: Bureau
) -> None:
    theirs = submitted(other_citizen)
    their_file = Attachment.objects.get(application=theirs)
    their_draft = draft(other_citizen, pages=("applicant",))
    mine = draft(citizen, pages=())
    sign_in_citizen(client, citizen)
    revision = theirs.revision
    for method, path, body in [
        ("GET", f"{API}/{theirs.pk}", None),
        ("PUT", f"{API}/{their_draft.pk}/pages/record", {"answers": PAGES["record"]}),
        ("POST", f"{API}/{their_draft.pk}/files/national_card", {"file": pdf()}),
        ("POST", f"{API}/{theirs.pk}/files", {"file": pdf()}),
        ("GET", f"{API}/{theirs.pk}/files/{their_file.pk}", None),
        ("GET", f"{API}/{mine.pk}/files/{their_file.pk}", None),  # my application, their file
        ("POST", f"{API}/{their_draft.pk}/submit", None),
        ("POST", f"{API}/{theirs.pk}/resubmit", {"revision": revision}),
        ("GET", f"{API}/{theirs.pk}/messages", None),
        ("POST", f"{API}/{theirs.pk}/messages", {"body": "hello"}),
        ("DELETE", f"{API}/{their_draft.pk}", None),
    ]:
        response, answer = call(client, method, path, body)
        assert response.status_code == 404, (method, path, response.content[:300])
        assert answer["detail"]
    assert "الجبوري" not in client.get(f"{API}/{theirs.pk}").content.decode()
    _response, listed = call(client, "GET", API)
    assert [a["id"] for a in listed] == [mine.pk]
    their_draft.refresh_from_db()
    assert their_draft.status == "draft"
    assert "whose_record" not in their_draft.answers
    assert not CaseMessage.objects.exists()
    assert Attachment.objects.filter(application__in=[theirs, their_draft]).count() == 1


def test_refusals_are_translated(me: Client) -> None:
    response, body = call(me, "GET", f"{API}/999999", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 404
    assert body["detail"] == "غير موجود."
    assert body["field"] is None


def test_only_a_signed_in_citizen_uses_the_applications_api(client: Client, office: Bureau) -> None:
    response, _body = call(client, "GET", API)
    assert response.status_code == 401
    response, _body = call(client, "POST", API, {"service": SERVICE})
    assert response.status_code == 401
    sign_in_official(client, office.officer)
    response, _body = call(client, "GET", API)
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_session_writes_need_the_csrf_token(citizen: User, synced: None) -> None:
    client = sign_in_citizen(Client(enforce_csrf_checks=True), citizen)
    response, body = call(client, "POST", API, {"service": SERVICE})
    assert response.status_code == 403
    assert "CSRF" in body["detail"]
    assert not Application.objects.exists()
    token = "a" * 32
    client.cookies["csrftoken"] = token
    response, _body = call(client, "POST", API, {"service": SERVICE}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201
    assert Application.objects.count() == 1
    assert client.get(API).status_code == 200  # reads need no token


def test_unknown_service_and_deleting_drafts(me: Client, citizen: User, office: Bureau) -> None:
    response, _body = call(me, "POST", API, {"service": "no-such-service"})
    assert response.status_code == 404
    application = draft(citizen, pages=("applicant",))
    response, _body = call(me, "DELETE", f"{API}/{application.pk}")
    assert response.status_code == 204
    assert not Application.objects.filter(pk=application.pk).exists()
    done = submitted(citizen)
    response, body = call(me, "DELETE", f"{API}/{done.pk}")
    assert response.status_code == 409
    assert body["detail"]
    assert Application.objects.filter(pk=done.pk).exists()


def test_a_returned_application_is_corrected_and_resubmitted(
    me: Client, citizen: User, office: Bureau
) -> None:
    application = submitted(citizen)
    casework.task_return(
        actor=office.officer,
        task_id=open_task(application).pk,
        revision=application.revision,
        fields=["copies"],
        message="Say how many copies you need: at most 5.",
    )
    base = f"{API}/{application.pk}"
    _response, body = call(me, "GET", base)
    assert body["status"] == "returned"
    assert body["correction"] == {"fields": ["copies"], "message": "Say how many copies you need: at most 5."}
    assert body["timeline"]["suspended"] is True
    assert body["timeline"]["stages"][0]["state"] == "with_citizen"
    assert len(body["timeline"]["suspensions"]) == 1
    revision = body["revision"]

    # Only the marked answers may change; nothing else is kept.
    response, refused = call(
        me, "PUT", f"{base}/pages/record", {"answers": {"whose_record": "self", "copies": 9}}
    )
    assert response.status_code == 400
    assert refused["field"] == "copies"
    response, refused = call(
        me, "PUT", f"{base}/pages/applicant", {"answers": {**PAGES["applicant"], "phone": "07801234567"}}
    )
    assert response.status_code == 400
    response, refused = call(me, "POST", f"{base}/files/national_card", {"file": pdf()})
    assert response.status_code == 400
    assert refused["field"] == "national_card"
    response, _body = call(
        me, "PUT", f"{base}/pages/record", {"answers": {"whose_record": "self", "copies": 3}}
    )
    assert response.status_code == 200, _body
    application.refresh_from_db()
    assert application.answers["copies"] == 3
    assert application.answers["phone"] == "+9647701234567"

    response, stale = call(me, "POST", f"{base}/resubmit", {"revision": revision - 1})
    assert response.status_code == 409
    assert stale["detail"]
    application.refresh_from_db()
    assert application.status == "returned"

    response, body = call(me, "POST", f"{base}/resubmit", {"revision": revision})
    assert response.status_code == 200, body
    assert body["status"] == "in_progress"
    assert body["correction"] is None
    assert body["timeline"]["suspended"] is False
    _response, again = call(me, "POST", f"{base}/resubmit", {"revision": revision})  # sent twice
    assert again["revision"] == body["revision"]


def test_messages_with_the_office(me: Client, citizen: User, office: Bureau) -> None:
    application = draft(citizen)
    response, _body = call(me, "POST", f"{API}/{application.pk}/messages", {"body": "Hello?"})
    assert response.status_code == 409
    application = submitted(citizen)
    base = f"{API}/{application.pk}"
    response, empty = call(me, "POST", f"{base}/messages", {"body": "   "})
    assert response.status_code == 400
    assert empty["field"] == "body"
    response, scan = call(me, "POST", f"{base}/files", {"file": pdf("receipt.png", PNG)})
    assert response.status_code == 201, scan
    assert scan["field"] is None
    assert scan["name"] == "receipt.png"
    response, sent = call(
        me, "POST", f"{base}/messages", {"body": "My receipt.", "attachment_ids": [scan["id"]]}
    )
    assert response.status_code == 201
    assert sent["from_citizen"] is True
    assert [a["id"] for a in sent["attachments"]] == [scan["id"]]
    casework.message_post(
        actor=office.officer, application=application, body="Thank you.", office=office.office
    )
    _response, thread = call(me, "GET", f"{base}/messages")
    assert [m["body"] for m in thread] == ["My receipt.", "Thank you."]
    assert thread[1]["office"] == office.office.label
    assert "author" not in thread[1]  # the office speaks, not a named official
    download = me.get(f"{base}/files/{scan['id']}")
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    # Reading the stream to its end closes the file (an explicit close() would end the request twice).
    assert b"".join(download.streaming_content) == PNG  # type: ignore[attr-defined]


def test_the_decision_and_its_reasons_are_shown(me: Client, citizen: User, office: Bureau) -> None:
    application = submitted(citizen)
    casework.task_reject(
        actor=office.officer,
        task_id=open_task(application).pk,
        revision=application.revision,
        reason_code="record_mismatch",
        text="The national card number is not in the register of Baghdad.",
    )
    _response, body = call(me, "GET", f"{API}/{application.pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert body["status"] == "rejected"
    assert body["decision"]["outcome"] == "rejected"
    assert body["decision"]["reason_code"] == "record_mismatch"
    assert body["decision"]["reason"] == "The details do not match the official records"
    assert body["decision"]["text"].startswith("The national card number")
    assert body["decision"]["decided_at"]
    assert [s["state"] for s in body["timeline"]["stages"]] == ["done", "stopped"]
    assert body["timeline"]["entries"][-1]["kind"] == "rejected"
