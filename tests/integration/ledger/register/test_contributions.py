from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import asyncpg
import pytest

from ledger.journal import chain as journal
from ledger.kernel.errors import IdempotencyMismatch, InvalidInput, NotFound
from ledger.register.contributions import record_contributions
from ledger.register.credit import set_policy
from ledger.register.models import NewContribution, Project
from ledger.register.people import create_contributor
from ledger.register.rollups import recount

T0 = datetime(2026, 7, 1, tzinfo=UTC)


def item(who: int, key: str, kind: str = "code", days: int = 0) -> NewContribution:
    return NewContribution(who, kind, T0 + timedelta(days=days), "manual", key)


async def record(pool: asyncpg.Pool, project: Project, *items: NewContribution) -> list[bool]:
    async with pool.acquire() as conn, conn.transaction():
        done = await record_contributions(conn, project.id, list(items), "tester")
    return [d.created for d in done]


async def person(pool: asyncpg.Pool, name: str, bot: bool = False) -> int:
    async with pool.acquire() as conn:
        return (await create_contributor(conn, name, bot)).id


async def test_a_replayed_natural_key_returns_the_first_record(
    pool: asyncpg.Pool, project: Project
) -> None:
    ada = await person(pool, "Ada")
    assert await record(pool, project, item(ada, "k1")) == [True]
    assert await record(pool, project, item(ada, "k1")) == [False]
    assert await pool.fetchval("SELECT count(*) FROM contributions") == 1
    assert await pool.fetchval("SELECT seq FROM journal_heads") == 3


async def test_a_natural_key_with_other_facts_is_refused_and_nothing_is_written(
    pool: asyncpg.Pool, project: Project
) -> None:
    ada = await person(pool, "Ada")
    await record(pool, project, item(ada, "k1"))
    with pytest.raises(IdempotencyMismatch):
        await record(pool, project, item(ada, "k2"), item(ada, "k1", kind="doc"))
    assert await pool.fetchval("SELECT count(*) FROM contributions") == 1


async def test_a_batch_may_repeat_a_key_and_records_it_once(
    pool: asyncpg.Pool, project: Project
) -> None:
    ada = await person(pool, "Ada")
    assert await record(pool, project, item(ada, "k"), item(ada, "k")) == [True, False]


async def test_credit_follows_the_policy_in_force_and_history_is_kept(
    pool: asyncpg.Pool, project: Project
) -> None:
    ada = await person(pool, "Ada")
    await record(pool, project, item(ada, "a"), item(ada, "b", kind="doc"))
    async with pool.acquire() as conn, conn.transaction():
        await set_policy(conn, project.id, {"code": Decimal(4)}, Decimal("0.5"), "v2", "m")
    await record(pool, project, item(ada, "c"), item(ada, "d", kind="doc"))
    rows = await pool.fetch(
        "SELECT natural_key, credit, policy_version FROM contributions ORDER BY id"
    )
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("a", Decimal(1), 1),
        ("b", Decimal(1), 1),
        ("c", Decimal(4), 2),
        ("d", Decimal("0.5"), 2),
    ]
    stats = await pool.fetchrow("SELECT contributions, credit FROM contributor_stats")
    assert (stats[0], stats[1]) == (4, Decimal("6.5"))


async def test_bots_are_stored_but_not_counted(pool: asyncpg.Pool, project: Project) -> None:
    bot = await person(pool, "dependabot[bot]", bot=True)
    await record(pool, project, item(bot, "b1"))
    row = await pool.fetchrow("SELECT counted, credit FROM contributions")
    assert (row[0], row[1]) == (False, Decimal(0))
    totals = await pool.fetchrow("SELECT contributions, contributors FROM project_stats")
    assert (totals[0], totals[1]) == (0, 0)


async def test_rollups_equal_the_aggregates_of_the_rows(
    pool: asyncpg.Pool, project: Project
) -> None:
    people = [await person(pool, f"P{i}") for i in range(5)]
    items = [
        item(people[i % 5], f"k{i}", ("code", "doc", "review")[i % 3], days=i * 11)
        for i in range(60)
    ]
    await record(pool, project, *items[:25])
    await record(pool, project, *items[20:])
    raw = await pool.fetch(
        """SELECT contributor_id, count(*), sum(credit), min(occurred_at), max(occurred_at)
           FROM contributions GROUP BY 1 ORDER BY 1"""
    )
    rolled = await pool.fetch(
        "SELECT contributor_id, contributions, credit, first_at, last_at FROM contributor_stats ORDER BY 1"
    )
    assert [tuple(r) for r in raw] == [tuple(r) for r in rolled]
    by_month = await pool.fetch(
        """SELECT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date, kind, count(*)
           FROM contributions GROUP BY 1, 2 ORDER BY 1, 2"""
    )
    rolled_months = await pool.fetch(
        "SELECT month, kind, contributions FROM kind_month_stats ORDER BY 1, 2"
    )
    assert [tuple(r) for r in by_month] == [tuple(r) for r in rolled_months]
    totals = await pool.fetchrow("SELECT contributions, contributors FROM project_stats")
    assert (totals[0], totals[1]) == (60, 5)
    async with pool.acquire() as conn:
        assert (await journal.verify(conn, project.id)).checked == 62


ROLLUPS = {
    "people": "SELECT contributor_id, contributions, credit, first_at, last_at "
    "FROM contributor_stats ORDER BY 1",
    "months": "SELECT contributor_id, month, contributions, credit "
    "FROM contributor_month_stats ORDER BY 1, 2",
    "kinds": "SELECT month, kind, contributions, credit FROM kind_month_stats ORDER BY 1, 2",
    "by kind": "SELECT kind, contributions, credit FROM kind_stats ORDER BY 1",
    "project": "SELECT contributions, credit, contributors, first_at, last_at FROM project_stats",
    "person_kinds": "SELECT contributor_id, month, kind, policy_version, contributions, credit "
    "FROM contributor_kind_stats ORDER BY 1, 2, 3, 4",
    "project_months": "SELECT month, contributions, credit, contributors "
    "FROM project_month_stats ORDER BY 1",
}


async def rollups(pool: asyncpg.Pool) -> dict[str, list[tuple[object, ...]]]:
    return {name: [tuple(r) for r in await pool.fetch(q)] for name, q in ROLLUPS.items()}


async def test_a_recount_rebuilds_the_rollups_kept_row_by_row_under_two_prices(
    pool: asyncpg.Pool, project: Project
) -> None:
    ada, bob = await person(pool, "Ada"), await person(pool, "Bob")
    bot = await person(pool, "ci[bot]", bot=True)
    await record(pool, project, item(ada, "a"), item(ada, "b"), item(bob, "c", "doc", 40),
                 item(bot, "x"))  # fmt: skip
    async with pool.acquire() as conn, conn.transaction():
        await set_policy(conn, project.id, {"code": Decimal(4)}, Decimal("0.5"), "v2", "m")
    # The same contributor, month and kind as before, at another price.
    await record(pool, project, item(ada, "d"), item(ada, "e", days=1), item(bob, "f", "doc", 41),
                 item(bob, "g", "review"))  # fmt: skip
    kept = await rollups(pool)
    assert kept["people"][0][1:3] == (4, Decimal(10))  # 1 + 1 + 4 + 4
    # Ada's code at two prices and Bob's review: two people active in the first month.
    assert [m[3] for m in kept["project_months"]] == [2, 1]
    assert len(kept["person_kinds"]) == 5  # per policy version: code 2, doc 2, review 1
    async with pool.acquire() as conn, conn.transaction():
        await recount(conn, project.id)
    assert await rollups(pool) == kept


async def test_unknown_kinds_and_contributors_are_refused(
    pool: asyncpg.Pool, project: Project
) -> None:
    ada = await person(pool, "Ada")
    with pytest.raises(InvalidInput, match="unknown contribution kind"):
        await record(pool, project, item(ada, "x", kind="juggling"))
    with pytest.raises(NotFound, match="no contributor 999"):
        await record(pool, project, item(999, "x"))
    with pytest.raises(InvalidInput, match="time zone"):
        await record(
            pool, project, NewContribution(ada, "code", datetime(2026, 1, 1), "manual", "z")
        )
    assert await pool.fetchval("SELECT count(*) FROM contributions") == 0


async def test_the_facts_metadata_states_are_journaled_and_nothing_else_of_it(
    pool: asyncpg.Pool, project: Project
) -> None:
    ada = await person(pool, "Ada")
    meta = {"thread": "github:a/b#4", "thread_role": "change", "opened_at": "2026-06-30T09:00:00Z",
            "repository": "a/b", "commit": "c" * 40, "co_authors": [ada]}  # fmt: skip
    revert = {"reverts": ["c" * 40], "commit": "d" * 40}
    await record(
        pool,
        project,
        NewContribution(ada, "code", T0, "github", "pr", metadata=meta),
        NewContribution(ada, "code", T0, "git", "revert", metadata=revert),
        item(ada, "plain"),
    )
    bodies = [
        r["body"]
        for r in await pool.fetch(
            "SELECT body FROM journal_events WHERE type = 'contribution.recorded' ORDER BY seq"
        )
    ]
    facts = [{k: b[k] for k in ("thread", "thread_role", "opened_at", "repository", "reverts") if k in b}
             for b in bodies]  # fmt: skip
    assert facts == [
        {"thread": "github:a/b#4", "thread_role": "change", "opened_at": "2026-06-30T09:00:00.000000Z",
         "repository": "a/b"},
        {"reverts": ["c" * 40]},
        {},
    ]  # fmt: skip
    assert all("commit" not in b and "co_authors" not in b for b in bodies)
    with pytest.raises(InvalidInput) as refused:
        await record(
            pool,
            project,
            NewContribution(ada, "review", T0, "x", "r", metadata={"thread_role": "review"}),
        )
    assert refused.value.field == "metadata.thread_role"
