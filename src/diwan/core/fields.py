"""Model fields shared by the domain apps."""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from diwan.core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Stores AES-GCM ciphertext; Python sees plaintext. Not searchable: pair it with a blind index."""

    description = "Text encrypted at rest with AES-256-GCM"

    def __init__(self, *args: Any, context: str = "", **kwargs: Any) -> None:
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.context)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self.context)


class TranslatedTextField(models.JSONField):
    """Content in the database that citizens read: {"ar": …, "ckb": …, "en": …} (ARCHITECTURE §5.9)."""

    description = "Text in Arabic, Central Kurdish and English"


class EncryptedJSONField(EncryptedTextField):
    """A JSON value encrypted at rest (AES-GCM), e.g. a citizen's form answers. Not searchable."""

    description = "JSON encrypted at rest with AES-256-GCM"
    # django-stubs: the attribute holds any JSON value, not the text the column stores.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        return json.loads(text) if text else None

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return super().get_prep_value(
            json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        )

    def to_python(self, value: Any) -> Any:
        return value
