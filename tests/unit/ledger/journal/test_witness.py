"""A witness accepts a checkpoint that extends the last one it saw, and calls anything
else a fork."""

from __future__ import annotations

import hashlib

from ledger.journal import merkle
from ledger.journal.notes import Checkpoint
from ledger.journal.witness import proof_needed, step

LEAVES = [merkle.leaf(hashlib.sha256(bytes([i])).digest()) for i in range(12)]
FORKED = [*LEAVES[:5], merkle.leaf(b"rewritten"), *LEAVES[6:]]


def at(size: int, leaves: list[bytes] = LEAVES, origin: str = "log/a") -> Checkpoint:
    return Checkpoint(origin, size, merkle.root(leaves[:size]))


def test_the_first_checkpoint_is_taken_on_trust() -> None:
    decided = step(None, at(7))
    assert (decided.outcome, decided.keep) == ("first", at(7))


def test_a_grown_tree_with_its_consistency_proof_is_accepted() -> None:
    assert proof_needed(at(7), at(12)) == (7, 12)
    decided = step(at(7), at(12), merkle.consistency_proof(LEAVES, 7))
    assert (decided.outcome, decided.keep, decided.fork) == ("grew", at(12), False)


def test_a_rewritten_history_is_a_fork() -> None:
    proof = merkle.consistency_proof(FORKED, 7)
    decided = step(at(7), at(12, FORKED), proof)
    assert decided.fork
    assert decided.keep == at(7)
    assert decided.reason == "the tree of size 7 is not a prefix of the tree of size 12"


def test_two_roots_for_one_size_or_another_origin_is_a_fork() -> None:
    assert step(at(7), at(7, FORKED)).fork
    assert step(at(7), at(9, origin="log/b")).fork
    assert step(at(7), at(7)).outcome == "same"


def test_an_older_checkpoint_is_stale_when_consistent_and_a_fork_otherwise() -> None:
    assert proof_needed(at(12), at(7)) == (7, 12)
    stale = step(at(12), at(7), merkle.consistency_proof(LEAVES, 7))
    assert (stale.outcome, stale.keep) == ("stale", at(12))
    assert step(at(12), at(7, FORKED), merkle.consistency_proof(LEAVES, 7)).fork
