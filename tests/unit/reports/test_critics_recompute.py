"""The quality and rules figures recomputed from hand-made journal events (no database):
the same hand-counted answers as the SQL, bots and merged records included."""

from __future__ import annotations

from typing import Any

from ledger.journal.events.intake import ContributorsMerged
from ledger.journal.events.register import ContributionRecorded, CreditPolicySet
from reports.period import parse_period
from reports.recompute.critics_replay import Stamp
from reports.recompute.quality import quality
from reports.recompute.replay import Replay
from reports.recompute.rules import rules

STAMP = Stamp.of("2026-07-20T00:00:00.000000Z", "cli")
ids = iter(range(1, 1000))


def _recorded(who: int, at: str, *, counted: bool = True, **facts: Any) -> ContributionRecorded:
    n = next(ids)
    return ContributionRecorded(
        contribution_id=n, contributor_id=who, kind="code", occurred_at=f"2026-07-{at}Z",
        source="github", natural_key=f"k{n}", evidence_url=None, credit="1",
        policy_version=1, counted=counted, **facts,
    )  # fmt: skip


def _replay(*events: Any) -> Replay:
    replay = Replay(parse_period("2026-07"), frozenset())
    for event in events:
        replay.feed(event, STAMP)
    return replay


def test_a_review_counts_when_someone_else_made_it_before_the_merge() -> None:
    change: dict[str, Any] = {"thread": "t#1", "repository": "r"}
    events = [
        _recorded(2, "01T02:00:00.000000", thread_role="review", **change),  # before its change
        _recorded(9, "01T01:00:00.000000", counted=False, thread_role="review", **change),
        _recorded(
            1,
            "02T00:00:00.000000",
            thread_role="change",
            opened_at="2026-07-01T00:00:00.000000Z",
            **change,
        ),
        _recorded(1, "02T00:00:00.000000", thread_role="merge", **change),
    ]
    people = {"contributions": 3, "mix": {"by_kind": []}}
    found = quality(_replay(*events), people)
    assert (found["coverage"]["reviewed"], found["coverage"]["self_merged"]) == (1, 1)
    assert found["response"]["changes"]["median_seconds"] == 7200  # the bot's review is no answer
    merged = _replay(*events, ContributorsMerged(merge_id=1, source=2, target=1, contributions=1))
    assert quality(merged, people)["coverage"]["reviewed"] == 0  # the reviewer is the author now


def test_a_credit_policy_set_without_a_vote_is_a_decision_without_one() -> None:
    first = CreditPolicySet(version=1, weights={}, default_weight="1", reason="initial")
    second = CreditPolicySet(version=2, weights={"doc": "2"}, default_weight="1", reason="docs")
    found = rules(_replay(first, second))
    assert (found["by_vote"], found["without_vote"], found["share_by_vote"]) == (0, 1, "0.0000")
    assert found["in_force"] == [
        {"rule": "credit_policy", "value": {"version": 2, "default_weight": "1",
         "weights": {"doc": "2"}}, "proposal_id": None, "actor": "cli",
         "since": "2026-07-20T00:00:00Z"},
        {"rule": "setting:intake_assistant_credit", "value": False, "proposal_id": None,
         "actor": "default", "since": "never set"}  # AI assistants earn no credit by default
    ]  # fmt: skip
