"""Decision-making and the rules in force, in SQL over the journal of ``seed_rules``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from reports import critics
from reports.critics.measures import quarter_index
from reports.period import parse_period
from tests.integration.reports.critics_seed import seed_rules


def _this_month() -> str:
    today = datetime.now(UTC).date()
    return f"{today - timedelta(days=3)}..{today + timedelta(days=1)}"


async def test_decisions_by_vote_and_without_one(pool: asyncpg.Pool) -> None:
    seeded = await seed_rules(pool)
    rules = await critics.rules(pool, seeded.project_id, parse_period(_this_month()))
    assert (rules["by_vote"], rules["without_vote"], rules["share_by_vote"]) == (3, 3, "0.5000")
    assert rules["without_vote_by_kind"] == [
        {"kind": "credit_policy", "count": 1},
        {"kind": "voting_role", "count": 1},
        {"kind": "expense", "count": 0},
        {"kind": "setting", "count": 1},
    ]
    timing = rules["to_decision"]
    assert timing["decided"] == 3
    assert 0 <= timing["median_seconds"] <= timing["p90_seconds"] < 600
    assert rules["participation"] == {"electorate": 4, "voted": 3, "share": "0.7500"}
    assert rules["vetoes"] == [
        {"proposal_id": seeded.ids["p2"], "title": "Archive the plugin API",
         "method": "lazy_consensus", "closed_at": rules["vetoes"][0]["closed_at"],
         "reasons": ["not yet"]}
    ]  # fmt: skip
    today = datetime.now(UTC).date()
    quarter = f"{today.year}-Q{quarter_index(today) % 4 + 1}"
    assert rules["turnout_trend"][-1] == {
        "quarter": quarter, "proposals": 4, "ballots": 4, "electorate": 11, "turnout": "0.3636"
    }  # fmt: skip


async def test_the_rules_in_force_name_what_last_changed_each(pool: asyncpg.Pool) -> None:
    seeded = await seed_rules(pool)
    rules = await critics.rules(pool, seeded.project_id, parse_period(_this_month()))
    found = {r["rule"]: r for r in rules["in_force"]}
    assert list(found) == [
        "credit_policy", "setting:governance_delegation", "setting:intake_assistant_credit",
        "proposals:credit_policy", "proposals:general",
    ]  # fmt: skip
    policy = found["credit_policy"]
    assert policy["value"] == {"version": 3, "default_weight": "1.0000",
                               "weights": {"review": "2.0000"}}  # fmt: skip
    assert policy["proposal_id"] == seeded.ids["p4"]
    assert (
        found["setting:governance_delegation"]["value"],
        found["setting:governance_delegation"]["actor"],
    ) == (True, "admin")
    general = found["proposals:general"]
    assert general["proposal_id"] == seeded.ids["p3"]
    assert general["value"]["method"] == "majority"
    assert general["value"]["quorum"] == "1"
    assert general["value"]["electorate_rule"]["contributors"] == sorted(
        [seeded.ids["ann"], seeded.ids["bob"]]
    )


async def test_before_the_project_had_rules_nothing_is_in_force(pool: asyncpg.Pool) -> None:
    seeded = await seed_rules(pool)
    rules = await critics.rules(pool, seeded.project_id, parse_period("2020"))
    # Only the defaults the report states before a project sets them.
    assert [(r["rule"], r["value"], r["actor"]) for r in rules["in_force"]] == [
        ("setting:intake_assistant_credit", False, "default")
    ]
    assert (rules["by_vote"], rules["without_vote"], rules["share_by_vote"]) == (0, 0, None)
    assert rules["turnout_trend"] == []
