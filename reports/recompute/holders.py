"""Who holds each contribution as the journal is replayed: merges, unmerges and the
contributions an unmerge lists (pure, no I/O).

A contribution counts for the record the journal recorded it under (its
``contribution.recorded``'s ``contributor_id``), and a record for whoever it is merged
into now. Merges are replayed as the register applies them: a merge moves every record
its source holds, and its merged children, to its target; its unmerge moves exactly
those back. An unmerge whose merge was never journaled (the splits migration 0018
recorded) lists the contributions it moved (``ContributorsUnmerged.contribution_ids``):
each listed one counts for the unmerge's source from then on, whatever record it was
recorded under, and the source is a record like any other for later merges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from msgspec import UNSET

from ledger.journal.events.intake import (
    ContributorsMerged,
    ContributorsUnmerged,
    ContributorsUnmergedV1,
)


@dataclass(slots=True)
class Holders:
    """Who holds each contributor record's contributions, who is merged into whom, and
    the contributions unmerges handed to another record."""

    holder: dict[int, int] = field(default_factory=dict)
    parent: dict[int, int] = field(default_factory=dict)
    moves: dict[int, tuple[list[int], list[int]]] = field(default_factory=dict)
    reassigned: dict[int, int] = field(default_factory=dict)
    """Contribution -> the record it counts for since an unmerge listed it."""
    known: set[int] = field(default_factory=set)
    """The records unmerges handed contributions to."""

    def of(self, record: int) -> int:
        """Who holds the contributions of ``record`` now."""
        return self.holder.get(record, record)

    def holding(self, contribution: int, record: int) -> int:
        """Who holds ``contribution`` (recorded under ``record``) now."""
        return self.of(self.reassigned.get(contribution, record))

    def merged_into(self, record: int) -> int | None:
        """The record ``record`` is merged into, if any."""
        return self.parent.get(record)

    def merge(self, event: ContributorsMerged, records: set[int]) -> None:
        """Apply a merge; ``records`` are the records contributions were recorded under."""
        source, target = event.source, event.target
        everyone = records | self.holder.keys() | self.known
        moved = [r for r in sorted(everyone) if self.of(r) == source]
        children = sorted(r for r, p in self.parent.items() if p == source)
        for r in moved:
            self.holder[r] = target
        for r in children:
            self.parent[r] = target
        self.parent[source] = target
        self.moves[event.merge_id] = (moved, children)

    def unmerge(self, event: ContributorsUnmerged | ContributorsUnmergedV1) -> None:
        """Undo a merge: what its event moved goes back, and what the unmerge lists
        counts for its source."""
        moved, children = self.moves.pop(event.merge_id, ([], []))
        for r in moved:
            if self.of(r) == event.target:
                self.holder[r] = event.source
        for r in children:
            self.parent[r] = event.source
        self.parent.pop(event.source, None)
        if isinstance(event, ContributorsUnmerged) and event.contribution_ids is not UNSET:
            for contribution in event.contribution_ids:
                self.reassigned[contribution] = event.source
            self.known.add(event.source)
