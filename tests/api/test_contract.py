"""The committed OpenAPI document is the contract the other API tests check answers against: it must be
what the code generates, and no schema may hide another of the same name."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil

from ninja import Schema
from ninja.responses import NinjaJSONEncoder

import diwan.api
from diwan.api.urls import api

from .support import OPENAPI


def test_the_committed_document_is_current() -> None:
    generated = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
    assert generated == json.loads(OPENAPI.read_text()), "run `make openapi` and commit docs/api/openapi.json"


def test_schema_names_are_unique_across_the_api() -> None:
    """django-ninja names each component after its class: a second `OfficeOut` in another router would
    silently replace the first in the document (and the contract tests would check the wrong shape).
    Two classes of the same name and the same shape (`TranslatedText`) are harmless."""
    seen: dict[str, type[Schema]] = {}
    clashes = []
    for info in pkgutil.iter_modules(diwan.api.__path__):
        module = importlib.import_module(f"diwan.api.{info.name}")
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Schema) and value.__module__ == module.__name__:
                first = seen.setdefault(name, value)
                if first.model_json_schema() != value.model_json_schema():
                    clashes.append(f"{name}: {first.__module__} and {module.__name__}")
    assert clashes == []
