"""Page weight of the citizen home and sign-in pages in Arabic, as a cheap phone on mobile data sees it.

For each page: the gzip size of the first HTML response, and of the whole first visit with an empty cache
(the HTML plus every same-origin asset it references: stylesheets, scripts, images, icons, and what the
stylesheets reference in turn), and the gzip size of the CSS. Bodies are compressed here with gzip level 6
(what a TLS proxy or whitenoise sends), so the figures do not depend on the server's own compression.

Budgets (issue 2, §5): first HTML <= 14 KB gzip (one TCP initial window), whole first visit <= 60 KB,
CSS <= 15 KB; 1 KB = 1,024 bytes. tests/core/test_page_weight.py asserts the same budgets through the
Django test client, so a regression fails the suite; this module measures the production server.

Run alone: `python -m bench.pageweight`.
"""

from __future__ import annotations

import gzip
import json
import re
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from bench.common import BenchResult

KB = 1024
HTML_BUDGET = 14 * KB
VISIT_BUDGET = 60 * KB
CSS_BUDGET = 15 * KB
PAGES = [("citizen home", "/ar/"), ("citizen sign-in", "/ar/account/sign-in/")]

# fetch(path) -> (status, content type, body without transfer encoding)
Fetch = Callable[[str], tuple[int, str, bytes]]


def gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6, mtime=0))


class _AssetFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.inline_styles = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link":
            rel = (found.get("rel") or "").lower().split()
            if {"stylesheet", "icon", "preload", "modulepreload", "manifest", "apple-touch-icon"} & set(rel):
                self._add(found.get("href"))
        elif tag in {"script", "img", "source", "video", "audio", "iframe", "input", "embed"}:
            self._add(found.get("src"))
            for candidate in (found.get("srcset") or "").split(","):
                self._add(candidate.strip().split(" ")[0] if candidate.strip() else None)
        elif tag == "object":
            self._add(found.get("data"))

    def _add(self, url: str | None) -> None:
        if url and not url.startswith(("data:", "#")) and url not in self.urls:
            self.urls.append(url)


_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def html_assets(html: str, base: str) -> list[str]:
    """Paths of the assets an HTML page makes the browser download on first visit."""
    finder = _AssetFinder()
    finder.feed(html)
    return [urljoin(base, url) for url in finder.urls]


def css_assets(css: str, base: str) -> list[str]:
    urls = []
    for match in _CSS_URL.finditer(css):
        url = match.group(1) or match.group(2)
        if url and not url.startswith(("data:", "#")):
            urls.append(urljoin(base, url))
    return urls


@dataclass
class PageWeight:
    label: str
    path: str
    html_bytes: int = 0
    html_gzip: int = 0
    css_bytes: int = 0
    css_gzip: int = 0
    visit_gzip: int = 0
    assets: dict[str, int] = field(default_factory=dict)  # path -> gzip bytes
    foreign: list[str] = field(default_factory=list)  # assets from another origin (should be none)


def weigh(label: str, path: str, fetch: Fetch) -> PageWeight:
    """Downloads a page like a first-time visitor and adds up gzip bytes; raises on any non-200 answer."""
    status, _, html = fetch(path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    weight = PageWeight(label, path, html_bytes=len(html), html_gzip=gzip_size(html))
    weight.visit_gzip = weight.html_gzip
    queue = html_assets(html.decode("utf-8", errors="replace"), path)
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            weight.foreign.append(url)
            continue
        asset_path = parts.path + (f"?{parts.query}" if parts.query else "")
        if asset_path in weight.assets:
            continue
        status, content_type, body = fetch(asset_path)
        if status != 200:
            raise RuntimeError(f"asset {asset_path} of {path} answered {status}")
        size = gzip_size(body)
        weight.assets[asset_path] = size
        weight.visit_gzip += size
        if "css" in content_type or asset_path.endswith(".css"):
            weight.css_bytes += len(body)
            weight.css_gzip += size
            queue.extend(css_assets(body.decode("utf-8", errors="replace"), asset_path))
    return weight


def results_for(weight: PageWeight) -> list[BenchResult]:
    extra = {
        "path": weight.path,
        "html_bytes": weight.html_bytes,
        "css_bytes": weight.css_bytes,
        "assets_gzip": weight.assets,
        "foreign_assets": weight.foreign,
    }
    return [
        BenchResult(
            name=f"{weight.label} {weight.path}: first HTML response (gzip)",
            value=weight.html_gzip,
            unit="bytes",
            target=f"<= {HTML_BUDGET} (14 KB)",
            passed=weight.html_gzip <= HTML_BUDGET,
            extra=extra,
        ),
        BenchResult(
            name=f"{weight.label} {weight.path}: whole first visit (gzip)",
            value=weight.visit_gzip,
            unit="bytes",
            target=f"<= {VISIT_BUDGET} (60 KB), same origin only",
            passed=weight.visit_gzip <= VISIT_BUDGET and not weight.foreign,
            extra={"assets": len(weight.assets)},
        ),
        BenchResult(
            name=f"{weight.label} {weight.path}: CSS (gzip)",
            value=weight.css_gzip,
            unit="bytes",
            target=f"<= {CSS_BUDGET} (15 KB)",
            passed=weight.css_gzip <= CSS_BUDGET,
            extra={"css_bytes": weight.css_bytes},
        ),
    ]


def _http_fetch(base_url: str) -> Fetch:
    def fetch(path: str) -> tuple[int, str, bytes]:
        request = urllib.request.Request(  # noqa: S310 (the bench server on 127.0.0.1)
            base_url + path,
            headers={"Accept-Language": "ar", "X-Forwarded-Proto": "https", "User-Agent": "diwan-bench"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.headers.get("Content-Type", ""), response.read()

    return fetch


def run() -> list[BenchResult]:
    from bench.server import Server, ServerConfig, prepared_site

    results: list[BenchResult] = []
    with prepared_site() as env, Server(env, ServerConfig(workers=1)) as server:
        fetch = _http_fetch(server.base_url)
        for label, path in PAGES:
            results.extend(results_for(weigh(label, path, fetch)))
    return results


if __name__ == "__main__":
    print(json.dumps([result.as_dict() for result in run()], indent=2, ensure_ascii=False))
