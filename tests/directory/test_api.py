from __future__ import annotations

import json

import pytest
from django.test import Client

from diwan.directory.models import Office

from .conftest import World, make_staff, sign_in_staff

pytestmark = pytest.mark.django_db

API = "/api/v1/directory"


def test_public_reads_agencies_and_offices(client: Client, world: World) -> None:
    agencies = client.get(f"{API}/agencies").json()
    police = next(a for a in agencies if a["code"] == "POLICE")
    assert police["parent"] == "MOI"
    assert police["is_law_enforcement"] is True
    assert client.get(f"{API}/agencies/SJC").json()["is_judiciary"] is True
    offices = client.get(f"{API}/agencies/MOI/offices").json()
    assert [o["code"] for o in offices] == ["HQ"]
    assert set(offices[0]["name"]) == {"ar", "ckb", "en"}
    assert client.get(f"{API}/agencies/NOPE").status_code == 404
    assert client.get(f"{API}/agencies/MOI/signing-keys").json() == []


def _office(code: str) -> str:
    return json.dumps(
        {"code": code, "name": {"ar": "مكتب", "ckb": "نووسینگە", "en": "Office"}, "governorate": "NJF"}
    )


def test_agency_admin_creates_an_office_through_the_api(client: Client, world: World) -> None:
    assert (
        client.post(f"{API}/agencies/MOI/offices", _office("A"), content_type="application/json").status_code
        == 401
    )
    sign_in_staff(client, world.moi_admin)
    created = client.post(f"{API}/agencies/MOI/offices", _office("NJF-1"), content_type="application/json")
    assert created.status_code == 201
    assert created.json()["governorate"] == "NJF"
    other = client.post(f"{API}/agencies/MOH/offices", _office("NJF-2"), content_type="application/json")
    assert other.status_code == 404
    bad = client.post(
        f"{API}/agencies/MOI/offices",
        json.dumps({"code": "X", "name": {"ar": "", "ckb": "", "en": ""}, "governorate": "NJF"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert not Office.objects.filter(code__in=["NJF-2", "X"]).exists()


def test_staff_without_admin_role_cannot_write(client: Client, world: World) -> None:
    sign_in_staff(client, make_staff())
    response = client.post(f"{API}/agencies/MOI/offices", _office("Z"), content_type="application/json")
    assert response.status_code == 403
