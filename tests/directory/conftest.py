"""A small directory: the coordination body, two ministries, the judiciary and a police agency, each with
an administrator, built through the actions (actor=None is the platform, as in the demo loader)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from diwan.accounts.models import User
from diwan.core import clock
from diwan.core.access import MFA_SESSION_KEY
from diwan.directory import actions
from diwan.directory.models import Agency, AgencyKind, Office, Position
from diwan.directory.roles import Role

_counter = itertools.count(1)


def text(en: str) -> dict[str, str]:
    return {"ar": f"{en} بالعربية", "ckb": f"{en} بە کوردی", "en": en}


def make_staff(username: str | None = None, **extra: Any) -> User:
    username = username or f"staff{next(_counter)}"
    return User.objects.create_user(username, kind="staff", full_name_ar=f"موظف {username}", **extra)


@dataclass
class World:
    comsec: Agency
    moi: Agency
    moh: Agency
    sjc: Agency
    police: Agency
    comsec_office: Office
    moi_office: Office
    moh_office: Office
    court: Office
    police_office: Office
    coord_admin: User
    moi_admin: User
    moh_admin: User
    sjc_admin: User
    moi_officer_position: Position
    judge_position: Position

    def position(self, office: Office, role: Role) -> Position:
        return actions.position_create(actor=None, office=office, title=text(f"{role} post"), role=role)

    def member(self, office: Office, role: Role, user: User | None = None) -> User:
        user = user or make_staff()
        actions.membership_grant(actor=None, user=user, position=self.position(office, role))
        return user


@pytest.fixture
def world(db: Any) -> World:
    def agency(code: str, kind: str, parent: Agency | None = None) -> Agency:
        return actions.agency_create(actor=None, code=code, name=text(code), kind=kind, parent=parent)

    def office(agency: Agency, code: str) -> Office:
        return actions.office_create(
            actor=None, agency=agency, code=code, name=text(f"{code} office"), governorate="BGD"
        )

    comsec = agency("COMSEC", AgencyKind.COORDINATION_BODY)
    moi = agency("MOI", AgencyKind.FEDERAL_MINISTRY)
    moh = agency("MOH", AgencyKind.FEDERAL_MINISTRY)
    sjc = agency("SJC", AgencyKind.JUDICIARY)
    police = agency("POLICE", AgencyKind.LAW_ENFORCEMENT, parent=moi)
    offices = {a.code: office(a, "HQ") for a in (comsec, moi, moh, sjc, police)}
    w = World(
        comsec=comsec,
        moi=moi,
        moh=moh,
        sjc=sjc,
        police=police,
        comsec_office=offices["COMSEC"],
        moi_office=offices["MOI"],
        moh_office=offices["MOH"],
        court=offices["SJC"],
        police_office=offices["POLICE"],
        coord_admin=make_staff("coord"),
        moi_admin=make_staff("moiadmin"),
        moh_admin=make_staff("mohadmin"),
        sjc_admin=make_staff("sjcadmin"),
        moi_officer_position=actions.position_create(
            actor=None, office=offices["MOI"], title=text("Case officer"), role=Role.CASE_OFFICER
        ),
        judge_position=actions.position_create(
            actor=None, office=offices["SJC"], title=text("Investigating judge"), role=Role.JUDGE
        ),
    )
    w.member(w.comsec_office, Role.COORDINATION_ADMIN, w.coord_admin)
    w.member(w.moi_office, Role.AGENCY_ADMIN, w.moi_admin)
    w.member(w.moh_office, Role.AGENCY_ADMIN, w.moh_admin)
    w.member(w.court, Role.AGENCY_ADMIN, w.sjc_admin)
    return w


def sign_in_staff(client: Client, user: User) -> Client:
    """A staff session that has completed MFA (the sign-in flow itself is tested by accounts)."""
    client.force_login(user)
    session = client.session
    session[MFA_SESSION_KEY] = int(clock.now().timestamp())
    session.save()
    return client
