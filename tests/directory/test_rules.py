"""One refusal test per directory rule (each fails if its rule is removed), plus the allowed paths."""

from __future__ import annotations

import datetime as dt

import pytest

from diwan.audit.models import Event
from diwan.core import clock
from diwan.core.errors import Conflict, PermissionDenied, ValidationFailed
from diwan.directory import actions
from diwan.directory.models import AgencyKind, Membership
from diwan.directory.roles import Role
from diwan.directory.selectors import active_role_codes

from .conftest import World, make_staff, text

pytestmark = pytest.mark.django_db


# --- agencies ----------------------------------------------------------------------------------------


def test_coordination_admin_creates_an_agency_and_it_is_audited(world: World) -> None:
    agency = actions.agency_create(
        actor=world.coord_admin, code="MOT", name=text("Trade"), kind=AgencyKind.FEDERAL_MINISTRY
    )
    event = Event.objects.get(event_type="directory.agency.created", objects_ref__agency=agency.pk)
    assert event.actor_id == world.coord_admin.pk
    assert event.details["kind"] == "federal_ministry"


def test_agency_admin_cannot_create_an_agency(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.agency_create(
            actor=world.moi_admin, code="MOT", name=text("Trade"), kind=AgencyKind.FEDERAL_MINISTRY
        )


def test_no_government_admin_creates_a_court(world: World) -> None:
    with pytest.raises(PermissionDenied) as refused:
        actions.agency_create(
            actor=world.coord_admin, code="COURT2", name=text("Court"), kind=AgencyKind.JUDICIARY
        )
    assert refused.value.code == "judiciary"


def test_agency_code_must_be_unique_and_name_complete(world: World) -> None:
    with pytest.raises(ValidationFailed) as taken:
        actions.agency_create(actor=world.coord_admin, code="moi", name=text("x"), kind="federal_ministry")
    assert taken.value.field == "code"
    with pytest.raises(ValidationFailed) as incomplete:
        actions.agency_create(
            actor=world.coord_admin, code="NEW", name={"ar": "جديد", "en": "New"}, kind="federal_ministry"
        )
    assert incomplete.value.field == "name"


def test_agency_admin_renames_only_their_own_agency(world: World) -> None:
    actions.agency_update(actor=world.moi_admin, agency=world.moi, name=text("Interior"))
    with pytest.raises(PermissionDenied):
        actions.agency_update(actor=world.moi_admin, agency=world.moh, name=text("Health"))


def test_coordination_admin_cannot_edit_the_judiciary_but_it_can_itself(world: World) -> None:
    with pytest.raises(PermissionDenied) as refused:
        actions.agency_update(actor=world.coord_admin, agency=world.sjc, name=text("Renamed"))
    assert refused.value.code == "judiciary"
    actions.agency_update(actor=world.sjc_admin, agency=world.sjc, name=text("Supreme Judicial Council"))


# --- offices -----------------------------------------------------------------------------------------


def test_agency_admin_creates_offices_only_in_their_agency(world: World) -> None:
    office = actions.office_create(
        actor=world.moi_admin,
        agency=world.moi,
        code="PASS",
        name=text("Passports"),
        governorate="BSR",
        parent=world.moi_office,
    )
    assert office.parent == world.moi_office
    assert Event.objects.filter(event_type="directory.office.created", office_id=office.pk).exists()
    with pytest.raises(PermissionDenied):
        actions.office_create(
            actor=world.moi_admin, agency=world.moh, code="X", name=text("X"), governorate="BSR"
        )


def test_coordination_admin_cannot_create_court_offices(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.office_create(
            actor=world.coord_admin, agency=world.sjc, code="C2", name=text("Court"), governorate="BGD"
        )


def test_office_parent_must_be_in_the_same_agency_and_not_itself(world: World) -> None:
    with pytest.raises(ValidationFailed):
        actions.office_create(
            actor=world.moi_admin,
            agency=world.moi,
            code="X",
            name=text("X"),
            governorate="BGD",
            parent=world.moh_office,
        )
    with pytest.raises(ValidationFailed):
        actions.office_update(
            actor=world.moi_admin,
            office=world.moi_office,
            name=text("HQ"),
            governorate="BGD",
            parent=world.moi_office,
        )


def test_office_rejects_unknown_governorate(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        actions.office_create(
            actor=world.moi_admin, agency=world.moi, code="X", name=text("X"), governorate="ZZ"
        )
    assert refused.value.field == "governorate"


# --- positions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("admin", ["coord_admin", "moi_admin"])
def test_no_government_admin_creates_a_judge_position(world: World, admin: str) -> None:
    actor = getattr(world, admin)
    with pytest.raises(PermissionDenied):
        actions.position_create(actor=actor, office=world.court, title=text("Judge"), role=Role.JUDGE)
    with pytest.raises(ValidationFailed):  # nor a judge inside a ministry
        actions.position_create(actor=actor, office=world.moi_office, title=text("Judge"), role=Role.JUDGE)


def test_coordination_admin_cannot_retitle_a_judge_position(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.position_update(actor=world.coord_admin, position=world.judge_position, title=text("X"))


def test_the_judiciary_creates_its_own_judge_positions(world: World) -> None:
    position = actions.position_create(
        actor=world.sjc_admin, office=world.court, title=text("Judge"), role=Role.JUDGE
    )
    assert Event.objects.filter(event_type="directory.position.created", objects_ref__position=position.pk)


def test_law_enforcement_and_coordination_roles_fit_only_their_agencies(world: World) -> None:
    with pytest.raises(ValidationFailed):
        actions.position_create(
            actor=world.moi_admin,
            office=world.moi_office,
            title=text("Officer"),
            role=Role.LAW_ENFORCEMENT_OFFICER,
        )
    with pytest.raises(ValidationFailed):
        actions.position_create(
            actor=world.moi_admin, office=world.moi_office, title=text("Admin"), role=Role.COORDINATION_ADMIN
        )
    with pytest.raises(ValidationFailed):
        actions.position_create(
            actor=world.moi_admin, office=world.moi_office, title=text("Citizen"), role=Role.CITIZEN
        )
    actions.position_create(
        actor=world.coord_admin,
        office=world.police_office,
        title=text("Officer"),
        role=Role.LAW_ENFORCEMENT_OFFICER,
    )


def test_agency_admin_cannot_add_positions_to_another_agency(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.position_create(
            actor=world.moh_admin, office=world.moi_office, title=text("Officer"), role=Role.CASE_OFFICER
        )


# --- memberships -------------------------------------------------------------------------------------


def test_grant_gives_the_role_and_is_audited(world: World) -> None:
    officer = make_staff()
    membership = actions.membership_grant(
        actor=world.moi_admin, user=officer, position=world.moi_officer_position
    )
    assert Role.CASE_OFFICER in active_role_codes(officer)
    event = Event.objects.get(
        event_type="directory.membership.granted", objects_ref__membership=membership.pk
    )
    assert event.actor_id == world.moi_admin.pk
    assert event.details["role"] == "case_officer"


def test_nobody_grants_a_role_to_themselves(world: World) -> None:
    with pytest.raises(PermissionDenied) as refused:
        actions.membership_grant(
            actor=world.moi_admin, user=world.moi_admin, position=world.moi_officer_position
        )
    assert refused.value.code == "self_grant"
    assert Role.CASE_OFFICER not in active_role_codes(world.moi_admin)


def test_agency_admin_cannot_grant_in_another_agency(world: World) -> None:
    with pytest.raises(PermissionDenied):
        actions.membership_grant(
            actor=world.moh_admin, user=make_staff(), position=world.moi_officer_position
        )


@pytest.mark.parametrize("admin", ["coord_admin", "moi_admin"])
def test_no_government_admin_assigns_a_judge(world: World, admin: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.membership_grant(
            actor=getattr(world, admin), user=make_staff(), position=world.judge_position
        )
    assert not Membership.objects.filter(position=world.judge_position).exists()


def test_no_government_admin_ends_a_judge_membership(world: World) -> None:
    judge = make_staff()
    membership = actions.membership_grant(actor=world.sjc_admin, user=judge, position=world.judge_position)
    with pytest.raises(PermissionDenied):
        actions.membership_end(actor=world.coord_admin, membership=membership)
    assert Role.JUDGE in active_role_codes(judge)


def test_a_sitting_judge_gets_no_government_position(world: World) -> None:
    judge = make_staff()
    actions.membership_grant(actor=world.sjc_admin, user=judge, position=world.judge_position)
    with pytest.raises(PermissionDenied) as refused:
        actions.membership_grant(actor=world.moi_admin, user=judge, position=world.moi_officer_position)
    assert refused.value.code == "separation_of_powers"


def test_a_government_official_is_not_made_a_judge_while_in_office(world: World) -> None:
    official = make_staff()
    actions.membership_grant(actor=world.moi_admin, user=official, position=world.moi_officer_position)
    with pytest.raises(PermissionDenied):
        actions.membership_grant(actor=world.sjc_admin, user=official, position=world.judge_position)


def test_only_active_staff_hold_positions(world: World) -> None:
    from diwan.accounts.models import User

    citizen = User.objects.create_user(kind="citizen", phone="+9647701234567", full_name_ar="مواطن")
    with pytest.raises(ValidationFailed):
        actions.membership_grant(actor=world.moi_admin, user=citizen, position=world.moi_officer_position)
    inactive = make_staff(is_active=False)
    with pytest.raises(ValidationFailed):
        actions.membership_grant(actor=world.moi_admin, user=inactive, position=world.moi_officer_position)


def test_overlapping_membership_and_bad_periods_are_refused(world: World) -> None:
    officer = make_staff()
    now = clock.now()
    actions.membership_grant(
        actor=world.moi_admin,
        user=officer,
        position=world.moi_officer_position,
        valid_to=now + dt.timedelta(days=30),
    )
    with pytest.raises(ValidationFailed):
        actions.membership_grant(
            actor=world.moi_admin,
            user=officer,
            position=world.moi_officer_position,
            valid_from=now + dt.timedelta(days=10),
        )
    with pytest.raises(ValidationFailed):
        actions.membership_grant(
            actor=world.moi_admin,
            user=make_staff(),
            position=world.moi_officer_position,
            valid_to=now - dt.timedelta(days=1),
            valid_from=now - dt.timedelta(days=2),
        )
    # After the first period ends, the same position can be granted again.
    actions.membership_grant(
        actor=world.moi_admin,
        user=officer,
        position=world.moi_officer_position,
        valid_from=now + dt.timedelta(days=30),
    )


def test_end_membership_removes_the_role_and_is_audited(world: World) -> None:
    officer = make_staff()
    membership = actions.membership_grant(
        actor=world.moi_admin, user=officer, position=world.moi_officer_position
    )
    actions.membership_end(actor=world.moi_admin, membership=membership, reason="transfer")
    assert Role.CASE_OFFICER not in active_role_codes(officer)
    event = Event.objects.get(event_type="directory.membership.ended")
    assert event.details["reason"] == "transfer"
    with pytest.raises(Conflict):
        actions.membership_end(actor=world.moi_admin, membership=membership)


def test_withdrawing_a_future_membership_never_grants_the_role(world: World) -> None:
    officer = make_staff()
    start = clock.now() + dt.timedelta(days=3)
    membership = actions.membership_grant(
        actor=world.moi_admin, user=officer, position=world.moi_officer_position, valid_from=start
    )
    actions.membership_end(actor=world.moi_admin, membership=membership)
    membership.refresh_from_db()
    assert membership.valid_to == membership.valid_from
    assert not Membership.objects.filter(pk=membership.pk, valid_from__lte=start, valid_to__gt=start).exists()


# --- delegations -------------------------------------------------------------------------------------


def _pair(world: World) -> tuple[object, object]:
    holder, colleague = make_staff(), make_staff()
    actions.membership_grant(actor=None, user=holder, position=world.moi_officer_position)
    world.member(world.moi_office, Role.REGISTRY_CLERK, colleague)
    return holder, colleague


def test_delegation_lends_the_role_for_its_period_and_ends(world: World) -> None:
    holder, colleague = _pair(world)
    now = clock.now()
    delegation = actions.delegation_create(
        actor=world.moi_admin,
        position=world.moi_officer_position,
        delegator=holder,
        delegate=colleague,
        valid_from=now - dt.timedelta(minutes=1),
        valid_to=now + dt.timedelta(days=7),
        reason="annual leave",
    )
    assert Role.CASE_OFFICER in active_role_codes(colleague)
    assert Event.objects.filter(event_type="directory.delegation.created").exists()
    actions.delegation_end(actor=world.moi_admin, delegation=delegation)
    assert Role.CASE_OFFICER not in active_role_codes(colleague)
    assert Event.objects.filter(event_type="directory.delegation.ended").exists()


def test_ending_the_membership_ends_its_delegations(world: World) -> None:
    holder, colleague = _pair(world)
    now = clock.now()
    actions.delegation_create(
        actor=world.moi_admin,
        position=world.moi_officer_position,
        delegator=holder,
        delegate=colleague,
        valid_from=now,
        valid_to=now + dt.timedelta(days=7),
        reason="leave",
    )
    membership = Membership.objects.get(user=holder, position=world.moi_officer_position)
    actions.membership_end(actor=world.moi_admin, membership=membership)
    assert Role.CASE_OFFICER not in active_role_codes(colleague)


def test_an_admin_cannot_delegate_a_position_to_themselves(world: World) -> None:
    holder, _colleague = _pair(world)
    now = clock.now()
    with pytest.raises(PermissionDenied):
        actions.delegation_create(
            actor=world.moi_admin,
            position=world.moi_officer_position,
            delegator=holder,
            delegate=world.moi_admin,
            valid_from=now,
            valid_to=now + dt.timedelta(days=1),
            reason="x",
        )


def test_delegation_rules(world: World) -> None:
    holder, colleague = _pair(world)
    now = clock.now()
    week = now + dt.timedelta(days=7)
    base = {"actor": world.moi_admin, "position": world.moi_officer_position, "reason": "leave"}
    outsider = make_staff()
    with pytest.raises(ValidationFailed) as refused:  # the delegate must already work in the agency
        actions.delegation_create(**base, delegator=holder, delegate=outsider, valid_from=now, valid_to=week)
    assert refused.value.field == "delegate"
    with pytest.raises(ValidationFailed) as refused:  # the delegator must hold the position
        actions.delegation_create(**base, delegator=colleague, delegate=holder, valid_from=now, valid_to=week)
    assert refused.value.field == "delegator"
    with pytest.raises(ValidationFailed) as refused:  # bounded period
        actions.delegation_create(
            **base,
            delegator=holder,
            delegate=colleague,
            valid_from=now,
            valid_to=now + dt.timedelta(days=400),
        )
    assert refused.value.field == "valid_to"
    with pytest.raises(ValidationFailed) as refused:
        actions.delegation_create(
            actor=world.moi_admin,
            position=world.moi_officer_position,
            reason=" ",
            delegator=holder,
            delegate=colleague,
            valid_from=now,
            valid_to=week,
        )
    assert refused.value.field == "reason"
    with pytest.raises(PermissionDenied):  # another agency's admin
        actions.delegation_create(
            actor=world.moh_admin,
            position=world.moi_officer_position,
            reason="x",
            delegator=holder,
            delegate=colleague,
            valid_from=now,
            valid_to=week,
        )


def test_a_judge_position_is_not_delegated_to_a_government_official(world: World) -> None:
    judge = make_staff()
    actions.membership_grant(actor=world.sjc_admin, user=judge, position=world.judge_position)
    official = world.member(world.moi_office, Role.CASE_OFFICER)
    now = clock.now()
    with pytest.raises(ValidationFailed):
        actions.delegation_create(
            actor=world.sjc_admin,
            position=world.judge_position,
            delegator=judge,
            delegate=official,
            valid_from=now,
            valid_to=now + dt.timedelta(days=1),
            reason="leave",
        )
    assert Role.JUDGE not in active_role_codes(official)


# --- signing keys ------------------------------------------------------------------------------------


def test_signing_key_must_be_an_ed25519_public_key(world: World) -> None:
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key = actions.signing_key_register(
        actor=world.moi_admin, agency=world.moi, key_id="moi-2026", public_key=base64.b64encode(raw).decode()
    )
    assert key.agency == world.moi
    with pytest.raises(ValidationFailed):
        actions.signing_key_register(actor=world.moi_admin, agency=world.moi, key_id="bad", public_key="AAAA")
    with pytest.raises(PermissionDenied):
        actions.signing_key_register(
            actor=world.moh_admin,
            agency=world.moi,
            key_id="moi-2027",
            public_key=base64.b64encode(raw).decode(),
        )
