"""Services and their published versions. A version is never changed or deleted: each application pins
the version it was made with (docs/catalogue.md)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from diwan.core import clock
from diwan.core.i18n import pick
from diwan.directory.models import Agency


class Service(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="services")
    current_version = models.ForeignKey(
        "ServiceVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ServiceVersion(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    # The definition's title in every language ({ar, ckb, en}), beside it so that a list of files reads a
    # few bytes instead of decompressing the whole definition for each row (applications.selectors).
    titles = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)  # SHA-256 of the canonical JSON definition
    # Normalised (diwan.catalogue.normalise) titles and summaries in all languages, for icontains search.
    search_text = models.TextField()
    # "|tag|tag|": life-event filter with icontains on every database (no JSON containment on SQLite).
    life_events = models.CharField(max_length=400)
    published_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["service_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="catalogue_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} v{self.number}"

    @property
    def title(self) -> str:
        return pick(self.definition["title"])

    @property
    def summary(self) -> str:
        return pick(self.definition["summary"])

    def text(self, key: str) -> str:
        value: Any = self.definition.get(key)
        return pick(value) if isinstance(value, dict) else ""
