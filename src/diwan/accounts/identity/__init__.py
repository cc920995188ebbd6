"""Identity-provider plugins (ARCHITECTURE §5.4): how Diwan learns who a citizen is.

Two shapes of provider exist:

* a **code provider** proves the citizen holds a phone: it issues a one-time code, sends it through the
  notifications channel and checks it (`phone_code`; with DIWAN_SMS_CHANNEL=demo the code only lands in
  the outbox, which makes it the demo OTP provider used in development and tests);
* a **redirect provider** sends the browser to an outside identity service and gets a verified identity
  back (`national_eid`: the national eID over OpenID Connect, authorization code + PKCE).

Which providers are on is chosen by the DIWAN_IDENTITY_PROVIDERS setting (see `registry`). Providers
only prove identity; creating accounts and signing in stay in diwan.accounts.actions.citizens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from django.contrib.sessions.backends.base import SessionBase
from django.utils.functional import Promise

from diwan.accounts.models import OneTimeCode, VerificationLevel
from diwan.core.errors import ValidationFailed


@dataclass(frozen=True)
class VerifiedIdentity:
    """What a provider vouches for. Empty strings mean "the provider did not say"."""

    provider: str
    subject: str
    verification_level: VerificationLevel
    phone: str = ""
    national_id: str = ""
    full_name_ar: str = ""
    full_name_latin: str = ""


class IdentityRefused(ValidationFailed):
    """The provider did not vouch: wrong code, expired, replayed, bad signature… `code` says which."""

    status = 400


@runtime_checkable
class CodeProvider(Protocol):
    name: str

    def issue(self, *, phone: str, ip: str | None, language: str, user: Any | None) -> OneTimeCode: ...

    def check(self, *, phone: str, code: str) -> VerifiedIdentity: ...


@runtime_checkable
class RedirectProvider(Protocol):
    name: str
    label: str | Promise

    def is_configured(self) -> bool: ...

    def authorization_url(self, *, session: SessionBase, redirect_uri: str) -> str: ...

    def complete(self, *, session: SessionBase, params: Mapping[str, str]) -> VerifiedIdentity: ...
