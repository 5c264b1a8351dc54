"""One person, one vote across contributor merges (pure).

A merge in the register says two contributor records are one person; an unmerge says
they are two again. Votes follow the merge links as they stand when ballots are
counted (at close, or for a live tally), so the rule holds whichever way a merge and
a ballot race:

- each record is resolved to its person, the record it is merged into now (``person``
  maps record -> person; a record missing from it is its own person);
- the electorate stays the snapshot taken at opening (its size judges quorum), but a
  person counts once, however many of their records were snapshotted;
- the person's ballot is the one cast last by any of their snapshotted records (a
  record merged away may still change it: it is the same person); at the same instant
  the lower record id stands;
- a person's delegation is their surviving record's, else the one of their lowest
  record that has one;
- after an unmerge each record is its own person again and its own ballot counts.

Ballots are stored per record, so nothing is lost or moved when merges change.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

Person = Mapping[int, int]


def of(person: Person, record: int) -> int:
    """The person a record belongs to now."""
    return person.get(record, record)


def representatives(electors: Collection[int], person: Person) -> dict[int, int]:
    """Per person in the electorate, their lowest snapshotted record."""
    found: dict[int, int] = {}
    for record in sorted(electors):
        found.setdefault(of(person, record), record)
    return found


def standing(cast_at: Mapping[int, datetime], person: Person) -> dict[int, int]:
    """Per person, the record whose ballot stands: the one cast last."""
    latest: dict[int, int] = {}
    for record in sorted(cast_at, key=lambda r: (cast_at[r], -r)):
        latest[of(person, record)] = record
    return latest


def delegations(chosen: Mapping[int, int], person: Person) -> dict[int, int]:
    """Delegations between people: per person, their surviving record's delegation,
    else their lowest delegating record's; one that points back at them is dropped."""
    found: dict[int, int] = {}
    for record in sorted(chosen, key=lambda r: (of(person, r) != r, r)):
        who, to = of(person, record), of(person, chosen[record])
        if who != to:
            found.setdefault(who, to)
    return found
