"""/api/v1/catalogue/: the public service catalogue (current published version of every service)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from diwan.api.security import api_policy
from diwan.catalogue import selectors
from diwan.catalogue.models import Service
from diwan.core.access import PUBLIC
from diwan.core.errors import DiwanError

router = Router(tags=["catalogue"])


class TranslatedText(Schema):
    ar: str
    ckb: str
    en: str


class ServiceOut(Schema):
    code: str
    agency: str = Field(description="Code of the owning agency, e.g. MOI")
    version: int = Field(description="Number of the current published version")
    title: TranslatedText
    summary: TranslatedText
    fee_iqd: int | None = Field(description="Official fee in Iraqi dinars; null or 0: free")
    legal_time_limit_days: int = Field(description="Legal time limit in working days")
    life_events: list[str]


class FieldOut(Schema):
    name: str
    type: str
    label: TranslatedText
    required: bool
    conditional: bool = Field(description="Shown only when an earlier answer matches (show_if)")


class PageOut(Schema):
    key: str
    title: TranslatedText
    fields: list[FieldOut]


class StageOut(Schema):
    key: str
    name: TranslatedText
    role: str
    time_limit_days: int
    actions: list[str]
    consultations: int = Field(description="Number of offices consulted in parallel at this stage")


class ServiceDetailOut(ServiceOut):
    eligibility: TranslatedText
    documents: list[TranslatedText]
    routing: str = Field(description="governorate (office depends on the applicant's governorate) or fixed")
    not_offered_in: list[str] = Field(description="Governorate codes where the service is not offered")
    pages: list[PageOut]
    stages: list[StageOut]
    output_title: TranslatedText


def _service(service: Service) -> dict[str, Any]:
    version = selectors.current(service)
    d = version.definition
    return {
        "code": service.code,
        "agency": service.agency.code,
        "version": version.number,
        "title": d["title"],
        "summary": d["summary"],
        "fee_iqd": d.get("fee_iqd"),
        "legal_time_limit_days": d["legal_time_limit_days"],
        "life_events": d.get("life_events", []),
    }


@router.get("/services", response=list[ServiceOut], summary="Published services")
@api_policy(PUBLIC)
def services(
    request: HttpRequest, agency: str | None = None, life_event: str | None = None, q: str | None = None
) -> list[dict[str, Any]]:
    """Filter by agency code, life event, and `q`: a search over titles and summaries in Arabic, Kurdish
    and English, insensitive to hamza forms, taa marbuta, alef maqsura, diacritics and digit forms."""
    return [_service(s) for s in selectors.public_services(agency=agency, life_event=life_event, q=q)]


@router.get("/services/{code}", response=ServiceDetailOut, summary="One service (current version)")
@api_policy(PUBLIC)
def service(request: HttpRequest, code: str) -> dict[str, Any]:
    try:
        found = selectors.public_service(code)
    except DiwanError as error:
        raise HttpError(error.status, str(error.message)) from error
    d = selectors.current(found).definition
    return {
        **_service(found),
        "eligibility": d["eligibility"],
        "documents": d.get("documents", []),
        "routing": d["routing"]["by"],
        "not_offered_in": d["routing"].get("not_offered_in", []),
        "pages": [
            {
                "key": page["key"],
                "title": page["title"],
                "fields": [
                    {
                        "name": f["name"],
                        "type": f["type"],
                        "label": f["label"],
                        "required": f.get("required", True),
                        "conditional": "show_if" in f,
                    }
                    for f in page["fields"]
                ],
            }
            for page in d["form"]["pages"]
        ],
        "stages": [
            {
                "key": s["key"],
                "name": s["name"],
                "role": s["role"],
                "time_limit_days": s["time_limit_days"],
                "actions": s["actions"],
                "consultations": len(s.get("consultations", [])),
            }
            for s in d["workflow"]["stages"]
        ],
        "output_title": d["output"]["title"],
    }
