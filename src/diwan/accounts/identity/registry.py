"""The identity providers switched on by DIWAN_IDENTITY_PROVIDERS (comma-separated names or dotted paths).

Built in: `phone_code` (one-time code by SMS; the demo OTP provider with the demo SMS channel) and
`national_eid` (OpenID Connect; active only once DIWAN_OIDC_ISSUER and the client id are set).
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from diwan.accounts.identity import CodeProvider, RedirectProvider

BUILT_IN: dict[str, str] = {
    "phone_code": "diwan.accounts.identity.phone_code.PhoneCodeProvider",
    "national_eid": "diwan.accounts.identity.oidc.OidcProvider",
}
DEFAULT = ("phone_code", "national_eid")


def configured_names() -> tuple[str, ...]:
    names = getattr(settings, "DIWAN_IDENTITY_PROVIDERS", DEFAULT)
    if isinstance(names, str):
        names = [part.strip() for part in names.split(",")]
    return tuple(name for name in names if name)


@cache
def _load(name: str) -> CodeProvider | RedirectProvider:
    path = BUILT_IN.get(name, name if "." in name else "")
    if not path:
        raise ImproperlyConfigured(f"unknown identity provider {name!r}; built in: {sorted(BUILT_IN)}")
    provider = import_string(path)()
    if not isinstance(provider, CodeProvider | RedirectProvider):
        raise ImproperlyConfigured(f"{path} implements neither CodeProvider nor RedirectProvider")
    return provider


def code_provider() -> CodeProvider | None:
    for name in configured_names():
        provider = _load(name)
        if isinstance(provider, CodeProvider):
            return provider
    return None


def redirect_provider(name: str) -> RedirectProvider | None:
    """The named redirect provider if it is switched on and configured; None otherwise."""
    if name not in configured_names():
        return None
    provider = _load(name)
    if isinstance(provider, RedirectProvider) and provider.is_configured():
        return provider
    return None


def redirect_providers() -> list[RedirectProvider]:
    found = []
    for name in configured_names():
        provider = _load(name)
        if isinstance(provider, RedirectProvider) and provider.is_configured():
            found.append(provider)
    return found
