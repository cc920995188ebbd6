"""Small helpers shared by the interface packages (portal, backoffice, public): turning the domain's
refusals into HTTP answers and form errors, the same way on every page."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.http import Http404

from diwan.core.errors import DiwanError, NotFound


def found[T](read: Callable[[], T]) -> T:
    """Run a checked read; "not found" (not yours, or does not exist) becomes a 404 page."""
    try:
        return read()
    except NotFound as exc:
        raise Http404 from exc


def show_refusal(form: forms.Form, error: DiwanError) -> int:
    """Show an action's refusal on the form (the GOV.UK error summary links to the field when the
    refusal names one the form has); return the HTTP status to answer with."""
    if error.field and error.field in form.fields:
        form.add_error(error.field, str(error.message))
    else:
        form.add_error(None, str(error.message))
    return error.status
