from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from diwan.core import clock
from diwan.directory import actions
from diwan.directory.roles import Role, active_roles
from diwan.directory.selectors import active_role_codes, administered_agencies, offices_of

from .conftest import World, make_staff

pytestmark = pytest.mark.django_db


def test_roles_follow_the_membership_period(world: World) -> None:
    officer = make_staff()
    now = clock.now()
    actions.membership_grant(
        actor=None,
        user=officer,
        position=world.moi_officer_position,
        valid_from=now + dt.timedelta(days=1),
        valid_to=now + dt.timedelta(days=2),
    )
    assert active_role_codes(officer) == set()
    assert active_roles(officer) == set()
    actions.membership_grant(
        actor=None, user=officer, position=world.moi_officer_position, valid_to=now + dt.timedelta(hours=1)
    )
    assert active_role_codes(officer) == {"case_officer"}


def test_inactive_staff_and_citizens_hold_no_roles(world: World) -> None:
    from diwan.accounts.models import User

    assert active_role_codes(world.moi_admin) == {"agency_admin"}
    world.moi_admin.is_active = False
    assert active_role_codes(world.moi_admin) == set()
    citizen = User.objects.create_user(kind="citizen", phone="+9647701112233", full_name_ar="مواطن")
    assert active_role_codes(citizen) == set()


def test_active_role_codes_is_one_query(world: World, django_assert_num_queries: Any) -> None:
    holder = world.member(world.moi_office, Role.REVIEWER)
    world.member(world.moh_office, Role.APPROVER, holder)
    colleague = world.member(world.moi_office, Role.REGISTRY_CLERK)
    now = clock.now()
    actions.delegation_create(
        actor=None,
        position=world.moi_officer_position.__class__.objects.get(
            memberships__user=holder, role=Role.REVIEWER
        ),
        delegator=holder,
        delegate=colleague,
        valid_from=now,
        valid_to=now + dt.timedelta(days=1),
        reason="leave",
    )
    with django_assert_num_queries(1):
        roles = active_role_codes(colleague)
    assert roles == {"registry_clerk", "reviewer"}
    with django_assert_num_queries(1):
        assert active_role_codes(holder) == {"reviewer", "approver"}


def test_offices_of_lists_the_offices_where_the_person_works(world: World) -> None:
    person = world.member(world.moi_office, Role.REVIEWER)
    world.member(world.moh_office, Role.APPROVER, person)
    assert set(offices_of(person)) == {world.moi_office, world.moh_office}
    assert list(offices_of(make_staff())) == []


def test_administered_agencies(world: World) -> None:
    assert list(administered_agencies(world.moi_admin)) == [world.moi]
    coordination = set(administered_agencies(world.coord_admin))
    assert world.sjc not in coordination
    assert {world.moi, world.moh, world.comsec, world.police} <= coordination
    assert list(administered_agencies(world.sjc_admin)) == [world.sjc]
