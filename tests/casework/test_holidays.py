"""`diwan holidays load/list`: idempotent sync of a year, audited changes, the per-scope calendar cache."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from diwan.audit.models import Event
from diwan.casework.calendar import calendar_for, invalidate_calendars
from diwan.casework.models import Holiday

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_calendars() -> None:
    invalidate_calendars()  # the test database is flushed with SQL, which sends no signals


def load(path: Path) -> str:
    out = StringIO()
    call_command("holidays", "load", str(path), stdout=out)
    return out.getvalue()


def test_loading_twice_changes_nothing_the_second_time() -> None:
    first = load(ROOT / "calendars/iraq-2026.yaml")
    assert "22 added, 0 changed, 0 removed, 0 unchanged" in first
    assert Event.objects.filter(event_type="casework.holiday.added").count() == 22
    second = load(ROOT / "calendars/iraq-2026.yaml")
    assert "0 added, 0 changed, 0 removed, 22 unchanged" in second
    assert Event.objects.filter(event_type__startswith="casework.holiday.").count() == 22
    eid = Holiday.objects.get(year=2026, key="eid-al-fitr-1")
    assert eid.date == dt.date(2026, 3, 20)
    assert eid.provisional
    assert eid.name["ckb"] == "جەژنی ڕەمەزان (ڕۆژی یەکەم)"


def test_an_announced_date_is_an_audited_update(tmp_path: Path) -> None:
    load(ROOT / "calendars/iraq-2026.yaml")
    federal = calendar_for("federal")
    assert not federal.is_working_day(dt.date(2026, 5, 27))  # Eid al-Adha day 1 (expected)
    text = (ROOT / "calendars/iraq-2026.yaml").read_text(encoding="utf-8")
    # The Council of Ministers announces Eid al-Adha a day later; Ashura dropped from the file.
    text = text.replace("date: 2026-05-30", "date: 2026-05-31").replace(
        "date: 2026-05-27", "date: 2026-05-31X"
    )
    text = text.replace("date: 2026-05-31X", "date: 2026-05-28")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "- key: ashura")
    del lines[start : start + 5]
    announced = tmp_path / "iraq-2026.yaml"
    announced.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "0 added, 2 changed, 1 removed, 19 unchanged" in load(announced)
    changed = Event.objects.get(
        event_type="casework.holiday.changed", objects_ref__holiday="2026/eid-al-adha-1"
    )
    assert changed.details["before"]["date"] == "2026-05-27"
    assert changed.details["after"]["date"] == "2026-05-28"
    assert Event.objects.filter(
        event_type="casework.holiday.removed", objects_ref__holiday="2026/ashura"
    ).exists()
    # The cache of this process was dropped: the calendar follows the announcement at once.
    federal = calendar_for("federal")
    assert federal.is_working_day(dt.date(2026, 5, 27))
    assert not federal.is_working_day(dt.date(2026, 5, 28))
    assert federal.is_working_day(dt.date(2026, 6, 25))


def test_scopes_federal_and_kurdistan_region() -> None:
    load(ROOT / "calendars/iraq-2027.yaml")
    federal, region = calendar_for("federal"), calendar_for("kurdistan_region")
    assert federal.holidays < region.holidays
    assert dt.date(2027, 3, 16) in region.holidays - federal.holidays  # Halabja remembrance
    with pytest.raises(ValueError, match="unknown holiday scope"):
        calendar_for("mars")


def test_list_shows_a_year(capsys: pytest.CaptureFixture[str]) -> None:
    load(ROOT / "calendars/iraq-2026.yaml")
    out = StringIO()
    call_command("holidays", "list", "--year", "2026", "--scope", "kurdistan_region", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("2026-03-05 Thu kurdistan_region")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("year: 2026\nholidays: [", "not valid YAML"),
        ("year: 2026\n", "exactly the keys"),
        (
            "year: 2026\nholidays:\n  - {key: x, date: 2027-01-01, scope: federal, provisional: false,"
            " name: {ar: a, ckb: b, en: c}}\n",
            "holiday #1 (x): `date` 2027-01-01 is not in 2026",
        ),
        (
            "year: 2026\nholidays:\n  - {key: x, date: 2026-01-01, scope: moon, provisional: false,"
            " name: {ar: a, ckb: b, en: c}}\n",
            "`scope` must be one of",
        ),
        (
            "year: 2026\nholidays:\n  - {key: x, date: 2026-01-01, scope: federal, provisional: false,"
            " name: {ar: a, en: c}}\n",
            "`name` must give ar, ckb and en",
        ),
        (
            "year: 2026\nholidays:\n  - {key: x, date: 2026-01-01, scope: federal, provisional: maybe,"
            " name: {ar: a, ckb: b, en: c}}\n",
            "`provisional` must be true or false",
        ),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_changes_nothing(
    tmp_path: Path, body: str, message: str
) -> None:
    load(ROOT / "calendars/iraq-2026.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load(bad)
    assert Holiday.objects.filter(year=2026).count() == 22
