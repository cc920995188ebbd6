"""A living corner of the demo directory for casework tests: the police criminal-records office (where the
good-conduct certificate is routed) with two case officers, a reviewer and an approver, and a citizen's
complete application to submit."""

from __future__ import annotations

import itertools
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from diwan.accounts.models import User
from diwan.applications import actions as applying
from diwan.applications.models import Application
from diwan.catalogue.actions import catalogue_sync
from diwan.demo.loader import LoadReport, load_directory
from diwan.directory import actions as directory
from diwan.directory.models import Office
from diwan.directory.roles import Role

SERVICE = "good-conduct-certificate"
_numbers = itertools.count(1)


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


def make_citizen(national_id: str | None = None, **extra: Any) -> User:
    n = next(_numbers)
    user = User(
        kind="citizen",
        phone=f"+96477{n:08d}",
        full_name_ar="زينب حسن علي الجبوري",
        governorate="BGD",
        **extra,
    )
    user.set_national_id(national_id or f"1990{n:08d}")
    user.set_unusable_password()
    user.save()
    return user


def make_official(office: Office, *roles: Role, national_id: str = "") -> User:
    n = next(_numbers)
    user = User.objects.create_user(f"official{n}", kind="staff", full_name_ar=f"موظف رقم {n}")
    if national_id:
        user.set_national_id(national_id)
        user.save()
    for role in roles:
        position = directory.position_create(
            actor=None, office=office, title={"ar": "منصب", "ckb": "پۆست", "en": f"{role} post"}, role=role
        )
        directory.membership_grant(actor=None, user=user, position=position)
    return user


@dataclass
class Desk:
    office: Office
    officer_a: User
    officer_b: User
    reviewer: User
    approver: User


def set_up_desk() -> Desk:
    load_directory(LoadReport())
    catalogue_sync(actor=None)
    office = Office.objects.get(agency__code="IQ-POLICE", code="CRIM-REC")
    return Desk(
        office=office,
        officer_a=make_official(office, Role.CASE_OFFICER),
        officer_b=make_official(office, Role.CASE_OFFICER),
        reviewer=make_official(office, Role.REVIEWER),
        approver=make_official(office, Role.APPROVER),
    )


def answers_for(citizen: User) -> dict[str, dict[str, Any]]:
    return {
        "applicant": {
            "full_name": citizen.full_name_ar,
            "national_id": citizen.national_id,
            "phone": citizen.phone,
            "governorate": "BGD",
        },
        "purpose": {"purpose": "employment"},
        "declaration": {"declaration": True},
    }


def complete_draft(citizen: User) -> Application:
    draft = applying.draft_start(actor=citizen, service_code=SERVICE)
    for page, answers in answers_for(citizen).items():
        applying.draft_save_page(actor=citizen, application_id=draft.pk, page_key=page, answers=answers)
    applying.attachment_add(
        actor=citizen,
        application=draft,
        field_name="national_card",
        upload=SimpleUploadedFile("card.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    applying.attachment_add(
        actor=citizen,
        application=draft,
        field_name="photo",
        upload=SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png"),
    )
    return draft


def submitted(citizen: User) -> Application:
    draft = complete_draft(citizen)
    return applying.application_submit(actor=citizen, application_id=draft.pk)
