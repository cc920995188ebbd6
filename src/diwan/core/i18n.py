"""Translated content stored in the database ({ar, ckb, en}) and language helpers."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import get_language

LANGUAGES = ("ar", "ckb", "en")


def pick(text: Mapping[str, str] | None, language: str | None = None) -> str:
    """The text in the active language, falling back to Arabic (the default) and then English."""
    if not text:
        return ""
    language = (language or get_language() or "ar").split("-")[0]
    return text.get(language) or text.get("ar") or text.get("en") or ""


def is_complete(text: Mapping[str, str] | None) -> bool:
    return bool(text) and all((text or {}).get(code, "").strip() for code in LANGUAGES)
