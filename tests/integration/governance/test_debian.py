"""Debian's Standard Resolution Procedure over GraphQL: the casting vote, per-option
majorities and a vote whose ballots and count stay hidden until close."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import GraphQL
from tests.integration.governance.test_api import CLOSE, create_input, expire
from tests.integration.governance.test_standing import REF, cast, open_vote
from tests.integration.governance.test_subscription import SUBSCRIBE, receive

RESULT = """
{ proposal(project: "wiki", number: 1) { params runningTally
    tally { final winners passed details } tallySheet { voter ballot } } }
"""


async def test_a_cyclic_tie_goes_to_the_option_the_casting_voter_ranks_first(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool
) -> None:
    await open_vote(
        gql,
        setup,
        method="schulze",
        options=["a", "b", "c"],
        electorate={"contributors": [1, 2, 3]},
        params={"casting_vote": {"voter": 3}, "majorities": {"c": "2:1"}},
    )
    for voter, ranking in ((1, ["a", "b", "c"]), (2, ["b", "c", "a"]), (3, ["c", "a", "b"])):
        assert (await cast(gql, setup["tokens"][voter], {"ranking": ranking}))["revision"] == 1
    await expire(pool, 1)
    await gql(CLOSE, REF)
    proposal = (await gql(RESULT))["data"]["proposal"]
    assert proposal["params"] == {
        "default_option": "None of the above",
        "default_ratio": {"ratio": "1:1", "strict": False},
        "majorities": {"c": {"ratio": "2:1", "strict": False}},
        "option_quorum": 0,
        "casting_vote": {"rule": "casting_voter", "voter": 3},
        "count_rules": 2,
    }
    tally = proposal["tally"]
    assert (tally["winners"], tally["passed"]) == (["c"], True)
    assert tally["details"]["winners"] == ["a", "b", "c"]
    assert tally["details"]["tie_break"] == {
        "rule": "casting_voter",
        "tied": ["a", "b", "c"],
        "voter": 3,
        "casting_ballot": True,
        "chose": "c",
    }


async def test_secret_ballots_cannot_name_a_casting_voter(
    gql: GraphQL, setup: dict[str, Any]
) -> None:
    await gql(
        'mutation { setGovernanceSettings(input: {project: "wiki", secretBallots: true}) '
        "{ __typename } }",
        token=setup["maintainer"],
    )
    body = await gql(
        """mutation($i: CreateProposalInput!) { createProposal(input: $i) {
             __typename ... on ValidationError { message field } } }""",
        create_input(method="schulze", options=["a"], params={"casting_vote": {"voter": 3}}),
        setup["tokens"][1],
    )
    assert body == {
        "data": {
            "createProposal": {
                "__typename": "ValidationError",
                "message": "a casting voter's ballot must be public; secret ballots settle "
                "ties by lot",
                "field": "params.casting_vote",
            }
        }
    }


async def test_a_vote_without_running_tally_shows_ballots_and_count_only_at_close(
    client: AsyncTestClient[Litestar], gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool
) -> None:
    await open_vote(gql, setup, params={"running_tally": False})
    ws = await client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"])
    with ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        assert await receive(ws) == {"type": "connection_ack"}
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        assert (await cast(gql, setup["tokens"][1], {"choice": "yes"}))["revision"] == 1
        during = (await gql(RESULT))["data"]["proposal"]
        assert during == {
            "params": {"running_tally": False},
            "runningTally": False,
            "tally": None,
            "tallySheet": None,
        }
        body = await pool.fetchval(
            "SELECT body FROM journal_events WHERE type = 'ballot.cast' ORDER BY seq DESC LIMIT 1"
        )
        assert body == {"proposal_id": 1, "voter": 1, "revision": 1}
        await asyncio.sleep(0.1)
        await expire(pool, 1)
        await gql(CLOSE, REF)
        first = await receive(ws)  # nothing came while voting was open
        assert first["payload"]["data"]["proposalTally"]["final"] is True
        assert first["payload"]["data"]["proposalTally"]["turnout"] == 1
    after = (await gql(RESULT))["data"]["proposal"]
    assert after["tallySheet"] == [{"voter": 1, "ballot": {"choice": "yes"}}]
    assert after["tally"]["winners"] == ["yes"]
