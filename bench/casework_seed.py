"""Seed data for bench/casework.py, run in a subprocess with the bench server's environment (same database,
same secrets: sessions and encrypted fields must be readable by the server).

`python -m bench.casework_seed OUTPUT.json DRAFTS` prepares:

- the demo directory, the service catalogue and the holiday calendars;
- the Passports Directorate, Baghdad (MOI/PASS-BGD) with six case officers, two reviewers and two approvers
  (rotation has someone to choose among);
- DRAFTS citizens of Baghdad, each with one complete passport draft made through the actions
  (`draft_start`, `draft_save_page`, two `attachment_add`), prepared by two processes side by side;
- one citizen with ten submitted applications (the "my applications" page);
- two offices for the inbox: Passports Basra with 100 open tasks and Passports Nineveh with 100,000
  (one real submission through the actions each, copied with INSERT ... SELECT: bench data only);
- a signed-in session for every citizen and for an official holding the case-officer position in both
  inbox offices (rows written like the sign-in views write them).

It writes {"drafts": [[application_id, session_key], ...], "my_session": ..., "staff_session": ...,
"inbox": {"small": office_id, "big": office_id}} to OUTPUT.json. Not a benchmark module (no `run()`).
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

BIG_INBOX = 100_000
SMALL_INBOX = 100
MY_APPLICATIONS = 10


def _setup() -> None:
    import django

    django.setup()


def _answers(user: Any) -> dict[str, Any]:
    return {
        "full_name": user.full_name_ar,
        "national_id": user.national_id,
        "phone": user.phone,
        "governorate": user.governorate,
        "email": None,
        "kind": "first",
        "birth_date": "1990-03-15",
        "declaration": True,
    }


def _files() -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from diwan.demo.files import pdf_document, png_image

    return {
        "photo": SimpleUploadedFile("photo.png", png_image(7), "image/png"),
        "national_card": SimpleUploadedFile("card.pdf", pdf_document("National card", []), "application/pdf"),
    }


def complete_draft(user: Any) -> Any:
    """A passport draft ready to submit, made through the actions (one page save with every answer)."""
    from diwan.applications import actions as applying

    draft = applying.draft_start(actor=user, service_code="passport-application")
    draft = applying.draft_save_page(
        actor=user, application_id=draft.pk, page_key="declaration", answers=_answers(user), next_page="check"
    )
    for name, upload in _files().items():
        applying.attachment_add(actor=user, application=draft, field_name=name, upload=upload)
    return draft


def _citizens(count: int, governorate: str, start: int) -> list[Any]:
    from django.contrib.auth.hashers import make_password

    from diwan.accounts.models import User

    unusable = make_password(None)
    users = []
    for n in range(start, start + count):
        user = User(
            kind="citizen",
            phone=f"+96477{n:08d}",
            full_name_ar="زينب حسن علي الجبوري",
            full_name_latin="Zainab Hassan Ali Al-Jubouri",
            governorate=governorate,
            password=unusable,
            is_test_data=True,
        )
        user.set_national_id(f"19{n:010d}")
        users.append(user)
    return User.objects.bulk_create(users, batch_size=1000)


def _drafts_worker(user_ids: list[int], queue: Any) -> None:
    from django.db import connection

    from diwan.accounts.models import User

    made = []
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        made.append((user.pk, complete_draft(user).pk))
    connection.close()
    queue.put(made)


def _official(username: str, name: str) -> Any:
    from diwan.accounts.models import User

    return User.objects.create_user(username, kind="staff", full_name_ar=name, is_test_data=True)


def _grant(user: Any, office: Any, role: str) -> None:
    from diwan.directory import actions as directory
    from diwan.directory.models import Position

    position = Position.objects.filter(office=office, role=role).first() or directory.position_create(
        actor=None, office=office, title={"ar": "منصب", "ckb": "پۆست", "en": f"{role} post"}, role=role
    )
    directory.membership_grant(actor=None, user=user, position=position)


def _sessions(users: list[Any], *, staff: bool = False) -> list[str]:
    """Signed-in sessions, as the sign-in views leave them."""
    from django.contrib.sessions.models import Session

    from diwan.accounts.middleware import SESSION_EPOCH, SESSION_SEEN, SESSION_STARTED
    from diwan.accounts.sessions import SessionStore
    from diwan.core import clock
    from diwan.core.access import MFA_SESSION_KEY

    now = int(clock.now().timestamp())
    expires = clock.now() + __import__("datetime").timedelta(days=1)
    rows, keys = [], []
    for user in users:
        data: dict[str, Any] = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "diwan.accounts.backends.DiwanBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
            SESSION_EPOCH: user.session_epoch,
        }
        if staff:
            data.update({MFA_SESSION_KEY: now, SESSION_STARTED: now, SESSION_SEEN: now})
        store = SessionStore()
        key = store._get_new_session_key()
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys.append(key)
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def _clone(application_id: int, office_id: int, copies: int, prefix: str) -> None:
    """`copies` more open files like `application_id` in `office_id`: INSERT ... SELECT from the real row
    (every column copied, so new columns need no change here), spread over 60 days of due dates and
    assigned round-robin to the office's case officers."""
    from django.db import connection

    from diwan.applications.models import Application
    from diwan.casework.models import Task

    def columns(model: Any) -> list[str]:
        return [f.column for f in model._meta.concrete_fields if not f.primary_key]

    app_columns = columns(Application)
    overrides = {
        "tracking_number": f"'{prefix}' || lpad(g::text, 9, '0')",
        "start_token": "NULL",
        "submitted_at": "t.submitted_at - (g %% 50) * interval '1 day'",
        "updated_at": "t.updated_at - (g %% 50) * interval '1 day'",
    }
    select = ", ".join(overrides.get(c, f"t.{c}") for c in app_columns)
    task_columns = columns(Task)
    officers = (
        "(SELECT array_agg(m.user_id ORDER BY m.user_id) FROM directory_membership m "
        "JOIN directory_position p ON p.id = m.position_id WHERE p.office_id = %(office)s "
        "AND p.role = 'case_officer')"
    )
    task_overrides = {
        "application_id": "a.id",
        "due_date": "t.due_date + ((a.id %% 60)::int - 20)",
        "opened_at": "t.opened_at - (a.id %% 50) * interval '1 day'",
        "assignee_id": f"({officers})[1 + a.id %% 3]",
    }
    task_select = ", ".join(task_overrides.get(c, f"t.{c}") for c in task_columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO applications_application ({', '.join(app_columns)}) "  # noqa: S608 (bench: own SQL)
            f"SELECT {select} FROM applications_application t, generate_series(1, %(n)s) g "
            "WHERE t.id = %(app)s",
            {"n": copies, "app": application_id},
        )
        cursor.execute(
            f"INSERT INTO casework_task ({', '.join(task_columns)}) "  # noqa: S608 (bench: own SQL)
            f"SELECT {task_select} FROM casework_task t, applications_application a "
            "WHERE t.application_id = %(app)s AND t.kind = 'stage' AND a.tracking_number LIKE %(prefix)s",
            {"app": application_id, "prefix": f"{prefix}%", "office": office_id},
        )
        cursor.execute("ANALYZE applications_application")
        cursor.execute("ANALYZE casework_task")


def main(output: Path, drafts: int) -> None:
    _setup()
    from django.conf import settings
    from django.db import connections, transaction

    from diwan.applications import actions as applying
    from diwan.casework.calendar import holidays_load
    from diwan.catalogue.actions import catalogue_sync
    from diwan.demo.loader import LoadReport, load_directory
    from diwan.directory.models import Office

    started = time.monotonic()
    with transaction.atomic():
        load_directory(LoadReport())
        catalogue_sync(actor=None)
        for path in sorted((settings.BASE_DIR / "calendars").glob("iraq-*.yaml")):
            holidays_load(actor=None, path=path)
        baghdad = Office.objects.get(agency__code="MOI", code="PASS-BGD")
        for n in range(6):
            _grant(_official(f"bench.officer{n}", f"موظف {n}"), baghdad, "case_officer")
        for n in range(2):
            _grant(_official(f"bench.reviewer{n}", f"مدقق {n}"), baghdad, "reviewer")
            _grant(_official(f"bench.approver{n}", f"مدير {n}"), baghdad, "approver")
        inbox_official = _official("bench.inbox", "موظف الوارد")
        small = Office.objects.get(agency__code="MOI", code="PASS-BSR")
        big = Office.objects.get(agency__code="MOI", code="PASS-NIN")
        for office in (small, big):
            _grant(inbox_official, office, "case_officer")
            for n in range(2):
                _grant(_official(f"bench.{office.code.lower()}.{n}", f"موظف {n}"), office, "case_officer")
        citizens = _citizens(drafts, "BGD", 1)
        mine = _citizens(1, "BGD", drafts + 1)[0]
        basra = _citizens(1, "BSR", drafts + 2)[0]
        nineveh = _citizens(1, "NIN", drafts + 3)[0]
    print(f"seed: directory, staff, citizens in {time.monotonic() - started:.1f} s", file=sys.stderr)

    # Drafts through the actions, two processes side by side (the machine has two cores).
    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    ids = [u.pk for u in citizens]
    halves = [ids[0::2], ids[1::2]]
    workers = [context.Process(target=_drafts_worker, args=(half, queue)) for half in halves]
    for worker in workers:
        worker.start()
    made = [pair for _ in workers for pair in queue.get(timeout=600)]
    for worker in workers:
        worker.join(timeout=60)
    print(f"seed: {len(made)} drafts in {time.monotonic() - started:.1f} s", file=sys.stderr)

    for _ in range(MY_APPLICATIONS):
        applying.application_submit(actor=mine, application_id=complete_draft(mine).pk)
    small_app = applying.application_submit(actor=basra, application_id=complete_draft(basra).pk)
    big_app = applying.application_submit(actor=nineveh, application_id=complete_draft(nineveh).pk)
    with transaction.atomic():
        _clone(small_app.pk, small.pk, SMALL_INBOX - 1, "BS")
        _clone(big_app.pk, big.pk, BIG_INBOX - 1, "BN")
    print(f"seed: inboxes in {time.monotonic() - started:.1f} s", file=sys.stderr)

    by_user = dict(made)
    keys = _sessions(citizens)
    document = {
        "drafts": [[by_user[user.pk], key] for user, key in zip(citizens, keys, strict=True)],
        "my_session": _sessions([mine])[0],
        "staff_session": _sessions([inbox_official], staff=True)[0],
        "inbox": {"small": small.pk, "big": big.pk},
    }
    output.write_text(json.dumps(document))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
