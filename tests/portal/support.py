"""Helpers for the citizen application pages: the good-conduct certificate answered over HTTP."""

from __future__ import annotations

import itertools
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from diwan.accounts.models import User
from diwan.applications.models import Application
from diwan.directory import actions as directory
from diwan.directory.models import Office

SERVICE = "good-conduct-certificate"
BASE = "/en/me/applications/"
START = f"{BASE}start/{SERVICE}/"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"

APPLICANT = {
    "full_name": "أحمد كريم جاسم العبيدي",
    "national_id": "199500000001",
    "phone": "0780 111 2233",
    "governorate": "BGD",
}
PURPOSE = {"purpose": "employment"}
DECLARATION = {"declaration": "on"}

_counter = itertools.count(1)


def pdf(name: str = "card.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def documents() -> dict[str, Any]:
    return {"national_card": pdf(), "photo": jpeg()}


def sign_in_citizen(client: Client, citizen: User) -> Client:
    client.force_login(citizen, backend="diwan.accounts.backends.DiwanBackend")
    return client


def make_official(*roles: str) -> User:
    """A member of the criminal records directory (where the good-conduct certificate is routed)."""
    office = Office.objects.get(agency__code="IQ-POLICE", code="CRIM-REC")
    number = next(_counter)
    user = User.objects.create_user(f"official{number}", kind="staff", full_name_ar=f"موظف {number}")
    for role in roles:
        title = {"ar": f"{role} ع", "ckb": f"{role} ک", "en": role}
        position = directory.position_create(actor=None, office=office, title=title, role=role)
        directory.membership_grant(actor=None, user=user, position=position)
    return user


def start(client: Client) -> Application:
    """Open the start page and press Start: the new draft."""
    page = client.get(START)
    assert page.status_code == 200, page.content.decode()[:2000]
    token = re.search(r'name="start_token" value="([0-9a-f-]+)"', page.content.decode())
    assert token
    response = client.post(START, {"start_token": token.group(1)})
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.order_by("-id").first()
    assert application is not None
    assert response["Location"] == page_url(application, "applicant")
    return application


def page_url(application: Application, key: str) -> str:
    return f"{BASE}{application.pk}/page/{key}/"


def check_url(application: Application) -> str:
    return f"{BASE}{application.pk}/check/"


def detail_url(application: Application) -> str:
    return f"{BASE}{application.pk}/"


def answer(client: Client, application: Application, key: str, data: dict[str, Any]) -> Any:
    return client.post(page_url(application, key), data)


def fill_in(client: Client, application: Application) -> None:
    """Answer every page of the good-conduct certificate, documents included."""
    steps = [
        ("applicant", APPLICANT, page_url(application, "purpose")),
        ("purpose", PURPOSE, page_url(application, "documents")),
        ("documents", documents(), page_url(application, "declaration")),
        ("declaration", DECLARATION, check_url(application)),
    ]
    for key, data, then in steps:
        response = answer(client, application, key, data)
        assert response.status_code == 302, (key, response.content.decode()[:3000])
        assert response["Location"] == then


def submit(client: Client, application: Application) -> Application:
    response = client.post(check_url(application))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"{BASE}{application.pk}/submitted/"
    application.refresh_from_db()
    return application
