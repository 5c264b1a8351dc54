"""Git history: ``commons import git`` (stopped cleanly by any signal) and the project's
intake policy: ``commons intake settings``, ``commons intake bot`` (mark a contributor
as a bot or a person) and ``commons intake accept-mailmap``."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
import click

from app.cli.common import run_until_signalled
from app.cli.intake import _run

if TYPE_CHECKING:
    from intake.backfill import ImportResult


@click.command("git")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--project", "slug", required=True, help="Project slug.")
@click.option("--numstat", is_flag=True, help="Record lines added/deleted per commit.")
@click.option("--since", default=None, help="Only commits after this date (YYYY-MM-DD).")
@click.option(
    "--refs",
    "refs",
    multiple=True,
    help="Read the refs matching this pattern (git's --glob, e.g. 'refs/heads/*'; "
    "repeatable) instead of the branches, tags and origin's branches.",
)
@click.option(
    "--no-merge-diffs",
    is_flag=True,
    help="Take every merge commit for one without changes of its own (git computes no "
    "merge diff; faster on histories with many merges).",
)
@click.option(
    "--batch",
    type=click.IntRange(1, 100_000),
    default=10_000,
    show_default=True,
    help="Commits per transaction at most (a stopped import loses at most one batch).",
)
@click.option(
    "--skipped",
    "skipped_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write the commits that could not be read to this file (sha and reason per line).",
)
def import_git(
    path: Path,
    slug: str,
    numstat: bool,
    since: str | None,
    refs: tuple[str, ...],
    no_merge_diffs: bool,
    batch: int,
    skipped_file: Path | None,
) -> None:
    """Import a repository's history (branches, tags and origin's branches, never
    refs/pull or refs/notes); safe to re-run, and to stop with any signal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from intake.backfill import count_commits
    from intake.backfill import import_git as run_import
    from ledger.register.projects import get_project

    done: list[int] = []

    async def work(pool: asyncpg.Pool) -> ImportResult:
        project = await get_project(pool, slug)
        total = await count_commits(path, since, refs)
        columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, transient=False) as bar:
            task = bar.add_task("commits", total=total)

            def advance(n: int) -> None:
                done.append(n)
                bar.advance(task, n)

            return await run_import(
                pool, project.id, path, numstat=numstat, since=since, refs=refs,
                merge_diffs=not no_merge_diffs, batch=batch, progress=advance,
            )  # fmt: skip

    result, number = run_until_signalled(work)
    if result is None:
        name = signal.Signals(number).name
        click.echo(
            f"stopped by {name} after {sum(done)} commits; what was recorded is saved, "
            "run the same command again to resume",
            err=True,
        )
        sys.exit(128 + number)
    click.echo(_summary(result))
    if skipped_file is not None:
        skipped_file.write_text("".join(f"{s.sha}\t{s.reason}\n" for s in result.skipped))


def _summary(result: ImportResult) -> str:
    lines = [
        f"read {result.commits} commits, recorded {result.recorded} new contributions",
        f"{result.distinct} commits new to the project",
    ]
    if result.merges:
        lines.append(f"{result.merges} merge commits without changes of their own")
    if result.unaddressed:
        lines.append(
            f"{result.unaddressed} commits by authors without a usable email, recorded "
            "under identities keyed by what they gave"
        )
    if result.assistants:
        lines.append(f"{result.assistants} contributions by AI assistants recorded uncounted")
    if result.skipped:
        lines.append(f"{len(result.skipped)} commits could not be read (see --skipped)")
    if result.mailmap_links or result.mailmap_merged:
        lines.append(f".mailmap: {result.mailmap_links} new pairs, {result.mailmap_merged} merged")
    return "\n".join(lines)


@click.group("intake")
def intake_policy() -> None:
    """The project's intake policy: bots, AI assistants' credit, merges, .mailmap."""


def _policy_text(policy: object) -> str:
    from intake.settings import IntakeSettings

    assert isinstance(policy, IntakeSettings)
    return (
        f"bots: {', '.join(policy.bots) or '(none listed)'}\n"
        f"assistant credit: {'yes' if policy.assistant_credit else 'no'}\n"
        f"merge commits without changes of their own: {policy.merge_commits}\n"
        f"mailmap: {policy.mailmap}"
    )


@intake_policy.command("settings")
@click.option("--project", "slug", required=True, help="Project slug.")
@click.option("--bot", "bots", multiple=True, help="A login or name that is a bot (repeatable).")
@click.option("--clear-bots", is_flag=True, help="Empty the project's list of bots first.")
@click.option(
    "--assistant-credit/--no-assistant-credit",
    default=None,
    help="Whether AI assistants' work earns credit.",
)
@click.option("--merge-commits", type=click.Choice(["skip", "maintenance"]), default=None)
@click.option("--mailmap", type=click.Choice(["suggest", "apply"]), default=None)
def intake_settings(
    slug: str,
    bots: tuple[str, ...],
    clear_bots: bool,
    assistant_credit: bool | None,
    merge_commits: str | None,
    mailmap: str | None,
) -> None:
    """Show the project's intake policy, changing what the options say first."""
    from intake.settings import IntakeSettings, set_intake_settings
    from ledger.register.projects import get_project

    async def work(pool: asyncpg.Pool) -> str:
        async with pool.acquire() as conn, conn.transaction():
            project = await get_project(conn, slug)
            listed = () if clear_bots else IntakeSettings.of(project.settings).bots
            policy = await set_intake_settings(
                conn, project, "cli",
                bots=[*listed, *bots] if bots or clear_bots else None,
                assistant_credit=assistant_credit, merge_commits=merge_commits, mailmap=mailmap,
            )  # fmt: skip
        return _policy_text(policy)

    click.echo(_run(work))


@intake_policy.command("bot")
@click.argument("contributor", type=int)
@click.option("--person", is_flag=True, help="Mark as a person (not a bot) instead.")
def intake_bot(contributor: int, person: bool) -> None:
    """Mark a contributor as a bot (or a person); their work is recounted everywhere."""
    from intake.bot_marks import mark_bot

    async def work(pool: asyncpg.Pool) -> str:
        async with pool.acquire() as conn, conn.transaction():
            done = await mark_bot(conn, contributor, not person, "cli")
        what = "a bot" if done.bot else "a person"
        if not done.changed:
            return f"contributor {contributor} was marked {what} already"
        return (
            f"contributor {contributor} is now {what}: {sum(done.recounted.values())} "
            f"contributions recounted in {len(done.recounted)} projects"
        )

    click.echo(_run(work))


@intake_policy.command("accept-mailmap")
@click.option("--project", "slug", required=True, help="Project slug.")
def intake_accept_mailmap(slug: str) -> None:
    """Merge every pair of people the project's .mailmap names as one."""
    from intake.mailmap import accept
    from ledger.register.projects import get_project

    async def work(pool: asyncpg.Pool) -> str:
        async with pool.acquire() as conn, conn.transaction():
            project = await get_project(conn, slug)
            made = await accept(conn, project.id, "cli")
        return f"made {len(made)} merges"

    click.echo(_run(work))
