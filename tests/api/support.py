"""Helpers for the API tests: the demo directory and real services, officials of the Baghdad civil
status office, a signed-in citizen, and applications built through the domain actions.

Also `check_response`: every JSON answer is checked against the committed OpenAPI document
(docs/api/openapi.json), so a response that drifts from the contract fails the test.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from diwan.accounts.models import User
from diwan.applications import actions as applications
from diwan.applications.forms import page_form
from diwan.applications.models import Application
from diwan.casework.models import Task
from diwan.core import clock
from diwan.core.access import MFA_SESSION_KEY
from diwan.directory import actions as directory
from diwan.directory.models import Office
from diwan.directory.roles import Role

SERVICE = "civil-status-record-copy"
OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64

# The answers a Baghdad citizen gives, page by page, and the documents each page needs.
PAGES: dict[str, dict[str, Any]] = {
    "applicant": {
        "full_name": "زينب علي حسين الجبوري",
        "national_id": "199001234567",
        "phone": "07701234567",
        "governorate": "BGD",
    },
    "record": {"whose_record": "self", "record_number": "", "copies": 1},
    "documents": {},
    "declaration": {"declaration": True},
}
DOCUMENTS: dict[str, list[str]] = {"documents": ["national_card"]}
COMPANY = "company-registration"  # has a consultation with the criminal records directorate
COMPANY_PAGES: dict[str, dict[str, Any]] = {
    "applicant": PAGES["applicant"],
    "company": {
        "company_name": "Rafidain Trading",
        "company_type": "llc",
        "capital_iqd": 5000000,
        "activity": "Import and sale of building materials",
        "head_office": "Karrada, Baghdad",
        "company_email": "office@rafidain.example",
    },
    "documents": {},
    "declaration": {"declaration": True},
}
COMPANY_DOCUMENTS = {"documents": ["memorandum", "name_reservation", "capital_receipt"]}


def pdf(name: str = "card.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def text(en: str) -> dict[str, str]:
    return {"ar": f"{en} بالعربية", "ckb": f"{en} بە کوردی", "en": en}


_staff_count = 0


def make_official(office: Office, *roles: str, username: str | None = None) -> User:
    global _staff_count
    _staff_count += 1
    user = User.objects.create_user(
        username or f"official{_staff_count}", kind="staff", full_name_ar=f"موظف {_staff_count}"
    )
    for role in roles:
        position = directory.position_create(actor=None, office=office, title=text(f"{role} post"), role=role)
        directory.membership_grant(actor=None, user=user, position=position)
    return user


@dataclass
class Bureau:
    """The Baghdad civil status office (where civil-status-record-copy is routed for BGD) and Basra's."""

    office: Office
    other_office: Office
    officer: User  # case officer: every first stage is assigned to them (the only one)
    approver: User  # approver: the second stage, and the office's supervisor
    clerk: User  # registry clerk of the office: sees the inbox, holds no stage role
    outsider: User  # case officer of the Basra office
    admin: User  # agency administrator only: no casework role
    integrity: User  # integrity officer of the ministry (headquarters)


def bureau() -> Bureau:
    office = Office.objects.get(agency__code="MOI", code="CS-BGD")
    other = Office.objects.get(agency__code="MOI", code="CS-BSR")
    return Bureau(
        office=office,
        other_office=other,
        officer=make_official(office, Role.CASE_OFFICER, username="officer"),
        approver=make_official(office, Role.APPROVER, username="approver"),
        clerk=make_official(office, Role.REGISTRY_CLERK, username="clerk"),
        outsider=make_official(other, Role.CASE_OFFICER, username="outsider"),
        admin=make_official(office, Role.AGENCY_ADMIN, username="admin"),
        integrity=make_official(
            Office.objects.get(agency__code="MOI", code="HQ"), Role.INTEGRITY_OFFICER, username="integrity"
        ),
    )


@dataclass
class Registry:
    """The companies registrar (company-registration) and the criminal records directorate it consults."""

    officer: User
    consulted: User  # case officer of the criminal records directorate


def registry() -> Registry:
    return Registry(
        officer=make_official(Office.objects.get(agency__code="MOT", code="CRD"), Role.CASE_OFFICER),
        consulted=make_official(
            Office.objects.get(agency__code="IQ-POLICE", code="CRIM-REC"), Role.CASE_OFFICER
        ),
    )


def sign_in_citizen(client: Client, citizen: User) -> Client:
    client.force_login(citizen, backend="diwan.accounts.backends.DiwanBackend")
    session = client.session
    session["diwan_epoch"] = citizen.session_epoch
    session.save()
    return client


def sign_in_official(client: Client, user: User, *, mfa: bool = True) -> Client:
    """A staff session; with `mfa`, one that completed the TOTP step (the flow itself is tested by
    accounts)."""
    client.force_login(user)
    if mfa:
        session = client.session
        session[MFA_SESSION_KEY] = int(clock.now().timestamp())
        session.save()
    return client


def draft(
    citizen: User,
    *,
    pages: tuple[str, ...] | None = None,
    service: str = SERVICE,
) -> Application:
    """A draft with the given pages (default: all) answered and their documents uploaded."""
    answers, documents = (COMPANY_PAGES, COMPANY_DOCUMENTS) if service == COMPANY else (PAGES, DOCUMENTS)
    application = applications.draft_start(actor=citizen, service_code=service, start_token=None)
    for key in pages if pages is not None else tuple(answers):
        for field in documents.get(key, []):
            applications.attachment_add(
                actor=citizen, application=application, field_name=field, upload=pdf(f"{field}.pdf")
            )
        # Cleaned by the page's form, as the portal and the API do.
        form = page_form(
            application.definition,
            key,
            answers=application.answers,
            data=answers[key],
            files={},
            attached=applications.attached_fields(application),
        )
        assert form.is_valid(), form.errors
        application = applications.draft_save_page(
            actor=citizen, application_id=application.pk, page_key=key, answers=form.cleaned_answers()
        )
    application.refresh_from_db()
    return application


def submitted(citizen: User, *, service: str = SERVICE) -> Application:
    application = draft(citizen, service=service)
    return applications.application_submit(actor=citizen, application_id=application.pk)


def open_task(application: Application, kind: str = "stage") -> Task:
    return Task.objects.get(application=application, status="open", kind=kind)


def call(client: Client, method: str, path: str, body: Any = None, **extra: Any) -> tuple[Any, Any]:
    """One API request, its answer checked against the committed OpenAPI document: (response, JSON)."""
    send = getattr(client, method.lower())
    if body is None:
        response = send(path, **extra)
    elif isinstance(body, dict) and any(hasattr(v, "read") for v in body.values()):
        response = send(path, body, **extra)  # multipart
    else:
        response = send(path, json.dumps(body), content_type="application/json", **extra)
    return response, check_response(method, path, response)


# --- the contract -----------------------------------------------------------------------------------


@functools.cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(OPENAPI.read_text())
    return document


def _operation(method: str, path: str) -> dict[str, Any]:
    path = path.split("?", 1)[0]
    for template, operations in _document()["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return dict(operations[method.lower()])
    raise AssertionError(f"{method} {path} is not in docs/api/openapi.json (run `make openapi`)")


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = _document()["components"]["schemas"][name]
    return schema


_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def _errors(schema: dict[str, Any], value: Any, where: str) -> list[str]:
    """A JSON Schema check of the subset ninja/pydantic emit (types, properties, required, items,
    anyOf, enum, const, additionalProperties, formats of dates)."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        options = [_errors(option, value, where) for option in schema["anyOf"]]
        return [] if any(not found for found in options) else [f"{where}: matches no anyOf option"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} not in {schema['enum']}"]
    if "const" in schema and value != schema["const"]:
        return [f"{where}: {value!r} is not {schema['const']!r}"]
    kind = schema.get("type")
    if kind is None:
        return []
    kinds = kind if isinstance(kind, list) else [kind]
    if not any(
        isinstance(value, _TYPES[k]) and not (k in {"integer", "number"} and isinstance(value, bool))
        for k in kinds
    ):
        return [f"{where}: {value!r} is not {kind}"]
    found: list[str] = []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        found += [f"{where}.{name}: missing" for name in schema.get("required", []) if name not in value]
        for name, item in value.items():
            if name in properties:
                found += _errors(properties[name], item, f"{where}.{name}")
            elif schema.get("additionalProperties") is False or (
                properties and "additionalProperties" not in schema
            ):
                found.append(f"{where}.{name}: not in the schema")
            elif isinstance(schema.get("additionalProperties"), dict):
                found += _errors(schema["additionalProperties"], item, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += _errors(schema["items"], item, f"{where}[{index}]")
    if (
        isinstance(value, str)
        and schema.get("format") == "date"
        and not re.match(r"^\d{4}-\d\d-\d\d$", value)
    ):
        found.append(f"{where}: {value!r} is not a date")
    if (
        isinstance(value, str)
        and schema.get("format") == "date-time"
        and not re.match(r"^\d{4}-\d\d-\d\dT", value)
    ):
        found.append(f"{where}: {value!r} is not a date-time")
    return found


def check_response(method: str, path: str, response: Any) -> Any:
    """Fail unless the response's status is documented for the operation and its JSON body matches the
    documented schema. Returns the parsed body (or None for a non-JSON answer such as a download)."""
    operation = _operation(method, path)
    status = str(response.status_code)
    documented = operation.get("responses", {})
    assert status in documented, f"{method} {path}: status {status} not documented ({sorted(documented)})"
    content = documented[status].get("content", {})
    if "application/json" not in content:
        return None
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    problems = _errors(content["application/json"]["schema"], body, "body")
    assert not problems, f"{method} {path} {status}: " + "; ".join(problems[:10])
    return body
