"""Migration 0018 on a register written before identities knew their server: each
forge identity gets the server its deliveries (or, failing those, its contributions'
evidence) named, an identity two servers shared becomes a merge that an unmerge
separates, vouched commit emails remember their account, and the downgrade keeps
every row."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import asyncpg

from app import database
from intake import merges
from ledger.register.contributions import record_contributions
from ledger.register.models import NewContribution
from ledger.register.projects import ProjectInput, create_project
from tests.unit.intake.forge_requests import payload

AT = datetime(2024, 5, 2, tzinfo=UTC)
EMAIL_KEY = "5e" * 16  # a commit email is keyed by its pseudonym


# Today's writers keep the per-kind rollup that revision 0020 adds; at 0015 a table of
# this transaction takes their writes (the upgrade fills the real one from the months).
_KINDS_SINCE_0020 = """
CREATE TEMPORARY TABLE kind_stats (project_id bigint, kind text, contributions bigint,
    credit numeric(20, 4), PRIMARY KEY (project_id, kind)) ON COMMIT DROP
"""


def _release(host: str, release_id: int) -> bytes:
    body = json.loads(json.dumps(payload("gitea_release")).replace("gitea.example.com", host))
    body["release"]["id"] = release_id
    return json.dumps(body).encode()


async def _old_register(url: str) -> dict[str, Any]:
    """At revision 0015: one Gitea admin row serving two servers' projects, a GitHub
    account known only from its contributions, and a vouched commit email."""
    pool = await database.create_pool(url, min_size=1, max_size=2)
    try:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(_KINDS_SINCE_0020)
            one = await create_project(conn, ProjectInput("one", "One"), "admin")
            two = await create_project(conn, ProjectInput("two", "Two"), "admin")
            admin = await conn.fetchval(
                "INSERT INTO contributors (display_name) VALUES ('Site Admin') RETURNING id"
            )
            octo = await conn.fetchval(
                "INSERT INTO contributors (display_name) VALUES ('Octo Cat') RETURNING id"
            )
            await conn.execute(
                """INSERT INTO identities (contributor_id, source, external_id, login, email,
                    email_verified) VALUES
                ($1, 'gitea', '1', 'admin', 'admin@git.one.example', false),
                ($2, 'github', '21031067', 'Codertocat', NULL, false),
                ($2, 'git', $3, 'Codertocat', 'octocat@github.com', true),
                ($2, 'github', '583231', 'hubot', NULL, false)""",
                admin,
                octo,
                EMAIL_KEY,
            )
            for project, host, key in ((one, "git.one.example", 5), (two, "git.two.example", 6)):
                await conn.execute(
                    """INSERT INTO webhook_inbox (project_id, forge, event, delivery_key, headers,
                        body, status) VALUES ($1, 'gitea', 'release', $2, $3, $4, 'done')""",
                    project.id,
                    f"d-{host}",
                    {"content-type": "application/json", "x-gitea-event": "release"},
                    _release(host, key),
                )
                url_of = f"https://{host}/club/tools/releases/tag/v{key}"
                await record_contributions(
                    conn,
                    project.id,
                    [NewContribution(admin, "maintenance", AT, "gitea", f"gitea:release:{key}",
                                     url_of)],
                    "intake:gitea",
                )  # fmt: skip
            await record_contributions(
                conn,
                one.id,
                [NewContribution(octo, "code", AT, "github", "github:pr:1:merged",
                                 "https://ghe.example.net/o/r/pull/1")],
                "intake:github",
            )  # fmt: skip
        return {"one": one.id, "two": two.id, "admin": admin, "octo": octo}
    finally:
        await pool.close()


async def _identities(conn: asyncpg.Connection) -> list[tuple[Any, ...]]:
    rows = await conn.fetch(
        "SELECT contributor_id, source, host, external_id, vouch_source, vouch_host "
        "FROM identities ORDER BY id"
    )
    return [tuple(r) for r in rows]


async def test_the_migration_keys_identities_by_server_and_an_unmerge_separates_them(
    database_url: str,
) -> None:
    await asyncio.to_thread(database.downgrade, database_url, "0015")
    old = await _old_register(database_url)
    await asyncio.to_thread(database.migrate, database_url)
    pool = await database.create_pool(database_url, min_size=1, max_size=2)
    try:
        async with pool.acquire() as conn:
            kinds = await conn.fetch("SELECT project_id, kind, contributions FROM kind_stats")
            assert sorted(tuple(r) for r in kinds) == [
                (old["one"], "code", 1), (old["one"], "maintenance", 1),
                (old["two"], "maintenance", 1),
            ]  # fmt: skip
            identities = await _identities(conn)
            twin = identities[-1][0]
            assert identities == [
                (old["admin"], "gitea", "git.one.example", "1", None, None),
                (old["octo"], "github", "ghe.example.net", "21031067", None, None),
                (old["octo"], "git", "", EMAIL_KEY, "github", "ghe.example.net"),
                (old["octo"], "github", "ghe.example.net", "583231", None, None),
                (twin, "gitea", "git.two.example", "1", None, None),
            ]
            known = "SELECT project_id FROM identity_projects WHERE identity_id = $1"
            twin_identity = await conn.fetchval(
                "SELECT id FROM identities WHERE contributor_id = $1", twin
            )
            assert [r[0] for r in await conn.fetch(known, twin_identity)] == [old["two"]]
            assert (
                await conn.fetchval("SELECT display_name FROM contributors WHERE id = $1", twin)
                == "admin"
            )
            # Nothing moved yet: the register reads as the journal says.
            assert (
                await conn.fetchval("SELECT merged_into FROM contributors WHERE id = $1", twin)
                == old["admin"]
            )
            owners = "SELECT natural_key, contributor_id FROM contributions ORDER BY 1"
            before = [tuple(r) for r in await conn.fetch(owners)]
            assert ("gitea:release:6", old["admin"]) in before
            merge = await conn.fetchrow(
                "SELECT id, source_id, target_id, moved_contributions, actor "
                "FROM contributor_merges"
            )
            assert (merge["source_id"], merge["target_id"], merge["actor"]) == (
                twin,
                old["admin"],
                "migration:0018",
            )
            async with conn.transaction():
                restored = await merges.unmerge(conn, old["two"], merge["id"], "admin")
            assert restored == twin
            after = dict(tuple(r) for r in await conn.fetch(owners))
            assert after["gitea:release:5"] == old["admin"]
            assert after["gitea:release:6"] == twin
            unmerged = await conn.fetch(
                "SELECT project_id, body FROM journal_events WHERE type = 'contributors.unmerged'"
            )
            released = await conn.fetchval(
                "SELECT id FROM contributions WHERE natural_key = 'gitea:release:6'"
            )
            # The journal never saw this merge: its unmerge names what went back.
            assert [(r["project_id"], r["body"]) for r in unmerged] == [
                (old["two"], {"merge_id": merge["id"], "source": twin, "target": old["admin"],
                              "contributions": 1, "contribution_ids": [released]})
            ]  # fmt: skip
    finally:
        await pool.close()


async def test_the_downgrade_keeps_a_second_server_account_under_a_suffixed_id(
    database_url: str,
) -> None:
    await asyncio.to_thread(database.downgrade, database_url, "0015")
    await _old_register(database_url)
    await asyncio.to_thread(database.migrate, database_url)
    await asyncio.to_thread(database.downgrade, database_url, "0015")
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT source, external_id FROM identities WHERE source = 'gitea' ORDER BY id"
        )
        assert [tuple(r) for r in rows] == [("gitea", "1"), ("gitea", "1@git.two.example")]
    finally:
        await conn.close()
    await asyncio.to_thread(database.migrate, database_url)
