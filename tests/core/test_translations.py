"""Every user-visible string is translated into ar, ckb and en (ARCHITECTURE §5.9)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import polib
import pytest
from django.core.management import call_command

from diwan.core.management.commands.translations import IGNORE, catalogue_paths, problems_in

NAMED = re.compile(r"%\((\w+)\)[sdif]")
POSITIONAL = re.compile(r"%[sdif]")


@pytest.mark.parametrize("code", ["ar", "ckb", "en"])
def test_catalogue_is_complete(code: str) -> None:
    po = polib.pofile(str(catalogue_paths()[code]))
    assert problems_in(po) == []


@pytest.mark.parametrize("code", ["ar", "ckb", "en"])
def test_placeholders_are_named_and_kept(code: str) -> None:
    po = polib.pofile(str(catalogue_paths()[code]))
    wrong = []
    for entry in po.translated_entries():
        if POSITIONAL.search(entry.msgid.replace("%%", "")):
            wrong.append(f"positional placeholder in {entry.msgid!r}")
        if "python-format" in entry.flags:
            strings = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
            for msgstr in strings:
                if set(NAMED.findall(entry.msgid)) != set(NAMED.findall(msgstr)):
                    wrong.append(f"placeholders differ in {entry.msgid!r}")
    assert wrong == []


@pytest.mark.parametrize("code", ["ar", "ckb", "en"])
def test_compiled_catalogue_matches_source(code: str) -> None:
    po_path = catalogue_paths()[code]
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    po = polib.pofile(str(po_path))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural) for e in mo}
    source = {(e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural) for e in po.translated_entries()}
    assert compiled == {**compiled, **source}, "run: diwan translations compile"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (apt-get install gettext)")
def test_catalogue_has_every_string_in_the_source(tmp_path: Path, settings: Any) -> None:
    # Extract from a copy of the source without its locale folder: makemessages writes into any `locale`
    # folder above the files it reads, and this test must never touch the committed catalogues.
    committed_path = catalogue_paths()["en"]
    source = tmp_path / "diwan"
    shutil.copytree(settings.SRC_DIR, source, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    cwd = Path.cwd()
    os.chdir(source)
    try:
        call_command("makemessages", locale=["en"], ignore_patterns=IGNORE, verbosity=0)
    finally:
        os.chdir(cwd)
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(tmp_path / "locale/en/LC_MESSAGES/django.po"))}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(committed_path))}
    assert fresh, "extraction found no strings"
    assert sorted(fresh - committed) == [], "run: diwan translations extract, translate, compile"
