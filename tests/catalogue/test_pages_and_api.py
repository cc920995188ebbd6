"""Public catalogue pages in ar/ckb/en and the public catalogue API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bench.pageweight import HTML_BUDGET, VISIT_BUDGET, weigh
from tests.core.test_page_weight import _fetch

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "title", "fee", "office"),
    [
        ("ar", "طلب جواز سفر", "25,000", "مديرية جوازات البصرة"),
        ("ckb", "داواکاریی پاسپۆرت", "25,000", "بەڕێوەبەرایەتیی پاسپۆرتی بەسرە"),
        ("en", "Apply for a passport", "25,000 Iraqi dinars", "Passports Directorate, Basra"),
    ],
)
def test_service_page_in_each_language(
    synced: None, language: str, title: str, fee: str, office: str
) -> None:
    response = Client().get(f"/{language}/services/passport-application/?governorate=BSR")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert fee in html
    assert office in html
    assert 'id="stages"' in html
    assert html.count("<li>", html.index('id="stages"')) >= 3


def test_service_page_shows_fee_documents_time_limit_and_stages_in_english(synced: None) -> None:
    html = Client().get("/en/services/good-conduct-certificate/").content.decode()
    assert "5,000 Iraqi dinars" in html
    assert "10 working days" in html
    assert "Unified national card" in html
    assert "Directorate of Criminal Records" in html  # fixed routing: the office is shown directly
    assert "Checking the application — up to 4 working days" in html
    assert "Any Iraqi aged 18 or over" in html


def test_free_service_and_kurdistan_routing(synced: None) -> None:
    html = Client().get("/en/services/social-protection-application/?governorate=EBL").content.decode()
    assert "Free" in html
    assert "Social Care and Protection Directorate, Erbil" in html  # the Region's own ministry
    html = Client().get("/en/services/building-permit/?governorate=SUL").content.decode()
    assert "not offered online in Sulaymaniyah" in html


def test_unknown_service_governorate_or_life_event_is_404(synced: None) -> None:
    assert Client().get("/en/services/no-such-service/").status_code == 404
    assert Client().get("/en/services/passport-application/?governorate=XXX").status_code == 404
    assert Client().get("/en/services/?life_event=nonsense").status_code == 404


def test_list_groups_by_agency_and_searches(synced: None) -> None:
    html = Client().get("/ar/services/").content.decode()
    assert 'id="agency-MOLSA"' in html
    assert 'id="agency-SJC"' in html
    assert html.count('href="/ar/services/') >= 12
    html = Client().get("/ar/services/", {"q": "إجازة"}).content.decode()
    assert "/ar/services/building-permit/" in html
    assert "/ar/services/driving-licence-renewal/" in html
    assert "/ar/services/passport-application/" not in html
    html = Client().get("/en/services/", {"life_event": "getting_married"}).content.decode()
    assert "<h1>Getting married</h1>" in html
    assert "/en/services/marriage-contract-registration/" in html
    assert "/en/services/passport-application/" not in html
    html = Client().get("/ckb/services/life-events/").content.decode()
    assert "?life_event=travelling_abroad" in html


def test_service_page_fits_the_page_weight_budget(synced: None) -> None:
    weight = weigh("service page", "/ar/services/passport-application/", _fetch(Client()))
    assert 0 < weight.html_gzip <= HTML_BUDGET
    assert weight.foreign == []
    assert weight.visit_gzip <= VISIT_BUDGET


def test_api_lists_and_filters(synced: None) -> None:
    client = Client()
    body: list[dict[str, Any]] = client.get("/api/v1/catalogue/services").json()
    assert len(body) == 12
    passport = next(s for s in body if s["code"] == "passport-application")
    assert passport["agency"] == "MOI"
    assert passport["fee_iqd"] == 25000
    assert passport["version"] == 1
    assert passport["title"]["ckb"] == "داواکاریی پاسپۆرت"
    by_agency = client.get("/api/v1/catalogue/services", {"agency": "SJC"}).json()
    assert [s["code"] for s in by_agency] == ["marriage-contract-registration"]
    by_event = client.get("/api/v1/catalogue/services", {"life_event": "facing_hardship"}).json()
    assert [s["code"] for s in by_event] == ["social-protection-application"]
    searched = client.get("/api/v1/catalogue/services", {"q": "جوازات"}).json()
    assert searched == []  # the word is not in any title or summary
    searched = client.get("/api/v1/catalogue/services", {"q": "جَواز السفر"}).json()
    assert [s["code"] for s in searched] == ["passport-application"]


def test_api_service_detail(synced: None) -> None:
    response = Client().get("/api/v1/catalogue/services/passport-application")
    assert response.status_code == 200
    body = response.json()
    assert body["routing"] == "governorate"
    assert body["not_offered_in"] == []
    assert [s["key"] for s in body["stages"]] == ["check", "review", "approval"]
    assert sum(s["time_limit_days"] for s in body["stages"]) <= body["legal_time_limit_days"]
    fields = {f["name"]: f for page in body["pages"] for f in page["fields"]}
    assert fields["old_passport_number"]["conditional"] is True
    assert fields["photo"]["type"] == "file"
    assert Client().get("/api/v1/catalogue/services/nope").status_code == 404
