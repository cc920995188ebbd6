"""Reads of the audit log: published checkpoints and proofs (public, hashes only) and the auditors'
event browser (staff with the auditor or integrity officer role; the views enforce the role)."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from diwan.audit import merkle
from diwan.audit.models import Checkpoint, Event, Seal
from diwan.core.errors import Conflict, NotFound, ValidationFailed


def latest_checkpoints(limit: int = 20) -> list[Checkpoint]:
    return list(Checkpoint.objects.order_by("-size")[: max(1, min(limit, 100))])


def published(checkpoint: Checkpoint) -> dict[str, Any]:
    """What is published about a checkpoint: everything needed to check it, nothing else."""
    return {
        "size": checkpoint.size,
        "root_hash": checkpoint.root_hex,
        "created_at": checkpoint.created_at,
        "signature": base64.b64encode(bytes(checkpoint.signature)).decode(),
        "signed_note": checkpoint.signed_message().decode("ascii"),
    }


def checkpoint_of_size(size: int) -> Checkpoint:
    found = Checkpoint.objects.filter(size=size).first()
    if found is None:
        raise NotFound(_("There is no published checkpoint of that size."))
    return found


def _event_hashes(size: int) -> list[bytes]:
    hashes = [
        bytes(h)
        for h in Seal.objects.filter(seq__gte=1, seq__lte=size)
        .order_by("seq")
        .values_list("hash", flat=True)
        .iterator(chunk_size=20_000)
    ]
    if len(hashes) != size:
        raise Conflict(_("The audit log no longer matches this checkpoint."), code="log_damaged")
    return hashes


def _checked_tree(checkpoint: Checkpoint) -> list[bytes]:
    hashes = _event_hashes(checkpoint.size)
    if merkle.root(hashes) != bytes(checkpoint.root_hash):
        raise Conflict(_("The audit log no longer matches this checkpoint."), code="log_damaged")
    return hashes


@dataclass(frozen=True)
class InclusionProof:
    seq: int
    leaf_index: int
    tree_size: int
    event_hash: bytes
    root_hash: bytes
    path: list[bytes]


def inclusion_proof(*, seq: int, tree_size: int) -> InclusionProof:
    """Proof that event `seq` is leaf seq - 1 of the published checkpoint of `tree_size` events.
    O(tree_size) today (reads the hashes); see docs/audit.md for the subtree cache that would fix it."""
    checkpoint = checkpoint_of_size(tree_size)
    if not 1 <= seq <= tree_size:
        raise ValidationFailed(_("The event number must be between 1 and the checkpoint size."), field="seq")
    hashes = _checked_tree(checkpoint)
    return InclusionProof(
        seq=seq,
        leaf_index=seq - 1,
        tree_size=tree_size,
        event_hash=hashes[seq - 1],
        root_hash=bytes(checkpoint.root_hash),
        path=merkle.inclusion_proof(seq - 1, hashes),
    )


@dataclass(frozen=True)
class ConsistencyProof:
    first: int
    second: int
    first_root: bytes
    second_root: bytes
    path: list[bytes]


def consistency_proof(*, first: int, second: int) -> ConsistencyProof:
    """Proof that published checkpoint `first` is a prefix of published checkpoint `second`."""
    if not 1 <= first <= second:
        raise ValidationFailed(_("The first checkpoint must not be larger than the second."), field="first")
    old = checkpoint_of_size(first)
    new = checkpoint_of_size(second)
    hashes = _checked_tree(new)
    return ConsistencyProof(
        first=first,
        second=second,
        first_root=bytes(old.root_hash),
        second_root=bytes(new.root_hash),
        path=merkle.consistency_proof(first, hashes),
    )


@dataclass(frozen=True)
class EventFilter:
    event_type: str = ""
    actor_id: int | None = None
    data_subject_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def events_for_auditor(actor: Any, wanted: EventFilter) -> QuerySet[Event]:
    """Newest first. Auditors and integrity officers see the whole log (their job is to look across
    agencies); the view records each search and each opened event in the log itself."""
    events = Event.objects.select_related("seal").order_by("-id")
    if wanted.event_type:
        events = events.filter(event_type__startswith=wanted.event_type)
    if wanted.actor_id is not None:
        events = events.filter(actor_id=wanted.actor_id)
    if wanted.data_subject_id is not None:
        events = events.filter(data_subject_id=wanted.data_subject_id)
    if wanted.since is not None:
        events = events.filter(occurred_at__date__gte=wanted.since)
    if wanted.until is not None:
        events = events.filter(occurred_at__date__lte=wanted.until)
    return events


def access_event_for(actor: Any, event_id: int) -> Event:
    found = Event.objects.select_related("seal").filter(pk=event_id).first()
    if found is None:
        raise NotFound()
    return found
