"""Which history a git import reads, what merges earn, authors whose email cannot be an
address, and commits counted once across reruns."""

from __future__ import annotations

import subprocess
from pathlib import Path

import asyncpg
import pytest

from intake.backfill import import_git
from intake.gitlog import GitProcess, MergeDiffs, merge_diff_command
from intake.settings import set_intake_settings
from ledger.journal.chain import verify
from ledger.kernel.errors import InvalidInput
from ledger.register.projects import get_project
from tests.integration.intake.git_repos import commit, git, new_repo, project

ADA, BOB, CY = ("Ada", "ada@example.org"), ("Bob", "bob@example.org"), ("Cy", "cy@example.org")


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    """main (2 commits), a tag, origin's branch (1 more), a pull request's head and a
    notes ref (1 more each): what a mirror or a working clone carries."""
    repo = new_repo(tmp_path / "repo")
    commit(repo, ADA, "One", "2024-01-01T10:00:00Z")
    base = commit(repo, BOB, "Two", "2024-01-02T10:00:00Z")
    git(repo, "tag", "v1")
    git(repo, "checkout", "-q", "-b", "topic")
    remote = commit(repo, CY, "On origin", "2024-01-03T10:00:00Z")
    git(repo, "update-ref", "refs/remotes/origin/topic", remote)
    git(repo, "checkout", "-q", "--detach", base)
    pull = commit(repo, ("Stranger", "stranger@example.org"), "A pull", "2024-01-04T10:00:00Z")
    git(repo, "update-ref", "refs/pull/7/head", pull)
    git(repo, "checkout", "-q", "main")
    git(repo, "branch", "-D", "topic")
    git(repo, "notes", "add", "-m", "a note", base, who=("Noter", "noter@example.org"))
    return repo


async def _people(pool: asyncpg.Pool) -> list[str]:
    rows = await pool.fetch(
        "SELECT DISTINCT p.display_name FROM contributions c "
        "JOIN contributors p ON p.id = c.contributor_id ORDER BY 1"
    )
    return [r["display_name"] for r in rows]


async def test_the_default_refs_are_branches_tags_and_origin_never_pulls_or_notes(
    pool: asyncpg.Pool, mirror: Path
) -> None:
    project_id = await project(pool)
    result = await import_git(pool, project_id, mirror)
    assert result.commits == 3
    assert await _people(pool) == ["Ada", "Bob", "Cy"]


async def test_refs_patterns_choose_other_history(pool: asyncpg.Pool, mirror: Path) -> None:
    project_id = await project(pool)
    result = await import_git(pool, project_id, mirror, refs=["refs/pull/*"])
    assert result.commits == 3
    assert await _people(pool) == ["Ada", "Bob", "Stranger"]
    with pytest.raises(InvalidInput, match="must be a pattern"):
        await import_git(pool, project_id, mirror, refs=["--all"])


@pytest.fixture
def merges(tmp_path: Path) -> Path:
    """A clean merge of a branch touching another file, then a merge whose conflict
    was resolved by hand (changes of its own); merges committed by Cy."""
    repo = new_repo(tmp_path / "merges")
    commit(repo, ADA, "Base", "2024-01-01T10:00:00Z", "a.txt")
    git(repo, "checkout", "-q", "-b", "side")
    commit(repo, BOB, "Side", "2024-01-02T10:00:00Z", "b.txt")
    git(repo, "checkout", "-q", "main")
    commit(repo, ADA, "Main", "2024-01-03T10:00:00Z", "c.txt")
    git(repo, "merge", "-q", "--no-edit", "side", who=CY, when="2024-01-04T10:00:00Z")
    git(repo, "checkout", "-q", "-b", "fight")
    commit(repo, BOB, "Theirs", "2024-01-05T10:00:00Z", "a.txt")
    git(repo, "checkout", "-q", "main")
    commit(repo, ADA, "Ours", "2024-01-06T10:00:00Z", "a.txt")
    with pytest.raises(subprocess.CalledProcessError):  # git exits 1 on the conflict
        git(repo, "merge", "-q", "--no-edit", "fight", who=CY, when="2024-01-07T10:00:00Z")
    (repo / "a.txt").write_text("resolved by hand\n")
    git(repo, "add", "a.txt")
    git(repo, "commit", "-q", "--no-edit", who=CY, when="2024-01-07T10:00:00Z")
    return repo


async def _kinds(pool: asyncpg.Pool) -> list[tuple[str, str, bool]]:
    rows = await pool.fetch(
        "SELECT p.display_name, c.kind, c.counted FROM contributions c "
        "JOIN contributors p ON p.id = c.contributor_id ORDER BY c.occurred_at"
    )
    return [(r["display_name"], r["kind"], r["counted"]) for r in rows]


async def test_a_merge_without_changes_of_its_own_is_not_a_code_contribution(
    pool: asyncpg.Pool, merges: Path
) -> None:
    project_id = await project(pool)
    result = await import_git(pool, project_id, merges)
    assert (result.commits, result.merges) == (7, 1)
    # the clean merge is skipped; the hand-resolved one is code by its author
    assert await _kinds(pool) == [
        ("Ada", "code", True), ("Bob", "code", True), ("Ada", "code", True),
        ("Bob", "code", True), ("Ada", "code", True), ("Cy", "code", True),
    ]  # fmt: skip
    skipped = await pool.fetch("SELECT reason FROM git_skipped_commits")
    assert [r["reason"] for r in skipped] == ["merge"]


async def test_the_maintenance_policy_credits_clean_merges_to_their_committer(
    pool: asyncpg.Pool, merges: Path
) -> None:
    project_id = await project(pool)
    async with pool.acquire() as conn, conn.transaction():
        found = await get_project(conn, "demo")
        await set_intake_settings(conn, found, "admin", merge_commits="maintenance")
    result = await import_git(pool, project_id, merges, merge_diffs=False)
    assert result.merges == 2  # without merge diffs, every merge counts as a clean one
    kinds = await _kinds(pool)
    assert [k for k in kinds if k[0] == "Cy"] == [("Cy", "maintenance", True)] * 2
    assert await pool.fetchval("SELECT count(*) FROM git_skipped_commits") == 0


async def test_authors_without_a_usable_email_are_recorded_never_dropped(
    pool: asyncpg.Pool, tmp_path: Path
) -> None:
    repo = new_repo(tmp_path / "odd")
    long = "x" * 300 + "@example.org"
    commit(repo, ("root", "root"), "No at sign", "2024-01-01T10:00:00Z")
    commit(repo, ("Long", long), "Overlong", "2024-01-02T10:00:00Z")
    commit(repo, ADA, f"Pair\n\nCo-authored-by: Far <{long[1:]}>", "2024-01-03T10:00:00Z")
    commit(repo, ("root", "root"), "Again", "2024-01-04T10:00:00Z")
    project_id = await project(pool)
    result = await import_git(pool, project_id, repo)
    assert (result.commits, result.recorded, result.unaddressed) == (4, 5, 3)
    assert await _people(pool) == ["Ada", "Far", "Long", "root"]
    stored = await pool.fetch(
        "SELECT i.email FROM identities i JOIN contributors p ON p.id = i.contributor_id "
        "WHERE p.display_name IN ('root', 'Long', 'Far')"
    )
    assert [r["email"] for r in stored] == [None, None, None]  # not addresses: not kept
    again = await import_git(pool, project_id, repo)
    assert (again.commits, again.recorded, again.distinct) == (4, 0, 0)


async def test_the_import_counts_distinct_commits_across_reruns(
    pool: asyncpg.Pool, merges: Path
) -> None:
    project_id = await project(pool)
    first = await import_git(pool, project_id, merges, since="2024-01-05")
    assert first.distinct == first.commits == 3
    second = await import_git(pool, project_id, merges)
    assert (second.commits, second.distinct) == (7, 4)
    await import_git(pool, project_id, merges)
    assert await pool.fetchval("SELECT commits FROM git_imports") == 7
    async with pool.acquire() as conn:
        assert (await verify(conn, project_id)).ok


async def test_the_merges_diffs_are_read_from_the_first_merge_on(
    merges: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "started"
    command = ["sh", "-c", f'touch "{marker}"; exec "$@"', "sh", *merge_diff_command(merges, None)]
    log = GitProcess(command)
    diffs = MergeDiffs(log)
    try:
        assert not marker.exists()  # a linear history would never start it
        first_merge = git(merges, "rev-list", "--merges", "main").splitlines()[0]
        assert await diffs.own_changes(first_merge) is True  # the hand-resolved conflict
        assert marker.exists()
    finally:
        await log.close()
