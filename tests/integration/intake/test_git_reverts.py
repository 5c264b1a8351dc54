"""A history import recognises ``git revert``: the revert names the commit it undoes,
the journal carries it, and the report counts it with who reverted."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import asyncpg
import pytest

from intake.backfill import import_git
from ledger.register.projects import ProjectInput, create_project
from reports import contributor_metrics, critics
from reports.period import parse_period

ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
       "GIT_COMMITTER_NAME": "Committer", "GIT_COMMITTER_EMAIL": "committer@example.org"}  # fmt: skip


def _git(repo: Path, *args: str, who: str = "Ada", when: str = "") -> str:
    env = {**os.environ, **ENV, "GIT_AUTHOR_NAME": who,
           "GIT_AUTHOR_EMAIL": f"{who.lower()}@example.org"}  # fmt: skip
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    done = subprocess.run(["git", "-C", str(repo), *args], check=True, env=env,
                          capture_output=True, text=True)  # fmt: skip
    return done.stdout.strip()


@pytest.fixture
def reverted(tmp_path: Path) -> tuple[Path, str]:
    """Ada's two commits, the second reverted by Bob with ``git revert``; its sha."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    for n, day in ((1, "01"), (2, "02")):
        (repo / f"{n}.txt").write_text(f"{n}\n")
        _git(repo, "add", f"{n}.txt")
        _git(repo, "commit", "-q", "-m", f"Step {n}", when=f"2024-03-{day}T10:00:00Z")
    target = _git(repo, "rev-parse", "HEAD")
    _git(repo, "revert", "--no-edit", "HEAD", who="Bob", when="2024-03-03T10:00:00Z")
    return repo, target


async def test_a_git_revert_is_recorded_as_one_and_counted(
    pool: asyncpg.Pool, reverted: tuple[Path, str]
) -> None:
    repo, target = reverted
    async with pool.acquire() as conn, conn.transaction():
        project = await create_project(conn, ProjectInput("parser", "Parser"), "admin")
    await import_git(pool, project.id, repo)
    body = await pool.fetchval(
        "SELECT body FROM journal_events WHERE type = 'contribution.recorded' AND body ? 'reverts'"
    )
    assert body["reverts"] == [target]
    march = parse_period("2024-03")
    people = await contributor_metrics.contributor_metrics(pool, project.id, march)
    reverts = (await critics.quality(pool, project.id, march, people))["reverts"]
    assert (reverts["reverts"], reverts["reverted"], reverts["share"]) == (1, 1, "0.3333")
    reverter = await pool.fetchval(
        "SELECT contributor_id FROM contributions WHERE metadata ? 'reverts'"
    )
    assert reverts["by_reverter"] == [{"contributor_id": reverter, "reverts": 1, "reverted": 1}]
    assert reverter == body["contributor_id"]
