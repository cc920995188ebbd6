"""Public reads of the catalogue (every service is public; only published versions are shown)."""

from __future__ import annotations

from django.db.models import QuerySet

from diwan.catalogue.actions import route
from diwan.catalogue.models import Service, ServiceVersion
from diwan.catalogue.normalise import normalise
from diwan.core.errors import NotFound
from diwan.directory.models import Office


def public_services(
    *, agency: str | None = None, life_event: str | None = None, q: str | None = None
) -> QuerySet[Service]:
    """Published services, filtered by agency code, life event and a search over the normalised
    titles and summaries in all three languages (one icontains on an indexed-free text column)."""
    services = Service.objects.filter(current_version__isnull=False).select_related(
        "agency", "current_version"
    )
    if agency:
        services = services.filter(agency__code=agency)
    if life_event:
        services = services.filter(current_version__life_events__contains=f"|{life_event}|")
    needle = normalise(q or "")
    if needle:
        services = services.filter(current_version__search_text__icontains=needle)
    return services.order_by("agency__code", "code")


def public_service(code: str) -> Service:
    service = public_services().filter(code=code).first()
    if service is None:
        raise NotFound()
    return service


def current(service: Service) -> ServiceVersion:
    version = service.current_version
    if version is None:  # public_services() only returns published services
        raise NotFound()
    return version


def responsible_office(service: Service, governorate: str) -> Office | None:
    """The office that handles an applicant from `governorate` (None: not offered there)."""
    target = route(current(service).definition, governorate, service.agency.code)
    if target is None:
        return None
    return Office.objects.filter(agency__code=target[0], code=target[1]).select_related("agency").first()


def fixed_office(service: Service) -> Office | None:
    definition = current(service).definition
    if definition["routing"]["by"] != "fixed":
        return None
    return Office.objects.filter(agency=service.agency, code=definition["routing"]["office"]).first()
