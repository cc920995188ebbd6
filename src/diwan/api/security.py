"""Per-operation access policies for the API: the same `Policy` objects as the HTML views.

`@api_policy(POLICY)` goes under the router decorator; the operation refuses callers the policy does not
admit (401 when not signed in, 403 otherwise) before the handler runs. tests/core/test_access_policies.py
fails on any operation without one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.utils import check_csrf

from diwan.core.access import POLICY_ATTRIBUTE, Policy

F = TypeVar("F", bound=Callable[..., Any])


def api_policy(declared: Policy) -> Callable[[F], F]:
    def decorate(handler: F) -> F:
        @functools.wraps(handler)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            # Ninja exempts its views from CSRF; a session-authenticated write must still prove it came
            # from our own pages.
            if (
                request.method not in {"GET", "HEAD", "OPTIONS"}
                and request.user.is_authenticated
                and check_csrf(request) is not None
            ):
                raise HttpError(403, "CSRF check failed: reload the page and try again.")
            if not declared.admits(request):
                if not request.user.is_authenticated:
                    raise HttpError(401, "Sign in first.")
                raise HttpError(403, "Your account does not have the role this operation needs.")
            return handler(request, *args, **kwargs)

        setattr(guarded, POLICY_ATTRIBUTE, declared)
        return guarded  # type: ignore[return-value]

    return decorate
