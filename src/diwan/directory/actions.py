"""The one write path of the organisation directory. Every change of who may do what is audited.

`actor=None` is the platform itself (command line, demo data): it passes the administration checks but
never a web request. Every other actor is checked by diwan.directory.rules before anything is written.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diwan.audit.actions import record_event
from diwan.core import clock
from diwan.core.errors import Conflict, ValidationFailed
from diwan.core.governorates import Governorate
from diwan.directory import rules
from diwan.directory.events import DirectoryEvent
from diwan.directory.models import Agency, Delegation, Membership, Office, Position, SigningKey
from diwan.directory.selectors import membership_valid_at

MAX_DELEGATION = dt.timedelta(days=180)


def _check_code(code: str, field: str = "code") -> str:
    code = code.strip()
    if not code or len(code) > 40 or not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        raise ValidationFailed(
            _("A code has 1 to 40 Latin letters, digits, hyphens or underscores."), field=field
        )
    return code


def _check_governorate(governorate: str) -> str:
    if governorate not in Governorate.values:
        raise ValidationFailed(_("Choose a governorate from the list."), field="governorate")
    return governorate


# --- agencies ----------------------------------------------------------------------------------------


def agency_create(
    *, actor: Any, code: str, name: dict[str, str], kind: str, parent: Agency | None = None
) -> Agency:
    """Only coordination administrators create agencies; nobody in government creates a court."""
    rules.require_coordination_admin(actor)
    rules.require_kind_allowed_for_creation(actor, kind)
    code = _check_code(code)
    name = rules.require_complete_text(name, "name")
    with transaction.atomic():
        if Agency.objects.filter(code__iexact=code).exists():
            raise ValidationFailed(_("Another agency already has this code."), field="code", code="taken")
        agency = Agency.objects.create(code=code, name=name, kind=kind, parent=parent)
        record_event(
            event_type=DirectoryEvent.AGENCY_CREATED,
            actor=actor,
            objects={"agency": agency.pk},
            details={"code": code, "kind": kind, "parent": parent.code if parent else None, "name": name},
        )
    return agency


def agency_update(*, actor: Any, agency: Agency, name: dict[str, str]) -> Agency:
    """Rename an agency (its kind never changes: the rules depend on it)."""
    rules.require_administers(actor, agency)
    name = rules.require_complete_text(name, "name")
    with transaction.atomic():
        before = agency.name
        agency.name = name
        agency.save(update_fields=["name"])
        record_event(
            event_type=DirectoryEvent.AGENCY_UPDATED,
            actor=actor,
            objects={"agency": agency.pk},
            details={"code": agency.code, "name_before": before, "name": name},
        )
    return agency


# --- offices -----------------------------------------------------------------------------------------


def _check_parent_office(agency: Agency, parent: Office | None, office: Office | None = None) -> None:
    if parent is None:
        return
    if parent.agency_id != agency.pk:
        raise ValidationFailed(_("The parent office must belong to the same agency."), field="parent")
    seen: Office | None = parent
    while seen is not None and office is not None:
        if seen.pk == office.pk:
            raise ValidationFailed(_("An office cannot be placed under itself."), field="parent")
        seen = seen.parent


def office_create(
    *,
    actor: Any,
    agency: Agency,
    code: str,
    name: dict[str, str],
    governorate: str,
    parent: Office | None = None,
) -> Office:
    rules.require_administers(actor, agency)
    code = _check_code(code)
    name = rules.require_complete_text(name, "name")
    governorate = _check_governorate(governorate)
    _check_parent_office(agency, parent)
    with transaction.atomic():
        if Office.objects.filter(agency=agency, code__iexact=code).exists():
            raise ValidationFailed(
                _("Another office of this agency already has this code."), field="code", code="taken"
            )
        office = Office.objects.create(
            agency=agency, code=code, name=name, governorate=governorate, parent=parent
        )
        record_event(
            event_type=DirectoryEvent.OFFICE_CREATED,
            actor=actor,
            office_id=office.pk,
            objects={"agency": agency.pk, "office": office.pk},
            details={
                "code": code,
                "governorate": governorate,
                "parent": parent.pk if parent else None,
                "name": name,
            },
        )
    return office


def office_update(
    *,
    actor: Any,
    office: Office,
    name: dict[str, str],
    governorate: str,
    parent: Office | None = None,
) -> Office:
    rules.require_administers(actor, office.agency)
    name = rules.require_complete_text(name, "name")
    governorate = _check_governorate(governorate)
    _check_parent_office(office.agency, parent, office)
    with transaction.atomic():
        before = {"name": office.name, "governorate": office.governorate, "parent": office.parent_id}
        office.name, office.governorate, office.parent = name, governorate, parent
        office.save(update_fields=["name", "governorate", "parent"])
        record_event(
            event_type=DirectoryEvent.OFFICE_UPDATED,
            actor=actor,
            office_id=office.pk,
            objects={"agency": office.agency_id, "office": office.pk},
            details={
                "before": before,
                "after": {"name": name, "governorate": governorate, "parent": office.parent_id},
            },
        )
    return office


# --- positions ---------------------------------------------------------------------------------------


def position_create(*, actor: Any, office: Office, title: dict[str, str], role: str) -> Position:
    """A judge position can only be made in the judiciary, by the judiciary's own administrators."""
    agency = office.agency
    rules.require_administers(actor, agency)
    rules.require_role_fits_agency(role, agency)
    title = rules.require_complete_text(title, "title")
    with transaction.atomic():
        position = Position.objects.create(office=office, title=title, role=role)
        record_event(
            event_type=DirectoryEvent.POSITION_CREATED,
            actor=actor,
            office_id=office.pk,
            objects={"agency": agency.pk, "office": office.pk, "position": position.pk},
            details={"role": role, "title": title},
        )
    return position


def position_update(*, actor: Any, position: Position, title: dict[str, str]) -> Position:
    """Retitle a position. Its role never changes: end the memberships and create a new position."""
    rules.require_administers(actor, position.office.agency)
    title = rules.require_complete_text(title, "title")
    with transaction.atomic():
        before = position.title
        position.title = title
        position.save(update_fields=["title"])
        record_event(
            event_type=DirectoryEvent.POSITION_UPDATED,
            actor=actor,
            office_id=position.office_id,
            objects={"office": position.office_id, "position": position.pk},
            details={"role": position.role, "title_before": before, "title": title},
        )
    return position


# --- memberships -------------------------------------------------------------------------------------


def membership_grant(
    *,
    actor: Any,
    user: Any,
    position: Position,
    valid_from: dt.datetime | None = None,
    valid_to: dt.datetime | None = None,
) -> Membership:
    """Give `user` the position (and its role) for a period. A role change: always audited."""
    agency = position.office.agency
    rules.require_administers(actor, agency)
    rules.require_active_staff(user, "username")
    rules.require_not_self(actor, user)
    now = clock.now()
    valid_from = valid_from or now
    if valid_to is not None and valid_to <= valid_from:
        raise ValidationFailed(_("The end date must be after the start date."), field="valid_to")
    if valid_to is not None and valid_to <= now:
        raise ValidationFailed(_("The end date must be in the future."), field="valid_to")
    with transaction.atomic():
        rules.require_separation_of_powers(user, agency)
        # Two periods overlap when each starts before the other ends.
        overlapping = Membership.objects.filter(user=user, position=position).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from)
        )
        if valid_to is not None:
            overlapping = overlapping.filter(valid_from__lt=valid_to)
        if overlapping.exists():
            raise ValidationFailed(
                _("This person already holds this position for part of that period."),
                field="username",
                code="overlap",
            )
        membership = Membership.objects.create(
            user=user, position=position, valid_from=valid_from, valid_to=valid_to, granted_by=actor
        )
        record_event(
            event_type=DirectoryEvent.MEMBERSHIP_GRANTED,
            actor=actor,
            office_id=position.office_id,
            objects={"user": user.pk, "position": position.pk, "membership": membership.pk},
            details={
                "agency": agency.code,
                "role": position.role,
                "username": user.username,
                "valid_from": valid_from.isoformat(),
                "valid_to": valid_to.isoformat() if valid_to else None,
            },
        )
    return membership


def membership_end(*, actor: Any, membership: Membership, reason: str = "") -> Membership:
    """End a membership now; delegations the member gave for that position end with it."""
    agency = membership.position.office.agency
    rules.require_administers(actor, agency)
    now = clock.now()
    with transaction.atomic():
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        if current.valid_to is not None and current.valid_to <= now:
            raise Conflict(_("This membership has already ended."), code="ended")
        # A membership that has not started yet is withdrawn: its period becomes empty.
        current.valid_to = max(now, current.valid_from)
        current.ended_by = actor
        current.save(update_fields=["valid_to", "ended_by"])
        ended_delegations = list(
            Delegation.objects.filter(
                position=current.position, delegator=current.user, ended_at__isnull=True, valid_to__gt=now
            ).values_list("pk", flat=True)
        )
        Delegation.objects.filter(pk__in=ended_delegations).update(ended_at=now)
        record_event(
            event_type=DirectoryEvent.MEMBERSHIP_ENDED,
            actor=actor,
            office_id=current.position.office_id,
            objects={"user": current.user_id, "position": current.position_id, "membership": current.pk},
            details={
                "agency": agency.code,
                "role": current.position.role,
                "reason": reason[:300],
                "delegations_ended": ended_delegations,
            },
        )
    membership.valid_to, membership.ended_by = current.valid_to, current.ended_by
    return membership


# --- delegations -------------------------------------------------------------------------------------


def delegation_create(
    *,
    actor: Any,
    position: Position,
    delegator: Any,
    delegate: Any,
    valid_from: dt.datetime,
    valid_to: dt.datetime,
    reason: str,
) -> Delegation:
    """The delegate acts for the delegator's position for a bounded period (at most 180 days). The
    delegate must already be a member of the same agency, so judicial powers stay in the judiciary."""
    agency = position.office.agency
    rules.require_administers(actor, agency)
    rules.require_active_staff(delegator, "delegator")
    rules.require_active_staff(delegate, "delegate")
    rules.require_not_self(actor, delegate)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for the delegation."), field="reason")
    if delegate.pk == delegator.pk:
        raise ValidationFailed(_("A person cannot delegate a position to themselves."), field="delegate")
    now = clock.now()
    if valid_to <= valid_from:
        raise ValidationFailed(_("The end date must be after the start date."), field="valid_to")
    if valid_to <= now:
        raise ValidationFailed(_("The end date must be in the future."), field="valid_to")
    if valid_to - valid_from > MAX_DELEGATION:
        raise ValidationFailed(
            _("A delegation lasts at most %(days)d days.") % {"days": MAX_DELEGATION.days}, field="valid_to"
        )
    with transaction.atomic():
        holds = Membership.objects.filter(
            membership_valid_at(max(valid_from, now)), user=delegator, position=position
        )
        if not holds.exists():
            raise ValidationFailed(
                _("The person delegating must hold this position when the delegation starts."),
                field="delegator",
            )
        in_agency = Membership.objects.filter(
            membership_valid_at(now), user=delegate, position__office__agency=agency
        )
        if not in_agency.exists():
            raise ValidationFailed(
                _("The delegate must be a current member of the same agency."), field="delegate"
            )
        delegation = Delegation.objects.create(
            position=position,
            delegator=delegator,
            delegate=delegate,
            valid_from=valid_from,
            valid_to=valid_to,
            reason=reason[:300],
            created_by=actor,
        )
        record_event(
            event_type=DirectoryEvent.DELEGATION_CREATED,
            actor=actor,
            acting_for=f"position:{position.pk}",
            office_id=position.office_id,
            objects={
                "position": position.pk,
                "delegation": delegation.pk,
                "delegator": delegator.pk,
                "delegate": delegate.pk,
            },
            details={
                "agency": agency.code,
                "role": position.role,
                "valid_from": valid_from.isoformat(),
                "valid_to": valid_to.isoformat(),
                "reason": reason[:300],
            },
        )
    return delegation


def delegation_end(*, actor: Any, delegation: Delegation) -> Delegation:
    rules.require_administers(actor, delegation.position.office.agency)
    now = clock.now()
    with transaction.atomic():
        current = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if current.ended_at is not None or current.valid_to <= now:
            raise Conflict(_("This delegation has already ended."), code="ended")
        current.ended_at = now
        current.save(update_fields=["ended_at"])
        record_event(
            event_type=DirectoryEvent.DELEGATION_ENDED,
            actor=actor,
            office_id=current.position.office_id,
            objects={
                "position": current.position_id,
                "delegation": current.pk,
                "delegate": current.delegate_id,
            },
            details={"role": current.position.role},
        )
    delegation.ended_at = now
    return delegation


# --- signing keys ------------------------------------------------------------------------------------


def signing_key_register(
    *,
    actor: Any,
    agency: Agency,
    key_id: str,
    public_key: str,
    valid_from: dt.datetime | None = None,
    valid_to: dt.datetime | None = None,
) -> SigningKey:
    """Publish an agency's Ed25519 public key (raw 32 bytes, base64) for documents and exchange."""
    rules.require_administers(actor, agency)
    key_id = _check_code(key_id, "key_id")
    try:
        raw = base64.b64decode(public_key.strip(), validate=True)
        Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise ValidationFailed(
            _("This is not an Ed25519 public key (32 bytes, base64)."), field="public_key"
        ) from exc
    valid_from = valid_from or clock.now()
    if valid_to is not None and valid_to <= valid_from:
        raise ValidationFailed(_("The end date must be after the start date."), field="valid_to")
    with transaction.atomic():
        if SigningKey.objects.filter(key_id=key_id).exists():
            raise ValidationFailed(_("Another key already has this identifier."), field="key_id")
        key = SigningKey.objects.create(
            agency=agency,
            key_id=key_id,
            public_key=base64.b64encode(raw).decode(),
            valid_from=valid_from,
            valid_to=valid_to,
        )
        record_event(
            event_type=DirectoryEvent.SIGNING_KEY_REGISTERED,
            actor=actor,
            objects={"agency": agency.pk, "signing_key": key.pk},
            details={"key_id": key_id, "public_key": key.public_key, "valid_from": valid_from.isoformat()},
        )
    return key
