"""The outbox, the delivery task with retries and back-off, the channels and `diwan outbox`."""

from __future__ import annotations

import datetime as dt
import json
import smtplib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client

from diwan.audit.models import Event
from diwan.notifications import catalogue
from diwan.notifications.actions import MAX_ATTEMPTS, message_deliver, message_queue, messages_send_due
from diwan.notifications.channels import Outgoing
from diwan.notifications.channels.http_sms import build_body
from diwan.notifications.models import DeliveryStatus, Message

pytestmark = pytest.mark.django_db


class FakeGateway:
    """An SMS gateway on 127.0.0.1 that answers with the statuses it is given, then 200."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.received: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                gateway.received.append(json.loads(self.rfile.read(length)))
                gateway.headers.append(dict(self.headers))
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                raw = json.dumps({"id": f"gw-{len(gateway.received)}"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def gateway(settings: Any) -> Iterator[FakeGateway]:
    fake = FakeGateway()
    fake.thread.start()
    settings.DIWAN_SMS_CHANNEL = "http_sms"
    settings.DIWAN_SMS_GATEWAY_URL = fake.url
    settings.DIWAN_SMS_GATEWAY_TOKEN = "gw-token"
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
        fake.thread.join(timeout=5)


def queue_code(phone: str = "+9647701234567", language: str = "ar") -> Message:
    return message_queue(
        actor=None,
        medium="sms",
        recipient=phone,
        template="accounts.sign_in_code",
        context={"code": "123456", "minutes": 5},
        language=language,
    )


def test_every_template_has_all_three_languages_and_renders() -> None:
    for template in catalogue.all_templates():
        for language in ("ar", "ckb", "en"):
            context = dict.fromkeys(template.placeholders, "X")
            _subject, body = template.render(language, context)
            assert body
            assert "%(" not in body


def test_templates_are_written_in_the_citizens_language() -> None:
    ar = queue_code(language="ar")
    ckb = queue_code(language="ckb")
    en = queue_code(language="en")
    assert "رمز الدخول" in ar.body
    assert "123456" in ar.body
    assert "کۆدی چوونەژوورەوەت" in ckb.body
    assert "sign-in code is 123456" in en.body
    assert Event.objects.filter(event_type="notifications.message.queued").count() == 3


def test_body_is_encrypted_at_rest() -> None:
    message = queue_code()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM notifications_message WHERE id = %s", [message.pk])
        stored = cursor.fetchone()[0]
    assert "123456" not in stored


def test_demo_channel_keeps_the_message_in_the_outbox(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_code()
    message.refresh_from_db()
    assert message.channel == "demo"
    assert message.status == DeliveryStatus.SENT
    assert "123456" in message.body  # the demo channel delivers nowhere: the body stays readable
    assert message.attempts == 1


def test_http_sms_delivers_with_token_and_wipes_the_code(
    gateway: FakeGateway, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_code(language="en")
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT
    assert message.provider_reference == "gw-1"
    assert message.body == ""  # sensitive: not kept once delivered
    assert gateway.received[0]["to"] == "+9647701234567"
    assert "123456" in gateway.received[0]["text"]
    assert gateway.headers[0]["Authorization"] == "Bearer gw-token"
    # running the task again does not send twice (idempotent)
    assert message_deliver(message_id=message.pk) == DeliveryStatus.SENT
    assert len(gateway.received) == 1


def test_body_template_cannot_be_broken_out_of() -> None:
    outgoing = Outgoing(
        message_id=7, recipient="+9647701234567", subject="", body='x", "to": "+1', language="en"
    )
    body = json.loads(build_body('{"msisdn": "{to_national}", "sms": {"text": "{text}"}}', outgoing))
    assert body == {"msisdn": "07701234567", "sms": {"text": 'x", "to": "+1'}}


def test_temporary_failures_retry_with_back_off_then_fail(gateway: FakeGateway) -> None:
    gateway.statuses = [503] * MAX_ATTEMPTS
    message = queue_code()
    assert message_deliver(message_id=message.pk) == DeliveryStatus.RETRYING
    message.refresh_from_db()
    first_wait = message.next_attempt_at - message.claimed_at  # type: ignore[operator]
    assert dt.timedelta(seconds=25) < first_wait < dt.timedelta(seconds=35)
    assert "503" in message.last_error
    # not due yet: a second run does nothing
    assert message_deliver(message_id=message.pk) == DeliveryStatus.RETRYING
    assert len(gateway.received) == 1
    waits = [first_wait]
    for _ in range(MAX_ATTEMPTS - 1):
        Message.objects.filter(pk=message.pk).update(next_attempt_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        status = message_deliver(message_id=message.pk)
        message.refresh_from_db()
        if status == DeliveryStatus.RETRYING:
            waits.append(message.next_attempt_at - message.claimed_at)  # type: ignore[operator]
    assert status == DeliveryStatus.FAILED
    assert waits == sorted(waits)
    assert waits[-1] > waits[0]
    assert message.attempts == MAX_ATTEMPTS
    assert len(gateway.received) == MAX_ATTEMPTS
    assert Event.objects.filter(event_type="notifications.message.failed").count() == 1


def test_permanent_failure_is_not_retried(gateway: FakeGateway) -> None:
    gateway.statuses = [400]
    message = queue_code()
    assert message_deliver(message_id=message.pk) == DeliveryStatus.FAILED
    assert messages_send_due() == {}
    assert len(gateway.received) == 1


def test_send_due_delivers_what_a_dead_worker_left(gateway: FakeGateway) -> None:
    gateway.statuses = [500]
    message = queue_code()
    message_deliver(message_id=message.pk)
    Message.objects.filter(pk=message.pk).update(next_attempt_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    stuck = queue_code()
    Message.objects.filter(pk=stuck.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    assert messages_send_due() == {DeliveryStatus.SENT: 2}


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({"x@example.iq": (550, b"no such user")})


def test_smtp_channel_sends_through_the_default_mailer(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.DIWAN_EMAIL_CHANNEL = "smtp"
    with django_capture_on_commit_callbacks(execute=True):
        message = message_queue(
            actor=None,
            medium="email",
            recipient="zainab@example.iq",
            template="accounts.welcome",
            context={"name": "زينب"},
            language="ckb",
        )
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "بەخێربێیت بۆ دیوان"
    assert mail.outbox[0].to == ["zainab@example.iq"]


def test_smtp_refusal_is_permanent(settings: Any) -> None:
    settings.DIWAN_EMAIL_CHANNEL = "smtp"
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    message = message_queue(
        actor=None,
        medium="email",
        recipient="x@example.iq",
        template="accounts.welcome",
        context={"name": "x"},
    )
    assert message_deliver(message_id=message.pk) == DeliveryStatus.FAILED


def test_outbox_command_lists_the_latest_messages() -> None:
    queue_code(phone="+9647701234567", language="en")
    queue_code(phone="+9647809998877", language="en")
    out = StringIO()
    call_command("outbox", "--to", "0770 123 4567", stdout=out)
    text = out.getvalue()
    assert "+9647701234567" in text
    assert "123456" in text
    assert "+9647809998877" not in text
    out = StringIO()
    call_command("outbox", "--send-due", stdout=out)
    assert "+9647809998877" in out.getvalue()
    assert Message.objects.filter(status=DeliveryStatus.SENT).count() == 2


def test_demo_outbox_page_shows_codes_outside_production(client: Client) -> None:
    client.post("/en/account/sign-in/", {"phone": "0770 123 4567"})
    page = client.get("/en/demo/outbox/?phone=07701234567")
    assert page.status_code == 200
    assert "Your sign-in code is" in page.content.decode() or "sign-in code is" in page.content.decode()


def test_demo_outbox_bad_phone_filter_is_a_clear_400(client: Client) -> None:
    page = client.get("/en/demo/outbox/?phone=12")
    assert page.status_code == 400
    assert "error-summary" in page.content.decode()


def test_production_mode_hides_the_demo_outbox(client: Client, settings: Any) -> None:
    queue_code(language="en")
    settings.DIWAN_DEMO_ALLOWED = False
    page = client.get("/en/demo/outbox/")
    assert page.status_code in {403, 404}
    assert "123456" not in page.content.decode()
    # the code page no longer links to it either
    client.post("/en/account/sign-in/", {"phone": "0770 123 4567"})
    assert "demo/outbox" not in client.get("/en/account/sign-in/code/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_database_task_queue_takes_the_delivery_task_with_the_message(settings: Any) -> None:
    """With the database task backend the delivery task is written in the message's own transaction: both
    or neither, and nothing left to do after commit."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

    class RolledBack(Exception):
        pass

    def queue_then_fail() -> None:
        with transaction.atomic():
            queue_code()
            assert DBTaskResult.objects.count() == 1  # written at once, not after commit
            raise RolledBack

    with pytest.raises(RolledBack):
        queue_then_fail()
    assert not Message.objects.exists()
    assert not DBTaskResult.objects.exists()

    message = queue_code()
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [message.pk]
    assert task.task_path.endswith("deliver_message")
