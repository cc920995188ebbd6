"""The national eID over OpenID Connect: authorization code flow with PKCE (S256), state and nonce.

Configuration (settings.DIWAN_OIDC, from DIWAN_OIDC_* environment variables; docs/accounts.md):
issuer, client_id, client_secret (empty for a public client: PKCE alone), redirect_uri. Optional keys:
scope (default "openid profile phone"), national_id_claim (default "national_id").

The provider's discovery document gives the endpoints. The ID token must be signed by a key in the
provider's JWKS (asymmetric algorithms only), name our client as audience, come from the configured
issuer, carry the nonce we sent, and be current. The state, nonce and PKCE verifier live in the user's
session and are removed at the first callback, so a replayed callback (or a replayed code) is refused.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from diwan.accounts.identity import IdentityRefused, VerifiedIdentity
from diwan.accounts.models import VerificationLevel
from diwan.accounts.validators import ARABIC_SCRIPT_NAME, normalise_national_id, normalise_phone
from diwan.core.errors import ValidationFailed

SESSION_KEY = "diwan_oidc_pending"
# How long a citizen may spend at the eID provider before the callback.
PENDING_SECONDS = 600
HTTP_TIMEOUT = 10
ALLOWED_ALGORITHMS = ("RS256", "PS256", "ES256", "ES384", "EdDSA")
DISCOVERY_CACHE_SECONDS = 3600
# The provider's key set is kept as long as the discovery document; a token it cannot verify makes it
# read again (the provider may have rotated its keys), at most once a minute, so forged tokens cannot
# make every sign-in a fetch.
JWKS_CACHE_SECONDS = 3600
JWKS_REFRESH_SECONDS = 60
CLOCK_LEEWAY = 60


def _refused(code: str) -> IdentityRefused:
    return IdentityRefused(
        _("The national eID sign-in did not work. Please try again."), field=None, code=code
    )


def _local(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    return host in {"127.0.0.1", "localhost", "::1"}


def _key_set(jwks_uri: str, *, fresh: bool = False) -> KeySet:
    """The provider's signing keys, kept in the shared cache for JWKS_CACHE_SECONDS (read again when
    `fresh`). Only a key set that parses is kept."""
    key = f"diwan:oidc:jwks:{jwks_uri}"
    found = None if fresh else cache.get(key)
    if found is None:
        found = _http_json(jwks_uri)
        keys = KeySet.import_key_set(found)
        cache.set(key, found, JWKS_CACHE_SECONDS)
        return keys
    return KeySet.import_key_set(found)


def _check_url(url: str) -> str:
    """Endpoints must be https (plain http is accepted only on the loopback, for tests and demos)."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme == "https" or (scheme == "http" and _local(url)):
        return url
    raise _refused("insecure_endpoint")


def _http_json(url: str, *, data: Mapping[str, str] | None = None, auth: str | None = None) -> Any:
    headers = {"Accept": "application/json", "User-Agent": "Diwan eID client"}
    body = None
    if data is not None:
        body = urllib.parse.urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if auth:
        headers["Authorization"] = auth
    request = urllib.request.Request(_check_url(url), data=body, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read(1_000_000))
    except urllib.error.HTTPError as exc:
        exc.close()
        raise _refused("provider_error") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise _refused("provider_unreachable") from exc


class OidcProvider:
    name = "national_eid"
    label = _("National eID")

    @property
    def config(self) -> Mapping[str, str]:
        return dict(getattr(settings, "DIWAN_OIDC", {}) or {})

    def is_configured(self) -> bool:
        config = self.config
        return bool(config.get("issuer") and config.get("client_id"))

    def metadata(self) -> Mapping[str, Any]:
        issuer = self.config["issuer"].rstrip("/")
        key = f"diwan:oidc:discovery:{issuer}"
        found = cache.get(key)
        if found is None:
            found = _http_json(f"{issuer}/.well-known/openid-configuration")
            if not isinstance(found, dict) or found.get("issuer", "").rstrip("/") != issuer:
                raise _refused("issuer_mismatch")
            for endpoint in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                _check_url(str(found.get(endpoint, "")))
            cache.set(key, found, DISCOVERY_CACHE_SECONDS)
        return dict(found)

    def authorization_url(self, *, session: SessionBase, redirect_uri: str) -> str:
        config = self.config
        redirect_uri = config.get("redirect_uri") or redirect_uri
        metadata = self.metadata()
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        session[SESSION_KEY] = {
            "state": state,
            "nonce": nonce,
            "verifier": verifier,
            "redirect_uri": redirect_uri,
            "started": int(time.time()),
        }
        return str(
            add_params_to_uri(
                metadata["authorization_endpoint"],
                [
                    ("response_type", "code"),
                    ("client_id", config["client_id"]),
                    ("redirect_uri", redirect_uri),
                    ("scope", config.get("scope") or "openid profile phone"),
                    ("state", state),
                    ("nonce", nonce),
                    ("code_challenge", create_s256_code_challenge(verifier)),
                    ("code_challenge_method", "S256"),
                ],
            )
        )

    def complete(self, *, session: SessionBase, params: Mapping[str, str]) -> VerifiedIdentity:
        # Pop first: whatever happens next, this state can never be used again (no replay).
        pending = session.pop(SESSION_KEY, None)
        if not isinstance(pending, dict):
            raise _refused("no_pending_sign_in")
        if int(time.time()) - int(pending.get("started", 0)) > PENDING_SECONDS:
            raise _refused("too_slow")
        if not constant_time_compare(str(params.get("state", "")), pending["state"]):
            raise _refused("state_mismatch")
        if params.get("error"):
            raise _refused("provider_said_no")
        code = params.get("code", "")
        if not code:
            raise _refused("no_code")
        config = self.config
        metadata = self.metadata()
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": pending["redirect_uri"],
            "code_verifier": pending["verifier"],
            "client_id": config["client_id"],
        }
        auth = None
        if config.get("client_secret"):  # client_secret_basic (RFC 6749 §2.3.1)
            pair = f"{urllib.parse.quote(config['client_id'])}:{urllib.parse.quote(config['client_secret'])}"
            auth = "Basic " + base64.b64encode(pair.encode()).decode()
        tokens = _http_json(metadata["token_endpoint"], data=form, auth=auth)
        id_token = tokens.get("id_token") if isinstance(tokens, dict) else None
        if not isinstance(id_token, str):
            raise _refused("no_id_token")
        claims = self._verified_claims(id_token, metadata, nonce=pending["nonce"])
        return self._identity(claims)

    def _verified_claims(self, id_token: str, metadata: Mapping[str, Any], *, nonce: str) -> dict[str, Any]:
        config = self.config
        jwks_uri = str(metadata["jwks_uri"])
        algorithms = list(ALLOWED_ALGORITHMS)
        try:
            try:
                token = jwt.decode(id_token, _key_set(jwks_uri), algorithms=algorithms)
            except (JoseError, ValueError, TypeError, KeyError):
                if not cache.add(f"diwan:oidc:jwks-refreshed:{jwks_uri}", 1, JWKS_REFRESH_SECONDS):
                    raise
                token = jwt.decode(id_token, _key_set(jwks_uri, fresh=True), algorithms=algorithms)
        except IdentityRefused:
            raise
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise _refused("bad_signature") from exc
        registry = jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY,
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": config["client_id"]},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(token.claims)
        except JoseError as exc:
            reason = "nonce_mismatch" if "nonce" in str(exc) else "bad_claims"
            raise _refused(reason) from exc
        audience = token.claims.get("aud")
        if (
            isinstance(audience, list)
            and len(audience) > 1
            and token.claims.get("azp") != config["client_id"]
        ):
            raise _refused("bad_claims")
        return dict(token.claims)

    def _identity(self, claims: Mapping[str, Any]) -> VerifiedIdentity:
        config = self.config
        try:
            national_id = normalise_national_id(
                str(claims.get(config.get("national_id_claim") or "national_id", "")), required=True
            )
        except ValidationFailed as exc:
            raise _refused("no_national_id") from exc
        phone = ""
        if claims.get("phone_number") and claims.get("phone_number_verified") is True:
            try:
                phone = normalise_phone(str(claims["phone_number"]))
            except ValidationFailed:
                phone = ""  # a foreign or landline number: the citizen can add a mobile later
        name_ar = str(claims.get("name#ar") or "")
        name_latin = str(claims.get("name#en") or "")
        plain = str(claims.get("name") or "")
        if not name_ar and ARABIC_SCRIPT_NAME.match(plain or "-"):
            name_ar = plain
        elif not name_latin and plain and not ARABIC_SCRIPT_NAME.match(plain):
            name_latin = plain
        return VerifiedIdentity(
            provider=self.name,
            subject=str(claims["sub"]),
            verification_level=VerificationLevel.NATIONAL_EID,
            phone=phone,
            national_id=national_id,
            full_name_ar=" ".join(name_ar.split())[:200],
            full_name_latin=" ".join(name_latin.split())[:200],
        )
