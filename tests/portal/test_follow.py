"""Following a submitted application: the file's page (timeline, decision, extension), correcting a
returned application, the message thread, downloads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from diwan.accounts.models import User
from diwan.applications.models import Application, ApplicationStatus, Attachment
from diwan.casework import actions as casework
from diwan.casework.models import CaseMessage, Task, TaskStatus
from tests.portal.support import (
    APPLICANT,
    BASE,
    PDF,
    answer,
    detail_url,
    fill_in,
    jpeg,
    page_url,
    pdf,
    start,
    submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(client: Client, officer: User) -> Application:
    """A submitted good-conduct application, its first stage assigned to `officer`."""
    application = start(client)
    fill_in(client, application)
    return submit(client, application)


def open_task(application: Application) -> Task:
    return Task.objects.get(application=application, kind="stage", status=TaskStatus.OPEN)


def returned(application: Application, officer: User, fields: list[str]) -> Application:
    task = open_task(application)
    assert task.assignee_id == officer.pk
    casework.task_return(
        actor=officer,
        task_id=task.pk,
        revision=application.revision,
        fields=fields,
        message="The name must be written as on the national card, and the photo is blurred.",
    )
    application.refresh_from_db()
    return application


def test_the_file_page_shows_every_stage_the_office_and_the_legal_deadline(
    client: Client, sent: Application
) -> None:
    page = client.get(detail_url(sent))
    assert page.status_code == 200
    body = page.content.decode()
    for stage in ("Checking the application", "Review", "Approval and issue"):
        assert stage in body
    assert "In progress" in body
    assert "Not started yet" in body
    assert "Legal deadline" in body
    assert "Application submitted" in body  # a public timeline entry
    assert str(sent.tracking_number) in body


def test_a_returned_application_is_corrected_and_sent_back(
    client: Client, sent: Application, officer: User
) -> None:
    application = returned(sent, officer, ["full_name", "photo"])
    assert application.status == ApplicationStatus.RETURNED
    body = client.get(detail_url(application)).content.decode()
    assert "The office needs a correction" in body
    assert "the photo is blurred" in body
    assert f'href="{page_url(application, "applicant")}#id_full_name"' in body
    assert f'href="{page_url(application, "documents")}#id_photo"' in body
    assert f'name="revision" value="{application.revision}"' in body

    # A page with nothing to correct is closed; on a marked page only the marked answers can change.
    assert client.get(page_url(application, "purpose"))["Location"] == detail_url(application)
    page = client.get(page_url(application, "applicant")).content.decode()
    assert 'name="national_id"' in page
    assert page.count("disabled") >= 3  # national ID, phone, governorate
    response = answer(
        client,
        application,
        "applicant",
        {**APPLICANT, "full_name": "أحمد كريم جاسم محمد العبيدي", "national_id": "199900000009"},
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(application) + "#correction"
    application.refresh_from_db()
    assert application.answers["full_name"] == "أحمد كريم جاسم محمد العبيدي"
    assert application.answers["national_id"] == APPLICANT["national_id"]  # not marked: unchanged

    response = answer(
        client, application, "documents", {"photo": jpeg("sharp.jpg"), "national_card": pdf("x.pdf")}
    )
    assert response.status_code == 302
    current = {
        a.field_name: a.original_name
        for a in Attachment.objects.filter(application=application, replaced=False)
    }
    assert current == {"national_card": "card.pdf", "photo": "sharp.jpg"}  # the card was not marked

    stale = client.post(f"{BASE}{application.pk}/resubmit/", {"revision": application.revision - 1})
    assert stale.status_code == 409
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED

    response = client.post(f"{BASE}{application.pk}/resubmit/", {"revision": application.revision})
    assert response["Location"] == detail_url(application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_PROGRESS
    assert open_task(application).assignee_id == officer.pk
    again = client.post(f"{BASE}{application.pk}/resubmit/", {"revision": application.revision - 1})
    assert again.status_code == 302  # the same resubmission sent twice
    assert "Corrected and resubmitted" in client.get(detail_url(application)).content.decode()


def test_a_refusal_shows_the_reason_from_the_list_and_the_officials_words(
    client: Client, sent: Application, officer: User
) -> None:
    casework.task_reject(
        actor=officer,
        task_id=open_task(sent).pk,
        revision=sent.revision,
        reason_code="not_eligible",
        text="The applicant is under 18.",
    )
    body = client.get(detail_url(sent)).content.decode()
    assert "Rejected" in body
    assert "The applicant does not meet the eligibility conditions" in body
    assert "The applicant is under 18." in body
    assert "Stopped" in body  # the stages that will not run


def test_an_extension_is_shown_with_its_reason(client: Client, sent: Application, officer: User) -> None:
    casework.task_request_extension(
        actor=officer,
        task_id=open_task(sent).pk,
        revision=sent.revision,
        days=5,
        reason="Waiting for the archive.",
    )
    body = client.get(detail_url(sent)).content.decode()
    assert "extended the time limit by 5 working days" in body
    assert "Waiting for the archive." in body


def test_the_citizen_writes_to_the_office_with_a_document(
    client: Client, sent: Application, officer: User
) -> None:
    response = client.post(
        f"{BASE}{sent.pk}/messages/", {"body": "I attach my new address.", "attachment": pdf("address.pdf")}
    )
    assert response.status_code == 302
    message = CaseMessage.objects.get(application=sent)
    assert message.from_citizen
    [attached] = message.attachments.all()
    assert attached.field_name == ""
    assert attached.original_name == "address.pdf"
    casework.message_post(actor=officer, application=sent, body="Thank you, received.", office=sent.office)
    body = client.get(detail_url(sent)).content.decode()
    assert "I attach my new address." in body
    assert "Thank you, received." in body
    assert "Directorate of Criminal Records" in body
    assert f'href="{BASE}files/{attached.pk}/"' in body
    download = client.get(f"{BASE}files/{attached.pk}/")
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]


def test_an_empty_message_or_a_wrong_file_is_refused_and_nothing_is_sent(
    client: Client, sent: Application
) -> None:
    empty = client.post(f"{BASE}{sent.pk}/messages/", {"body": "  "})
    assert empty.status_code == 400
    assert 'href="#id_body"' in empty.content.decode()
    program = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 not a document", "application/pdf")
    wrong = client.post(f"{BASE}{sent.pk}/messages/", {"body": "See attached.", "attachment": program})
    assert wrong.status_code == 400
    assert 'href="#id_attachment"' in wrong.content.decode()
    assert not CaseMessage.objects.filter(application=sent).exists()
    assert not Attachment.objects.filter(application=sent, field_name="").exists()


def test_a_download_is_an_attachment_of_the_stored_type_never_sniffed(
    client: Client, sent: Application
) -> None:
    card = Attachment.objects.get(application=sent, field_name="national_card")
    response = client.get(f"{BASE}files/{card.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="card.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
