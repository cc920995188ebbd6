"""The byte formats of the audit chain and checkpoints. Changing anything here breaks every existing chain:
add a new version instead (docs/audit.md, "Formats")."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from json import encoder as json_encoder
from json.encoder import encode_basestring_ascii
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

BODY_VERSION = 1
GENESIS = bytes(32)  # prev_hash of the event with seq 1
CHECKPOINT_ORIGIN = "diwan.audit/v1"


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, ASCII only (non-ASCII as \\uXXXX), no NaN: one byte string per value."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=False,
        cls=DjangoJSONEncoder,
    ).encode("ascii")


# The encoder canonical_json uses, built once (json.dumps with arguments builds a new one on every call),
# and its C iterator built once too (JSONEncoder.encode builds one per call; half the time of a small
# dict). Without the cycle check: a value that contains itself fails with RecursionError instead.
_ENCODER = DjangoJSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
_MAKE_ENCODER: Any = getattr(json_encoder, "c_make_encoder", None)  # the C accelerator (not in typeshed)
_C_ITERENCODE: Any = (
    _MAKE_ENCODER(None, _ENCODER.default, encode_basestring_ascii, None, ":", ",", True, False, False)
    if _MAKE_ENCODER is not None
    else None
)


def _encode(value: dict[str, Any]) -> str:
    if _C_ITERENCODE is None:
        return _ENCODER.encode(value)
    return "".join(_C_ITERENCODE(value, 0))


def normalise(value: Mapping[str, Any]) -> dict[str, Any]:
    """Plain JSON types in canonical key order, so the JSON column and `body` say the same thing."""
    result: dict[str, Any] = json.loads(canonical_json(dict(value)))
    return result


def format_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_body(
    *,
    occurred_at: dt.datetime,
    event_type: str,
    actor_id: int | None,
    actor_label: str,
    acting_for: str,
    office_id: int | None,
    ip: str | None,
    user_agent: str,
    request_id: str,
    objects: Mapping[str, Any],
    data_subject_id: int | None,
    purpose: str,
    details: Mapping[str, Any],
    salt: str,
) -> bytes:
    """`salt` (random, only in the body) keeps a published event hash from being confirmed by guessing
    the content of a low-entropy event."""
    return canonical_json(
        {
            "v": BODY_VERSION,
            "salt": salt,
            "occurred_at": format_time(occurred_at),
            "event_type": event_type,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "acting_for": acting_for,
            "office_id": office_id,
            "ip": ip,
            "user_agent": user_agent,
            "request_id": request_id,
            "objects": dict(objects),
            "data_subject_id": data_subject_id,
            "purpose": purpose,
            "details": dict(details),
        }
    )


def _number(value: int | None) -> str:
    return "null" if value is None else str(int(value))


def canonical_body_parts(
    *,
    occurred_at: str,
    event_type: str,
    actor_id: int | None,
    actor_label: str,
    acting_for: str,
    office_id: int | None,
    ip: str | None,
    user_agent: str,
    request_id: str,
    objects: Mapping[str, Any],
    data_subject_id: int | None,
    purpose: str,
    details: Mapping[str, Any],
    salt: str,
) -> tuple[bytes, str, str]:
    """canonical_body, byte for byte (tests/audit/test_chain.py checks it), built by joining the encoded
    values in key order instead of encoding a dict; also returns the canonical JSON of `objects` and
    `details`, which record_event stores in their readable columns. `occurred_at` is format_time's text.
    This runs in every audited transaction."""
    objects_json = _encode(dict(objects)) if objects else "{}"
    details_json = _encode(dict(details)) if details else "{}"
    text = encode_basestring_ascii
    body = (
        f'{{"acting_for":{text(acting_for)},"actor_id":{_number(actor_id)},'
        f'"actor_label":{text(actor_label)},"data_subject_id":{_number(data_subject_id)},'
        f'"details":{details_json},"event_type":{text(event_type)},'
        f'"ip":{"null" if ip is None else text(ip)},"objects":{objects_json},'
        f'"occurred_at":{text(occurred_at)},"office_id":{_number(office_id)},"purpose":{text(purpose)},'
        f'"request_id":{text(request_id)},"salt":{text(salt)},"user_agent":{text(user_agent)},'
        f'"v":{BODY_VERSION}}}'
    )
    return body.encode("ascii"), objects_json, details_json


def chain_hash(prev_hash: bytes, seq: int, body: bytes) -> bytes:
    return hashlib.sha256(prev_hash + seq.to_bytes(8, "big") + body).digest()


def checkpoint_message(*, size: int, root: bytes, created_at: dt.datetime) -> bytes:
    """What the platform key signs: a small text note (origin, tree size, root in hex, UTC time)."""
    return f"{CHECKPOINT_ORIGIN}\n{size}\n{root.hex()}\n{format_time(created_at)}\n".encode("ascii")
