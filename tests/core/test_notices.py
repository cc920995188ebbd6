"""{% notices %}: the layout's message banner is exactly what the template markup it replaced rendered —
escaped messages, safe ones as they are, each with its level's class — and nothing without messages."""

from __future__ import annotations

from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template import Context, Template
from django.utils.safestring import mark_safe

BEFORE = Template(
    '{% if messages %}<div class="notices" role="status">{% for message in messages %}'
    '<p class="notice notice-{{ message.tags }}">{{ message }}</p>{% endfor %}</div>{% endif %}'
)
NOW = Template("{% load diwan_layout %}{% notices %}")


def _both(messages: list[Message]) -> tuple[str, str]:
    return BEFORE.render(Context({"messages": messages})), NOW.render(Context({"messages": messages}))


def test_messages_render_as_the_old_markup_did() -> None:
    messages = [
        Message(constants.SUCCESS, "تم إرسال طلبك <b>بنجاح</b> & شكراً"),
        Message(constants.ERROR, mark_safe("<a href='/en/me/'>Your account</a>"), extra_tags="urgent"),
    ]
    before, now = _both(messages)
    assert now == before
    assert "&lt;b&gt;" in now
    assert "<a href='/en/me/'>" in now


def test_nothing_without_messages() -> None:
    assert _both([]) == ("", "")
    assert NOW.render(Context({})) == ""
