"""A live wiki's recent changes, served on loopback from recorded API responses,
through the same mapping as a dump: kinds, bots, anonymous editors, tagged reverts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from intake.wiki.recent import USER_AGENT, WikiApi, follow
from ledger.kernel.errors import InvalidInput, Unavailable
from ledger.register.models import Project
from ledger.register.projects import ProjectInput, create_project
from tests.integration.intake.wiki_server import recorded_wiki

SINCE = datetime(2024, 6, 1, tzinfo=UTC)


@pytest.fixture
async def cookbook(pool: asyncpg.Pool) -> Project:
    async with pool.acquire() as conn, conn.transaction():
        data = ProjectInput("cookbook", "Cookbook", outbound_license="CC-BY-SA-4.0")
        return await create_project(conn, data, "admin")


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(headers={"User-Agent": USER_AGENT}, timeout=10)


async def _recorded(pool: asyncpg.Pool) -> dict[int, tuple[str, str, bool]]:
    rows = await pool.fetch(
        """SELECT (c.metadata->>'revision')::int AS revision, c.kind, p.display_name, c.counted
        FROM contributions c JOIN contributors p ON p.id = c.contributor_id"""
    )
    return {r["revision"]: (r["kind"], r["display_name"], r["counted"]) for r in rows}


async def test_recent_changes_are_recorded_like_a_dumps_revisions(
    pool: asyncpg.Pool, cookbook: Project
) -> None:
    with recorded_wiki() as wiki:
        async with _client() as client:
            result = await follow(pool, cookbook, WikiApi(wiki.url, client), since=SINCE)
    assert (result.wiki, result.changes, result.recorded) == ("cookwiki", 6, 4)
    assert await _recorded(pool) == {
        900: ("content", "Ann", True),
        902: ("maintenance", "ClueBot NG", False),
        903: ("question", "Bo", True),
        905: ("maintenance", "Bo", True),
    }
    keys = {r[0] for r in await pool.fetch("SELECT natural_key FROM contributions")}
    assert "mediawiki:cookwiki:rev:900" in keys
    first, second = wiki.requests[1], wiki.requests[2]
    assert first["rcstart"] == "2024-06-01T00:00:00Z"
    assert first["rcdir"] == "newer"
    assert first["formatversion"] == "2"
    assert second["rccontinue"] == "20240601101000|5003"
    assert set(wiki.agents) == {USER_AGENT}
    text = "\n".join(r[0] for r in await pool.fetch("SELECT t::text FROM identities t"))
    assert "192.0.2.44" not in text
    assert (
        await pool.fetchval("SELECT count(*) FROM grants WHERE instrument = 'inbound_outbound'")
        == 3
    )


async def test_a_second_pass_starts_where_the_first_ended_and_adds_nothing_twice(
    pool: asyncpg.Pool, cookbook: Project
) -> None:
    with recorded_wiki() as wiki:
        async with _client() as client:
            api = WikiApi(wiki.url, client)
            first = await follow(pool, cookbook, api, since=SINCE, lag=timedelta(minutes=5))
            again = await follow(pool, cookbook, api, lag=timedelta(minutes=5))
    assert (first.recorded, again.recorded) == (4, 0)
    starts = [r["rcstart"] for r in wiki.requests if r.get("list") and "rccontinue" not in r]
    assert starts[1] == first.until.strftime("%Y-%m-%dT%H:%M:%SZ")
    row = await pool.fetchrow("SELECT changes, recorded, next_start FROM wiki_feeds")
    assert (row["changes"], row["recorded"]) == (12, 4)
    assert row["next_start"] >= first.until


async def test_a_wiki_that_refuses_or_does_not_answer_is_a_typed_error(
    pool: asyncpg.Pool, cookbook: Project
) -> None:
    with recorded_wiki() as wiki:
        async with _client() as client:
            api = WikiApi(wiki.url, client)
            with pytest.raises(InvalidInput, match="the wiki refused: badvalue"):
                await api._get({"list": "nonsense"})
    async with _client() as client:
        with pytest.raises(Unavailable, match="did not answer"):
            await follow(pool, cookbook, WikiApi(wiki.url, client))
    async with _client() as client:
        with pytest.raises(InvalidInput, match="http"):
            WikiApi("ftp://example.org/api.php", client)
