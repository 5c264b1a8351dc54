"""The books' checkpoint: checked forward from the journal in bounded steps to the same
verdict as the full recheck, once whoever runs the checker, compared again when stale
(a change made around the application moves no journal head), and answered over
GraphQL from the checkpoint; only admins ask for a full recheck."""

from __future__ import annotations

import asyncio

import asyncpg

from ledger.journal import chain as journal
from ledger.register.models import Project
from ledger.treasury import checkpoints
from ledger.treasury.books import get_transaction, posted_event
from ledger.treasury.queries import integrity
from tests.conftest import GraphQL
from tests.integration.ledger.conftest import CheckPass
from tests.integration.ledger.journal.test_chain import tamper
from tests.integration.ledger.treasury.helpers import eur, receive, sponsor

INTEGRITY = """
query($full: Boolean! = false) { treasury(project: "demo") { integrity(full: $full) {
  ok transactions unbalancedTransactions mismatchedAccounts unjournaledTransactions
  journalOk journalReason throughSeq lastTransaction full } } }
"""


async def receipts(pool: asyncpg.Pool, project: Project, n: int) -> list[int]:
    """``n`` receipts from one sponsor, each in its own transaction."""
    async with pool.acquire() as conn:
        async with conn.transaction():
            sid = await sponsor(conn, project.id)
        found = []
        for i in range(n):
            async with conn.transaction():
                found.append(await receive(conn, project.id, sid, eur(f"{i + 1}"), f"r{i}"))
    return found


async def advance(pool: asyncpg.Pool, project: Project, batch: int = checkpoints.BATCH) -> int:
    async with pool.acquire() as conn:
        return await checkpoints.advance(conn, project.id, batch)


async def test_the_books_are_checked_forward_in_steps_to_the_full_verdict(
    pool: asyncpg.Pool, project: Project
) -> None:
    ids = await receipts(pool, project, 5)
    assert (await checkpoints.status(pool, project.id)).transactions == 0
    steps = [await advance(pool, project, batch=2) for _ in range(4)]
    known = await checkpoints.status(pool, project.id)
    async with pool.acquire() as conn:
        full = await integrity(conn, project.id)
    assert steps == [2, 2, 1, 0]
    assert (known.seq, known.transactions, known.last_transaction) == (
        (await journal.head(pool, project.id))[0],
        full.transactions,
        ids[-1],
    )
    assert (known.unbalanced, known.mismatched, known.unjournaled) == ([], [], [])
    assert full.ok


async def test_two_checkers_check_each_posting_once(pool: asyncpg.Pool, project: Project) -> None:
    await receipts(pool, project, 6)
    looked = await asyncio.gather(advance(pool, project), advance(pool, project))
    assert sorted(looked) == [0, 6]
    assert (await checkpoints.status(pool, project.id)).transactions == 6


async def test_an_event_posted_twice_is_named_as_the_full_check_names_it(
    pool: asyncpg.Pool, project: Project
) -> None:
    ids = await receipts(pool, project, 3)
    await advance(pool, project)
    async with pool.acquire() as conn, conn.transaction():
        again = await get_transaction(conn, project.id, ids[1])
        await journal.append_event(conn, project.id, posted_event(again), "mallory")
    await advance(pool, project)
    known = await checkpoints.status(pool, project.id)
    async with pool.acquire() as conn:
        full = await integrity(conn, project.id)
    assert (known.unjournaled, known.mismatched) == (full.unjournaled, full.mismatched_accounts)
    assert known.unjournaled == [ids[1]]


async def test_a_change_around_the_application_is_found_once_the_check_is_stale(
    pool: asyncpg.Pool, project: Project, check: CheckPass
) -> None:
    await receipts(pool, project, 2)
    await check()
    tampered = await pool.fetchval(
        "UPDATE treasury_accounts SET balance = balance + 1 WHERE name = 'main' RETURNING id"
    )
    await check()  # nothing was posted and the last comparison is fresh
    assert (await checkpoints.status(pool, project.id)).mismatched == []
    assert await checkpoints.lagging(pool, stale=0) == [project.id]
    await advance(pool, project)
    assert (await checkpoints.status(pool, project.id)).mismatched == [tampered]


async def test_anyone_reads_the_checkpoint_and_only_admins_ask_for_a_full_recheck(
    pool: asyncpg.Pool, project: Project, gql: GraphQL, admin_token: str, check: CheckPass
) -> None:
    ids = await receipts(pool, project, 2)
    await check()
    await tamper(
        pool,
        "UPDATE journal_events SET actor = 'mallory' WHERE project_id = $1 AND seq = 3",
        project.id,
    )
    public = await gql(INTEGRITY)
    refused = await gql(INTEGRITY, {"full": True})
    full = await gql(INTEGRITY, {"full": True}, admin_token)
    after = await gql(INTEGRITY)
    seq = (await journal.head(pool, project.id))[0]
    assert public["data"]["treasury"]["integrity"] == {
        "ok": True,
        "transactions": 2,
        "unbalancedTransactions": [],
        "mismatchedAccounts": [],
        "unjournaledTransactions": [],
        "journalOk": True,
        "journalReason": "",
        "throughSeq": seq,
        "lastTransaction": ids[-1],
        "full": False,
    }
    assert [(e["message"], e["extensions"]["code"]) for e in refused["errors"]] == [
        ("requires the instance admin role", "forbidden")
    ]
    assert full["data"]["treasury"]["integrity"] == {
        **public["data"]["treasury"]["integrity"],
        "ok": False,
        "journalOk": False,
        "journalReason": "hash does not match the event's content",
        "full": True,
    }
    assert after["data"]["treasury"]["integrity"] == {
        **full["data"]["treasury"]["integrity"],
        "full": False,
    }
