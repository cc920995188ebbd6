"""Reads of the organisation directory. Reads that depend on who asks raise NotFound for objects the
actor may not administer (no existence oracle)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from diwan.core import clock
from diwan.core.errors import NotFound
from diwan.directory.models import Agency, Delegation, Membership, Office, Position, SigningKey
from diwan.directory.roles import Role


def _is_active_staff(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "kind", None) == "staff"
        and getattr(user, "is_active", False)
    )


def membership_valid_at(at: dt.datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": at}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": at})
    )


def delegation_valid_at(at: dt.datetime, prefix: str = "") -> Q:
    return Q(
        **{f"{prefix}valid_from__lte": at, f"{prefix}valid_to__gt": at, f"{prefix}ended_at__isnull": True}
    )


def held_positions(user: Any, at: dt.datetime | None = None) -> QuerySet[Position]:
    """Positions the user holds at `at` (default now) through a membership or a delegation."""
    if not _is_active_staff(user):
        return Position.objects.none()
    at = at or clock.now()
    member = Membership.objects.filter(membership_valid_at(at), user=user, position=OuterRef("pk"))
    delegated = Delegation.objects.filter(delegation_valid_at(at), delegate=user, position=OuterRef("pk"))
    return Position.objects.filter(Exists(member) | Exists(delegated))


def active_role_codes(user: Any) -> set[str]:
    """Roles from memberships valid now plus roles of positions delegated to the user now (one query)."""
    return set(held_positions(user).values_list("role", flat=True).distinct())


def held_roles_by_agency(user: Any) -> set[tuple[str, int]]:
    """(role, agency id) pairs the user holds now (one query)."""
    return set(held_positions(user).values_list("role", "office__agency_id").distinct())


def offices_of(user: Any) -> QuerySet[Office]:
    """Offices in which the staff member holds a position now (for office-scoped work queues)."""
    return Office.objects.filter(pk__in=held_positions(user).values("office_id")).select_related("agency")


# --- administration scope ----------------------------------------------------------------------------


def administers(actor: Any, agency: Agency) -> bool:
    """May `actor` manage this agency's offices, positions and memberships? `None` is the platform itself
    (command line, demo data). The judiciary administers itself: only its own agency administrators;
    every other agency: its own agency administrators or a coordination administrator."""
    if actor is None:
        return True
    held = held_roles_by_agency(actor)
    if (Role.AGENCY_ADMIN.value, agency.pk) in held:
        return True
    if agency.is_judiciary:
        return False
    return any(role == Role.COORDINATION_ADMIN for role, _agency in held)


def is_coordination_admin(actor: Any) -> bool:
    return actor is None or Role.COORDINATION_ADMIN.value in active_role_codes(actor)


def administered_agencies(actor: Any) -> QuerySet[Agency]:
    held = held_roles_by_agency(actor)
    own = {agency_id for role, agency_id in held if role == Role.AGENCY_ADMIN}
    if any(role == Role.COORDINATION_ADMIN for role, _agency in held):
        return Agency.objects.filter(Q(pk__in=own) | ~Q(kind="judiciary"))
    return Agency.objects.filter(pk__in=own)


def access_agency_for(actor: Any, code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not administers(actor, agency):
        raise NotFound()
    return agency


def access_office_for(actor: Any, office_id: int) -> Office:
    office = Office.objects.select_related("agency").filter(pk=office_id).first()
    if office is None or not administers(actor, office.agency):
        raise NotFound()
    return office


def access_position_for(actor: Any, position_id: int) -> Position:
    position = Position.objects.select_related("office__agency").filter(pk=position_id).first()
    if position is None or not administers(actor, position.office.agency):
        raise NotFound()
    return position


def access_membership_for(actor: Any, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("position__office__agency", "user").filter(pk=membership_id).first()
    )
    if membership is None or not administers(actor, membership.position.office.agency):
        raise NotFound()
    return membership


def access_delegation_for(actor: Any, delegation_id: int) -> Delegation:
    delegation = (
        Delegation.objects.select_related("position__office__agency", "delegate", "delegator")
        .filter(pk=delegation_id)
        .first()
    )
    if delegation is None or not administers(actor, delegation.position.office.agency):
        raise NotFound()
    return delegation


# --- the office tree ---------------------------------------------------------------------------------


@dataclass
class OfficeNode:
    office: Office
    depth: int
    children: list[OfficeNode] = field(default_factory=list)


def office_tree(agency: Agency) -> list[OfficeNode]:
    """The agency's root offices with their sub-offices as children, each with its positions, their
    current and future memberships and delegations prefetched (a fixed number of queries)."""
    now = clock.now()
    offices = list(
        Office.objects.filter(agency=agency).prefetch_related(
            Prefetch(
                "positions",
                queryset=Position.objects.prefetch_related(
                    Prefetch(
                        "memberships",
                        queryset=Membership.objects.filter(
                            Q(valid_to__isnull=True) | Q(valid_to__gt=now)
                        ).select_related("user"),
                        to_attr="current_memberships",
                    ),
                    Prefetch(
                        "delegations",
                        queryset=Delegation.objects.filter(
                            valid_to__gt=now, ended_at__isnull=True
                        ).select_related("delegate", "delegator"),
                        to_attr="current_delegations",
                    ),
                ),
            )
        )
    )
    by_parent: dict[int | None, list[Office]] = {}
    for office in offices:
        by_parent.setdefault(office.parent_id, []).append(office)

    def build(parent_id: int | None, depth: int) -> list[OfficeNode]:
        return [
            OfficeNode(office=office, depth=depth, children=build(office.pk, depth + 1))
            for office in sorted(by_parent.get(parent_id, []), key=lambda o: o.code)
        ]

    return build(None, 0)


# --- public reads ------------------------------------------------------------------------------------


def public_agencies() -> QuerySet[Agency]:
    return Agency.objects.select_related("parent").order_by("code")


def public_agency(code: str) -> Agency:
    agency = Agency.objects.select_related("parent").filter(code=code).first()
    if agency is None:
        raise NotFound()
    return agency


def public_offices(agency: Agency) -> QuerySet[Office]:
    return Office.objects.filter(agency=agency).select_related("parent").order_by("code")


def staff_user_by_username(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username__iexact=username.strip(), kind="staff").first()


def position_holders(position: Position) -> list[Any]:
    """People holding the position now (by membership), for choosing who delegates."""
    from django.contrib.auth import get_user_model

    now = clock.now()
    holding = Membership.objects.filter(membership_valid_at(now), position=position).values("user_id")
    return list(get_user_model().objects.filter(pk__in=holding).order_by("username"))


def public_signing_keys(agency: Agency) -> QuerySet[SigningKey]:
    return SigningKey.objects.filter(agency=agency).order_by("valid_from")


@dataclass(frozen=True)
class HeldPosition:
    """A position a staff member holds now, and how: as its member, or acting for someone until a date."""

    position: Position
    acting_for: bool
    until: dt.datetime | None


def held_positions_detail(user: Any) -> list[HeldPosition]:
    """The staff home's "your positions": memberships and delegations valid now (two queries)."""
    if not _is_active_staff(user):
        return []
    now = clock.now()
    related = ("position__office__agency",)
    held = [
        HeldPosition(m.position, False, m.valid_to)
        for m in Membership.objects.filter(membership_valid_at(now), user=user).select_related(*related)
    ]
    held += [
        HeldPosition(d.position, True, d.valid_to)
        for d in Delegation.objects.filter(delegation_valid_at(now), delegate=user).select_related(*related)
    ]
    return held
