"""Stuffed secret ballots are caught: a ballot with no voter behind it by
``commons governance recheck`` alone (the sheet against the voter list), a ballot cast
in an abstainer's name by that abstainer (``recheck --elector``)."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

import asyncpg
from click.testing import CliRunner

from app.cli import main
from governance import service, store
from governance.count import recount
from ledger.journal.chain import append_events
from ledger.journal.events import decode
from ledger.journal.events.governance import ProposalClosed, ProposalDecided, SheetRow
from ledger.register.projects import get_project
from tests.conftest import GraphQL
from tests.integration.governance.test_api import expire
from tests.integration.governance.test_secret_api import close, open_vote, secret_ballots, vote


async def recheck(database_url: str, *extra: str) -> tuple[int, dict[str, Any]]:
    args = ["governance", "recheck", "--project", "wiki", "--number", "1", *extra]
    env = {"DATABASE_URL": database_url}
    done = await asyncio.to_thread(CliRunner().invoke, main, args, env=env)
    found: dict[str, Any] = json.loads(done.output)
    return done.exit_code, found


async def test_a_ballot_slipped_in_for_an_abstainer_is_caught_by_that_abstainer(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool, database_url: str
) -> None:
    await secret_ballots(gql, setup, True)
    await open_vote(gql, setup, 1, electorate={"contributors": [1, 2, 3]})
    ann = await vote(gql, setup["tokens"][1], 1, "no")
    await vote(gql, setup["tokens"][2], 1, "no")
    await pool.execute(  # whoever can write the database casts a ballot for Cy, who abstains
        "INSERT INTO ballots (project_id, proposal_id, voter_id, ballot, receipt) "
        "SELECT project_id, 1, 3, $1, $2 FROM proposals WHERE id = 1",
        {"choice": "yes"},
        secrets.token_bytes(32),
    )
    closed = await close(gql, pool, 1)
    assert closed["voters"] == [1, 2, 3]
    assert await recheck(database_url) == (0, {"project": "wiki", "proposal": 1, "problems": []})
    assert await recheck(database_url, "--elector", "3") == (
        1,
        {
            "project": "wiki",
            "proposal": 1,
            "problems": ["contributor 3 did not vote but is on the voter list"],
        },
    )
    assert await recheck(database_url, "--elector", "1", "--receipt", ann["receipt"]) == (
        0,
        {"project": "wiki", "proposal": 1, "problems": [], "ballot": {"choice": "no"}},
    )
    stranger = secrets.token_hex(32)
    assert await recheck(database_url, "--elector", "1", "--receipt", stranger) == (
        1,
        {
            "project": "wiki",
            "proposal": 1,
            "problems": [f"receipt {stranger} is not on the tally sheet"],
            "ballot": None,
        },
    )


async def test_a_ballot_stuffed_into_the_sheet_without_a_voter_is_caught_by_recheck(
    gql: GraphQL, setup: dict[str, Any], pool: asyncpg.Pool, database_url: str
) -> None:
    await secret_ballots(gql, setup, True)
    await open_vote(gql, setup, 1, electorate={"contributors": [1, 2, 3]})
    await vote(gql, setup["tokens"][1], 1, "no")
    await vote(gql, setup["tokens"][2], 1, "yes")
    await expire(pool, 1)
    async with pool.acquire() as conn, conn.transaction():  # a dishonest close, consistent
        project = await get_project(conn, "wiki")  # in every figure but the voter list
        proposal = await store.get(conn, project.id, 1, lock="update")
        honest = await service.count(conn, proposal, False)
        extra = {"receipt": secrets.token_hex(32), "ballot": {"choice": "yes"}}
        sheet = sorted([*honest.sheet, extra], key=lambda row: str(row["receipt"]))
        forged = recount(sheet, "majority", proposal.options, proposal.params, proposal.quorum, 3)
        closing = ProposalClosed(
            proposal_id=1,
            closed_at="2026-01-01T00:00:00.000000Z",
            turnout=len(sheet),
            sheet_hash=forged.sheet_hash.hex(),
            sheet=tuple(SheetRow(**row) for row in sheet),
            voters=honest.voters or (),
        )
        decision = decode(
            ProposalDecided,
            {
                "proposal_id": 1,
                "outcome": forged.outcome,
                "electorate_hash": (proposal.electorate_hash or b"").hex(),
                "result": forged.result(),
                "effect": None,
            },
        )
        await append_events(conn, project.id, [(closing, "closer"), (decision, "closer")])
    assert (honest.outcome, forged.outcome) == ("failed", "passed")  # the stuffed yes decides
    assert await recheck(database_url) == (
        1,
        {
            "project": "wiki",
            "proposal": 1,
            "problems": ["the sheet holds 3 ballots, the voter list 2"],
        },
    )
