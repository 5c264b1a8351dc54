"""Bots and AI assistants in a git import, under the project's policy: the known list,
the ``intake_bots`` setting (mutation and CLI), marking after the fact."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import asyncpg

from app.runtime import Runtime
from intake.backfill import import_git
from tests.conftest import GraphQL
from tests.integration.intake.git_repos import commit, new_repo, project

SETTINGS = """
mutation($input: SetIntakeSettingsInput!) { setIntakeSettings(input: $input) {
  __typename
  ... on SetIntakeSettingsPayload { policy { bots assistantCredit mergeCommits mailmap } }
  ... on ValidationError { message }
} }
"""
MARK = """
mutation($input: SetContributorBotInput!) { setContributorBot(input: $input) {
  __typename
  ... on SetContributorBotPayload { contributor { number isBot } changed recounted }
  ... on ForbiddenError { message }
} }
"""


def _history(tmp_path: Path) -> Path:
    repo = new_repo(tmp_path / "repo")
    commit(repo, ("Ada", "ada@example.org"), "Feature", "2024-01-01T10:00:00Z")
    commit(
        repo,
        ("Ada", "ada@example.org"),
        "With help\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        "2024-01-02T10:00:00Z",
    )
    commit(repo, ("ImgBotApp", "ImgBotApp@gmail.com"), "Optimise images", "2024-01-03T10:00:00Z")
    commit(
        repo,
        ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
        "Bump x",
        "2024-01-04T10:00:00Z",
    )
    commit(repo, ("deploy-robot", "deploy@example.org"), "Release", "2024-01-05T10:00:00Z")
    commit(repo, ("Bob", "bob@example.org"), "Fix", "2024-01-06T10:00:00Z")
    return repo


async def _credited(pool: asyncpg.Pool) -> dict[str, Any]:
    rows = await pool.fetch(
        "SELECT p.display_name, s.credit FROM contributor_stats s "
        "JOIN contributors p ON p.id = s.contributor_id ORDER BY 1"
    )
    stats = await pool.fetchrow("SELECT contributions, credit, contributors FROM project_stats")
    return {"people": {r["display_name"]: str(r["credit"]) for r in rows}, "project": tuple(stats)}


async def test_bots_and_ai_assistants_are_recorded_but_not_credited_by_default(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    await project(pool)
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    listed = await gql(SETTINGS, {"input": {"project": "demo", "bots": ["deploy-robot"]}}, token)
    assert listed["data"]["setIntakeSettings"]["policy"] == {
        "bots": ["deploy-robot"], "assistantCredit": False, "mergeCommits": "skip",
        "mailmap": "suggest",
    }  # fmt: skip
    project_id = await pool.fetchval("SELECT id FROM projects")
    result = await import_git(pool, project_id, _history(tmp_path))
    assert (result.recorded, result.assistants) == (7, 1)
    assert await _credited(pool) == {
        "people": {"Ada": "2.0000", "Bob": "1.0000"},
        "project": (3, 3, 2),
    }
    ai = await pool.fetchval("SELECT metadata FROM contributions WHERE natural_key LIKE '%:co:%'")
    assert ai["uncounted"] == "assistant"


async def test_a_project_that_credits_assistants_counts_their_work(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    await project(pool)
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    body = {"input": {"project": "demo", "assistantCredit": True}}
    assert (await gql(SETTINGS, body, token))["data"]["setIntakeSettings"]["policy"][
        "assistantCredit"
    ]
    project_id = await pool.fetchval("SELECT id FROM projects")
    result = await import_git(pool, project_id, _history(tmp_path))
    assert result.assistants == 0
    people = (await _credited(pool))["people"]
    assert people["Claude"] == "1.0000"
    assert "deploy-robot" in people  # not listed as a bot in this project


async def test_an_email_is_refused_in_the_bot_list(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool
) -> None:
    await project(pool)
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    body = {"input": {"project": "demo", "bots": ["ci@example.org"]}}
    answer = await gql(SETTINGS, body, token)
    assert answer["data"]["setIntakeSettings"]["__typename"] == "ValidationError"
    assert "by login or name" in answer["data"]["setIntakeSettings"]["message"]
    assert await pool.fetchval("SELECT count(*) FROM journal_events WHERE type = "
                               "'project.settings_changed'") == 0  # fmt: skip


async def test_a_maintainer_marks_a_missed_bot_and_the_credit_is_recounted(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    project_id = await project(pool)
    await import_git(pool, project_id, _history(tmp_path))
    bob = await pool.fetchval("SELECT id FROM contributors WHERE display_name = 'Bob'")
    before = await _credited(pool)
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    marked = await gql(MARK, {"input": {"project": "demo", "contributor": bob, "bot": True}}, token)
    assert marked["data"]["setContributorBot"] == {
        "__typename": "SetContributorBotPayload",
        "contributor": {"number": bob, "isBot": True},
        "changed": True,
        "recounted": 1,
    }
    assert await _credited(pool) == {
        "people": {"Ada": "2.0000", "deploy-robot": "1.0000"},
        "project": (3, 3, 2),
    }
    months = await pool.fetchval("SELECT sum(contributions) FROM kind_month_stats")
    assert months == 3
    back = await gql(MARK, {"input": {"project": "demo", "contributor": bob, "bot": False}}, token)
    assert back["data"]["setContributorBot"]["changed"] is True
    assert await _credited(pool) == before
    events = await pool.fetch(
        "SELECT body FROM journal_events WHERE type = 'contributor.bot_marked' ORDER BY seq"
    )
    assert [(e["body"]["bot"], e["body"]["contributions"]) for e in events] == [
        (True, 1),
        (False, 1),
    ]
    stranger = runtime.tokens.issue("oz", roles={"other": "maintainer"})
    refused = await gql(
        MARK, {"input": {"project": "demo", "contributor": bob, "bot": True}}, stranger
    )
    assert refused["data"]["setContributorBot"]["__typename"] == "ForbiddenError"


async def test_the_cli_sets_the_policy_and_marks_bots(
    pool: asyncpg.Pool, database_url: str, tmp_path: Path
) -> None:
    await project(pool)
    env = {**os.environ, "DATABASE_URL": database_url, "COMMONS_DATA_DIR": str(tmp_path / "d")}
    commons = str(Path(sys.executable).parent / "commons")

    async def run(*args: str) -> str:
        process = await asyncio.create_subprocess_exec(
            commons, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        return out.decode()

    shown = await run(
        "intake", "settings", "--project", "demo", "--bot", "release-bot",
        "--assistant-credit", "--merge-commits", "maintenance",
    )  # fmt: skip
    assert shown.splitlines() == [
        "bots: release-bot",
        "assistant credit: yes",
        "merge commits without changes of their own: maintenance",
        "mailmap: suggest",
    ]
    person = await pool.fetchval(
        "INSERT INTO contributors (display_name) VALUES ('x') RETURNING id"
    )
    assert "is now a bot" in await run("intake", "bot", str(person))
    assert await pool.fetchval("SELECT is_bot FROM contributors WHERE id = $1", person)
