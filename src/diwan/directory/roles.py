"""The role catalogue. Roles are held through memberships (person × office × position), never on the user."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    CITIZEN = "citizen"
    CASE_OFFICER = "case_officer"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    REGISTRY_CLERK = "registry_clerk"
    AGENCY_ADMIN = "agency_admin"
    INTEGRITY_OFFICER = "integrity_officer"
    DATA_PROTECTION_OFFICER = "data_protection_officer"
    JUDGE = "judge"
    LAW_ENFORCEMENT_OFFICER = "law_enforcement_officer"
    COORDINATION_ADMIN = "coordination_admin"
    AUDITOR = "auditor"


ROLE_LABELS = {
    Role.CITIZEN: _("Citizen"),
    Role.CASE_OFFICER: _("Case officer"),
    Role.REVIEWER: _("Reviewer"),
    Role.APPROVER: _("Approver"),
    Role.REGISTRY_CLERK: _("Registry clerk"),
    Role.AGENCY_ADMIN: _("Agency administrator"),
    Role.INTEGRITY_OFFICER: _("Integrity officer"),
    Role.DATA_PROTECTION_OFFICER: _("Data protection officer"),
    Role.JUDGE: _("Judge"),
    Role.LAW_ENFORCEMENT_OFFICER: _("Law enforcement officer"),
    Role.COORDINATION_ADMIN: _("Coordination administrator"),
    Role.AUDITOR: _("Auditor"),
}


def active_roles(user: Any) -> set[str]:
    """Roles the user holds today through valid memberships (and delegations)."""
    from diwan.directory.selectors import active_role_codes

    return active_role_codes(user)
