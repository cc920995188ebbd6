"""The whole journey in a real browser, in Arabic, with JavaScript OFF (issue 3 §7): a citizen signs in
with a code, applies for a certificate of good conduct with uploads and submits; three officials (check,
review, approval: separation of duties needs three people) sign in with password and authenticator and
approve; the citizen sees the decision.

Playwright drives Debian's Chromium (`apt-get install -y chromium`, done by .ci/run); it never downloads a
browser. Without Chromium the test is skipped locally and FAILS in CI (CI=true), so it cannot silently
stop running.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from diwan.accounts import mfa
from diwan.accounts.models import TOTPDevice, User
from diwan.applications.models import Application, ApplicationStatus
from diwan.catalogue.actions import catalogue_sync
from diwan.demo.loader import LoadReport, load_directory
from diwan.directory import actions as directory
from diwan.directory.models import Office
from diwan.directory.roles import Role
from diwan.notifications.models import Message
from tests.accounts.citizen_support import make_citizen
from tests.accounts.staff_support import PASSWORD, SECRET, make_staff
from tests.casework.support import pdf_bytes, png_bytes

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = "+9647701234567"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Any:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run must apt-get install it")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM reads (the sign-in code
    # from the outbox) are plain synchronous code and safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    # The live server answers each request in its own thread; with the in-memory SQLite test database a
    # thread's connection cannot be closed (Django keeps in-memory databases open) and is dropped when the
    # thread ends. That is the test server's doing, not Diwan's: do not let it fail the run.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="unclosed database", category=ResourceWarning)
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
        gc.collect()
    _end_live_server_sessions()


def _end_live_server_sessions() -> None:
    """The live server's request threads are daemon threads; one still waiting on a kept-alive browser
    socket when the browser closes never reaches its connection clean-up, and on PostgreSQL its idle
    session would stop the test database from being dropped at the end of the run. End such sessions."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
        )


def official(office: Office, role: Role, username: str) -> User:
    user = make_staff(username)
    # Enrolled earlier (enrolment used this 30-second step's code; signing in now would be a replay).
    TOTPDevice.objects.filter(user=user).update(last_used_step=0)
    position = directory.position_create(
        actor=None, office=office, title={"ar": "منصب", "ckb": "پۆست", "en": str(role)}, role=role
    )
    directory.membership_grant(actor=None, user=user, position=position)
    return user


def test_apply_approve_and_see_the_decision_in_arabic_without_javascript(
    browser: Any, live_server: Any, tmp_path: Path
) -> None:
    load_directory(LoadReport())
    catalogue_sync(actor=None)
    office = Office.objects.get(agency__code="IQ-POLICE", code="CRIM-REC")
    officials = [
        official(office, Role.CASE_OFFICER, "journey.officer"),
        official(office, Role.REVIEWER, "journey.reviewer"),
        official(office, Role.APPROVER, "journey.approver"),
    ]
    citizen = make_citizen(phone=PHONE, national_id="199012345678")
    base = live_server.url
    card, photo = tmp_path / "card.pdf", tmp_path / "photo.png"
    card.write_bytes(pdf_bytes())
    photo.write_bytes(png_bytes())

    context = browser.new_context(java_script_enabled=False, locale="ar-IQ")
    page = context.new_page()

    # The service page, in Arabic: right to left.
    page.goto(f"{base}/ar/services/good-conduct-certificate/")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.click("#apply")

    # Sign in with a code sent by SMS (the demo channel keeps it in the outbox).
    page.fill("input[name=phone]", "0770 123 4567")
    submit(page)
    code = re.search(r"\b(\d{6})\b", Message.objects.filter(recipient=PHONE).latest("id").body)
    assert code is not None
    page.fill("input[name=code]", code.group(1))
    submit(page)

    # "Before you start", then the form, page by page.
    submit(page)
    page.fill("input[name=full_name]", "زينب حسن علي الجبوري")
    # Arabic-Indic digits, as an Arabic phone keyboard types them.
    page.fill("input[name=national_id]", "١٩٩٠١٢٣٤٥٦٧٨")
    page.fill("input[name=phone]", "0770 123 4567")
    page.select_option("select[name=governorate]", "BGD")
    submit(page)
    page.check("input[name=purpose][value=employment]")
    submit(page)
    page.set_input_files("input[name=national_card]", str(card))
    page.set_input_files("input[name=photo]", str(photo))
    submit(page)
    page.check("input[name=declaration]")
    submit(page)

    # Check your answers, then send.
    assert "زينب حسن علي الجبوري" in page.content()
    submit(page)
    application = Application.objects.get(applicant=citizen)
    assert application.status == ApplicationStatus.IN_PROGRESS
    assert application.tracking_number is not None
    assert application.tracking_number in page.content()
    assert set(application.attachments.values_list("field_name", flat=True)) == {"national_card", "photo"}

    # Three officials, each signs in with password and authenticator, and approves their stage.
    for person in officials:
        staff_page = browser.new_context(java_script_enabled=False, locale="ar-IQ").new_page()
        staff_page.goto(f"{base}/ar/account/staff/sign-in/")
        staff_page.fill("input[name=username]", person.username or "")
        staff_page.fill("input[name=password]", PASSWORD)
        submit(staff_page)
        staff_page.fill("input[name=code]", mfa.current_code(SECRET))
        submit(staff_page)
        staff_page.goto(f"{base}/ar/office/cases/{application.pk}/")
        assert application.tracking_number in staff_page.content()
        approve = staff_page.locator("form[action$='/approve/']")
        action = staff_page.locator("details.action", has=approve).first
        action.locator("summary").click()  # a native disclosure: opens without JavaScript
        action.locator("button[type=submit]").click()
        staff_page.wait_for_load_state()
        staff_page.context.close()

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED

    # The citizen sees the decision on the file's page.
    page.goto(f"{base}/ar/me/applications/{application.pk}/")
    with translation.override("ar"):
        approved = str(ApplicationStatus.APPROVED.label)
    assert approved in page.content()
    context.close()


def submit(page: Any) -> None:
    """Press the page's main button (the first submit button of the main content) and wait for the answer."""
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
