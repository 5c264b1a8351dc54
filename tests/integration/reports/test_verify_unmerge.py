"""Unmerging an account that migration 0018 split off (its merge was never journaled)
keeps the signed report verifiable: the journal's unmerge names the contributions that
went to the new contributor, and the figures rebuilt from the journal alone agree with
the register's, before and after a later merge and unmerge of the same two people."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.runtime import Runtime
from ledger.register import people
from ledger.register.contributions import record_contributions
from ledger.register.models import NewContribution
from ledger.register.projects import ProjectInput, create_project
from reports.verify import verify_report
from tests.conftest import GraphQL
from tests.integration.intake.splits import split_as_0018

MERGE = """mutation($input: MergeContributorsInput!) { mergeContributors(input: $input) {
    __typename ... on MergePayload { mergeId contributor { number } } } }"""
UNMERGE = """mutation($input: UnmergeContributorsInput!) { unmergeContributors(input: $input) {
    __typename ... on MergePayload { mergeId contributor { number } } } }"""
UNMERGED = """
SELECT version, body FROM journal_events WHERE project_id = $1 AND type = 'contributors.unmerged'
ORDER BY seq
"""


def _release(who: int, year: int, month: int, host: str, n: int) -> NewContribution:
    url = f"https://{host}/club/tools/releases/tag/v{n}"
    at = datetime(year, month, 10, 12, tzinfo=UTC)
    return NewContribution(who, "code", at, "gitea", f"gitea:release:{n}", url)


async def _split_register(pool: asyncpg.Pool) -> dict[str, int]:
    """One Gitea admin row that stood for the admins of two servers (split as 0018 did),
    and Bea: server two's admin made the row's first release, in 2023."""
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("split", "Split"), "admin")
        admin = (await people.create_contributor(conn, "Site Admin")).id
        bea = (await people.create_contributor(conn, "Bea")).id
        await conn.execute(
            "INSERT INTO identities (contributor_id, source, host, external_id, login) "
            "VALUES ($1, 'gitea', 'git.one.example', '1', 'admin')",
            admin,
        )
        work = [
            _release(admin, 2023, 3, "git.two.example", 2),
            _release(admin, 2025, 5, "git.one.example", 5),
            _release(admin, 2025, 6, "git.two.example", 6),
            NewContribution(bea, "doc", datetime(2025, 2, 10, tzinfo=UTC), "manual", "bea-1"),
        ]
        recorded = await record_contributions(conn, project.id, work, "intake:gitea")
        twin, merge_id = await split_as_0018(
            conn, admin, ("gitea", "git.two.example", "1", "admin"), [project.id]
        )
    by_key = {r.contribution.natural_key: r.contribution.id for r in recorded}
    return {"project": project.id, "admin": admin, "bea": bea, "twin": twin,
            "merge": merge_id, "two": by_key["gitea:release:2"],
            "six": by_key["gitea:release:6"]}  # fmt: skip


async def _report(client: AsyncTestClient[Litestar]) -> tuple[dict[str, Any], list[str]]:
    """The served 2025 report and the checks ``verify`` fails on it (with the served keys)."""
    signed = (await client.get("/projects/split/reports/2025.json")).json()
    keys = (await client.get("/.well-known/jwks.json")).json()
    verdict = verify_report(signed, keys)
    return signed["report"], [f"{name}: {detail}" for name, ok, detail in verdict.checks if not ok]


async def test_unmerging_a_split_the_journal_never_saw_still_recomputes_exactly(
    pool: asyncpg.Pool, client: AsyncTestClient[Litestar], gql: GraphQL, runtime: Runtime
) -> None:
    seeded = await _split_register(pool)
    token = runtime.tokens.issue("maya", roles={"split": "maintainer"})
    report, failed = await _report(client)
    assert failed == []
    assert report["contributors"]["active_contributors"] == 2

    undone = await gql(UNMERGE, {"input": {"project": "split", "mergeId": seeded["merge"]}}, token)
    assert undone["data"]["unmergeContributors"]["contributor"] == {"number": seeded["twin"]}
    report, failed = await _report(client)
    assert failed == []
    # The register's figures: server two's admin is a person of their own, not new in
    # 2025 (their first release was in 2023); server one's admin is new (May 2025).
    assert report["contributors"]["active_contributors"] == 3
    assert report["contributors"]["new_contributors"] == 2
    (event,) = await pool.fetch(UNMERGED, seeded["project"])
    assert (event["version"], event["body"]) == (2, {
        "merge_id": seeded["merge"], "source": seeded["twin"], "target": seeded["admin"],
        "contributions": 2, "contribution_ids": [seeded["two"], seeded["six"]],
    })  # fmt: skip

    # A merge of the two made later is journaled: its unmerge needs no list.
    both = {"project": "split", "source": seeded["twin"], "target": seeded["admin"]}
    merged = await gql(MERGE, {"input": both}, token)
    again = merged["data"]["mergeContributors"]["mergeId"]
    report, failed = await _report(client)
    assert (failed, report["contributors"]["active_contributors"]) == ([], 2)
    await gql(UNMERGE, {"input": {"project": "split", "mergeId": again}}, token)
    report, failed = await _report(client)
    assert (failed, report["contributors"]["active_contributors"]) == ([], 3)
    last = (await pool.fetch(UNMERGED, seeded["project"]))[-1]
    assert (last["version"], last["body"]) == (2, {
        "merge_id": again, "source": seeded["twin"], "target": seeded["admin"],
        "contributions": 2,
    })  # fmt: skip
