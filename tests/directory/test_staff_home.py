"""The staff home lists the positions a person holds and only the tasks their roles open."""

from __future__ import annotations

from typing import Any

import pytest

from diwan.directory.roles import Role
from tests.directory.conftest import World, sign_in_staff

pytestmark = pytest.mark.django_db


def test_staff_home_shows_positions_and_directory_link_for_an_admin(client: Any, world: World) -> None:
    sign_in_staff(client, world.moi_admin)
    body = client.get("/en/office/").content.decode()
    assert "Your positions" in body
    assert "Agency administrator" in body
    assert "/en/office/directory/" in body
    assert "/en/office/audit/events/" not in body


def test_staff_home_hides_admin_tasks_from_an_officer(client: Any, world: World) -> None:
    officer = world.member(world.moi_office, Role.CASE_OFFICER)
    sign_in_staff(client, officer)
    body = client.get("/en/office/").content.decode()
    assert "Case officer" in body
    assert "/en/office/directory/" not in body


def test_staff_home_needs_mfa(client: Any, world: World) -> None:
    client.force_login(world.moi_admin)  # password step only, no TOTP
    response = client.get("/en/office/")
    assert response.status_code == 302
    assert "/staff/verify/" in response["Location"]
