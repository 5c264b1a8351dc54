"""What a witness decides when it sees a log's next checkpoint (pure, no I/O).

A witness keeps the last checkpoint it accepted from a log. A new one, signed by the
log's pinned key, is accepted when the older tree is a prefix of the newer one: the
same root at the same size, or an RFC 9162 consistency proof from the older size to
the newer one. Anything else is a fork: the log showed two histories that cannot both
be true. A checkpoint smaller than the last one is not accepted (the witness keeps
the larger), but it is a fork only if no consistency proof links it to the larger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ledger.journal import merkle
from ledger.journal.notes import Checkpoint

Outcome = Literal["first", "same", "grew", "stale", "fork"]


@dataclass(frozen=True, slots=True)
class Step:
    """The decision on one checkpoint; ``keep`` is what the witness stores now."""

    outcome: Outcome
    keep: Checkpoint
    reason: str

    @property
    def fork(self) -> bool:
        return self.outcome == "fork"


def proof_needed(last: Checkpoint | None, new: Checkpoint) -> tuple[int, int] | None:
    """The (from, to) sizes of the consistency proof to fetch, or None."""
    if last is None or last.size == new.size or 0 in (last.size, new.size):
        return None
    return (min(last.size, new.size), max(last.size, new.size))


def step(last: Checkpoint | None, new: Checkpoint, proof: Sequence[bytes] = ()) -> Step:
    """Decide on ``new`` given the last accepted checkpoint and the proof of
    ``proof_needed``."""
    if last is None:
        return Step("first", new, f"first checkpoint of {new.origin} at size {new.size}")
    if last.origin != new.origin:
        return Step("fork", last, f"origin {new.origin!r} is not {last.origin!r}")
    if new.size == last.size:
        if new.root == last.root:
            return Step("same", last, f"still size {new.size}")
        return Step("fork", last, f"two roots for size {new.size}")
    old, young = (last, new) if last.size < new.size else (new, last)
    consistent = merkle.verify_consistency(old.size, young.size, old.root, young.root, proof)
    if not consistent:
        return Step(
            "fork",
            last,
            f"the tree of size {old.size} is not a prefix of the tree of size {young.size}",
        )
    if new.size < last.size:
        return Step("stale", last, f"size {new.size} is older than the {last.size} seen")
    return Step("grew", new, f"grew from {last.size} to {new.size}")
