from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from intake.backfill import Skipped, _Batch, _write, import_git
from ledger.journal.chain import verify
from ledger.kernel.errors import InvalidInput
from ledger.register.projects import ProjectInput, create_project

GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_COMMITTER_NAME": "Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.org",
}


def _git(repo: Path, *args: str, author: tuple[str, str] | None = None, when: str = "") -> None:
    env = {**os.environ, **GIT_ENV}
    if author:
        env.update(GIT_AUTHOR_NAME=author[0], GIT_AUTHOR_EMAIL=author[1])
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def _commit(repo: Path, name: str, who: tuple[str, str], message: str, when: str) -> None:
    (repo / name).write_text(f"{name}\n{message}\n")
    _git(repo, "add", name)
    _git(repo, "commit", "-q", "-m", message, author=who, when=when)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: 3 commits; branch 'feature': 1 more; tag on a commit reachable only from it."""
    path = tmp_path / "repo"
    path.mkdir()
    _git(path, "init", "-q", "-b", "main")
    ada, bob = ("Ada Lovelace", "ada@example.org"), ("Bob", "Bob@Example.org")
    _commit(
        path,
        "a.txt",
        ada,
        "Start\n\nSigned-off-by: Ada Lovelace <ada@example.org>",
        "2023-01-05T10:00:00Z",
    )
    _commit(
        path,
        "b.txt",
        bob,
        "Parser\n\nCo-authored-by: Ada Lovelace <ada@example.org>",
        "2023-03-05T10:00:00Z",
    )
    _commit(path, "c.txt", ada, "Docs ✓ unicode", "2024-02-01T10:00:00Z")
    _git(path, "checkout", "-q", "-b", "feature")
    _commit(path, "d.txt", ("Cy", "cy@example.org"), "Feature work", "2024-03-01T10:00:00Z")
    _git(path, "tag", "v1")
    _git(path, "checkout", "-q", "main")
    return path


async def _project(pool: asyncpg.Pool) -> int:
    async with pool.acquire() as conn, conn.transaction():
        return (await create_project(conn, ProjectInput("demo", "Demo"), "admin")).id


async def test_history_of_all_branches_is_imported_each_commit_once(
    pool: asyncpg.Pool, repo: Path
) -> None:
    project_id = await _project(pool)
    seen: list[int] = []
    result = await import_git(pool, project_id, repo, batch=2, progress=seen.append)
    assert (result.commits, result.recorded) == (4, 5)
    assert sum(seen) == 4
    rows = await pool.fetch(
        "SELECT p.display_name, count(*) AS n FROM contributions c "
        "JOIN contributors p ON p.id = c.contributor_id GROUP BY 1 ORDER BY 1"
    )
    assert [(r["display_name"], r["n"]) for r in rows] == [
        ("Ada Lovelace", 3),
        ("Bob", 1),
        ("Cy", 1),
    ]
    assert await pool.fetchval("SELECT count(*) FROM grants WHERE instrument = 'dco'") == 1
    state = await pool.fetchrow("SELECT commits, recorded, finished_at FROM git_imports")
    assert (state["commits"], state["recorded"]) == (4, 5)
    assert state["finished_at"] is not None


async def test_reimporting_adds_nothing(pool: asyncpg.Pool, repo: Path) -> None:
    project_id = await _project(pool)
    await import_git(pool, project_id, repo)
    events = await pool.fetchval("SELECT count(*) FROM journal_events")
    again = await import_git(pool, project_id, repo)
    assert (again.commits, again.recorded) == (4, 0)
    assert await pool.fetchval("SELECT count(*) FROM journal_events") == events
    async with pool.acquire() as conn:
        assert (await verify(conn, project_id)).ok


async def test_numstat_and_since_options(pool: asyncpg.Pool, repo: Path) -> None:
    project_id = await _project(pool)
    result = await import_git(pool, project_id, repo, numstat=True, since="2024-01-01")
    assert result.commits == 2
    metadata = await pool.fetch(
        "SELECT metadata FROM contributions WHERE NOT natural_key LIKE '%:co:%' ORDER BY occurred_at"
    )
    assert [(m["metadata"]["added"], m["metadata"]["files"]) for m in metadata] == [(2, 1), (2, 1)]


async def test_a_folder_that_is_not_a_repository_is_refused(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    project_id = await _project(pool)
    with pytest.raises(InvalidInput, match="git log failed"):
        await import_git(pool, project_id, tmp_path)


async def test_the_import_command_shows_progress_and_reports_counts(
    pool: asyncpg.Pool, repo: Path, database_url: str, tmp_path: Path
) -> None:
    await _project(pool)
    env = {**os.environ, "DATABASE_URL": database_url, "COMMONS_DATA_DIR": str(tmp_path / "d")}
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "commons"),
        "import",
        "git",
        str(repo),
        "--project",
        "demo",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert "read 4 commits, recorded 5 new contributions" in out.decode()
    assert "4/4" in out.decode()


async def test_the_first_batch_is_small_and_none_waits_for_a_full_one(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    from intake.backfill import HURRY_AT
    from tests.integration.intake.git_repos import many_commits, project

    history = many_commits(tmp_path / "many", 3 * HURRY_AT)
    project_id = await project(pool)
    sizes: list[int] = []
    result = await import_git(pool, project_id, history, batch=10_000, progress=sizes.append)
    # The importer waits from the start, so it takes the first records git printed
    # instead of waiting for 10,000 that the history does not even hold.
    assert HURRY_AT <= sizes[0] < HURRY_AT + 250  # taken 250 records at most at a time
    assert sum(sizes) == result.commits == 3 * HURRY_AT
    assert await pool.fetchval("SELECT count(*) FROM contributions") == 3 * HURRY_AT


async def test_skipped_commits_are_accounted_once_and_a_record_without_a_sha_is_not_stored(
    pool: asyncpg.Pool,
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("skips", "Skips"), "admin")
    merges = [Skipped(f"{n:040x}", "merge") for n in range(1, 2001)]
    odd = [Skipped("not,a sha", "unreadable"), Skipped("abc", "unreadable")]
    batch = _Batch(
        commits=len(merges) + 3, skipped=[*merges, *odd, Skipped("f" * 40, "unreadable")]
    )
    assert await _write(pool, project.id, "/r", batch) == (0, 2001)
    assert await _write(pool, project.id, "/r", batch) == (0, 0)  # each commit once
    stored = dict(
        await pool.fetch("SELECT reason, count(*) FROM git_skipped_commits GROUP BY reason")
    )
    assert stored == {"merge": 2000, "unreadable": 1}
    assert await pool.fetchval("SELECT commits FROM git_imports") == 2001
