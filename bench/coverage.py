"""Coverage benchmark: DCO grants from sign-offs, then coverage resolved in SQL.

Seeds one project with contributors (one identity each) and commits, half of them
signed off by their author, plus one ICLA covering one contributor's work from a date.
Prints: sign-offs turned into grants per second; the coverage summary, first page of
uncovered contributions and per-contributor status, each beside the baseline of a bare
``count(*) ... GROUP BY kind`` over the same contributions, and the ratio.

    .venv/bin/python -m bench.coverage [--small]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta

import asyncpg

from app import database
from bench.common import scratch_database
from ledger.register import people
from ledger.register.contributions import record_contributions
from ledger.register.models import Contribution, NewContribution, Project
from ledger.register.projects import ProjectInput, create_project
from licenses import agreements, coverage, service
from licenses.dco import record_signoffs
from licenses.models import RIGHTS, NewGrant

BATCH = 1000
START = datetime(2024, 1, 1, tzinfo=UTC)


async def seed(conn: asyncpg.Connection, commits: int, authors: int) -> tuple[Project, list[int]]:
    async with conn.transaction():
        project = await create_project(
            conn, ProjectInput("bench", "Bench", outbound_license="GPL-2.0-or-later"), "bench"
        )
        ids = []
        for n in range(authors):
            identity, _ = await people.link_identity(
                conn,
                project.id,
                source="git",
                external_id=f"a{n}@example.org",
                contributor_id=None,
                email=f"a{n}@example.org",
                display_name=f"Author {n}",
                actor="bench",
            )
            ids.append(identity.contributor_id)
    return project, ids


async def record(
    conn: asyncpg.Connection, project_id: int, authors: list[int], commits: int
) -> list[Contribution]:
    recorded: list[Contribution] = []
    for start in range(0, commits, BATCH):
        items = []
        for n in range(start, min(start + BATCH, commits)):
            author = authors[n % len(authors)]
            sha = f"{n:040x}"
            signoffs = [author] if n % 2 else []
            items.append(
                NewContribution(
                    author,
                    "code" if n % 5 else "doc",
                    START + timedelta(minutes=n),
                    "git",
                    f"commit:{sha}",
                    metadata={"commit": sha, "signoffs": signoffs},
                )
            )
        async with conn.transaction():
            done = await record_contributions(conn, project_id, items, "bench")
        recorded += [d.contribution for d in done]
    return recorded


async def timed(conn: asyncpg.Connection, query: object, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        await query()  # type: ignore[operator]
        best = min(best, time.perf_counter() - began)
    return best


async def run(url: str, commits: int, authors: int) -> None:
    conn = await database.connect(url)
    try:
        project, ids = await seed(conn, commits, authors)
        project_id = project.id
        contributions = await record(conn, project_id, ids, commits)
        signed = [c for c in contributions if c.metadata["signoffs"]]
        began = time.perf_counter()
        created = 0
        for start in range(0, len(signed), BATCH):
            async with conn.transaction():
                created += await record_signoffs(
                    conn, project_id, signed[start : start + BATCH], "bench"
                )
        elapsed = time.perf_counter() - began
        async with conn.transaction():
            text = await agreements.publish_agreement(
                conn, project_id, "icla", "ICLA", "I grant.", START, "bench"
            )
            icla = NewGrant(
                natural_key="icla",
                instrument="icla",
                grantee="steward",
                license_expression="Apache-2.0",
                rights=RIGHTS,
                patent_grant=True,
                irrevocable=True,
                royalty_free=True,
                effective_at=START,
                grantor_contributor_id=ids[0],
                agreement_version=text.version,
                scope_from=START,
            )
            await service.record_grant(conn, project, icla, "bench")
        await conn.execute("ANALYZE")
        print(f"contributions: {commits}, authors: {authors}, DCO grants created: {created}")
        print(f"sign-offs -> DCO grants: {created / elapsed:,.0f} grants/s ({elapsed:.2f} s)")
        window = coverage.Window()
        baseline = await timed(
            conn,
            lambda: conn.fetch(
                "SELECT kind, count(*) FROM contributions WHERE project_id = $1 AND counted "
                "GROUP BY kind",
                project_id,
            ),
        )
        print(f"baseline count(*) by kind: {baseline * 1000:.1f} ms")
        rows = await coverage.summary(conn, project_id, window, "month")
        covered = sum(r.covered for r in rows)
        print(f"covered: {covered} of {sum(r.total for r in rows)}")
        cases = {
            "coverage summary by kind and month": lambda: coverage.summary(
                conn, project_id, window, "month"
            ),
            "uncovered, first page of 20": lambda: coverage.uncovered(
                conn, project_id, window, None, 21
            ),
            "contributor status, first page of 20": lambda: coverage.by_contributor(
                conn, project_id, None, 21
            ),
        }
        for name, query in cases.items():
            seconds = await timed(conn, query)
            print(f"{name}: {seconds * 1000:.1f} ms ({seconds / baseline:.1f}x the baseline)")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="5,000 commits instead of 50,000")
    args = parser.parse_args()
    commits = 5_000 if args.small else 50_000
    with scratch_database() as url:
        asyncio.run(run(url, commits, 200))


if __name__ == "__main__":
    main()
