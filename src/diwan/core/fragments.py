"""Rendered HTML fragments kept by what they show (content-addressed), so a page that reads the same data
again does not render it again.

The key is a digest of everything the fragment is made from — the rows the caller has just read, the
active language and time zone, the URL prefix — so a cached fragment can never be stale or another
person's: different data is a different key, and identical data renders identical HTML. The caller still
reads its data on every request (the fragment replaces template rendering, not the query), so nothing
here needs invalidating; entries simply age out.

Why: a citizen waiting for a decision reloads "My applications" again and again; rendering its rows was
two thirds of the page's CPU (bench/casework.py, cProfile). Fragments must not contain anything specific
to the request beyond their inputs (no CSRF token, no messages): render them without the request.

The store is the `fragments` cache (settings.CACHES): memory of each worker process, bounded, nothing to
run or secure; a fragment another worker rendered is rendered once more there.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

FRAGMENT_CACHE = "fragments"
FRAGMENT_SECONDS = 600


def cached_fragment(name: str, inputs: Any, render: Callable[[], str]) -> SafeString:
    """The HTML `render()` makes from `inputs` (rows of plain values: anything pickle encodes)
    in the active language and time zone; rendered only if this worker has not kept it yet."""
    # pickle, not repr: the same faithful encoding (values that differ never encode alike, so a key never
    # names another fragment) at about half the cost. Equal values may encode differently (pickle's memo
    # of repeated objects): that is only a miss.
    made_from = pickle.dumps(
        (inputs, translation.get_language(), timezone.get_current_timezone_name(), get_script_prefix()),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    key = f"{name}:{hashlib.blake2b(made_from, digest_size=20).hexdigest()}"
    store = caches[FRAGMENT_CACHE]
    html: str | None = store.get(key)
    if html is None:
        html = render()
        store.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # noqa: S308 (our own template's output, escaped when it was rendered)
