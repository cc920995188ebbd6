"""Errors raised by actions and selectors; interfaces turn them into translated 4xx answers."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DiwanError(Exception):
    """Base class. `message` is a translated, user-safe sentence; `field` names a form field if any."""

    status = 400

    def __init__(self, message: str | Promise, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class ValidationFailed(DiwanError):
    status = 400


class NotFound(DiwanError):
    """Also raised for objects that exist but the actor may not see (no existence oracle)."""

    status = 404

    def __init__(self, message: str | Promise = "") -> None:
        super().__init__(message or _("Not found."), code="not_found")


class PermissionDenied(DiwanError):
    status = 403


class Conflict(DiwanError):
    """The object moved on since the actor loaded it (stale action)."""

    status = 409


class RateLimited(DiwanError):
    status = 429
