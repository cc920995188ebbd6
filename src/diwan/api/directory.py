"""/api/v1/directory/: the public organisation directory (agencies, offices, signing keys) and, for
directory administrators, creating offices. Names are {ar, ckb, en}; no personal data is published."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from diwan.api.security import api_policy
from diwan.core.access import PUBLIC, staff
from diwan.core.errors import DiwanError
from diwan.directory import actions, selectors
from diwan.directory.models import Agency, Office
from diwan.directory.roles import Role

router = Router(tags=["directory"])

DIRECTORY_ADMINS = staff(Role.AGENCY_ADMIN, Role.COORDINATION_ADMIN)


class TranslatedText(Schema):
    ar: str
    ckb: str
    en: str


class AgencyOut(Schema):
    code: str
    name: TranslatedText
    kind: str = Field(
        description="federal_ministry, independent_body, krg_ministry, governorate_office, "
        "coordination_body, judiciary or law_enforcement"
    )
    parent: str | None = Field(description="Code of the parent agency")
    is_judiciary: bool
    is_law_enforcement: bool


class OfficeOut(Schema):
    id: int
    code: str
    name: TranslatedText
    governorate: str = Field(description="Governorate code, e.g. BGD")
    parent: int | None = Field(description="Id of the parent office")


class SigningKeyOut(Schema):
    key_id: str
    algorithm: str = "Ed25519"
    public_key: str = Field(description="Raw 32-byte public key, base64")
    valid_from: dt.datetime
    valid_to: dt.datetime | None


class OfficeIn(Schema):
    code: str = Field(max_length=40)
    name: TranslatedText
    governorate: str = Field(max_length=3)
    parent: int | None = None


def _agency(agency: Agency) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "kind": agency.kind,
        "parent": agency.parent.code if agency.parent else None,
        "is_judiciary": agency.is_judiciary,
        "is_law_enforcement": agency.is_law_enforcement,
    }


def _office(office: Office) -> dict[str, Any]:
    return {
        "id": office.pk,
        "code": office.code,
        "name": office.name,
        "governorate": office.governorate,
        "parent": office.parent_id,
    }


def _public_agency(code: str) -> Agency:
    try:
        return selectors.public_agency(code)
    except DiwanError as error:
        raise HttpError(error.status, str(error.message)) from error


@router.get("/agencies", response=list[AgencyOut], summary="All agencies")
@api_policy(PUBLIC)
def agencies(request: HttpRequest) -> list[dict[str, Any]]:
    return [_agency(a) for a in selectors.public_agencies()]


@router.get("/agencies/{code}", response=AgencyOut, summary="One agency")
@api_policy(PUBLIC)
def agency(request: HttpRequest, code: str) -> dict[str, Any]:
    return _agency(_public_agency(code))


@router.get("/agencies/{code}/offices", response=list[OfficeOut], summary="The offices of an agency")
@api_policy(PUBLIC)
def offices(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    return [_office(o) for o in selectors.public_offices(_public_agency(code))]


@router.get(
    "/agencies/{code}/signing-keys", response=list[SigningKeyOut], summary="The agency's signing keys"
)
@api_policy(PUBLIC)
def signing_keys(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    return [
        {
            "key_id": k.key_id,
            "public_key": k.public_key,
            "valid_from": k.valid_from,
            "valid_to": k.valid_to,
        }
        for k in selectors.public_signing_keys(_public_agency(code))
    ]


@router.post(
    "/agencies/{code}/offices", response={201: OfficeOut}, summary="Create an office (agency administrators)"
)
@api_policy(DIRECTORY_ADMINS)
def office_create(request: HttpRequest, code: str, payload: OfficeIn) -> Status[dict[str, Any]]:
    try:
        agency = selectors.access_agency_for(request.user, code)
        parent = selectors.access_office_for(request.user, payload.parent) if payload.parent else None
        office = actions.office_create(
            actor=request.user,
            agency=agency,
            code=payload.code,
            name=payload.name.model_dump(),
            governorate=payload.governorate,
            parent=parent,
        )
    except DiwanError as error:
        raise HttpError(error.status, str(error.message)) from error
    return Status(201, _office(office))
