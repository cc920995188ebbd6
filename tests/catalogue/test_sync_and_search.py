"""Sync publishes versions (kept, idempotent, audited) and the search is insensitive to Arabic spelling."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from diwan.audit.models import Event
from diwan.catalogue.actions import catalogue_sync
from diwan.catalogue.events import CatalogueEvent
from diwan.catalogue.models import Service, ServiceVersion
from diwan.catalogue.normalise import normalise
from diwan.catalogue.selectors import public_services

pytestmark = pytest.mark.django_db


def _codes(**filters: Any) -> set[str]:
    return {s.code for s in public_services(**filters)}


def test_sync_is_idempotent_and_keeps_every_version(directory: None, services_copy: Path) -> None:
    first = catalogue_sync(actor=None, directory=services_copy)
    assert len(first.published) == 12
    assert all(number == 1 for _, number in first.published)
    events = Event.objects.filter(event_type=CatalogueEvent.VERSION_PUBLISHED).count()
    assert events == 12

    again = catalogue_sync(actor=None, directory=services_copy)
    assert again.published == []
    assert len(again.unchanged) == 12
    assert ServiceVersion.objects.count() == 12
    for version in ServiceVersion.objects.all():  # the titles column is the definition's title
        assert version.titles == version.definition["title"]
        assert set(version.titles) == {"ar", "ckb", "en"}
    assert Event.objects.filter(event_type=CatalogueEvent.VERSION_PUBLISHED).count() == events

    path = services_copy / "passport-application.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["fee_iqd"] = 50000
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    changed = catalogue_sync(actor=None, directory=services_copy)
    assert changed.published == [("passport-application", 2)]
    service = Service.objects.get(code="passport-application")
    assert [v.definition["fee_iqd"] for v in service.versions.all()] == [25000, 50000]
    assert service.current_version is not None
    assert service.current_version.number == 2
    event = Event.objects.filter(event_type=CatalogueEvent.VERSION_PUBLISHED).latest("id")
    assert event.details["code"] == "passport-application"
    assert event.details["version"] == 2


def test_check_only_reports(directory: None) -> None:
    out = io.StringIO()
    call_command("catalogue", "sync", "--check", stdout=out)
    assert "would publish passport-application version 1" in out.getvalue()
    assert Service.objects.count() == 0
    call_command("catalogue", "sync", stdout=out)
    assert Service.objects.count() == 12


def test_command_reports_a_bad_file(directory: None, services_copy: Path) -> None:
    path = services_copy / "building-permit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("fee_iqd: 100000", "fee_iqd: lots"))
    with pytest.raises(CommandError, match=r"services/building-permit.yaml:\d+: fee_iqd: "):
        call_command("catalogue", "sync", "--dir", str(services_copy), stdout=io.StringIO())
    assert Service.objects.count() == 0


def test_search_folds_arabic_spelling(synced: None) -> None:
    assert "building-permit" in _codes(q="اجازه بناء")  # إجازة بناء without hamza, with haa
    assert "passport-application" in _codes(q="جَوَاز")  # with diacritics
    assert "passport-application" in _codes(q="جـــواز")  # with tatweel
    assert "marriage-contract-registration" in _codes(q="زواج")
    assert "company-registration" in _codes(q="COMPANY")
    assert "national-card-renewal" in _codes(q="کارتی نیشتمانی")  # Kurdish
    assert "national-card-renewal" in _codes(q="كارتي نيشتماني")  # Kurdish typed with Arabic kaf/yeh
    assert _codes(q="جواز") == {"passport-application"}
    assert _codes(q="zzzz") == set()


def test_search_folds_digits(directory: None, services_copy: Path) -> None:
    assert normalise("٢٠١٤ ۲۰۱۴") == "2014 2014"
    path = services_copy / "social-protection-application.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["summary"]["ar"] += " (القانون رقم ١١ لسنة ٢٠١٤)"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    catalogue_sync(actor=None, directory=services_copy)
    for query in ("2014", "٢٠١٤", "۲۰۱۴"):
        assert _codes(q=query) == {"social-protection-application"}, query


def test_filters_by_agency_and_life_event(synced: None) -> None:
    assert _codes(agency="MOLSA") == {"social-protection-application", "job-seeker-registration"}
    assert _codes(life_event="getting_married") == {"marriage-contract-registration"}
    assert "job-seeker-registration" in _codes(life_event="looking_for_work")
    assert _codes(life_event="looking") == set()  # a whole tag, not a prefix


ARABIC_LETTERS = st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=30)


@given(ARABIC_LETTERS)
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(ARABIC_LETTERS)
def test_normalised_text_has_no_variant_forms(text: str) -> None:
    folded = normalise(text)
    assert not set(folded) & set("أإآٱةىیكـ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹\u064b\u064e\u0650\u0651\u0652")


@given(st.text(alphabet="ابتجدهويکمنلرس ", min_size=1, max_size=20), st.data())
def test_any_spelling_variant_matches(text: str, data: st.DataObject) -> None:
    variants = {"ا": "أإآٱ", "ه": "ة", "ي": "ىی", "ک": "ك"}
    spelled = "".join(
        data.draw(st.sampled_from(c + variants.get(c, ""))) + data.draw(st.sampled_from(["", "\u064e", "ـ"]))
        for c in text
    )
    assert normalise(spelled) == normalise(text)
