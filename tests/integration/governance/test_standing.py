"""Results that stand, over GraphQL: no withdrawal after the closing time, one vote per
person across merges, delegation only through the electorate, no ratio below 1:1."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from tests.conftest import GraphQL
from tests.integration.governance.test_api import (
    CAST,
    CLOSE,
    CREATE,
    ERRORS,
    OPEN,
    create_input,
    expire,
)

REF = {"i": {"project": "wiki", "number": 1}}
WITHDRAW = f"""
mutation($i: ProposalRefInput!) {{
  withdrawProposal(input: $i) {{ __typename ... on ProposalPayload {{ proposal {{ state }} }}
    {ERRORS} }}
}}
"""
MERGE = """
mutation($i: MergeContributorsInput!) {
  mergeContributors(input: $i) { __typename ... on MergePayload { mergeId } }
}
"""
SHEET = '{ proposal(project: "wiki", number: 1) { tallySheet { voter castBy ballot } } }'


async def open_vote(gql: GraphQL, setup: dict[str, Any], **extra: Any) -> None:
    made = await gql(CREATE, create_input(**extra), setup["tokens"][1])
    assert made["data"]["createProposal"]["__typename"] == "ProposalPayload", made
    opened = await gql(OPEN, REF, setup["maintainer"])
    assert opened["data"]["openProposal"]["__typename"] == "ProposalPayload", opened


async def cast(gql: GraphQL, token: str, ballot: dict[str, Any]) -> dict[str, Any]:
    done = await gql(CAST, {"i": {"project": "wiki", "number": 1, "ballot": ballot}}, token)
    result: dict[str, Any] = done["data"]["castBallot"]
    return result


async def test_after_the_closing_time_a_proposal_can_only_be_closed_not_withdrawn(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool
) -> None:
    await open_vote(gql, setup, electorate={"contributors": [1, 2, 3]})
    for voter in (1, 2, 3):
        assert (await cast(gql, setup["tokens"][voter], {"choice": "yes"}))["revision"] == 1
    await expire(pool, 1)
    late = await gql(WITHDRAW, REF, setup["maintainer"])
    assert late == {
        "data": {
            "withdrawProposal": {
                "__typename": "ConflictError",
                "message": late["data"]["withdrawProposal"]["message"],
                "code": "voting_closed",
            }
        }
    }
    assert late["data"]["withdrawProposal"]["message"].endswith("the proposal can only be closed")
    closed = await gql(CLOSE, REF)
    tally = closed["data"]["closeProposal"]["proposal"]["tally"]
    assert (tally["outcome"], tally["turnout"], tally["details"]["yes"]) == ("passed", 3, 3)
    again = await gql(WITHDRAW, REF, setup["maintainer"])
    assert again["data"]["withdrawProposal"]["code"] == "proposal_state"


async def test_before_the_closing_time_an_open_proposal_may_still_be_withdrawn(
    gql: GraphQL, setup: dict[str, Any]
) -> None:
    await open_vote(gql, setup)
    done = await gql(WITHDRAW, REF, setup["maintainer"])
    assert done == {
        "data": {
            "withdrawProposal": {
                "__typename": "ProposalPayload",
                "proposal": {"state": "WITHDRAWN"},
            }
        }
    }


async def test_merging_two_voters_mid_vote_leaves_one_vote_for_that_person(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool
) -> None:
    tokens = setup["tokens"]
    await open_vote(gql, setup, electorate={"contributors": [1, 2, 3]})
    assert (await cast(gql, tokens[1], {"choice": "yes"}))["revision"] == 1
    assert (await cast(gql, tokens[2], {"choice": "yes"}))["revision"] == 1
    assert (await cast(gql, tokens[3], {"choice": "no"}))["revision"] == 1
    merge = {"i": {"project": "wiki", "source": 1, "target": 2}}
    merged = await gql(MERGE, merge, setup["maintainer"])
    assert merged["data"]["mergeContributors"]["__typename"] == "MergePayload"
    again = await cast(gql, tokens[1], {"choice": "no"})  # the merged-away record, same person
    assert again["revision"] == 2
    await expire(pool, 1)
    closed = await gql(CLOSE, REF)
    tally = closed["data"]["closeProposal"]["proposal"]["tally"]
    assert (tally["outcome"], tally["turnout"]) == ("failed", 2)
    assert (tally["details"]["yes"], tally["details"]["no"]) == (0, 2)
    sheet = await gql(SHEET)
    assert sheet["data"]["proposal"]["tallySheet"] == [
        {"voter": 1, "castBy": 1, "ballot": {"choice": "no"}},
        {"voter": 3, "castBy": 3, "ballot": {"choice": "no"}},
    ]


async def test_a_delegation_chain_through_someone_outside_the_electorate_counts_nothing(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool
) -> None:
    tokens = setup["tokens"]
    enabled = await gql(
        'mutation { setGovernanceSettings(input: {project: "wiki", delegation: true}) '
        "{ __typename } }",
        token=setup["maintainer"],
    )
    assert enabled["data"]["setGovernanceSettings"]["__typename"] == "GovernanceSettingsPayload"
    delegate = 'mutation($to: Int!) { delegate(input: {project: "wiki", to: $to}) { __typename } }'
    assert (await gql(delegate, {"to": 3}, tokens[1]))["data"]["delegate"] == {
        "__typename": "DelegationPayload"
    }
    await gql(delegate, {"to": 2}, tokens[3])  # 1 -> 3 (no elector) -> 2
    await open_vote(gql, setup, electorate={"contributors": [1, 2]})
    await cast(gql, tokens[2], {"choice": "yes"})
    await expire(pool, 1)
    closed = await gql(CLOSE, REF)
    assert closed["data"]["closeProposal"]["proposal"]["tally"]["turnout"] == 1
    sheet = await gql(SHEET)
    assert sheet["data"]["proposal"]["tallySheet"] == [
        {"voter": 2, "castBy": 2, "ballot": {"choice": "yes"}}
    ]


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"method": "supermajority", "params": {"threshold": "1:2"}},
            "params.threshold",
            "a ratio must be at least 1:1 (more yes than no)",
        ),
        (
            {"method": "supermajority", "params": {"threshold": {"ratio": "2/5"}}},
            "params.threshold",
            "a ratio must be at least 1:1 (more yes than no)",
        ),
        (
            {"method": "schulze", "options": ["a"], "params": {"majorities": {"a": "1:3"}}},
            "params.majorities",
            "a ratio must be at least 1:1 (more yes than no)",
        ),
        (
            {"method": "schulze", "options": ["a"], "params": {"default_ratio": "1:2"}},
            "params.default_ratio",
            "a ratio must be at least 1:1 (more yes than no)",
        ),
        (
            {"params": {"running_tally": "no"}},
            "params.running_tally",
            "running_tally is true or false",
        ),
    ],
)
async def test_ratios_below_one_to_one_are_refused_with_a_validation_error(
    gql: GraphQL,
    setup: dict[str, Any],
    pool: asyncpg.Pool,
    extra: dict[str, Any],
    field: str,
    message: str,
) -> None:
    body = await gql(CREATE, create_input(**extra), setup["tokens"][1])
    assert body == {
        "data": {
            "createProposal": {"__typename": "ValidationError", "message": message, "field": field}
        }
    }
    assert await pool.fetchval("SELECT count(*) FROM proposals") == 0
