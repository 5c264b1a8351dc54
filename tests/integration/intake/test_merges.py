from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg

from app.runtime import Runtime
from intake.payload import Activity, Actor
from intake.record import record_activities
from ledger.register.projects import ProjectInput, create_project
from tests.conftest import GraphQL

MERGE = """
mutation($input: MergeContributorsInput!) {
  mergeContributors(input: $input) {
    __typename
    ... on MergePayload { mergeId contributor { number displayName } }
    ... on ConflictError { message }
    ... on ForbiddenError { message }
    ... on ValidationError { message }
  }
}
"""
UNMERGE = """
mutation($input: UnmergeContributorsInput!) {
  unmergeContributors(input: $input) {
    __typename
    ... on MergePayload { mergeId contributor { number displayName } }
    ... on ConflictError { message }
    ... on NotFoundError { message }
  }
}
"""
SUGGEST = """
query { mergeSuggestions(project: "demo") { one { displayName } other { displayName } reason } }
"""


def _activity(actor: Actor, key: str, month: int) -> Activity:
    return Activity(actor, "code", datetime(2024, month, 5, tzinfo=UTC), key, None, {})


async def _setup(pool: asyncpg.Pool) -> tuple[int, int]:
    ada_git = Actor("git", "ada@example.org", None, "Ada Lovelace", "ada@example.org")
    ada_hub = Actor("github", "1815", "ada", "Ada Lovelace", "ada@example.org")
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("demo", "Demo"), "admin")
        activities = [
            _activity(ada_git, "git:aaa", 1),
            _activity(ada_git, "git:bbb", 2),
            _activity(ada_hub, "github:pr:1:merged", 2),
        ]
        await record_activities(conn, project.id, activities, "test", "admin")
    rows = await pool.fetch("SELECT contributor_id FROM identities ORDER BY source DESC")
    return rows[0]["contributor_id"], rows[1]["contributor_id"]


async def _rollups(pool: asyncpg.Pool) -> dict[str, Any]:
    return {
        "people": [
            tuple(r)
            for r in await pool.fetch(
                "SELECT contributor_id, contributions, credit, first_at, last_at "
                "FROM contributor_stats ORDER BY contributor_id"
            )
        ],
        "months": [
            tuple(r)
            for r in await pool.fetch(
                "SELECT contributor_id, month, contributions, credit "
                "FROM contributor_month_stats ORDER BY 1, 2"
            )
        ],
        "project": tuple(
            await pool.fetchrow("SELECT contributions, contributors FROM project_stats")
        ),
        "owners": [
            tuple(r)
            for r in await pool.fetch(
                "SELECT natural_key, contributor_id FROM contributions ORDER BY natural_key"
            )
        ],
        "identities": [
            tuple(r)
            for r in await pool.fetch("SELECT id, contributor_id FROM identities ORDER BY id")
        ],
    }


async def test_same_name_contributors_are_suggested_not_merged(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool
) -> None:
    await _setup(pool)
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    body = await gql(SUGGEST, None, token)
    assert body == {
        "data": {
            "mergeSuggestions": [
                {
                    "one": {"displayName": "Ada Lovelace"},
                    "other": {"displayName": "Ada Lovelace"},
                    "reason": "same email, same name",
                }
            ]
        }
    }
    assert (
        await pool.fetchval("SELECT count(*) FROM contributors WHERE merged_into IS NOT NULL") == 0
    )


async def test_a_merge_moves_work_to_the_kept_contributor_and_an_unmerge_restores_it(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool
) -> None:
    git_person, hub_person = await _setup(pool)
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    before = await _rollups(pool)
    assert before["project"] == (3, 2)
    merged = await gql(
        MERGE, {"input": {"project": "demo", "source": git_person, "target": hub_person}}, token
    )
    payload = merged["data"]["mergeContributors"]
    assert payload["__typename"] == "MergePayload", payload
    assert payload["contributor"] == {"number": hub_person, "displayName": "Ada Lovelace"}
    during = await _rollups(pool)
    assert during["project"] == (3, 1)
    assert [p[:2] for p in during["people"]] == [(hub_person, 3)]
    assert [(m[0], m[2]) for m in during["months"]] == [(hub_person, 1), (hub_person, 2)]
    assert {o for _, o in during["owners"]} == {hub_person}
    assert await gql(SUGGEST, None, token) == {"data": {"mergeSuggestions": []}}

    undone = await gql(
        UNMERGE, {"input": {"project": "demo", "mergeId": payload["mergeId"]}}, token
    )
    assert undone["data"]["unmergeContributors"]["contributor"]["number"] == git_person
    assert await _rollups(pool) == before
    types = [
        r["type"]
        for r in await pool.fetch(
            "SELECT type FROM journal_events WHERE type LIKE 'contributors.%' ORDER BY seq"
        )
    ]
    assert types == ["contributors.merged", "contributors.unmerged"]
    again = await gql(UNMERGE, {"input": {"project": "demo", "mergeId": payload["mergeId"]}}, token)
    assert again["data"]["unmergeContributors"] == {
        "__typename": "NotFoundError",
        "message": f"no open merge {payload['mergeId']}",
    }


async def test_new_work_of_a_merged_identity_goes_to_the_kept_contributor(
    runtime: Runtime, pool: asyncpg.Pool, gql: GraphQL
) -> None:
    git_person, hub_person = await _setup(pool)
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    await gql(
        MERGE, {"input": {"project": "demo", "source": git_person, "target": hub_person}}, token
    )
    ada_git = Actor("git", "ada@example.org", None, "Ada Lovelace", "ada@example.org")
    project_id = await pool.fetchval("SELECT id FROM projects")
    async with pool.acquire() as conn, conn.transaction():
        await record_activities(conn, project_id, [_activity(ada_git, "git:ccc", 3)], "t", "a")
    owner = await pool.fetchval(
        "SELECT contributor_id FROM contributions WHERE natural_key = 'git:ccc'"
    )
    assert owner == hub_person


async def test_merging_a_contributor_into_itself_or_twice_is_refused(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool
) -> None:
    git_person, hub_person = await _setup(pool)
    token = runtime.tokens.issue("maya", roles={"demo": "maintainer"})
    same = await gql(
        MERGE, {"input": {"project": "demo", "source": hub_person, "target": hub_person}}, token
    )
    assert same["data"]["mergeContributors"] == {
        "__typename": "ValidationError",
        "message": "a contributor cannot be merged into itself",
    }
    await gql(
        MERGE, {"input": {"project": "demo", "source": git_person, "target": hub_person}}, token
    )
    twice = await gql(
        MERGE, {"input": {"project": "demo", "source": git_person, "target": hub_person}}, token
    )
    assert twice["data"]["mergeContributors"] == {
        "__typename": "ConflictError",
        "message": f"contributor {git_person} is already merged into {hub_person}",
    }


async def test_a_maintainer_of_another_project_cannot_merge_these_contributors(
    gql: GraphQL, runtime: Runtime, pool: asyncpg.Pool
) -> None:
    git_person, hub_person = await _setup(pool)
    async with pool.acquire() as conn, conn.transaction():
        await create_project(conn, ProjectInput("other", "Other"), "admin")
    token = runtime.tokens.issue("oz", roles={"other": "maintainer"})
    body = await gql(
        MERGE, {"input": {"project": "other", "source": git_person, "target": hub_person}}, token
    )
    assert body["data"]["mergeContributors"] == {
        "__typename": "ForbiddenError",
        "message": "requires the maintainer role on project 'demo'",
    }
