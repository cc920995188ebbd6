"""The staff directory pages through HTTP: who may open them, and each form's happy and refused paths."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from diwan.audit.models import Event
from diwan.core import clock
from diwan.directory import actions
from diwan.directory.models import Agency, Delegation, Membership, Office, Position
from diwan.directory.roles import Role
from diwan.directory.selectors import active_role_codes

from .conftest import World, make_staff, sign_in_staff

pytestmark = pytest.mark.django_db

BASE = "/en/office/directory/"


def names(language: str = "en") -> dict[str, str]:
    return {"name_ar": "مكتب جديد", "name_ckb": "نووسینگەی نوێ", "name_en": "New office"}


def test_anonymous_is_sent_to_staff_sign_in(client: Client) -> None:
    response = client.get(BASE)
    assert response.status_code == 302
    assert "/staff/sign-in/" in response["Location"]


def test_staff_without_an_admin_role_is_refused(client: Client, world: World) -> None:
    officer = world.member(world.moi_office, Role.CASE_OFFICER)
    sign_in_staff(client, officer)
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}agencies/MOI/").status_code == 403


def test_agency_admin_sees_only_their_agency(client: Client, world: World) -> None:
    sign_in_staff(client, world.moi_admin)
    page = client.get(BASE).content.decode()
    assert "MOI office" not in page  # office names are on the agency page, not the index
    assert f"{BASE}agencies/MOI/" in page
    assert f"{BASE}agencies/MOH/" not in page
    assert client.get(f"{BASE}agencies/MOH/").status_code == 404
    assert client.get(f"{BASE}offices/{world.moh_office.pk}/positions/new/").status_code == 404
    detail = client.get(f"{BASE}agencies/MOI/")
    assert detail.status_code == 200
    assert "HQ office" in detail.content.decode()


def test_coordination_admin_cannot_open_the_judiciary(client: Client, world: World) -> None:
    sign_in_staff(client, world.coord_admin)
    assert client.get(f"{BASE}agencies/SJC/").status_code == 404
    assert client.get(f"{BASE}positions/{world.judge_position.pk}/members/new/").status_code == 404
    response = client.post(f"{BASE}positions/{world.judge_position.pk}/members/new/", {"username": "x1"})
    assert response.status_code == 404
    assert not Membership.objects.filter(position=world.judge_position).exists()


def test_coordination_admin_creates_an_agency(client: Client, world: World) -> None:
    sign_in_staff(client, world.coord_admin)
    assert client.get(f"{BASE}agencies/new/").status_code == 200
    response = client.post(
        f"{BASE}agencies/new/",
        {
            "code": "MOT",
            "name_ar": "وزارة التجارة",
            "name_ckb": "وەزارەتی بازرگانی",
            "name_en": "Ministry of Trade",
            "kind": "federal_ministry",
            "parent": "",
        },
    )
    assert response.status_code == 302
    assert Agency.objects.get(code="MOT").name["ckb"] == "وەزارەتی بازرگانی"


def test_the_agency_form_refuses_a_court_and_an_agency_admin(client: Client, world: World) -> None:
    sign_in_staff(client, world.coord_admin)
    data = {"code": "CRT", "name_ar": "محكمة", "name_ckb": "دادگا", "name_en": "Court", "kind": "judiciary"}
    response = client.post(f"{BASE}agencies/new/", data)
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not Agency.objects.filter(code="CRT").exists()
    client.logout()
    sign_in_staff(client, world.moi_admin)
    assert client.post(f"{BASE}agencies/new/", {**data, "kind": "federal_ministry"}).status_code == 403
    assert not Agency.objects.filter(code="CRT").exists()


def test_office_form_happy_and_bad_input(client: Client, world: World) -> None:
    sign_in_staff(client, world.moi_admin)
    url = f"{BASE}agencies/MOI/offices/new/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"code": "PASS-BSR", **names(), "governorate": "BSR", "parent": world.moi_office.pk}
    )
    assert response.status_code == 302
    office = Office.objects.get(code="PASS-BSR")
    assert office.parent == world.moi_office
    missing = client.post(
        url, {"code": "X", "name_ar": "", "name_ckb": "", "name_en": "", "governorate": "BSR"}
    )
    assert missing.status_code == 400
    body = missing.content.decode()
    assert 'href="#id_name_ar"' in body  # the error summary links to the field
    duplicate = client.post(url, {"code": "pass-bsr", **names(), "governorate": "BSR"})
    assert duplicate.status_code == 400
    assert "already has this code" in duplicate.content.decode()
    assert Office.objects.filter(agency=world.moi).count() == 2


def test_position_form_offers_and_accepts_only_fitting_roles(client: Client, world: World) -> None:
    sign_in_staff(client, world.moi_admin)
    url = f"{BASE}offices/{world.moi_office.pk}/positions/new/"
    page = client.get(url).content.decode()
    assert 'value="case_officer"' in page
    assert 'value="judge"' not in page
    titles = {"title_ar": "قاضٍ", "title_ckb": "دادوەر", "title_en": "Judge"}
    assert client.post(url, {**titles, "role": "judge"}).status_code == 400
    assert not Position.objects.filter(role="judge", office=world.moi_office).exists()
    assert client.post(url, {**titles, "title_en": "Reviewer", "role": "reviewer"}).status_code == 302


def test_membership_grant_through_the_page(client: Client, world: World) -> None:
    officer = make_staff("officer.one")
    sign_in_staff(client, world.moi_admin)
    url = f"{BASE}positions/{world.moi_officer_position.pk}/members/new/"
    assert client.get(url).status_code == 200
    unknown = client.post(url, {"username": "nobody.here"})
    assert unknown.status_code == 400
    assert "no active staff member" in unknown.content.decode()
    myself = client.post(url, {"username": world.moi_admin.username})
    assert myself.status_code == 403
    assert "cannot grant a role to yourself" in myself.content.decode()
    until = (clock.now() + dt.timedelta(days=30)).date().isoformat()
    assert client.post(url, {"username": "Officer.One", "valid_to": until}).status_code == 302
    assert active_role_codes(officer) == {"case_officer"}
    assert Event.objects.filter(
        event_type="directory.membership.granted", actor_id=world.moi_admin.pk
    ).exists()


def test_end_membership_through_the_page(client: Client, world: World) -> None:
    officer = make_staff()
    membership = actions.membership_grant(actor=None, user=officer, position=world.moi_officer_position)
    sign_in_staff(client, world.moi_admin)
    url = f"{BASE}memberships/{membership.pk}/end/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "retired"}).status_code == 302
    assert active_role_codes(officer) == set()
    again = client.post(url, {"reason": ""})
    assert again.status_code == 409


def test_delegation_through_the_page(client: Client, world: World) -> None:
    holder = make_staff("holder")
    actions.membership_grant(actor=None, user=holder, position=world.moi_officer_position)
    colleague = world.member(world.moi_office, Role.REGISTRY_CLERK, make_staff("colleague"))
    sign_in_staff(client, world.moi_admin)
    url = f"{BASE}positions/{world.moi_officer_position.pk}/delegations/new/"
    assert client.get(url).status_code == 200
    today = clock.now().date()
    data: dict[str, Any] = {
        "delegator": holder.pk,
        "delegate": "colleague",
        "valid_from": today.isoformat(),
        "valid_to": (today + dt.timedelta(days=5)).isoformat(),
        "reason": "Hajj leave",
    }
    too_long = client.post(url, {**data, "valid_to": (today + dt.timedelta(days=365)).isoformat()})
    assert too_long.status_code == 400
    assert client.post(url, data).status_code == 302
    assert "case_officer" in active_role_codes(colleague)
    agency_page = client.get(f"{BASE}agencies/MOI/").content.decode()
    assert "Acting" in agency_page
    delegation = Delegation.objects.get()
    assert client.post(f"{BASE}delegations/{delegation.pk}/end/").status_code == 302
    assert "case_officer" not in active_role_codes(colleague)


def test_pages_are_translated(client: Client, world: World) -> None:
    sign_in_staff(client, world.moi_admin)
    english = client.get(f"{BASE}agencies/MOI/").content.decode()
    assert "Add an office" in english
    arabic = client.get("/ar/office/directory/agencies/MOI/").content.decode()
    assert 'dir="rtl"' in arabic
    assert "HQ office بالعربية" in arabic  # stored names follow the page language
