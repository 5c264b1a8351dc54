"""People in a git import: every sign-off its signer's DCO grant whatever the order of
merges, .mailmap, names compared after NFC and case folding, bots and AI assistants."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import asyncpg

from app.runtime import Runtime
from intake import merges
from intake.backfill import import_git
from ledger.journal.chain import verify
from tests.conftest import GraphQL
from tests.integration.intake.git_repos import commit, git, new_repo, project

ADA, ADA_WORK = ("Ada", "ada@example.org"), ("Ada", "ada@work.example")
BOB = ("Bob", "bob@example.org")

SUGGEST = """
query($after: String) { mergeSuggestions(project: "demo", first: 1, after: $after) {
  nodes { one { number } other { number } reason } totalCount
  pageInfo { hasNextPage endCursor }
} }
"""


async def _grants(pool: asyncpg.Pool) -> list[tuple[str, str, bool]]:
    """(grantor, contribution key, standing) of each DCO grant's links."""
    rows = await pool.fetch(
        "SELECT p.display_name, c.natural_key LIKE '%:co:%' AS co, g.withdrawn_at IS NULL AS up "
        "FROM grants g JOIN grant_contributions gc ON gc.grant_id = g.id "
        "JOIN contributions c ON c.id = gc.contribution_id "
        "JOIN contributors p ON p.id = g.grantor_contributor_id "
        "WHERE g.instrument = 'dco' ORDER BY g.id, c.id"
    )
    return [(r["display_name"], "co-author" if r["co"] else "author", r["up"]) for r in rows]


async def _covered(pool: asyncpg.Pool, project_id: int) -> list[tuple[str, bool]]:
    """Each contribution's key kind and whether a standing DCO grant covers it."""
    rows = await pool.fetch(
        "SELECT c.natural_key LIKE '%:co:%' AS co, EXISTS (SELECT 1 FROM grant_contributions gc "
        "JOIN grant_windows g ON g.id = gc.grant_id WHERE gc.contribution_id = c.id "
        "AND c.occurred_at < g.covers_until) AS covered "
        "FROM contributions c WHERE c.project_id = $1 ORDER BY c.natural_key",
        project_id,
    )
    return [("co-author" if r["co"] else "author", r["covered"]) for r in rows]


async def test_a_co_authors_own_sign_off_is_their_grant(pool: asyncpg.Pool, tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    message = (
        "Pair work\n\nCo-authored-by: Bob <bob@example.org>\n"
        "Signed-off-by: Ada <ada@example.org>\nSigned-off-by: Bob <bob@example.org>"
    )
    commit(repo, ADA, message, "2024-01-01T10:00:00Z")
    project_id = await project(pool)
    await import_git(pool, project_id, repo)
    assert await _grants(pool) == [("Ada", "author", True), ("Bob", "co-author", True)]
    assert await _covered(pool, project_id) == [("author", True), ("co-author", True)]
    async with pool.acquire() as conn:  # the grants' events, written by COPY, chain
        assert (await verify(conn, project_id)).ok


async def _two_addresses(tmp_path: Path, name: str) -> Path:
    repo = new_repo(tmp_path / name)
    commit(repo, ADA, "Work\n\nSigned-off-by: Ada <ada@work.example>", "2024-01-01T10:00:00Z")
    commit(repo, ADA_WORK, "Other work", "2024-01-02T10:00:00Z")
    return repo


async def _ada(pool: asyncpg.Pool, email: str) -> int:
    found: int = await pool.fetchval(
        "SELECT contributor_id FROM identities WHERE email = $1", email
    )
    return found


async def test_grants_follow_the_records_whether_people_merge_before_or_after(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    before = await project(pool, "before")
    await import_git(pool, before, await _two_addresses(tmp_path, "one"))
    assert await _covered(pool, before) == [("author", False), ("author", False)]
    home, work = await _ada(pool, ADA[1]), await _ada(pool, ADA_WORK[1])
    async with pool.acquire() as conn, conn.transaction():
        merge_id = await merges.merge(conn, before, work, home, "maintainer")
    merged = await _covered(pool, before)
    assert sorted(merged) == [("author", False), ("author", True)]
    after = await project(pool, "after")  # the same history, imported after the merge
    await import_git(pool, after, await _two_addresses(tmp_path, "two"))
    assert await _covered(pool, after) == merged
    async with pool.acquire() as conn, conn.transaction():
        await merges.unmerge(conn, before, merge_id, "maintainer")
    assert await _covered(pool, before) == [("author", False), ("author", False)]
    types = [
        r["type"]
        for r in await pool.fetch(
            "SELECT type FROM journal_events WHERE project_id = $1 AND type LIKE 'grant.%' "
            "ORDER BY seq",
            before,
        )
    ]
    assert types == ["grant.recorded", "grant.withdrawn"]


async def test_mailmap_pairs_are_suggestions_a_maintainer_accepts_in_one_step(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / ".mailmap").write_text(
        "# people\nAda Lovelace <ada@example.org> <ada@work.example>\n"
        "Bob Builder <bob@example.org>\n"
    )
    git(repo, "add", ".mailmap")
    commit(repo, ADA, "Home", "2024-01-01T10:00:00Z")
    commit(repo, ADA_WORK, "Work", "2024-01-02T10:00:00Z")
    commit(repo, BOB, "Bob's", "2024-01-03T10:00:00Z")
    project_id = await project(pool)
    result = await import_git(pool, project_id, repo)
    assert (result.mailmap_links, result.mailmap_merged) == (1, 0)
    names = await pool.fetch("SELECT DISTINCT display_name FROM contributors ORDER BY 1")
    # as git reads it: the line names the person behind the work address only
    assert [r["display_name"] for r in names] == ["Ada", "Ada Lovelace", "Bob Builder"]
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    home, work = await _ada(pool, ADA[1]), await _ada(pool, ADA_WORK[1])
    listed = await gql(SUGGEST, None, token)
    one, other = min(home, work), max(home, work)
    assert listed["data"]["mergeSuggestions"]["nodes"] == [
        {"one": {"number": one}, "other": {"number": other}, "reason": "mailmap"}
    ]
    accepted = await gql(
        'mutation { acceptMailmapSuggestions(input: {project: "demo"}) {'
        " __typename ... on AcceptMailmapPayload { mergeIds } } }",
        None,
        token,
    )
    assert len(accepted["data"]["acceptMailmapSuggestions"]["mergeIds"]) == 1
    assert await pool.fetchval("SELECT merged_into FROM contributors WHERE id = $1", work) == home
    assert (await gql(SUGGEST, None, token))["data"]["mergeSuggestions"]["totalCount"] == 0


async def test_a_project_that_applies_its_mailmap_merges_on_import(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / ".mailmap").write_text("<ada@example.org> <ada@work.example>\n")
    git(repo, "add", ".mailmap")
    commit(repo, ADA, "Home", "2024-01-01T10:00:00Z")
    commit(repo, ADA_WORK, "Work", "2024-01-02T10:00:00Z")
    project_id = await project(pool)
    await pool.execute('UPDATE projects SET settings = settings || \'{"intake_mailmap": "apply"}\'')
    result = await import_git(pool, project_id, repo)
    assert result.mailmap_merged == 1
    assert await pool.fetchval("SELECT contributors FROM project_stats") == 1


async def test_names_are_compared_after_nfc_and_case_folding_in_pages(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    repo = new_repo(tmp_path / "repo")
    people = [
        ("José Núñez", "jose@one.example"),
        (unicodedata.normalize("NFD", "JOSÉ NÚÑEZ"), "jose@two.example"),
        ("Straße", "s1@example.org"),
        ("STRASSE", "s2@example.org"),
    ]
    for n, who in enumerate(people):
        commit(repo, who, f"Commit {n}", f"2024-01-0{n + 1}T10:00:00Z")
    await project(pool)
    await import_git(pool, await pool.fetchval("SELECT id FROM projects"), repo)
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    first = (await gql(SUGGEST, None, token))["data"]["mergeSuggestions"]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (2, True)
    second = (await gql(SUGGEST, {"after": first["pageInfo"]["endCursor"]}, token))["data"]
    page: dict[str, Any] = second["mergeSuggestions"]
    assert page["pageInfo"]["hasNextPage"] is False
    reasons = [n["reason"] for n in first["nodes"] + page["nodes"]]
    assert reasons == ["same name", "same name"]
