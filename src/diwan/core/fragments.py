"""Rendered HTML fragments kept by what they show (content-addressed), so a page that reads the same data
again does not render it again.

The key is everything the fragment is made from — the rows the caller has just read, the active language
and time zone, the URL prefix — so a cached fragment can never be stale or another person's: different
data is a different key, and identical data renders identical HTML. The caller still reads its data on
every request (the fragment replaces template rendering, not the query), so nothing here needs
invalidating; entries simply age out.

Why: a citizen waiting for a decision reloads "My applications" again and again; rendering its rows was
two thirds of the page's CPU (bench/casework.py, cProfile). Fragments must not contain anything specific
to the request beyond their inputs (no CSRF token, no messages): render them without the request.

How the rows become a key:
- Rows of one statement as the driver returned them (tuples; `CompiledRows.fetch().raw`) are the key
  themselves, in a dict of this process: looked up by hash and then compared value by value, never by a
  digest that two contents could share. Equality is exact for them, because each column's values are of
  one type (or None); `name` names the statement, so rows of two statements are never compared. (Values
  that compare equal must render alike: true of text, numbers, dates and aware datetimes shown in the
  active time zone; not of Decimals that differ only in their exponent — select those as text.) A digest
  of their pickle cost ~40 us a request on "My applications"; this ~0.5 us.
- Anything else (lists of dicts...) is keyed on the BLAKE2 digest of its pickle, which encodes types too
  (1, 1.0 and True are three keys).

The store is memory of each worker process, bounded (cleared when MAX_ENTRIES is reached; a list of ten
applications is ~4 KB, so at most ~20 MB): nothing to run or secure; a fragment another worker rendered
is rendered once more there.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from typing import Any

from django.core.signals import setting_changed
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from diwan.core.bounded import remember

MAX_ENTRIES = 5000
_STORE: dict[tuple[Any, ...], str] = {}


def clear(**kwargs: Any) -> None:
    _STORE.clear()


setting_changed.connect(clear, dispatch_uid="diwan-fragments-clear")  # tests override LANGUAGES...


def cached_fragment(name: str, inputs: Any, render: Callable[[], str]) -> SafeString:
    """The HTML `render()` makes from `inputs` (the rows of one statement, or plain values pickle encodes)
    in the active language and time zone; rendered only if this worker has not kept it yet."""
    made_from: Any
    try:
        made_from = tuple(inputs) if type(inputs) is list else inputs
        hash(made_from)
    except TypeError:  # not hashable (dicts): their pickle's digest
        encoded = pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL)
        made_from = hashlib.blake2b(encoded, digest_size=20).digest()
    key = (
        name,
        made_from,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
    )
    html = _STORE.get(key)
    if html is None:
        html = remember(_STORE, key, render(), MAX_ENTRIES)
    return mark_safe(html)  # noqa: S308 (our own template's output, escaped when it was rendered)
