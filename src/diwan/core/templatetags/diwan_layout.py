"""`{% constant %}...{% endconstant %}`: a part of a layout rendered once per worker and language.

Every page repeats the same layout (core/base.html and the area layouts that extend it): the head, the
skip link, the header, the language switch, the navigation, the footer. Rendering those nodes again was
about a third of the CPU of the citizen's "My applications" page (bench/casework.py, py-spy). Between two
requests of one language they differ only in a few places: the path the language links carry, the page's
own title and content, the messages. The layouts put everything else in
`{% constant %}` sections, whose HTML is kept in this worker's memory and reused.

A section is only ever reused when its HTML cannot differ, which is checked, not assumed:

- at parse time, every node inside must be one whose output depends on nothing but the active language,
  the URL configuration and the static files: text, `{% translate "literal" %}`, `{% static 'literal' %}`,
  the language tags below and `{% link 'name' %}` (tags marked `constant`, literal arguments only),
  comments, `{% load %}`, nested sections, and `{% block %}`. Anything else (a variable, `{% csrf_token %}`,
  `{% if %}`, `{% url %}`, `{% include %}`...) is refused with a TemplateSyntaxError, so a section can never
  silently carry a token or a person's data;
- a `{% block %}` inside a section is what a child template decides. At render time each block is resolved
  as Django would render it (the most derived override, nested blocks too); if any override contains a
  node outside the list above, the section is rendered normally, uncached, for that page. Otherwise the
  resolved blocks are part of the key.

The key is the section, the resolved blocks (the template nodes themselves, so two templates never share
an entry), the active language, the script prefix, the URLconf and autoescaping. Entries live in a plain
dict of this process, at most MAX_ENTRIES (cleared when full: one entry per section, page layout and
language, so a few hundred at most) and cleared whenever a setting changes (tests override LANGUAGES,
STATIC_URL...). Nothing is shared between processes; nothing needs invalidating, since the HTML of a
section changes only with the code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from urllib.parse import quote

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.template.base import FilterExpression, Node, NodeList, Parser, TextNode, Token, Variable
from django.template.context import Context
from django.template.defaulttags import CommentNode, LoadNode
from django.template.library import SimpleNode
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext, BlockNode
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi

from diwan.core.bounded import remember

register = template.Library()

MAX_ENTRIES = 1000
_STORE: dict[tuple[Any, ...], str] = {}

# A simple tag whose output depends only on its (literal) arguments, the active language, the script
# prefix, the URLconf and the settings carries this attribute.
CONSTANT_MARK = "diwan_constant_output"


def constant[F: Callable[..., Any]](func: F) -> F:
    """Mark a simple tag's function as allowed inside `{% constant %}` (see the module's rules)."""
    setattr(func, CONSTANT_MARK, True)
    return func


def _clear(**kwargs: Any) -> None:
    _STORE.clear()
    _SWITCH_PIECES.clear()
    _LANGUAGE_CODES.clear()


setting_changed.connect(_clear, dispatch_uid="diwan-layout-constant-clear")


def _literal(expression: Any) -> bool:
    """A template argument that is a literal, without filters."""
    if not isinstance(expression, FilterExpression):
        return False
    if expression.filters:
        return False
    var = expression.var
    return not isinstance(var, Variable) or var.lookups is None


def _blocks_inside(nodelist: NodeList) -> tuple[BlockNode, ...] | None:
    """The blocks directly inside `nodelist` if every other node renders the same HTML for every request
    of a language (the module's list), else None."""
    blocks: list[BlockNode] = []
    for node in nodelist:
        if type(node) in (TextNode, CommentNode, LoadNode):
            continue
        if type(node) is TranslateNode:
            if (
                node.asvar is None
                and _literal(node.filter_expression)
                and (node.message_context is None or _literal(node.message_context))
            ):
                continue
            return None
        if type(node) is StaticNode:
            if node.varname is None and _literal(node.path):
                continue
            return None
        if type(node) is SimpleNode:
            if (
                getattr(node.func, CONSTANT_MARK, False)
                and not node.takes_context
                and node.target_var is None
                and all(_literal(arg) for arg in node.args)
                and all(_literal(arg) for arg in node.kwargs.values())
            ):
                continue
            return None
        if type(node) is ConstantNode:
            blocks.extend(node.blocks)
            continue
        if type(node) is BlockNode:
            blocks.append(node)
            continue
        return None
    return tuple(blocks)


_UNKNOWN = object()
_ANALYSIS = "_diwan_constant_blocks"  # memo on each BlockNode: its inner blocks, or None if not constant


def _resolve(blocks: tuple[BlockNode, ...], block_context: BlockContext | None, out: list[Any]) -> bool:
    """Append to `out` the block nodes Django will render for `blocks` (BlockNode.render's rules);
    False if one of them is not constant."""
    for block in blocks:
        resolved = block if block_context is None else (block_context.get_block(block.name) or block)
        known = getattr(resolved, _ANALYSIS, _UNKNOWN)
        if known is _UNKNOWN:
            inner = _blocks_inside(resolved.nodelist)
            setattr(resolved, _ANALYSIS, inner)
        else:
            inner = cast(tuple[BlockNode, ...] | None, known)
        if inner is None:
            return False
        out.append(resolved)
        if inner:
            # While its content renders, Django has taken the block off the block context.
            taken = None if block_context is None else block_context.pop(block.name)
            found = _resolve(inner, block_context, out)
            if taken is not None:
                block_context.push(block.name, taken)  # type: ignore[union-attr]
            if not found:
                return False
    return True


class ConstantNode(Node):
    def __init__(self, nodelist: NodeList, blocks: tuple[BlockNode, ...]) -> None:
        self.nodelist = nodelist
        self.blocks = blocks
        self._by_type: dict[type, list[Node]] = {}

    def get_nodes_by_type(self, nodetype: type) -> list[Node]:
        # ExtendsNode looks for the blocks of each parent template on every render; the nodes of a
        # section never change after parsing, so the answer is kept.
        found = self._by_type.get(nodetype)
        if found is None:
            found = self._by_type[nodetype] = super().get_nodes_by_type(nodetype)
        return list(found)

    def render(self, context: Context) -> SafeString | str:
        key: list[Any] = [
            self,
            get_language(),
            get_script_prefix(),
            get_urlconf(),
            context.autoescape,
        ]
        if self.blocks and not _resolve(self.blocks, context.render_context.get(BLOCK_CONTEXT_KEY), key):
            return self.nodelist.render(context)  # a child template put something per-request here
        found = tuple(key)
        html = _STORE.get(found)
        if html is None:
            html = remember(_STORE, found, self.nodelist.render(context), MAX_ENTRIES)
        return html


@register.tag("constant")
def do_constant(parser: Parser, token: Token) -> ConstantNode:
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("'constant' takes no arguments")
    nodelist = parser.parse(("endconstant",))
    parser.delete_first_token()
    blocks = _blocks_inside(nodelist)
    if blocks is None:
        raise template.TemplateSyntaxError(
            "{% constant %} may only hold text, {% translate 'literal' %}, {% static 'literal' %}, "
            "constant tags with literal arguments ({% link %}, {% language_code %}...), {% block %} "
            "and comments: anything else may differ between requests"
        )
    return ConstantNode(nodelist, blocks)


@register.simple_tag
@constant
def language_code() -> str:
    """The active language's code (the `lang` attribute)."""
    return get_language() or ""


@register.simple_tag
@constant
def text_direction() -> str:
    """`rtl` or `ltr` for the active language (the `dir` attribute)."""
    return "rtl" if get_language_bidi() else "ltr"


_SWITCH_PIECES: dict[tuple[Any, ...], list[str]] = {}  # cleared with the sections (_clear)
_LANGUAGE_CODES: set[str] = set()


def _switch_pieces(current: str | None) -> list[str]:
    """The switch's HTML for the active language, cut where the page's path goes (once in each link)."""
    key = (current, get_script_prefix(), get_urlconf())
    pieces = _SWITCH_PIECES.get(key)
    if pieces is None:
        switch_url = reverse("set_language")
        pieces, html = [], ""
        for code, name in settings.LANGUAGES:
            if code == current:
                html += format_html(
                    '<span class="lang-current" aria-current="true" lang="{}">{}</span>', code, name
                )
                continue
            # The page's own path (already %-encoded, so safe in the attribute) follows each `next=`.
            next_prefix = quote(f"{key[1]}{code}/", safe="/")
            pieces.append(
                html + format_html('<a href="{}?language={}&amp;next={}', switch_url, code, next_prefix)
            )
            html = format_html('" lang="{}" hreflang="{}">{}</a>', code, code, name)
        pieces.append(html)
        remember(_SWITCH_PIECES, key, pieces, MAX_ENTRIES)
    return pieces


def _page_in_any_language(request: HttpRequest | None) -> str:
    """The page's path after its language prefix, with its query: "me/applications/?page=2" for
    /ar/me/applications/?page=2 ("" for a path outside the language prefixes), %-encoded."""
    if request is None:
        return ""
    if not _LANGUAGE_CODES:
        _LANGUAGE_CODES.update(code for code, _name in settings.LANGUAGES)
    first, _slash, rest = request.path_info.lstrip("/").partition("/")
    if first not in _LANGUAGE_CODES:
        rest = ""
    tail = quote(rest, safe="/")
    query = request.META.get("QUERY_STRING", "")
    if query:
        # WSGI hands the query over as bytes decoded as ISO-8859-1 (PEP 3333): encode them back, so a
        # query a browser sent unencoded (Arabic typed in the address bar) arrives as it was.
        try:
            raw = query.encode("iso-8859-1")
        except UnicodeEncodeError:
            raw = query.encode()
        tail += "%3F" + quote(raw, safe="")
    return tail


@register.simple_tag(takes_context=True)
def language_switch(context: Context) -> SafeString:
    """The language switch: the active language as text, each other language a link to this same page in
    that language, through the language view (public.views.set_language: it keeps the choice in the
    language cookie, which the bare address and the API go by, then redirects). Links, not a form: the
    layouts then hold no CSRF token, so a page without a form of its own draws no masked token and sends
    no CSRF cookie (a sixth of the CPU of "My applications", py-spy). Only the page's path differs
    between requests; the rest is made once per language and kept."""
    pieces = _switch_pieces(get_language())
    return mark_safe(_page_in_any_language(context.get("request")).join(pieces))  # noqa: S308 (escaped above)


@register.simple_tag(takes_context=True)
def notices(context: Context) -> SafeString | str:
    """The messages waiting for this request (django.contrib.messages) as the layout's notice banner, or
    nothing. One tag rather than `{% if messages %}{% for %}…`: on every render ExtendsNode walks each node
    of the root layout looking for blocks, and an if with a loop inside is many nodes to walk."""
    messages = context.get("messages")
    if not messages:
        return ""
    return format_html(
        '<div class="notices" role="status">{}</div>',
        format_html_join("", '<p class="notice notice-{}">{}</p>', ((m.tags, str(m)) for m in messages)),
    )
