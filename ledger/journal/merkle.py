"""The journal as a Merkle tree per RFC 6962 / RFC 9162 (pure, no I/O).

Leaves are ``SHA-256(0x00 || RFC 8785 event)`` (``ledger.journal.chain.leaf_hash``),
interior nodes ``SHA-256(0x01 || left || right)``. Inclusion and consistency proofs
follow RFC 9162 §2.1.3 and §2.1.4; their verifiers are what a third party runs.

Every hash a proof needs is the root of a range ``[start, end)`` whose start is
aligned to its largest power-of-two part, so it is the right-folded combination of
*complete aligned subtrees* ``(level, index)`` covering ``[index·2^level,
(index+1)·2^level)``. Those never change as the journal grows, so the store keeps
them and a proof costs O(log n) lookups: ``inclusion_plan`` / ``consistency_plan``
name the ranges, ``subtrees`` the stored nodes, ``fold`` rebuilds each hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()

Range = tuple[int, int]
Subtree = tuple[int, int]


def leaf(data: bytes) -> bytes:
    """RFC 6962 leaf hash of raw leaf data."""
    return hashlib.sha256(b"\x00" + data).digest()


def node(left: bytes, right: bytes) -> bytes:
    """RFC 6962 interior node hash."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes (the empty tree hashes to SHA-256 of nothing)."""
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    # Bottom-up with the odd right node promoted equals RFC 6962's recursive split.
    while len(level) > 1:
        paired = [node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def inclusion_plan(index: int, size: int) -> list[Range]:
    """The ranges whose hashes form PATH(index, D[size]), leaf side first."""
    if not 0 <= index < size:
        raise ValueError("the leaf index must lie inside the tree")
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_plan(old: int, new: int) -> list[Range]:
    """The ranges whose hashes form PROOF(old, D[new]) (RFC 9162 SUBPROOF)."""
    if not 0 <= old <= new:
        raise ValueError("the old size must not exceed the new size")
    if old in (0, new):
        return []
    ranges: list[Range] = []
    start, end, whole = 0, new, True
    m = old
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
            m -= k
            whole = False
    if not whole:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def subtrees(start: int, end: int) -> list[Subtree]:
    """Complete aligned subtrees covering ``[start, end)``, left to right."""
    if not 0 <= start < end:
        raise ValueError("empty or negative range")
    parts: list[Subtree] = []
    while start < end:
        level = (end - start).bit_length() - 1
        while start % (1 << level):
            level -= 1
        parts.append((level, start >> level))
        start += 1 << level
    return parts


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from its subtree hashes (largest first), folded from the right."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node(left, result)
    return result


def resolve(plan: Sequence[Range], lookup: Callable[[Subtree], bytes]) -> list[bytes]:
    """Turn ranges into hashes using a lookup of stored subtrees."""
    return [fold([lookup(s) for s in subtrees(a, b)]) for a, b in plan]


def nodes_needed(plan: Sequence[Range]) -> list[Subtree]:
    """Every stored subtree the plan reads (deduplicated, in order)."""
    return list(dict.fromkeys(s for a, b in plan for s in subtrees(a, b)))


def range_hash(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH(D[start:end]) from the full list of leaves (tests, small trees)."""
    return root(leaves[start:end])


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(index, D[n]) computed from all leaves (reference implementation)."""
    return [range_hash(leaves, a, b) for a, b in inclusion_plan(index, len(leaves))]


def consistency_proof(leaves: Sequence[bytes], old: int) -> list[bytes]:
    """PROOF(old, D[n]) computed from all leaves (reference implementation)."""
    return [range_hash(leaves, a, b) for a, b in consistency_plan(old, len(leaves))]


def root_from_inclusion(index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]) -> bytes:
    """The root implied by an inclusion proof (RFC 9162 §2.1.3.2); ValueError when malformed."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            raise ValueError("proof longer than the path")
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("proof shorter than the path")
    return r


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """True when ``proof`` shows leaf ``index`` is in the tree of ``size`` with this root."""
    try:
        return root_from_inclusion(index, size, leaf_hash, proof) == expected_root
    except ValueError:
        return False


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True when ``proof`` shows the tree of ``old`` is a prefix of the tree of ``new``
    (RFC 9162 §2.1.4.2)."""
    if not 0 <= old <= new:
        return False
    if old == new:
        return not proof and old_root == new_root
    if old == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


class Frontier:
    """The root of a growing tree in O(log n) memory: the complete aligned subtrees
    covering the leaves so far, largest first (what a streaming verifier keeps)."""

    def __init__(self) -> None:
        self.size = 0
        self._subtrees: list[tuple[int, bytes]] = []

    def add(self, leaf_hash: bytes) -> None:
        """Append the next leaf hash."""
        level, digest = 0, leaf_hash
        while self._subtrees and self._subtrees[-1][0] == level:
            _, left = self._subtrees.pop()
            digest = node(left, digest)
            level += 1
        self._subtrees.append((level, digest))
        self.size += 1

    def root(self) -> bytes:
        """MTH of the leaves added so far."""
        if not self._subtrees:
            return EMPTY_ROOT
        return fold([digest for _, digest in self._subtrees])
