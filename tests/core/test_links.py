"""`{% link %}` gives what `{% url %}` gives, in the active language, however often it is asked."""

from __future__ import annotations

from django.template import engines
from django.urls import reverse
from django.utils import translation


def test_link_follows_the_active_language() -> None:
    template = engines["django"].from_string("{% load diwan_links %}{% link 'portal:home' %}")
    for language in ("ar", "ckb", "en", "ar"):
        with translation.override(language):
            assert template.render({}) == reverse("portal:home")
            assert template.render({}).startswith(f"/{language}/")
