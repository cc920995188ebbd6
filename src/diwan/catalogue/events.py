"""Audit event types of the service catalogue."""

from enum import StrEnum


class CatalogueEvent(StrEnum):
    VERSION_PUBLISHED = "catalogue.version.published"
