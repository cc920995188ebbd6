"""Field encryption (AES-256-GCM with a key ring), blind indexes (HMAC-SHA256) and the platform
Ed25519 key. Keys come from settings, which read them from the environment."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_PREFIX = "v1"


def _b64decode(value: str, name: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not valid base64") from exc


@cache
def key_ring() -> tuple[tuple[str, AESGCM], ...]:
    """(key id, cipher) pairs; the first encrypts, every one may decrypt (key rotation)."""
    ring: list[tuple[str, AESGCM]] = []
    for entry in settings.DIWAN_FIELD_KEYS.split(","):
        key_id, _, encoded = entry.strip().partition(":")
        key = _b64decode(encoded, "DIWAN_FIELD_KEYS")
        if not key_id or len(key) != 32:
            raise ImproperlyConfigured("DIWAN_FIELD_KEYS entries must be key_id:base64(32 bytes)")
        ring.append((key_id, AESGCM(key)))
    return tuple(ring)


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt with the current key. `context` (e.g. "accounts.User.national_id") is bound as associated
    data, so a ciphertext copied into another column does not decrypt."""
    key_id, cipher = key_ring()[0]
    nonce = os.urandom(12)
    sealed = cipher.encrypt(nonce, plaintext.encode(), context.encode())
    return f"{_PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str) -> str:
    prefix, key_id, encoded = token.split(":", 2)
    if prefix != _PREFIX:
        raise ValueError("unknown ciphertext version")
    for candidate_id, cipher in key_ring():
        if candidate_id == key_id:
            raw = base64.b64decode(encoded)
            return cipher.decrypt(raw[:12], raw[12:], context.encode()).decode()
    raise ValueError(f"no key {key_id!r} in DIWAN_FIELD_KEYS")


@cache
def _blind_index_key() -> bytes:
    return _b64decode(settings.DIWAN_BLIND_INDEX_KEY, "DIWAN_BLIND_INDEX_KEY")


def blind_index(value: str, *, context: str) -> str:
    """Keyed hash for exact-match lookup of an encrypted value without decrypting the column."""
    mac = hmac.new(_blind_index_key(), f"{context}\x00{value}".encode(), hashlib.sha256)
    return mac.hexdigest()


@cache
def platform_private_key() -> Ed25519PrivateKey:
    seed = _b64decode(settings.DIWAN_SIGNING_KEY, "DIWAN_SIGNING_KEY")
    if len(seed) != 32:
        raise ImproperlyConfigured("DIWAN_SIGNING_KEY must be base64 of a 32-byte Ed25519 seed")
    return Ed25519PrivateKey.from_private_bytes(seed)


def platform_public_key_bytes() -> bytes:
    return platform_private_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def sign(message: bytes) -> bytes:
    return platform_private_key().sign(message)


def verify_signature(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
