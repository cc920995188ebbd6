"""Merkle tree heads and proofs over the sealed event hashes, RFC 6962 / RFC 9162 style.

Leaf i is the hash of the event with seq i + 1. leaf hash = SHA-256(0x00 || event_hash),
node hash = SHA-256(0x01 || left || right); a tree of n leaves splits at the largest power of two below n.
Pure functions of bytes: anyone can re-implement the verification side from docs/audit.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(event_hash: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + event_hash).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """Largest power of two strictly below n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class CompactRange:
    """The roots of the perfect subtrees covering leaves [0, size), left to right: enough to append
    leaves and compute the tree head at any size in O(log n) memory."""

    __slots__ = ("nodes", "size")

    def __init__(self, size: int = 0, nodes: Sequence[bytes] = ()) -> None:
        if len(nodes) != size.bit_count():
            raise ValueError("a compact range of size n has popcount(n) nodes")
        self.size = size
        self.nodes = list(nodes)

    def append(self, event_hash: bytes) -> None:
        sha = hashlib.sha256
        h = sha(b"\x00" + event_hash).digest()
        n = self.size
        nodes = self.nodes
        while n & 1:
            h = sha(b"\x01" + nodes.pop() + h).digest()
            n >>= 1
        nodes.append(h)
        self.size += 1

    def root(self) -> bytes:
        if not self.nodes:
            return EMPTY_ROOT
        result = self.nodes[-1]
        for left in reversed(self.nodes[:-1]):
            result = node_hash(left, result)
        return result

    def to_bytes(self) -> bytes:
        return b"".join(self.nodes)

    @classmethod
    def from_bytes(cls, size: int, raw: bytes) -> CompactRange:
        return cls(size, [raw[i : i + 32] for i in range(0, len(raw), 32)])


def _leaves(event_hashes: Sequence[bytes]) -> list[bytes]:
    return [leaf_hash(h) for h in event_hashes]


def _mth(leaves: Sequence[bytes], lo: int, hi: int) -> bytes:
    n = hi - lo
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[lo]
    k = _split(n)
    return node_hash(_mth(leaves, lo, lo + k), _mth(leaves, lo + k, hi))


def root(event_hashes: Sequence[bytes]) -> bytes:
    return _mth(_leaves(event_hashes), 0, len(event_hashes))


def inclusion_proof(index: int, event_hashes: Sequence[bytes]) -> list[bytes]:
    """Audit path for leaf `index` in the tree over all of `event_hashes` (RFC 6962 §2.1.1)."""
    if not 0 <= index < len(event_hashes):
        raise ValueError("leaf index outside the tree")
    leaves = _leaves(event_hashes)
    path: list[bytes] = []

    def walk(m: int, lo: int, hi: int) -> None:
        n = hi - lo
        if n == 1:
            return
        k = _split(n)
        if m < k:
            walk(m, lo, lo + k)
            path.append(_mth(leaves, lo + k, hi))
        else:
            walk(m - k, lo + k, hi)
            path.append(_mth(leaves, lo, lo + k))

    walk(index, 0, len(leaves))
    return path


def consistency_proof(first: int, event_hashes: Sequence[bytes]) -> list[bytes]:
    """Proof that the tree of size `first` is a prefix of the tree over `event_hashes` (RFC 6962 §2.1.2)."""
    second = len(event_hashes)
    if not 0 < first <= second:
        raise ValueError("first size must be between 1 and the second size")
    if first == second:
        return []
    leaves = _leaves(event_hashes)
    proof: list[bytes] = []

    def sub(m: int, lo: int, hi: int, whole: bool) -> None:
        n = hi - lo
        if m == n:
            if not whole:
                proof.append(_mth(leaves, lo, hi))
            return
        k = _split(n)
        if m <= k:
            sub(m, lo, lo + k, whole)
            proof.append(_mth(leaves, lo + k, hi))
        else:
            sub(m - k, lo + k, hi, False)
            proof.append(_mth(leaves, lo, lo + k))

    sub(first, 0, second, True)
    return proof


def verify_inclusion(
    *, event_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < tree_size:
        return False
    fn, sn = index, tree_size - 1
    r = leaf_hash(event_hash)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def verify_consistency(
    *, first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    path = list(proof)
    if not path:
        return False
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0
