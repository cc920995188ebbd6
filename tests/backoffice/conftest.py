"""A small office for the staff casework pages: the police criminal-records office (where the certificate
of good conduct is routed) with one case officer, one reviewer and one approver (so rotation is
predictable), the integrity officer of the police, an official of another ministry's office, an auditor,
and a citizen's submitted application — all built through the actions, as the demo loader does."""

from __future__ import annotations

import itertools
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from diwan.accounts.models import User
from diwan.applications import actions as applying
from diwan.applications.models import Application
from diwan.casework.models import Task, TaskStatus
from diwan.catalogue.actions import catalogue_sync, services_dir
from diwan.core import clock
from diwan.core.access import MFA_SESSION_KEY
from diwan.directory import actions as directory
from diwan.directory.models import Agency, AgencyKind, Office
from diwan.directory.roles import Role

SERVICE = "good-conduct-certificate"
_numbers = itertools.count(1)


def text(en: str) -> dict[str, str]:
    return {"ar": f"{en} بالعربية", "ckb": f"{en} بە کوردی", "en": en}


def png_bytes() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def make_official(office: Office, *roles: Role, national_id: str = "") -> User:
    n = next(_numbers)
    user = User.objects.create_user(f"official{n}", kind="staff", full_name_ar=f"موظف رقم {n}")
    if national_id:
        user.set_national_id(national_id)
        user.save()
    for role in roles:
        position = directory.position_create(actor=None, office=office, title=text(f"{role} post"), role=role)
        directory.membership_grant(actor=None, user=user, position=position)
    return user


def make_citizen(national_id: str | None = None) -> User:
    n = next(_numbers)
    user = User(
        kind="citizen", phone=f"+96477{n:08d}", full_name_ar="زينب حسن علي الجبوري", governorate="BGD"
    )
    user.set_national_id(national_id or f"1990{n:08d}")
    user.set_unusable_password()
    user.save()
    return user


def tracking(application: Application) -> str:
    assert application.tracking_number, "a submitted application has a tracking number"
    return application.tracking_number


def sign_in_staff(client: Client, user: User) -> Client:
    """A staff session that has completed MFA (the sign-in flow itself is tested by accounts)."""
    client.force_login(user)
    session = client.session
    session[MFA_SESSION_KEY] = int(clock.now().timestamp())
    session.save()
    return client


@dataclass
class Desk:
    police: Agency
    office: Office  # criminal records: the service's office
    other_office: Office  # a civil-status office of another ministry (consulted at the approval stage)
    officer: User
    reviewer: User
    approver: User
    integrity: User
    outsider: User  # a case officer of the other office
    auditor: User
    citizen: User

    def submit(self, citizen: User | None = None, *, national_id: str | None = None) -> Application:
        """A complete application by `citizen` (default: the desk's), submitted; `national_id` is the
        number written in the form (default: the citizen's own)."""
        citizen = citizen or self.citizen
        draft = applying.draft_start(actor=citizen, service_code=SERVICE)
        pages: dict[str, dict[str, Any]] = {
            "applicant": {
                "full_name": citizen.full_name_ar,
                "national_id": national_id or citizen.national_id,
                "phone": citizen.phone,
                "governorate": "BGD",
            },
            "purpose": {"purpose": "employment"},
            "declaration": {"declaration": True},
        }
        for page, answers in pages.items():
            applying.draft_save_page(actor=citizen, application_id=draft.pk, page_key=page, answers=answers)
        for field, name, content in (
            ("national_card", "card.pdf", pdf_bytes()),
            ("photo", "photo.png", png_bytes()),
        ):
            applying.attachment_add(
                actor=citizen,
                application=draft,
                field_name=field,
                upload=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
            )
        return applying.application_submit(actor=citizen, application_id=draft.pk)

    def task(self, application: Application, stage: str, **extra: Any) -> Task:
        found = Task.objects.filter(application=application, stage_key=stage, **extra).order_by("-id").first()
        assert found is not None, f"no {stage} task"
        return found

    def open_task(self, application: Application) -> Task:
        return Task.objects.get(application=application, kind="stage", status=TaskStatus.OPEN)


def services_with_consultation(target: Path) -> Path:
    """The real certificate of good conduct, with a consultation of the other office at the approval
    stage (so the consultation form has something to answer)."""
    target.mkdir()
    source = services_dir() / f"{SERVICE}.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    approval = next(s for s in data["workflow"]["stages"] if s["key"] == "approval")
    approval["consultations"] = [
        {
            "agency": "MOI",
            "office": "CS-BGD",
            "question": text("Does the civil status record match?"),
            "time_limit_days": 2,
        }
    ]
    (target / f"{SERVICE}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


@pytest.fixture
def desk(db: Any, tmp_path: Path) -> Desk:
    police = directory.agency_create(
        actor=None, code="IQ-POLICE", name=text("Iraqi Police"), kind=AgencyKind.LAW_ENFORCEMENT
    )
    moi = directory.agency_create(
        actor=None, code="MOI", name=text("Ministry of Interior"), kind=AgencyKind.FEDERAL_MINISTRY
    )
    fbsa = directory.agency_create(
        actor=None, code="FBSA", name=text("Federal Board of Supreme Audit"), kind=AgencyKind.INDEPENDENT_BODY
    )

    def office(agency: Agency, code: str) -> Office:
        return directory.office_create(
            actor=None, agency=agency, code=code, name=text(f"{code} office"), governorate="BGD"
        )

    records = office(police, "CRIM-REC")
    police_hq = office(police, "HQ")
    civil = office(moi, "CS-BGD")
    catalogue_sync(actor=None, directory=services_with_consultation(tmp_path / "services"))
    return Desk(
        police=police,
        office=records,
        other_office=civil,
        officer=make_official(records, Role.CASE_OFFICER),
        reviewer=make_official(records, Role.REVIEWER),
        approver=make_official(records, Role.APPROVER),
        integrity=make_official(police_hq, Role.INTEGRITY_OFFICER),
        outsider=make_official(civil, Role.CASE_OFFICER),
        auditor=make_official(office(fbsa, "HQ"), Role.AUDITOR),
        citizen=make_citizen(),
    )
