from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from django.db import connection

from diwan.accounts.models import NATIONAL_ID_CONTEXT, User
from diwan.core import crypto


@pytest.fixture(autouse=True)
def _fresh_keys() -> Any:
    crypto.key_ring.cache_clear()
    yield
    crypto.key_ring.cache_clear()


def test_round_trip_and_fresh_nonce() -> None:
    first = crypto.encrypt("199012345678", context="c")
    second = crypto.encrypt("199012345678", context="c")
    assert first != second
    assert crypto.decrypt(first, context="c") == "199012345678"


def test_ciphertext_is_bound_to_its_column() -> None:
    token = crypto.encrypt("199012345678", context="accounts.User.national_id")
    with pytest.raises(InvalidTag):
        crypto.decrypt(token, context="accounts.TOTPDevice.secret")


def test_old_keys_still_decrypt_after_rotation(settings: Any) -> None:
    old = crypto.encrypt("secret", context="c")
    new_key = base64.b64encode(b"n" * 32).decode()
    settings.DIWAN_FIELD_KEYS = f"k2:{new_key},{settings.DIWAN_FIELD_KEYS}"
    crypto.key_ring.cache_clear()
    assert crypto.decrypt(old, context="c") == "secret"
    assert crypto.encrypt("secret", context="c").startswith("v1:k2:")


def test_blind_index_is_keyed_and_deterministic(settings: Any) -> None:
    first = crypto.blind_index("199012345678", context="x")
    assert first == crypto.blind_index("199012345678", context="x")
    assert first != crypto.blind_index("199012345678", context="y")
    crypto._blind_index_key.cache_clear()
    settings.DIWAN_BLIND_INDEX_KEY = base64.b64encode(b"k" * 32).decode()
    try:
        assert crypto.blind_index("199012345678", context="x") != first
    finally:
        crypto._blind_index_key.cache_clear()


def test_platform_signature_verifies_and_rejects_forgery() -> None:
    signature = crypto.sign(b"tree head")
    public = crypto.platform_public_key_bytes()
    assert crypto.verify_signature(public, signature, b"tree head")
    assert not crypto.verify_signature(public, signature, b"tree head!")


@pytest.mark.django_db
def test_national_id_is_encrypted_at_rest() -> None:
    user = User(kind="citizen", phone="+9647701234567", full_name_ar="سارة علي حسين")
    user.set_national_id("199012345678")
    user.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id, national_id_index FROM accounts_user WHERE id = %s", [user.pk])
        stored, index = cursor.fetchone()
    assert "199012345678" not in stored
    assert index == crypto.blind_index("199012345678", context=NATIONAL_ID_CONTEXT)
    assert User.objects.get(national_id_index=index).national_id == "199012345678"
