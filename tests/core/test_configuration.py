"""Every environment variable is documented in docs/operations/configuration.md (ARCHITECTURE §5.7).

A variable declared with `declare(...)` in config/settings.py must have a row in a table of that page; a row
must not name a variable nobody declares; secrets must be marked as secrets; and no code outside
config/env.py reads the environment behind the declarations' back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import config.settings  # noqa: F401 (importing the settings declares every variable)
from config.env import VARIABLES

BASE_DIR = Path(__file__).resolve().parents[2]
PAGE = BASE_DIR / "docs" / "operations" / "configuration.md"
# Documented on the page but read by Django, the Makefile or the WSGI entry points, not declared.
NOT_DECLARED = {"DJANGO_SETTINGS_MODULE", "PORT"}
ROW = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|(.*)$", re.MULTILINE)
ENVIRON_READ = re.compile(
    r"""(?:environ(?:\.get|\.setdefault|\.pop)?\s*[\[(]|getenv\s*\()\s*["']([A-Za-z0-9_]+)["']"""
)


def documented_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for name, rest in ROW.findall(text):
        rows[name] = [cell.strip() for cell in rest.rstrip().rstrip("|").split("|")]
    return rows


@pytest.fixture(scope="module")
def rows() -> dict[str, list[str]]:
    return documented_rows(PAGE.read_text(encoding="utf-8"))


def test_settings_declare_variables() -> None:
    assert {"DIWAN_MODE", "DIWAN_SECRET_KEY", "DATABASE_URL"} <= VARIABLES.keys()


def test_every_declared_variable_is_documented(rows: dict[str, list[str]]) -> None:
    missing = sorted(name for name in VARIABLES if name not in rows)
    assert missing == [], f"declared in config/settings.py but not documented in {PAGE.name}: {missing}"


def test_no_documented_variable_is_stale(rows: dict[str, list[str]]) -> None:
    stale = sorted(name for name in rows if name not in VARIABLES and name not in NOT_DECLARED)
    assert stale == [], f"documented in {PAGE.name} but declared nowhere: {stale}"


def test_documentation_says_which_variables_are_secret(rows: dict[str, list[str]]) -> None:
    wrong = []
    for name, variable in VARIABLES.items():
        cells = rows.get(name, [])
        # columns after the variable name: default | secret | meaning
        marked = cells[1].lower() if len(cells) >= 3 else ""
        if marked != ("yes" if variable.secret else "no"):
            wrong.append(f"{name}: page says {marked!r}, declared secret={variable.secret}")
    assert wrong == []


def test_every_documented_row_explains_the_variable(rows: dict[str, list[str]]) -> None:
    short = sorted(name for name, cells in rows.items() if len(cells) < 3 or len(cells[2]) < 15)
    assert short == [], f"rows without a real explanation: {short}"


def test_the_page_finds_rows_the_way_the_checks_expect() -> None:
    """The parser itself: a page without a variable's row is caught."""
    page = (
        "| variable | default | secret | meaning |\n|---|---|---|---|\n"
        "| `DIWAN_MODE` | x | no | the mode of it |\n"
    )
    rows = documented_rows(page)
    assert rows == {"DIWAN_MODE": ["x", "no", "the mode of it"]}
    assert "DIWAN_SECRET_KEY" in VARIABLES
    assert "DIWAN_SECRET_KEY" not in rows


def test_nothing_reads_the_environment_behind_the_declarations() -> None:
    undeclared = []
    for folder in ("src", "config"):
        for path in sorted((BASE_DIR / folder).rglob("*.py")):
            if path == BASE_DIR / "config" / "env.py":
                continue
            for name in ENVIRON_READ.findall(path.read_text(encoding="utf-8")):
                if name not in VARIABLES and name not in NOT_DECLARED:
                    undeclared.append(f"{path.relative_to(BASE_DIR)}: {name}")
    assert undeclared == [], f"environment read without declare(...) in config/settings.py: {undeclared}"
