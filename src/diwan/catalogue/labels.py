"""Translated labels for the catalogue's fixed vocabularies (life events)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from diwan.catalogue.schema import LifeEvent

LIFE_EVENT_LABELS: dict[str, Promise] = {
    LifeEvent.HAVING_A_CHILD: _("Having a child"),
    LifeEvent.GETTING_MARRIED: _("Getting married"),
    LifeEvent.IDENTITY_DOCUMENTS: _("Identity documents"),
    LifeEvent.TRAVELLING_ABROAD: _("Travelling abroad"),
    LifeEvent.STARTING_A_BUSINESS: _("Starting a business"),
    LifeEvent.BUILDING_A_HOME: _("Building a home"),
    LifeEvent.DRIVING_AND_VEHICLES: _("Driving and vehicles"),
    LifeEvent.STUDYING: _("Studying"),
    LifeEvent.LOOKING_FOR_WORK: _("Looking for work"),
    LifeEvent.FACING_HARDSHIP: _("Facing hardship"),
}
