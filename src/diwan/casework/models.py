"""Casework models. For now: the public holidays that the statutory clock skips (docs/statutory-clock.md)."""

from __future__ import annotations

from django.db import models

from diwan.core.fields import TranslatedTextField


class HolidayScope(models.TextChoices):
    FEDERAL = "federal"  # every office in Iraq
    KURDISTAN_REGION = "kurdistan_region"  # offices of the Kurdistan Region only (in addition to federal)


class Holiday(models.Model):
    """One public holiday on one day. A multi-day holiday (Eid) is one row per day.

    `key` names the holiday within its year (e.g. `eid-al-fitr-1`) and stays the same when the date is
    announced or moved, so loading a new calendar file updates the row instead of adding a second one.
    """

    year = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=60)
    date = models.DateField(db_index=True)
    scope = models.CharField(max_length=20, choices=HolidayScope.choices)
    name = TranslatedTextField()
    provisional = models.BooleanField(default=False)  # expected (Hijri) date, not yet confirmed
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "key"]
        constraints = [
            models.UniqueConstraint(fields=["year", "key"], name="casework_holiday_year_key_unique"),
            models.CheckConstraint(
                condition=models.Q(scope__in=["federal", "kurdistan_region"]),
                name="casework_holiday_scope_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.key} ({self.scope})"
