"""Page-weight budgets for citizen pages in Arabic (issue 2, §5), so a heavier page fails the suite.

First HTML response <= 14 KB gzip, whole first visit (HTML + every asset it pulls in) <= 60 KB gzip, CSS
<= 15 KB gzip; everything from our own origin. The same counting code measures the production server in
`make bench` (bench/pageweight.py).
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from bench.pageweight import CSS_BUDGET, HTML_BUDGET, VISIT_BUDGET, Fetch, PageWeight, gzip_size, weigh

PAGES = [("citizen home", "public:home"), ("citizen sign-in", "accounts:sign-in")]


def _fetch(client: Client) -> Fetch:
    def fetch(path: str) -> tuple[int, str, bytes]:
        response: Any = client.get(path, headers={"accept-language": "ar"})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, response.get("Content-Type", ""), body

    return fetch


def _weigh(label: str, url_name: str) -> PageWeight:
    with translation.override("ar"):
        path = reverse(url_name)
    assert path.startswith("/ar/")
    return weigh(label, path, _fetch(Client()))


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "url_name"), PAGES)
def test_first_html_response_fits_in_14_kb_gzip(label: str, url_name: str) -> None:
    weight = _weigh(label, url_name)
    assert 0 < weight.html_gzip <= HTML_BUDGET, f"{weight.path}: {weight.html_gzip} bytes gzip"


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "url_name"), PAGES)
def test_whole_first_visit_fits_in_60_kb_gzip_from_our_own_origin(label: str, url_name: str) -> None:
    weight = _weigh(label, url_name)
    assert weight.foreign == [], "citizen pages load nothing from other origins"
    assert weight.assets, "the stylesheet should have been found and counted"
    assert weight.visit_gzip <= VISIT_BUDGET, (
        f"{weight.path}: {weight.visit_gzip} bytes gzip: {weight.assets}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "url_name"), PAGES)
def test_css_fits_in_15_kb_gzip(label: str, url_name: str) -> None:
    weight = _weigh(label, url_name)
    assert 0 < weight.css_gzip <= CSS_BUDGET, f"{weight.path}: CSS {weight.css_gzip} bytes gzip"


def test_the_weighing_counts_every_asset_and_fails_a_page_over_budget() -> None:
    """The counter itself: a page pulling a large script and a stylesheet with a font is over budget."""
    big = random.Random(2).randbytes(100 * 1024)  # 100 KB that gzip cannot shrink
    files = {
        "/ar/": b'<html><link rel="stylesheet" href="/s/a.css"><script src="/s/app.js"></script>'
        b'<img src="data:image/gif;base64,R0lGOD"></html>',
        "/s/a.css": b"@font-face{src:url('/s/font.woff2')} body{margin:0}",
        "/s/app.js": big,
        "/s/font.woff2": b"font",
    }

    def fetch(path: str) -> tuple[int, str, bytes]:
        content_type = "text/css" if path.endswith(".css") else "text/html"
        return (200, content_type, files[path]) if path in files else (404, "text/html", b"")

    weight = weigh("test", "/ar/", fetch)
    assert set(weight.assets) == {"/s/a.css", "/s/app.js", "/s/font.woff2"}
    assert weight.css_gzip == gzip_size(files["/s/a.css"])
    assert weight.visit_gzip > VISIT_BUDGET
