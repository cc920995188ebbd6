"""`diwan demo-data`: loads the real organisation, staff for every role and synthetic citizens, twice
without duplicates, and refuses in production mode."""

from __future__ import annotations

import io
import re
import sys
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from diwan.accounts.actions.staff import staff_check_password
from diwan.accounts.models import TOTPDevice, User
from diwan.accounts.validators import PHONE_E164
from diwan.audit.models import Event
from diwan.core.governorates import Governorate
from diwan.core.i18n import is_complete
from diwan.demo.loader import demo_password, demo_totp_secret, synthetic_citizens
from diwan.directory.models import Agency, AgencyKind, Membership, Office
from diwan.directory.roles import Role
from diwan.directory.selectors import active_role_codes

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts() -> dict[str, int]:
    return {
        "agencies": Agency.objects.count(),
        "offices": Office.objects.count(),
        "memberships": Membership.objects.count(),
        "staff": User.objects.filter(kind="staff").count(),
        "citizens": User.objects.filter(kind="citizen").count(),
        "events": Event.objects.count(),
    }


@pytest.fixture
def loaded(db: Any, settings: Any) -> dict[str, int]:
    settings.PASSWORD_HASHERS = FAST_HASHER
    call_command("demo_data", stdout=io.StringIO())
    return counts()


def test_loading_twice_changes_nothing(loaded: dict[str, int]) -> None:
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert counts() == loaded
    assert "nothing to do" in out.getvalue()


def test_the_organisation_is_real_and_complete(loaded: dict[str, int]) -> None:
    ministries = Agency.objects.filter(kind=AgencyKind.FEDERAL_MINISTRY)
    assert ministries.count() >= 12
    for code in ("MOI", "MOFA", "MOF", "MOH", "MOE", "MOHESR", "MOJ", "MOLSA", "MOP", "MOT", "MOC", "MOO"):
        assert ministries.filter(code=code).exists(), code
    assert Agency.objects.get(code="MOI").name["ckb"] == "وەزارەتی ناوخۆ"
    assert all(is_complete(a.name) for a in Agency.objects.all())
    assert all(is_complete(o.name) for o in Office.objects.all())
    assert Agency.objects.get(code="COMSEC").kind == AgencyKind.COORDINATION_BODY
    assert Agency.objects.get(code="SJC").is_judiciary
    assert Office.objects.filter(agency__code="SJC", code="KARKH-INVEST").exists()
    police = Agency.objects.get(code="IQ-POLICE")
    assert police.is_law_enforcement
    assert police.parent is not None
    assert police.parent.code == "MOI"
    assert Agency.objects.filter(kind=AgencyKind.KRG_MINISTRY, code="KRG-DIT").exists()
    governorate_agencies = Agency.objects.filter(kind=AgencyKind.GOVERNORATE_OFFICE)
    assert governorate_agencies.count() == len(Governorate.values) == 19
    # Every governorate has a passports office, and the main service offices exist everywhere.
    for governorate in Governorate.values:
        offices = Office.objects.filter(governorate=governorate)
        assert offices.filter(agency__code="MOI", code=f"PASS-{governorate}").exists()
        assert offices.filter(code=f"CS-{governorate}").exists()
        assert offices.filter(code=f"SP-{governorate}").exists()


def test_every_staff_role_has_a_demo_member(loaded: dict[str, int]) -> None:
    held: set[str] = set()
    for user in User.objects.filter(kind="staff"):
        assert user.is_test_data
        assert TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
        held |= active_role_codes(user)
    assert held == {role.value for role in Role if role != Role.CITIZEN}
    # The judge sits only in the judiciary.
    judge = User.objects.get(username="sjc.judge")
    assert set(
        Membership.objects.filter(user=judge).values_list("position__office__agency__code", flat=True)
    ) == {"SJC"}


def test_demo_staff_can_sign_in_with_the_printed_password(loaded: dict[str, int]) -> None:
    user = staff_check_password(username="moi.officer", password=demo_password("moi.officer"))
    assert user.username == "moi.officer"
    assert len(demo_password("auditor")) >= 15


def test_citizens_are_synthetic_and_plausible(loaded: dict[str, int]) -> None:
    citizens = User.objects.filter(kind="citizen")
    assert citizens.count() >= 50
    assert not citizens.filter(is_test_data=False).exists()
    assert all(PHONE_E164.match(c.phone or "") for c in citizens)
    ids = [c.national_id for c in citizens]
    assert all(re.fullmatch(r"[0-9]{12}", i) for i in ids)
    assert len(set(ids)) == len(ids)
    kurdish = citizens.exclude(full_name_ckb="")
    assert kurdish.count() >= 10
    assert set(kurdish.values_list("governorate", flat=True)) <= {"EBL", "SUL", "DUK", "HLB"}
    assert all(c.full_name_latin for c in citizens)


def test_citizens_are_deterministic() -> None:
    assert synthetic_citizens() == synthetic_citizens()


def test_print_accounts_lists_credentials_and_a_current_code(db: Any, settings: Any) -> None:
    from diwan.accounts import mfa

    settings.PASSWORD_HASHERS = FAST_HASHER
    out = io.StringIO()
    call_command("demo_data", "--print-accounts", stdout=out)
    text = out.getvalue()
    secret = demo_totp_secret("sjc.judge")
    assert "sjc.judge" in text
    assert demo_password("sjc.judge") in text
    assert secret in text
    assert mfa.current_code(secret) in text or mfa.code_at(secret, mfa.current_step() - 1) in text


def test_refused_in_production_mode(db: Any, settings: Any) -> None:
    settings.DIWAN_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="production"):
        call_command("demo_data", stdout=io.StringIO())
    assert not User.objects.exists()
    assert not Agency.objects.exists()


def test_the_diwan_entry_point_accepts_demo_dash_data(
    settings: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from diwan.__main__ import main

    settings.DIWAN_DEMO_ALLOWED = False  # so the command stops before touching a database
    monkeypatch.setattr(sys, "argv", ["diwan", "demo-data", "--print-accounts"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    assert "refused in production" in capsys.readouterr().err
