"""The commit-sha checks of ``grants`` and ``git_skipped_commits`` accept exactly what
``^[0-9a-f]{7,64}$`` accepts (as Python's own regular expressions read it), written the
cheap way (revision 0021)."""

from __future__ import annotations

import re

import asyncpg
import pytest

from ledger.register.projects import ProjectInput, create_project

CANDIDATES = [
    "a" * 7,
    "0123456789abcdef" * 4,  # 64
    "a" * 6,
    "a" * 65,
    "ABCDEF0",
    "abcdefg",
    "abcdef0\n",
    "abcdef0 ",
    " abcdef0",
    "abc\ndef0",
    "abcdef\u0660",  # an Arabic-Indic digit: not in [0-9]
    "",
]
_SAME_AS_BEFORE = re.compile(r"[0-9a-f]{7,64}")
_SKIP = "INSERT INTO git_skipped_commits (project_id, sha, reason, repository) VALUES ($1, $2, 'merge', 'r')"


@pytest.mark.parametrize("sha", CANDIDATES)
async def test_a_skipped_commit_sha_is_checked_as_before(pool: asyncpg.Pool, sha: str) -> None:
    async with pool.acquire() as conn:
        async with conn.transaction():
            project = await create_project(conn, ProjectInput("shas", "Shas"), "admin")
        accepted = True
        try:
            async with conn.transaction():
                await conn.execute(_SKIP, project.id, sha)
        except asyncpg.CheckViolationError:
            accepted = False
    assert accepted == bool(_SAME_AS_BEFORE.fullmatch(sha))


@pytest.mark.parametrize("sha", CANDIDATES)
async def test_a_grant_commit_sha_is_checked_as_before(pool: asyncpg.Pool, sha: str) -> None:
    definition = await pool.fetchval(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'grants_commit_sha_check'"
    )
    check = definition.removeprefix("CHECK ").replace("commit_sha", "$1::text")
    assert "{" not in check, "a bounded repetition costs ~10 us per row"
    assert await pool.fetchval(f"SELECT {check}", sha) == bool(_SAME_AS_BEFORE.fullmatch(sha))
