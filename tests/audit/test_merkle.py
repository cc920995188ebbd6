"""Merkle tree heads and proofs against a direct transcription of RFC 6962 §2.1."""

from __future__ import annotations

import hashlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diwan.audit import merkle
from diwan.audit.verify import Report, _MerkleRange


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _reference_mth(entries: list[bytes]) -> bytes:
    n = len(entries)
    if n == 0:
        return _h(b"")
    if n == 1:
        return _h(b"\x00" + entries[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return _h(b"\x01" + _reference_mth(entries[:k]) + _reference_mth(entries[k:]))


HASHES = [_h(str(i).encode()) for i in range(70)]


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 64, 70])
def test_root_and_compact_range_match_the_rfc(n: int) -> None:
    expected = _reference_mth(HASHES[:n])
    assert merkle.root(HASHES[:n]) == expected
    tree = merkle.CompactRange()
    for h in HASHES[:n]:
        tree.append(h)
    assert tree.root() == expected
    again = merkle.CompactRange.from_bytes(n, tree.to_bytes())
    assert again.root() == expected


def test_inclusion_proofs_verify_and_are_short() -> None:
    for n in range(1, 40):
        root = merkle.root(HASHES[:n])
        for i in range(n):
            proof = merkle.inclusion_proof(i, HASHES[:n])
            assert len(proof) <= math.ceil(math.log2(n)) if n > 1 else proof == []
            assert merkle.verify_inclusion(
                event_hash=HASHES[i], index=i, tree_size=n, proof=proof, root_hash=root
            )
            # A wrong leaf, index or root does not verify.
            other = HASHES[(i + 1) % 70]
            assert not merkle.verify_inclusion(
                event_hash=other, index=i, tree_size=n, proof=proof, root_hash=root
            )
            assert not merkle.verify_inclusion(
                event_hash=HASHES[i], index=i, tree_size=n, proof=proof, root_hash=bytes(32)
            )
            if n > 1:
                wrong = (i + 1) % n
                assert not merkle.verify_inclusion(
                    event_hash=HASHES[i], index=wrong, tree_size=n, proof=proof, root_hash=root
                )


def test_consistency_proofs_verify() -> None:
    for second in range(1, 34):
        second_root = merkle.root(HASHES[:second])
        for first in range(1, second + 1):
            first_root = merkle.root(HASHES[:first])
            proof = merkle.consistency_proof(first, HASHES[:second])
            assert merkle.verify_consistency(
                first=first, second=second, first_root=first_root, second_root=second_root, proof=proof
            )
            if first < second:
                # A history that changed an early entry is not consistent.
                rewritten = [_h(b"x"), *HASHES[1:first]]
                assert not merkle.verify_consistency(
                    first=first,
                    second=second,
                    first_root=merkle.root(rewritten),
                    second_root=second_root,
                    proof=proof,
                )


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        merkle.inclusion_proof(3, HASHES[:3])
    with pytest.raises(ValueError, match="between"):
        merkle.consistency_proof(0, HASHES[:3])
    with pytest.raises(ValueError, match="popcount"):
        merkle.CompactRange(3, [bytes(32)])


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=300),
    cuts=st.lists(st.integers(min_value=1, max_value=300), max_size=6),
    batches=st.lists(st.integers(min_value=1, max_value=70), min_size=1, max_size=8),
)
def test_verify_grows_the_same_tree_block_by_block(n: int, cuts: list[int], batches: list[int]) -> None:
    """verify's block-at-a-time compact range gives the RFC 9162 root at every checkpoint size, whatever
    the batch sizes the stream delivers."""
    hashes = [hashlib.sha256(str(i).encode()).digest() for i in range(n)]
    sizes = sorted({c for c in cuts if c <= n})
    expected = {size: merkle.root(hashes[:size]) for size in sizes}
    report = Report()
    tree = _MerkleRange(expected, report)
    done, turn = 0, 0
    while done < n:
        step = batches[turn % len(batches)]
        tree.extend(hashes[done : done + step])
        done += step
        turn += 1
    assert report.problems == []
    wrong = {size: bytes(32) for size in sizes}
    report = Report()
    tree = _MerkleRange(wrong, report)
    tree.extend(hashes)
    assert len(report.problems) == len(sizes)


def test_verify_tree_blocks_larger_than_a_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("diwan.audit.verify.MERKLE_BLOCK", 8)
    hashes = [hashlib.sha256(str(i).encode()).digest() for i in range(100)]
    expected = {size: merkle.root(hashes[:size]) for size in (1, 8, 9, 64, 77, 100)}
    report = Report()
    tree = _MerkleRange(expected, report)
    tree.extend(hashes[:50])
    tree.extend(hashes[50:])
    assert report.problems == []
