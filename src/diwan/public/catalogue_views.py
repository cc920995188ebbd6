"""The public service catalogue: browse by agency and life event, search, one page per service."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from diwan.catalogue import selectors
from diwan.catalogue.labels import LIFE_EVENT_LABELS
from diwan.catalogue.models import Service
from diwan.core.access import PUBLIC, policy
from diwan.core.errors import NotFound
from diwan.core.governorates import Governorate
from diwan.core.i18n import pick

MAX_QUERY = 100


def format_iqd(amount: int | None) -> str:
    if not amount:
        return _("Free")
    return _("%(amount)s Iraqi dinars") % {"amount": f"{amount:,}"}


def _card(service: Service) -> dict[str, Any]:
    version = selectors.current(service)
    return {
        "code": service.code,
        "title": version.title,
        "summary": version.summary,
        "fee": format_iqd(version.definition.get("fee_iqd")),
        "days": version.definition["legal_time_limit_days"],
    }


@policy(PUBLIC)
def service_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    life_event = request.GET.get("life_event", "")
    agency = request.GET.get("agency", "")
    if life_event and life_event not in LIFE_EVENT_LABELS:
        raise Http404
    services = list(selectors.public_services(agency=agency or None, life_event=life_event or None, q=q))
    groups = [
        {"agency": pick(key.name), "code": key.code, "services": [_card(s) for s in members]}
        for key, members in groupby(services, key=lambda s: s.agency)
    ]
    return render(
        request,
        "public/catalogue/list.html",
        {
            "q": q,
            "groups": groups,
            "count": len(services),
            "life_event": LIFE_EVENT_LABELS.get(life_event, ""),
            "filtered": bool(q or life_event or agency),
        },
    )


@policy(PUBLIC)
def life_events(request: HttpRequest) -> HttpResponse:
    events = [{"code": code, "label": label} for code, label in LIFE_EVENT_LABELS.items()]
    return render(request, "public/catalogue/life_events.html", {"events": events})


@policy(PUBLIC)
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        service = selectors.public_service(code)
    except NotFound as error:
        raise Http404 from error
    version = selectors.current(service)
    definition = version.definition
    governorate = request.GET.get("governorate", "")
    office = None
    offered = True
    if governorate:
        if governorate not in Governorate.values:
            raise Http404
        office = selectors.responsible_office(service, governorate)
        offered = office is not None
    else:
        office = selectors.fixed_office(service)
    stages = [
        {"name": pick(stage["name"]), "days": stage["time_limit_days"]}
        for stage in definition["workflow"]["stages"]
    ]
    return render(
        request,
        "public/catalogue/detail.html",
        {
            "service": service,
            "agency": pick(service.agency.name),
            "title": version.title,
            "summary": version.summary,
            "eligibility": version.text("eligibility"),
            "fee": format_iqd(definition.get("fee_iqd")),
            "documents": [pick(d) for d in definition.get("documents", [])],
            "days": definition["legal_time_limit_days"],
            "stages": stages,
            "by_governorate": definition["routing"]["by"] == "governorate",
            "governorates": Governorate.choices,
            "governorate": governorate,
            "governorate_label": Governorate(governorate).label if governorate else "",
            "office": pick(office.name) if office else "",
            "offered": offered,
            "life_events": [
                {"code": e, "label": LIFE_EVENT_LABELS[e]}
                for e in definition.get("life_events", [])
                if e in LIFE_EVENT_LABELS
            ],
            "version": version.number,
            "published_at": version.published_at,
        },
    )
