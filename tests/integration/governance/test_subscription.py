"""The live tally over a real websocket (graphql-transport-ws) through the app."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient
from litestar.testing.websocket_test_session import WebSocketTestSession

from tests.conftest import GraphQL
from tests.integration.governance.test_api import CAST, CLOSE, CREATE, OPEN, create_input, expire

SUBSCRIBE = """
subscription { proposalTally(project: "wiki", number: 1) { final outcome turnout winners details } }
"""


async def receive(ws: WebSocketTestSession) -> dict[str, Any]:
    message: dict[str, Any] = await asyncio.to_thread(ws.receive_json, timeout=30)
    return message


async def test_the_live_tally_streams_each_ballot_then_the_final_result(
    client: AsyncTestClient[Litestar],
    gql: GraphQL,
    setup: dict[str, Any],
    pool: asyncpg.Pool,
) -> None:
    tokens = setup["tokens"]
    await gql(CREATE, create_input(), tokens[1])
    await gql(OPEN, {"i": {"project": "wiki", "number": 1}}, setup["maintainer"])
    ws = await client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"])
    with ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        assert await receive(ws) == {"type": "connection_ack"}
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        empty = {"yes": 0, "no": 0, "abstain": 0, "threshold": {"ratio": "1:1", "strict": True}}
        assert await receive(ws) == {
            "id": "1",
            "type": "next",
            "payload": {
                "data": {
                    "proposalTally": {
                        "final": False,
                        "outcome": None,
                        "turnout": 0,
                        "winners": ["no"],
                        "details": empty,
                    }
                }
            },
        }
        ballot = {"project": "wiki", "number": 1, "ballot": {"choice": "yes"}}
        cast = await gql(CAST, {"i": ballot}, tokens[2])
        assert cast["data"]["castBallot"]["__typename"] == "BallotPayload"
        live = await receive(ws)
        assert live["payload"]["data"]["proposalTally"] == {
            "final": False,
            "outcome": None,
            "turnout": 1,
            "winners": ["yes"],
            "details": {**empty, "yes": 1},
        }
        await expire(pool, 1)
        closed = await gql(CLOSE, {"i": {"project": "wiki", "number": 1}})
        assert closed["data"]["closeProposal"]["__typename"] == "ProposalPayload"
        final = await receive(ws)
        assert final["payload"]["data"]["proposalTally"] == {
            "final": True,
            "outcome": "passed",
            "turnout": 1,
            "winners": ["yes"],
            "details": {**empty, "yes": 1},
        }
        assert await receive(ws) == {"id": "1", "type": "complete"}
