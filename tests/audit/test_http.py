"""The public checkpoint page, the public proof API and the auditors' event browser, through HTTP."""

from __future__ import annotations

import base64
import math
from collections.abc import Callable

import pytest
from django.test import Client

from diwan.audit import merkle
from diwan.audit.actions import checkpoint_create, events_seal_all
from diwan.audit.events import AuditEventType
from diwan.audit.models import Event
from diwan.core import crypto
from diwan.directory.roles import Role
from tests.directory.conftest import World, sign_in_staff, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

API = "/api/v1/audit"


def test_public_page_lists_checkpoints_and_the_key(
    client: Client, make_events: Callable[..., list[Event]]
) -> None:
    make_events(3)
    checkpoint = checkpoint_create()
    assert checkpoint is not None
    for language in ("ar", "ckb", "en"):
        response = client.get(f"/{language}/audit/checkpoints/")
        assert response.status_code == 200
        page = response.content.decode()
        assert checkpoint.root_hex in page
        assert base64.b64encode(crypto.platform_public_key_bytes()).decode() in page
    assert "Audit checkpoints" in client.get("/en/audit/checkpoints/").content.decode()


def test_api_checkpoints_can_be_verified_by_anyone(
    client: Client, make_events: Callable[..., list[Event]]
) -> None:
    make_events(2)
    checkpoint_create()
    make_events(3)
    checkpoint_create()
    body = client.get(f"{API}/checkpoints").json()
    public_key = base64.b64decode(body["public_key"])
    assert [c["size"] for c in body["checkpoints"]] == [5, 2]
    for published in body["checkpoints"]:
        note = published["signed_note"].encode()
        assert crypto.verify_signature(public_key, base64.b64decode(published["signature"]), note)
        assert published["root_hash"] in published["signed_note"]
    assert client.get(f"{API}/checkpoints?limit=0").status_code == 422
    assert client.get(f"{API}/checkpoints?limit=1").json()["checkpoints"][0]["size"] == 5


def test_inclusion_proof_is_short_and_verifies(
    client: Client, make_events: Callable[..., list[Event]]
) -> None:
    make_events(11)
    checkpoint_create()
    root = bytes.fromhex(client.get(f"{API}/checkpoints").json()["checkpoints"][0]["root_hash"])
    for seq in range(1, 12):
        response = client.get(f"{API}/proofs/inclusion?seq={seq}&tree_size=11")
        assert response.status_code == 200
        proof = response.json()
        assert set(proof) == {"seq", "leaf_index", "tree_size", "event_hash", "root_hash", "proof"}
        assert len(proof["proof"]) <= math.ceil(math.log2(11))
        assert merkle.verify_inclusion(
            event_hash=bytes.fromhex(proof["event_hash"]),
            index=seq - 1,
            tree_size=11,
            proof=[bytes.fromhex(h) for h in proof["proof"]],
            root_hash=root,
        )
        assert proof["event_hash"] == Event.objects.get(seal__seq=seq).hash_hex


def test_proof_requests_with_bad_input_get_clear_4xx(
    client: Client, make_events: Callable[..., list[Event]]
) -> None:
    make_events(4)
    checkpoint_create()
    assert client.get(f"{API}/proofs/inclusion?seq=1&tree_size=3").status_code == 404  # no such checkpoint
    assert client.get(f"{API}/proofs/inclusion?seq=5&tree_size=4").status_code == 400
    assert client.get(f"{API}/proofs/inclusion?seq=0&tree_size=4").status_code == 422
    assert client.get(f"{API}/proofs/inclusion?seq=x&tree_size=4").status_code == 422
    assert client.get(f"{API}/proofs/consistency?first=4&second=2").status_code == 400


def test_consistency_proof_between_checkpoints(
    client: Client, make_events: Callable[..., list[Event]]
) -> None:
    make_events(3)
    checkpoint_create()
    make_events(6)
    checkpoint_create()
    proof = client.get(f"{API}/proofs/consistency?first=3&second=9").json()
    assert merkle.verify_consistency(
        first=3,
        second=9,
        first_root=bytes.fromhex(proof["first_root"]),
        second_root=bytes.fromhex(proof["second_root"]),
        proof=[bytes.fromhex(h) for h in proof["proof"]],
    )


BROWSER = "/en/office/audit/events/"


def test_event_browser_refuses_anonymous_and_other_roles(client: Client, world: World) -> None:  # noqa: F811
    response = client.get(BROWSER)
    assert response.status_code == 302
    assert "/staff/sign-in/" in response["Location"]
    sign_in_staff(client, world.moi_admin)  # an agency admin is not an auditor
    assert client.get(BROWSER).status_code == 403
    assert client.get(f"{BROWSER}1/").status_code == 403


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.INTEGRITY_OFFICER])
def test_auditors_search_and_open_events_and_that_is_logged(
    client: Client,
    world: World,  # noqa: F811
    make_events: Callable[..., list[Event]],
    role: Role,
) -> None:
    auditor = world.member(world.comsec_office, role)
    make_events(3)
    sign_in_staff(client, auditor)
    listing = client.get(BROWSER, {"event_type": "tests.thing", "data_subject_id": "1001"})
    assert listing.status_code == 200
    target = Event.objects.get(data_subject_id=1001, event_type="tests.thing.done")
    assert f"{BROWSER}{target.pk}/" in listing.content.decode()
    detail = client.get(f"{BROWSER}{target.pk}/")
    assert detail.status_code == 200
    assert target.hash_hex in detail.content.decode()
    viewed = Event.objects.filter(event_type=AuditEventType.EVENT_VIEWED, actor_id=auditor.pk).get()
    assert viewed.data_subject_id == 1001
    assert viewed.objects_ref == {"audit_event": target.pk}
    assert Event.objects.filter(event_type=AuditEventType.LOG_SEARCHED, data_subject_id=1001).count() == 1
    assert client.get(f"{BROWSER}999999/").status_code == 404
    events_seal_all()


def test_event_browser_bad_input_is_a_400_with_a_message(
    client: Client,
    world: World,  # noqa: F811
    make_events: Callable[..., list[Event]],
) -> None:
    sign_in_staff(client, world.member(world.comsec_office, Role.AUDITOR))
    response = client.get(BROWSER, {"actor_id": "abc", "since": "2026-02-01", "until": "2026-01-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The end date must not be before the start date." in page
    response = client.get(BROWSER, {"event_type": "DROP TABLE"})
    assert response.status_code == 400
    assert "Use lower-case letters" in response.content.decode()
