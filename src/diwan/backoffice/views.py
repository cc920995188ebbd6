"""The staff back office home: who you are here, the positions you hold, and what they let you do."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from diwan.core.access import ANY_STAFF, policy, roles_of
from diwan.directory.roles import Role
from diwan.directory.selectors import held_positions_detail

DIRECTORY_ROLES = {Role.AGENCY_ADMIN, Role.COORDINATION_ADMIN}
AUDIT_ROLES = {Role.AUDITOR, Role.INTEGRITY_OFFICER}
CASEWORK_ROLES = {Role.CASE_OFFICER, Role.REVIEWER, Role.APPROVER}


@policy(ANY_STAFF)
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_of(request)
    context = {
        "held": held_positions_detail(request.user),
        "can_manage_directory": bool(roles & DIRECTORY_ROLES),
        "can_read_audit": bool(roles & AUDIT_ROLES),
        "can_work_cases": bool(roles & CASEWORK_ROLES),
        "can_review_break_glass": Role.INTEGRITY_OFFICER in roles,
    }
    return render(request, "backoffice/home.html", context)
