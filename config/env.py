"""Reading settings from the environment.

Every variable Diwan reads is declared here once, with its default and its documentation, so that
docs/operations/configuration.md can be checked against this list (tests/core/test_configuration.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Variable:
    name: str
    default: str | None
    doc: str
    secret: bool = False


VARIABLES: dict[str, Variable] = {}


def declare(name: str, default: str | None, doc: str, *, secret: bool = False) -> Variable:
    variable = Variable(name, default, doc, secret)
    VARIABLES[name] = variable
    return variable


def read(variable: Variable) -> str | None:
    return os.environ.get(variable.name, variable.default)


def read_str(variable: Variable) -> str:
    value = read(variable)
    if value is None:
        raise ImproperlyConfigured(f"{variable.name} must be set: {variable.doc}")
    return value


def read_bool(variable: Variable) -> bool:
    value = (read(variable) or "").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"", "0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{variable.name} must be true or false, not {value!r}")


def read_int(variable: Variable) -> int:
    value = read_str(variable)
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{variable.name} must be a whole number, not {value!r}") from exc


def read_list(variable: Variable) -> list[str]:
    return [item.strip() for item in (read(variable) or "").split(",") if item.strip()]
