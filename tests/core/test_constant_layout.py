"""`{% constant %}` sections of the layouts (diwan.core.templatetags.diwan_layout) are rendered once per
worker and language, and only hold what is the same for every request of a language: anything else is
refused when the template is parsed, or (a block a page fills per request) rendered per request. The pages
themselves: tests/portal/test_layout_per_request.py."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.utils import translation

from diwan.core.templatetags import diwan_layout

pytestmark = pytest.mark.django_db

LIBRARIES = {
    "diwan_layout": "diwan.core.templatetags.diwan_layout",
    "diwan_links": "diwan.core.templatetags.diwan_links",
}


def _engine(**templates: str) -> Engine:
    return Engine(
        loaders=[("django.template.loaders.locmem.Loader", templates)],
        libraries=LIBRARIES,
        builtins=["django.templatetags.i18n"],
    )


@pytest.mark.parametrize(
    "inside",
    [
        "{% csrf_token %}",
        "{{ request.get_full_path }}",
        "{{ title }}",
        "{% if user %}x{% endif %}",
        "{% url 'public:home' %}",
        "{% translate title %}",
        '{% translate "Diwan" as name %}',
        "{% link name %}",
        '{% include "other.html" %}',
    ],
)
def test_a_section_refuses_anything_that_may_differ_between_requests(inside: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        _engine().from_string(
            "{% load diwan_layout diwan_links %}{% constant %}<p>" + inside + "</p>{% endconstant %}"
        )


def test_a_block_filled_per_request_is_rendered_per_request() -> None:
    engine = _engine(
        **{
            "base.html": "{% load diwan_layout %}{% constant %}<h1>{% block head %}fixed{% endblock %}</h1>"
            "{% endconstant %}",
            "child.html": '{% extends "base.html" %}{% block head %}{{ who }}{% endblock %}',
            "plain.html": '{% extends "base.html" %}',
        }
    )
    for who in ("alice", "bob"):
        assert engine.get_template("child.html").render(Context({"who": who})) == f"<h1>{who}</h1>"
    assert engine.get_template("plain.html").render(Context({"who": "carol"})) == "<h1>fixed</h1>"
    # Two templates extending one layout never share its sections.
    constant_child = '{% extends "base.html" %}{% block head %}{% translate "Diwan" %}{% endblock %}'
    engine = _engine(
        **{
            "base.html": "{% load diwan_layout %}{% constant %}<h1>{% block head %}{% endblock %}</h1>"
            "{% endconstant %}",
            "one.html": constant_child,
            "two.html": constant_child.replace("Diwan", "Sign out"),
        }
    )
    with translation.override("en"):
        assert engine.get_template("one.html").render(Context()) == "<h1>Diwan</h1>"
        assert engine.get_template("two.html").render(Context()) == "<h1>Sign out</h1>"


def test_a_section_is_kept_per_language() -> None:
    template = Template(
        "{% load i18n diwan_layout %}{% constant %}"
        '<html lang="{% language_code %}" dir="{% text_direction %}">'
        '{% translate "Skip to main content" %}{% endconstant %}'
    )
    seen = {}
    for language in ("en", "ar", "ckb", "en", "ar"):
        with translation.override(language):
            html = template.render(Context())
        assert f'lang="{language}"' in html
        assert ('dir="ltr"' if language == "en" else 'dir="rtl"') in html
        assert seen.setdefault(language, html) == html
    assert "Skip to main content" in seen["en"]
    assert "Skip to main content" not in seen["ar"]
    assert len(set(seen.values())) == 3
    assert diwan_layout._STORE  # and it was kept, not rendered each time
