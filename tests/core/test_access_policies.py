"""Default deny: every URL pattern and every API operation declares who it admits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from diwan.api.urls import api
from diwan.core.access import POLICY_ATTRIBUTE, policy_of


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_view_declares_a_policy() -> None:
    missing = []
    for route, callback in _patterns(get_resolver()):
        if route.startswith("admin/") or route.startswith("api/v1/"):
            continue  # admin: superuser + MFA in AccessPolicyMiddleware; API: per operation, below
        if policy_of(callback) is None:
            missing.append(route)
    assert missing == [], f"views without an access policy: {missing}"


def test_every_api_operation_declares_a_policy() -> None:
    missing = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if getattr(operation.view_func, POLICY_ATTRIBUTE, None) is None:
                    missing.append(f"{operation.methods} {prefix}{path}")
    assert missing == [], f"API operations without @api_policy: {missing}"


@pytest.mark.django_db
def test_a_view_without_policy_is_refused_at_run_time(client: Any, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.core.urls_without_policy"
    response = client.get("/undeclared/")
    assert response.status_code == 403


@pytest.mark.django_db
def test_admin_needs_superuser_with_mfa(client: Any) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/staff/sign-in/" in response["Location"]
