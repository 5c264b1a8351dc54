"""Unmerges replayed from hand-made journal events (no database): one whose merge the
journal holds moves back what that merge moved, in either version of its event; one
that lists its contributions hands exactly those to its source, who then holds them
through later merges, and each holder's first contribution follows what it holds."""

from __future__ import annotations

from typing import Any

from ledger.journal.events.intake import (
    ContributorsMerged,
    ContributorsUnmerged,
    ContributorsUnmergedV1,
)
from ledger.journal.events.register import ContributionRecorded
from reports.period import parse_period
from reports.recompute.critics_replay import Stamp
from reports.recompute.instants import micros
from reports.recompute.quality import quality
from reports.recompute.replay import Replay
from reports.recompute.work import Work, first_by_holder

STAMP = Stamp.of("2027-01-20T00:00:00.000000Z", "cli")


def _recorded(n: int, who: int, day: str, **facts: Any) -> ContributionRecorded:
    return ContributionRecorded(
        contribution_id=n, contributor_id=who, kind="code", occurred_at=f"{day}T12:00:00.000000Z",
        source="gitea", natural_key=f"k{n}", evidence_url=None, credit="1", policy_version=1,
        counted=True, **facts,
    )  # fmt: skip


def _replay(*events: Any) -> Replay:
    replay = Replay(parse_period("2026"), frozenset())
    for event in events:
        replay.feed(event, STAMP)
    return replay


def _held(replay: Replay) -> dict[int, int]:
    work = Work(replay)
    return dict(zip(work.ids.tolist(), work.holder.tolist(), strict=True))


WORK = [
    _recorded(1, 1, "2024-03-01"),  # before the trend's quarters (2025 and 2026)
    _recorded(2, 1, "2026-05-01"),
    _recorded(3, 1, "2026-06-01"),
    _recorded(4, 2, "2024-01-01"),
    _recorded(5, 2, "2024-02-01"),
    _recorded(6, 2, "2026-01-01"),
]
SPLIT = ContributorsUnmerged(
    merge_id=9, source=7, target=1, contributions=2, contribution_ids=(1, 3)
)


def test_an_unmerge_of_either_version_moves_back_what_its_merge_moved() -> None:
    merged = ContributorsMerged(merge_id=4, source=2, target=1, contributions=2)
    old = ContributorsUnmergedV1(merge_id=4, source=2, target=1, contributions=2)
    new = ContributorsUnmerged(merge_id=4, source=2, target=1, contributions=2)
    for unmerged in (old, new):
        replay = _replay(*WORK, merged, unmerged)
        assert _held(replay) == {2: 1, 3: 1, 6: 2}
        assert replay.holders.reassigned == {}
    assert set(_held(_replay(*WORK, merged)).values()) == {1}


def test_an_unmerge_that_lists_its_contributions_hands_exactly_those_to_its_source() -> None:
    replay = _replay(*WORK, SPLIT)
    assert _held(replay) == {2: 1, 3: 7, 6: 2}
    horizon = micros("2025-01-01T00:00:00.000000Z")
    # Record 1 lost its only early contribution: its first is now May 2026; the new
    # contributor's is before the horizon (contribution 1, of 2024).
    assert first_by_holder(replay) == {
        1: micros("2026-05-01T12:00:00.000000Z"),
        2: micros("2024-01-01T12:00:00.000000Z"),
        7: horizon - 1,
    }
    other = ContributorsUnmerged(
        merge_id=10, source=8, target=2, contributions=1, contribution_ids=(4,)
    )
    again = first_by_holder(_replay(*WORK, SPLIT, other))
    assert (again[2], again[8]) == (micros("2024-01-01T12:00:00.000000Z"), horizon - 1)


def test_what_an_unmerge_handed_over_follows_its_new_holder_through_later_merges() -> None:
    later = ContributorsMerged(merge_id=11, source=7, target=2, contributions=1)
    replay = _replay(*WORK, SPLIT, _recorded(12, 7, "2026-08-01"), later)
    assert _held(replay) == {2: 1, 3: 2, 6: 2, 12: 2}
    assert first_by_holder(replay)[2] < replay.horizon
    undone = ContributorsUnmerged(merge_id=11, source=7, target=2, contributions=1)
    assert _held(_replay(*WORK, SPLIT, _recorded(12, 7, "2026-08-01"), later, undone)) == {
        2: 1, 3: 7, 6: 2, 12: 7,
    }  # fmt: skip


def test_reviews_and_reverts_count_for_who_holds_them_after_the_unmerge() -> None:
    thread: dict[str, Any] = {"thread": "t#1", "repository": "r"}
    events = [
        _recorded(20, 1, "2026-03-05", thread_role="change", opened_at="2026-03-01T00:00:00.000000Z",
                  **thread),
        _recorded(21, 1, "2026-03-02", thread_role="review", **thread),
        _recorded(22, 1, "2026-03-03", reverts=("abc",)),
    ]  # fmt: skip
    people = {"contributions": 3, "mix": {"by_kind": []}}
    before = quality(_replay(*events), people)
    assert before["coverage"]["reviewed"] == 0
    split = ContributorsUnmerged(
        merge_id=9, source=7, target=1, contributions=2, contribution_ids=(21, 22)
    )
    after = quality(_replay(*events, split), people)
    assert after["coverage"]["reviewed"] == 1
    assert after["reverts"]["by_reverter"] == [{"contributor_id": 7, "reverts": 1, "reverted": 1}]
