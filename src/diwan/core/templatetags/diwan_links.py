"""`{% link 'name' %}`: `{% url 'name' %}` for a URL without arguments, reversed once per language.

The layouts link to the same few pages on every request (home, sign-out, language switch, checkpoints);
`reverse()` walks the URL resolver each time (~25 us apiece, five or six per page). The result depends
only on the name, the active language (the /ar/ /ckb/ /en/ prefix), the script prefix and the URLconf,
so it is kept under exactly those.
"""

from __future__ import annotations

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from diwan.core.templatetags.diwan_layout import constant

register = template.Library()

_REVERSED: dict[tuple[str, str | None, str, object], str] = {}


@register.simple_tag
@constant  # allowed in {% constant %} sections (diwan_layout): depends only on the key above
def link(name: str) -> str:
    key = (name, get_language(), get_script_prefix(), get_urlconf())
    url = _REVERSED.get(key)
    if url is None:
        url = _REVERSED[key] = reverse(name)
    return url
