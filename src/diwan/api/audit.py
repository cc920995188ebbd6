"""/api/v1/audit/: published checkpoints and Merkle proofs. Public, and hashes only: no personal data.

Anyone can check a proof with the algorithms of RFC 9162 §2.1.3.2 / §2.1.4.2 (docs/audit.md) and a
checkpoint signature with the Ed25519 public key returned here.
"""

import base64
import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from diwan.api.security import api_policy
from diwan.audit import selectors
from diwan.core import crypto
from diwan.core.access import PUBLIC
from diwan.core.errors import DiwanError

router = Router(tags=["audit"])


class CheckpointOut(Schema):
    size: int = Field(description="Number of sealed events covered (seq 1..size)")
    root_hash: str = Field(description="Merkle tree head, hex")
    created_at: dt.datetime
    signature: str = Field(description="Ed25519 signature of signed_note, base64")
    signed_note: str = Field(description="The exact text that was signed")


class CheckpointsOut(Schema):
    algorithm: str = "Ed25519"
    public_key: str = Field(description="Platform public key, raw 32 bytes, base64")
    checkpoints: list[CheckpointOut]


class InclusionProofOut(Schema):
    seq: int
    leaf_index: int
    tree_size: int
    event_hash: str
    root_hash: str
    proof: list[str] = Field(description="Audit path, hex, leaf to root (RFC 9162 §2.1.3)")


class ConsistencyProofOut(Schema):
    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str] = Field(description="Consistency path, hex (RFC 9162 §2.1.4)")


class ProofQuery(Schema):
    seq: Annotated[int, Field(ge=1, description="Event sequence number")]
    tree_size: Annotated[int, Field(ge=1, description="Size of a published checkpoint")]


class ConsistencyQuery(Schema):
    first: Annotated[int, Field(ge=1)]
    second: Annotated[int, Field(ge=1)]


def _fail(error: DiwanError) -> HttpError:
    return HttpError(error.status, str(error.message))


@router.get("/checkpoints", response=CheckpointsOut, summary="Latest signed checkpoints")
@api_policy(PUBLIC)
def checkpoints(request: HttpRequest, limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
    return {
        "algorithm": "Ed25519",
        "public_key": base64.b64encode(crypto.platform_public_key_bytes()).decode(),
        "checkpoints": [selectors.published(c) for c in selectors.latest_checkpoints(limit)],
    }


@router.get("/proofs/inclusion", response=InclusionProofOut, summary="Inclusion proof for one event")
@api_policy(PUBLIC)
def inclusion_proof(request: HttpRequest, query: Query[ProofQuery]) -> dict[str, Any]:
    try:
        proof = selectors.inclusion_proof(seq=query.seq, tree_size=query.tree_size)
    except DiwanError as error:
        raise _fail(error) from error
    return {
        "seq": proof.seq,
        "leaf_index": proof.leaf_index,
        "tree_size": proof.tree_size,
        "event_hash": proof.event_hash.hex(),
        "root_hash": proof.root_hash.hex(),
        "proof": [h.hex() for h in proof.path],
    }


@router.get(
    "/proofs/consistency", response=ConsistencyProofOut, summary="Consistency proof between checkpoints"
)
@api_policy(PUBLIC)
def consistency_proof(request: HttpRequest, query: Query[ConsistencyQuery]) -> dict[str, Any]:
    try:
        proof = selectors.consistency_proof(first=query.first, second=query.second)
    except DiwanError as error:
        raise _fail(error) from error
    return {
        "first": proof.first,
        "second": proof.second,
        "first_root": proof.first_root.hex(),
        "second_root": proof.second_root.hex(),
        "proof": [h.hex() for h in proof.path],
    }
