"""core.caching.never_cache: the headers say what Django's never_cache says (the same Cache-Control
directives, an Expires that is not in the future), and a response that already has caching headers gets
Django's merge."""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils.http import parse_http_date
from django.views.decorators.cache import never_cache as django_never_cache

from diwan.core.caching import never_cache


def _directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(",")}


def _plain(request: HttpRequest) -> HttpResponse:
    return HttpResponse("page")


def _downloads(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("file")
    response["Cache-Control"] = "private, no-store"
    return response


def test_the_same_directives_as_djangos_and_already_expired() -> None:
    request = RequestFactory().get("/")
    ours, djangos = never_cache(_plain)(request), django_never_cache(_plain)(request)
    assert _directives(ours["Cache-Control"]) == _directives(djangos["Cache-Control"])
    assert parse_http_date(ours["Expires"]) <= time.time()


def test_existing_caching_headers_are_merged_as_django_merges_them() -> None:
    request = RequestFactory().get("/")
    ours, djangos = never_cache(_downloads)(request), django_never_cache(_downloads)(request)
    assert _directives(ours["Cache-Control"]) == _directives(djangos["Cache-Control"])
    assert "no-store" in ours["Cache-Control"]


def test_the_wrapped_view_keeps_its_name() -> None:
    assert never_cache(_plain).__name__ == "_plain"
