"""Report generation on a large commons, beside the SQL it runs.

1,000,000 contributions by 20,000 contributors (``--small``: 50,000 by 2,000), a twelfth
of them change requests in two repositories with their reviews, comments and issues
and one in a thousand a revert, 5,000 funding transactions (500) and 200 proposals
(20), reported over the whole history in every format (signed JSON, HTML with charts,
Markdown, three CSV tables). Every query
the generation sends is logged, then run again alone on the same connection; the
ratio of generation time to that SQL time is printed against the 1.5x target.

    .venv/bin/python -m bench.report [--small]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import asyncpg

from app import database
from bench.common import scratch_database
from bench.seed import contributions
from ledger.journal import heads as tree_heads
from ledger.journal.keys import InstanceKeys
from ledger.kernel.money import Money
from ledger.register.bulk import bulk_load
from ledger.register.models import NewContribution
from ledger.register.projects import ProjectInput, create_project
from ledger.treasury.models import TermsInput
from ledger.treasury.movements import record_receipt
from ledger.treasury.sponsors import record_sponsor
from reports import service
from reports.period import parse_period
from reports.render.csv import TABLES

TARGET = 1.5
PERIOD = "2020-01-01..2025-12-31"
TERMS = TermsInput("Commons terms", "1", "No ownership, no exclusivity, no control.",
                   True, True, True, True, True)  # fmt: skip
_PROPOSALS = """
WITH made AS (
    INSERT INTO proposals (project_id, title, kind, options, method, electorate_rule, state,
        outcome, opens_at, closes_at, closed_at, electorate_size, electorate_hash, created_by)
    SELECT $1, 'Proposal ' || i, 'general', '["yes", "no"]', 'majority', '{"members": true}',
        'closed', CASE WHEN i % 4 = 0 THEN 'failed' ELSE 'passed' END,
        timestamptz '2021-01-01' + i * interval '5 days',
        timestamptz '2021-01-08' + i * interval '5 days',
        timestamptz '2021-01-08' + i * interval '5 days', 20, sha256(int8send(i)), 'bench'
    FROM generate_series(1, $2) AS i
    RETURNING id
),
electors AS (
    INSERT INTO proposal_electors (project_id, proposal_id, contributor_id)
    SELECT $1, made.id, c.id FROM made
    CROSS JOIN (SELECT id FROM contributors ORDER BY id LIMIT 20) c
    RETURNING proposal_id, contributor_id
)
INSERT INTO ballots (project_id, proposal_id, voter_id, ballot)
SELECT $1, proposal_id, contributor_id, '{"choice": "yes"}' FROM electors
WHERE contributor_id % 4 <> 0
"""


def with_threads(items: Iterable[NewContribution]) -> Iterator[NewContribution]:
    """The history with the facts the quality figures read: every twelve contributions
    a change request (reviews and comments in its thread, merged at the twelfth), an
    issue at the sixth, and a revert of the previous commit every thousandth."""
    for i, item in enumerate(items):
        repository = f"big/{'one' if i // 12 % 2 else 'two'}"
        thread = f"bench:{repository}#{i // 12}"
        facts: dict[str, Any] = {"repository": repository}
        if i % 12 == 11:
            opened = item.occurred_at - timedelta(days=2)
            facts |= {"thread": thread, "thread_role": "change", "opened_at": opened.isoformat()}
        elif i % 12 == 5:
            facts |= {"thread": f"{thread}-issue", "thread_role": "issue"}
        elif i % 12 == 6:
            facts |= {"thread": f"{thread}-issue", "thread_role": "comment"}
        elif item.kind in ("review", "question"):
            role = "review" if item.kind == "review" else "comment"
            facts |= {"thread": thread, "thread_role": role}
        if i % 1000 == 999:
            facts["reverts"] = [f"{i - 1:040x}"]
        yield replace(item, metadata=facts)


async def _seed(url: str, n: int, m: int, receipts: int, proposals: int) -> None:
    conn = await database.connect(url)
    try:
        async with conn.transaction():
            project = await create_project(conn, ProjectInput("big", "Big Commons"), "bench")
        names = io.BytesIO("".join(f"Contributor {i}\n" for i in range(m)).encode())
        await conn.copy_to_table("contributors", source=names, columns=["display_name"])
        people = [r[0] for r in await conn.fetch("SELECT id FROM contributors ORDER BY id")]
        started = time.perf_counter()
        async with conn.transaction():
            await bulk_load(conn, project.id, with_threads(contributions(n, people)), "bench")
        print(
            f"seeded {n:,} contributions by {m:,} people in {time.perf_counter() - started:.0f} s"
        )
        started = time.perf_counter()
        async with conn.transaction():
            sponsors = [
                (await record_sponsor(conn, project.id, organisation=f"Sponsor {i}",
                                      contributor_id=None, actor="bench"))[0].id
                for i in range(50)
            ]  # fmt: skip
        for start in range(0, receipts, 500):
            async with conn.transaction():
                for i in range(start, min(start + 500, receipts)):
                    await record_receipt(
                        conn,
                        project.id,
                        key=f"receipt-{i}",
                        sponsor_id=sponsors[(i * i) % len(sponsors)],
                        money=Money(10_000 + 37 * i, "EUR" if i % 5 else "USD"),
                        occurred_on=date(2020, 1, 1) + timedelta(days=i % 2000),
                        actor="bench",
                    )
        await conn.execute(_PROPOSALS, project.id, proposals)
        print(
            f"seeded {receipts:,} receipts and {proposals} proposals in {time.perf_counter() - started:.0f} s"
        )
        started = time.perf_counter()
        size = await tree_heads.extend_tree(conn, project.id)
        print(f"hashed the Merkle tree of {size:,} events in {time.perf_counter() - started:.0f} s")
    finally:
        await conn.close()


async def _generate(url: str) -> tuple[float, list[tuple[str, tuple[Any, ...]]], dict[str, int]]:
    logged: list[tuple[str, tuple[Any, ...]]] = []

    def record(entry: Any) -> None:
        logged.append((entry.query, tuple(entry.args or ())))

    async def setup(conn: asyncpg.Connection) -> None:
        conn.remove_query_logger(record)
        conn.add_query_logger(record)

    keys = InstanceKeys.generate()
    # The app's pool, plus a query logger on its one connection (``setup`` runs per acquire).
    pool = await asyncpg.create_pool(
        url,
        min_size=1,
        max_size=1,
        command_timeout=600,
        init=database._init_connection,
        setup=setup,
    )
    assert pool is not None
    sizes: dict[str, int] = {}
    try:
        started = time.perf_counter()
        for fmt in ("json", "html", "md"):
            sizes[fmt] = len(await service.produce(pool, keys, "big", PERIOD, fmt))
        for table in TABLES:
            sizes[f"csv:{table}"] = len(
                await service.produce(pool, keys, "big", PERIOD, "csv", table)
            )
        elapsed = time.perf_counter() - started
    finally:
        await pool.close()
    return elapsed, logged, sizes


_STATEMENTS = ("SELECT", "WITH", "INSERT", "UPDATE")  # not BEGIN/COMMIT, not the pool's reset


async def _sql_alone(url: str, logged: list[tuple[str, tuple[Any, ...]]]) -> tuple[float, int]:
    conn = await database.connect(url)
    period = parse_period(PERIOD)
    project_id = await conn.fetchval("SELECT id FROM projects WHERE slug = 'big'")
    queries = [
        (q, a)
        for q, a in logged
        if q.lstrip().upper().startswith(_STATEMENTS) and "pg_advisory_unlock_all" not in q
    ]
    slowest: list[tuple[float, str]] = []
    try:
        started = time.perf_counter()
        for query, args in queries:
            t = time.perf_counter()
            await conn.fetch(query, *args)
            slowest.append((time.perf_counter() - t, " ".join(query.split())[:90]))
        for table in TABLES.values():
            await conn.copy_from_query(
                table,
                project_id,
                period.start,
                period.end,
                output=io.BytesIO(),
                format="csv",
                header=True,
            )
        total = time.perf_counter() - started
        for spent, text in sorted(slowest, reverse=True)[:5]:
            print(f"  slowest: {spent:.2f} s  {text}")
        return total, len(queries) + len(TABLES)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="50,000 contributions by 2,000")
    args = parser.parse_args()
    scale = (50_000, 2_000, 500, 20) if args.small else (1_000_000, 20_000, 5_000, 200)
    with scratch_database() as url:
        asyncio.run(_seed(url, *scale))
        elapsed, logged, sizes = asyncio.run(_generate(url))
        sql, count = asyncio.run(_sql_alone(url, logged))
    print("outputs: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))
    print(f"report generation, all formats: {elapsed:.2f} s")
    print(f"its {count} SQL statements run alone: {sql:.2f} s")
    print(f"ratio {elapsed / sql:.2f}x (target <= {TARGET}x)")


if __name__ == "__main__":
    main()
