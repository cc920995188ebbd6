"""The one write path of the catalogue: `catalogue_sync` publishes services/*.yaml as service versions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from diwan.audit.actions import record_event
from diwan.catalogue.events import CatalogueEvent
from diwan.catalogue.models import Service, ServiceVersion
from diwan.catalogue.normalise import normalise
from diwan.catalogue.schema import (
    LoadedFile,
    Problem,
    ServiceDefinition,
    ServiceFileError,
    parse,
    read_file,
)
from diwan.core import clock
from diwan.core.governorates import Governorate
from diwan.core.i18n import LANGUAGES
from diwan.directory.models import Agency, Office


def services_dir() -> Path:
    return Path(getattr(settings, "DIWAN_SERVICES_DIR", settings.BASE_DIR / "services"))


@dataclass
class SyncResult:
    published: list[tuple[str, int]] = field(default_factory=list)  # (code, version number)
    unchanged: list[str] = field(default_factory=list)
    without_file: list[str] = field(default_factory=list)  # services in the database with no file any more


def canonical(definition: ServiceDefinition) -> dict[str, Any]:
    data: dict[str, Any] = definition.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data


def content_hash(data: dict[str, Any]) -> str:
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def search_text(data: dict[str, Any]) -> str:
    parts = [data["code"]]
    for key in ("title", "summary"):
        parts += [data[key][language] for language in LANGUAGES]
    return normalise(" ".join(parts))


def route(data: dict[str, Any], governorate: str, owning_agency: str) -> tuple[str, str] | None:
    """(agency code, office code) handling an applicant from `governorate`, or None if not offered there."""
    routing = data["routing"]
    if governorate in routing.get("not_offered_in", []):
        return None
    if routing["by"] == "fixed":
        return owning_agency, routing["office"]
    for exception in routing.get("exceptions", []):
        if governorate in exception["governorates"]:
            return exception["agency"], exception["office"].replace("{governorate}", governorate)
    return owning_agency, routing["office"].replace("{governorate}", governorate)


def load_files(directory: Path) -> list[tuple[LoadedFile, ServiceDefinition]]:
    """Read and validate every services/*.yaml; raise ServiceFileError with the problems of all files."""
    loaded: list[tuple[LoadedFile, ServiceDefinition]] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        name = f"{directory.name}/{path.name}"
        try:
            file = read_file(path, name)
            loaded.append((file, parse(file)))
        except ServiceFileError as error:
            problems += error.problems
    if problems:
        raise ServiceFileError(problems)
    return loaded


def check_directory(file: LoadedFile, definition: ServiceDefinition) -> list[Problem]:
    """References to the organisation directory: the agency, every routed office, stage and consultation
    offices. Routing must resolve for every governorate not listed in routing.not_offered_in."""
    problems: list[Problem] = []
    agencies = set(Agency.objects.values_list("code", flat=True))
    offices = {
        (agency, code): has_parent
        for agency, code, has_parent in Office.objects.values_list("agency__code", "code", "parent_id")
    }
    if definition.agency not in agencies:
        return [file.problem(("agency",), f"no agency {definition.agency!r} in the directory")]
    data = canonical(definition)
    missing: list[str] = []
    routed: list[tuple[str, str]] = []
    for governorate in Governorate.values:
        target = route(data, governorate, definition.agency)
        if target is None:
            continue
        if target not in offices:
            missing.append(f"{governorate} ({target[0]}/{target[1]})")
        else:
            routed.append(target)
    if missing:
        problems.append(
            file.problem(
                ("routing", "office"),
                "no directory office for " + ", ".join(missing) + "; add the offices or list the "
                "governorates in routing.not_offered_in",
            )
        )
    for e, exception in enumerate(definition.routing.exceptions):
        if exception.agency not in agencies:
            problems.append(
                file.problem(("routing", "exceptions", e, "agency"), f"no agency {exception.agency!r}")
            )
    for s, stage in enumerate(definition.workflow.stages):
        if stage.office == "parent":
            orphans = sorted({f"{a}/{o}" for a, o in routed if not offices[(a, o)]})
            if orphans:
                problems.append(
                    file.problem(
                        ("workflow", "stages", s, "office"),
                        "these routed offices have no parent office: " + ", ".join(orphans),
                    )
                )
        elif stage.office != "routed" and (definition.agency, stage.office) not in offices:
            problems.append(
                file.problem(
                    ("workflow", "stages", s, "office"),
                    f"no office {stage.office!r} in agency {definition.agency!r} "
                    "(use routed, parent or an office code)",
                )
            )
        for c, consultation in enumerate(stage.consultations):
            if (consultation.agency, consultation.office) not in offices:
                problems.append(
                    file.problem(
                        ("workflow", "stages", s, "consultations", c, "office"),
                        f"no office {consultation.office!r} in agency {consultation.agency!r}",
                    )
                )
    return problems


def catalogue_sync(*, actor: Any | None, directory: Path | None = None, check: bool = False) -> SyncResult:
    """Validate every service file against the schema and the directory; publish a new version of each
    service whose definition changed (unchanged files publish nothing). With check=True, only report.
    All or nothing: one bad file publishes no file."""
    loaded = load_files(directory or services_dir())
    problems = [problem for file, definition in loaded for problem in check_directory(file, definition)]
    if problems:
        raise ServiceFileError(problems)
    result = SyncResult()
    with transaction.atomic():
        agencies = {a.code: a for a in Agency.objects.all()}
        existing = {
            s.code: s
            for s in Service.objects.select_related("current_version").select_for_update(of=("self",))
        }
        for file, definition in loaded:
            data = canonical(definition)
            digest = content_hash(data)
            service = existing.get(definition.code)
            current = service.current_version if service else None
            if current is not None and current.content_hash == digest:
                result.unchanged.append(definition.code)
                continue
            number = (current.number if current else 0) + 1
            result.published.append((definition.code, number))
            if check:
                continue
            if service is None:
                service = Service.objects.create(code=definition.code, agency=agencies[definition.agency])
            elif service.agency_id != agencies[definition.agency].pk:
                service.agency = agencies[definition.agency]
            version = ServiceVersion.objects.create(
                service=service,
                number=number,
                definition=data,
                titles=data["title"],
                content_hash=digest,
                search_text=search_text(data),
                life_events="|" + "|".join(data.get("life_events", [])) + "|",
                published_at=clock.now(),
            )
            service.current_version = version
            service.save(update_fields=["current_version", "agency"])
            record_event(
                event_type=CatalogueEvent.VERSION_PUBLISHED,
                actor=actor,
                objects={"service": service.pk, "service_version": version.pk},
                details={
                    "code": definition.code,
                    "version": number,
                    "content_hash": digest,
                    "file": file.name,
                },
            )
        seen = {definition.code for _, definition in loaded}
        result.without_file = sorted(code for code in existing if code not in seen)
    return result
