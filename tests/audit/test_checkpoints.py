"""Checkpoints: signed Merkle tree heads, incremental, published with the key to check them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command

from diwan.audit import merkle
from diwan.audit.actions import checkpoint_create
from diwan.audit.models import Checkpoint, Event, Seal
from diwan.audit.tasks import create_checkpoint
from diwan.core import crypto

pytestmark = pytest.mark.django_db


def _hashes() -> list[bytes]:
    return [bytes(h) for h in Seal.objects.order_by("seq").values_list("hash", flat=True)]


def test_checkpoint_is_a_signed_tree_head_over_all_sealed_events(
    make_events: Callable[..., list[Event]],
) -> None:
    make_events(5)
    make_events(2, seal=False)
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    assert checkpoint.size == 5
    assert bytes(checkpoint.root_hash) == merkle.root(_hashes()[:5])
    assert crypto.verify_signature(
        crypto.platform_public_key_bytes(), bytes(checkpoint.signature), checkpoint.signed_message()
    )
    assert checkpoint.signed_message().startswith(b"diwan.audit/v1\n5\n" + checkpoint.root_hex.encode())


def test_no_checkpoint_without_new_events(make_events: Callable[..., list[Event]]) -> None:
    assert checkpoint_create() is None
    make_events(1)
    assert checkpoint_create() is not None
    assert checkpoint_create() is None
    assert Checkpoint.objects.count() == 1


def test_incremental_checkpoints_equal_a_full_recomputation(make_events: Callable[..., list[Event]]) -> None:
    sizes = []
    for batch in (1, 2, 5, 1, 8):
        make_events(batch)
        checkpoint = checkpoint_create()
        assert checkpoint is not None
        sizes.append(checkpoint.size)
        assert bytes(checkpoint.root_hash) == merkle.root(_hashes())
    assert sizes == [1, 3, 8, 9, 17]


def test_command_and_task_seal_first_then_checkpoint(
    make_events: Callable[..., list[Event]], capsys: pytest.CaptureFixture[str]
) -> None:
    make_events(3, seal=False)
    call_command("audit", "checkpoint")
    assert "checkpoint 3 root" in capsys.readouterr().out
    make_events(2, seal=False)
    result = create_checkpoint.enqueue()
    assert result.return_value == 5
    call_command("audit", "checkpoint")
    assert "no new sealed events" in capsys.readouterr().out


def test_seal_follow_seals_and_checkpoints(make_events: Callable[..., list[Event]]) -> None:
    make_events(4, seal=False)
    call_command(
        "audit", "seal", "--follow", "--iterations", "1", "--interval", "0.01", "--checkpoint-every", "0.0001"
    )
    assert not Event.objects.filter(seal__isnull=True).exists()
    assert Checkpoint.objects.get().size == 4
