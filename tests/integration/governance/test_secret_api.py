"""Secret ballots over HTTP, tried as an adversary would: nothing public links a secret
ballot to its voter or to a time (journal adjacency, repeated or superseded receipts,
sheet order, the signed report), and the sheet stands beside the list of who voted."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import GraphQL
from tests.integration.governance.test_api import CLOSE, CREATE, OPEN, create_input, expire
from tests.integration.governance.test_standing import MERGE

SECRET = """mutation($on: Boolean!) { setGovernanceSettings(input: {project: "wiki",
    secretBallots: $on}) { __typename } }"""
JOURNAL = """{ project(slug: "wiki") { journal { length
    events(first: 100) { edges { node { seq type body actor recordedAt } } } } } }"""
READ = """query($n: Int!) { proposal(project: "wiki", number: $n) {
    secret voters tally { turnout } tallySheet { voter castBy receipt ballot } } }"""
CAST = """mutation($i: CastBallotInput!) { castBallot(input: $i) { __typename
    ... on BallotPayload { ballot revision receipt castAt } } }"""
RECEIPT = re.compile(r"^[0-9a-f]{64}$")


async def secret_ballots(gql: GraphQL, setup: dict[str, Any], on: bool) -> None:
    done = await gql(SECRET, {"on": on}, setup["maintainer"])
    assert done == {"data": {"setGovernanceSettings": {"__typename": "GovernanceSettingsPayload"}}}


async def open_vote(gql: GraphQL, setup: dict[str, Any], number: int, **extra: Any) -> None:
    made = await gql(CREATE, create_input(idempotencyKey=f"p{number}", **extra), setup["tokens"][1])
    assert made["data"]["createProposal"]["proposal"]["number"] == number, made
    ref = {"i": {"project": "wiki", "number": number}}
    opened = await gql(OPEN, ref, setup["maintainer"])
    assert opened["data"]["openProposal"]["proposal"]["state"] == "OPEN", opened


async def vote(gql: GraphQL, token: str, number: int, choice: str) -> dict[str, Any]:
    ballot = {"project": "wiki", "number": number, "ballot": {"choice": choice}}
    done = await gql(CAST, {"i": ballot}, token)
    result: dict[str, Any] = done["data"]["castBallot"]
    return result


async def journal(gql: GraphQL) -> tuple[int, list[dict[str, Any]]]:
    """The journal as anyone reads it: no token."""
    body = await gql(JOURNAL)
    found = body["data"]["project"]["journal"]
    return found["length"], [edge["node"] for edge in found["events"]["edges"]]


async def close(gql: GraphQL, pool: asyncpg.Pool, number: int) -> dict[str, Any]:
    await expire(pool, number)
    closed = await gql(CLOSE, {"i": {"project": "wiki", "number": number}})
    assert closed["data"]["closeProposal"]["proposal"]["state"] == "CLOSED", closed
    read = await gql(READ, {"n": number})
    proposal: dict[str, Any] = read["data"]["proposal"]
    return proposal


async def test_a_secret_ballot_cast_right_after_a_public_one_leaves_no_trace_beside_it(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool
) -> None:
    ann, bob = setup["tokens"][1], setup["tokens"][2]
    await open_vote(gql, setup, 1)  # public
    await secret_ballots(gql, setup, True)
    await open_vote(gql, setup, 2)  # secret
    length, _ = await journal(gql)
    assert (await vote(gql, ann, 1, "yes"))["receipt"] is None
    mine = await vote(gql, ann, 2, "no")  # milliseconds later
    theirs = await vote(gql, bob, 2, "yes")
    assert RECEIPT.match(mine["receipt"])
    assert RECEIPT.match(theirs["receipt"])
    after, events = await journal(gql)
    assert after == length + 1  # Ann's public ballot; the secret casts wrote nothing
    last = events[-1]
    assert (last["type"], last["actor"], last["body"]["proposal_id"]) == (
        "ballot.cast",
        "contributor:1",
        1,
    )
    closed = await close(gql, pool, 2)
    _, events = await journal(gql)
    later = events[after:]
    assert [(e["type"], e["body"]["proposal_id"]) for e in later] == [
        ("proposal.closed", 2),
        ("proposal.decided", 2),
    ]
    body = later[0]["body"]
    assert set(body) == {"proposal_id", "closed_at", "turnout", "sheet_hash", "sheet", "voters"}
    assert body["voters"] == [1, 2]  # who voted, not how
    assert all(set(row) == {"receipt", "ballot"} for row in body["sheet"])
    assert closed["voters"] == [1, 2]
    persisted = await gql.client.post(
        "/graphql/persisted/ProposalResult", json={"variables": {"slug": "wiki", "number": 2}}
    )
    assert persisted.json()["data"]["project"]["proposal"]["voters"] == [1, 2]
    rows = [(mine["receipt"], {"choice": "no"}), (theirs["receipt"], {"choice": "yes"})]
    assert closed["tallySheet"] == [
        {"voter": None, "castBy": None, "receipt": receipt, "ballot": ballot}
        for receipt, ballot in sorted(rows, key=lambda row: str(row[0]))
    ]
    secret = [e for e in events if e["body"].get("proposal_id") == 2]
    assert [e["type"] for e in secret] == [
        "proposal.created",
        "proposal.opened",
        "proposal.closed",
        "proposal.decided",
    ]
    assert all(mine["receipt"] not in str(e["body"]) for e in events if e is not later[0])


async def test_every_cast_gets_a_fresh_receipt_and_only_the_last_one_reaches_the_sheet(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool
) -> None:
    ann = setup["tokens"][1]
    await secret_ballots(gql, setup, True)
    await open_vote(gql, setup, 1)
    casts = [await vote(gql, ann, 1, choice) for choice in ("yes", "no", "yes")]
    receipts = [c["receipt"] for c in casts]
    assert [c["revision"] for c in casts] == [1, 2, 3]  # told to the voter only
    assert len(set(receipts)) == 3  # back to "yes": a new receipt, not the first one again
    closed = await close(gql, pool, 1)
    assert closed["tallySheet"] == [
        {"voter": None, "castBy": None, "receipt": receipts[2], "ballot": {"choice": "yes"}}
    ]
    assert closed["voters"] == [1]
    _, events = await journal(gql)
    published = [e["body"] for e in events if e["body"].get("proposal_id") == 1]
    assert [e["type"] for e in events if e["body"].get("proposal_id") == 1] == [
        "proposal.created",
        "proposal.opened",
        "proposal.closed",
        "proposal.decided",
    ]  # no ballot event: no cast time, no revision
    assert receipts[0] not in str(published)  # superseded receipts are never published
    assert receipts[1] not in str(published)
    assert published[2]["sheet"] == [{"receipt": receipts[2], "ballot": {"choice": "yes"}}]


async def test_the_sheet_is_in_receipt_order_whatever_order_the_ballots_came_in(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool
) -> None:
    tokens = setup["tokens"]
    await secret_ballots(gql, setup, True)
    await open_vote(gql, setup, 1, electorate={"contributors": [1, 2, 3]})
    order = [(3, "no"), (1, "yes"), (2, "abstain")]
    cast_receipts = {v: (await vote(gql, tokens[v], 1, choice))["receipt"] for v, choice in order}
    closed = await close(gql, pool, 1)
    sheet = closed["tallySheet"]
    assert [row["receipt"] for row in sheet] == sorted(cast_receipts.values())
    assert {row["receipt"]: row["ballot"]["choice"] for row in sheet} == {
        cast_receipts[v]: choice for v, choice in order
    }
    assert closed["voters"] == [1, 2, 3]
    assert closed["tally"] == {"turnout": 3}


async def test_two_records_of_one_person_cast_one_secret_ballot_the_last_one(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool
) -> None:
    tokens = setup["tokens"]
    await secret_ballots(gql, setup, True)
    await open_vote(gql, setup, 1, electorate={"contributors": [1, 2, 3]})
    await vote(gql, tokens[2], 1, "yes")
    await vote(gql, tokens[3], 1, "no")
    merged = await gql(
        MERGE, {"i": {"project": "wiki", "source": 1, "target": 2}}, setup["maintainer"]
    )
    assert merged["data"]["mergeContributors"]["__typename"] == "MergePayload"
    last = await vote(gql, tokens[1], 1, "no")  # the merged-away record, same person
    closed = await close(gql, pool, 1)
    assert closed["voters"] == [1, 3]  # the record whose ballot stands, once per person
    assert closed["tally"] == {"turnout": 2}
    assert last["receipt"] in [row["receipt"] for row in closed["tallySheet"]]
    assert [row["ballot"] for row in closed["tallySheet"]] == [{"choice": "no"}] * 2


async def test_the_signed_report_carries_no_secret_ballot_event_time_or_revision(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool, client: AsyncTestClient[Litestar]
) -> None:
    await secret_ballots(gql, setup, True)
    await open_vote(gql, setup, 1)
    for voter, choice in ((1, "yes"), (2, "no"), (1, "no")):
        await vote(gql, setup["tokens"][voter], 1, choice)
    closed = await close(gql, pool, 1)
    year = int(await pool.fetchval("SELECT extract(year FROM now())"))
    response = await client.get(f"/projects/wiki/reports/{year}.json")
    assert response.status_code == 200, response.text
    report = response.json()["report"]
    documents = report["evidence"]["events"]
    assert "ballot.cast" not in {d["type"] for d in documents}
    (closing,) = [d for d in documents if d["type"] == "proposal.closed"]
    assert closing["body"]["sheet"] == [
        {"receipt": row["receipt"], "ballot": row["ballot"]} for row in closed["tallySheet"]
    ]
    assert closing["body"]["voters"] == [1, 2]
    (decision,) = report["decisions"]["proposals"]
    assert (decision["id"], decision["ballots"]) == (1, 2)
    assert not {"revision", "cast_at", "receipt", "voters"} & set(decision)
