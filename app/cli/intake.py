"""Intake commands: ``commons forge add``, ``commons worker``, ``commons inbox replay``,
``commons inbox purge`` and ``commons erase``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
import click

from app import database
from app.cli.common import database_url, settings_or_exit
from app.routes.webhooks import worker_config

T = TypeVar("T")


def _run(work: Callable[[asyncpg.Pool], Awaitable[T]], pool_max: int = 4) -> T:
    """Run ``work`` with a pool on the configured (migrated) database."""
    url = database_url()

    async def go() -> T:
        await database.ensure_migrated(url)
        pool = await database.create_pool(url, min_size=1, max_size=pool_max)
        try:
            return await work(pool)
        finally:
            await pool.close()

    return asyncio.run(go())


@click.group()
def forge() -> None:
    """Forge connections (webhook secrets)."""


@forge.command("add")
@click.option("--project", "slug", required=True, help="Project slug.")
@click.option(
    "--forge",
    "forge_name",
    required=True,
    type=click.Choice(["github", "gitlab", "gitea", "forgejo", "bitbucket", "standard"]),
)
@click.option(
    "--secret",
    envvar="COMMONS_FORGE_SECRET",
    prompt=True,
    hide_input=True,
    help="The webhook secret (or COMMONS_FORGE_SECRET); never printed or journaled.",
)
@click.option("--label", default="", help="A name for this secret (e.g. its rotation date).")
@click.option(
    "--base-url",
    default=None,
    help="The forge server's address, for deliveries that name no repository address.",
)
def forge_add(slug: str, forge_name: str, secret: str, label: str, base_url: str | None) -> None:
    """Connect a forge to a project, or add a second secret for rotation."""
    from intake.connections import connect_forge
    from ledger.register.projects import get_project

    async def work(pool: asyncpg.Pool) -> str:
        async with pool.acquire() as conn, conn.transaction():
            project = await get_project(conn, slug)
            info = await connect_forge(conn, project, forge_name, secret, label, "cli", base_url)
        return f"secret {info.id} active; deliveries go to /webhooks/{forge_name}/{slug}"

    click.echo(_run(work))


@click.command()
@click.option("--drain", is_flag=True, help="Process what is due, then exit.")
def worker(drain: bool) -> None:
    """Process the webhook inbox (run as many as you like; they share it safely)."""
    from intake.worker import Worker

    settings = settings_or_exit()
    url = database_url()

    async def work(pool: asyncpg.Pool) -> int:
        runner = Worker(pool, url, worker_config(settings))
        if drain:
            return await runner.drain()
        await runner.run()
        return 0

    with contextlib.suppress(KeyboardInterrupt):
        settled = _run(work, pool_max=2)
        click.echo(f"settled {settled} deliveries")


@click.group()
def inbox() -> None:
    """The webhook inbox."""


@inbox.command("replay")
@click.option("--project", "slug", required=True, help="Project slug.")
@click.option("--delivery", "deliveries", type=int, multiple=True, help="Inbox id (repeatable).")
@click.option("--all-dead", is_flag=True, help="Replay every dead letter of the project.")
@click.option(
    "--ignored",
    type=click.Choice(["all", "no_rules", "repository_not_listed"]),
    default=None,
    help="Replay the deliveries ignored (for this reason), e.g. after the list of "
    "repositories changed.",
)
def inbox_replay(
    slug: str, deliveries: tuple[int, ...], all_dead: bool, ignored: str | None
) -> None:
    """Make settled deliveries (dead, ignored or done) pending again."""
    from intake import inbox as store
    from ledger.register.projects import get_project

    async def work(pool: asyncpg.Pool) -> int:
        async with pool.acquire() as conn, conn.transaction():
            project = await get_project(conn, slug)
            ids = list(deliveries)
            if all_dead:
                ids += [d.inbox_id for d in await store.dead_letters(conn, project.id)]
            if ignored:
                reason = None if ignored == "all" else ignored
                ids += await store.ignored_deliveries(conn, project.id, reason)
            for inbox_id in dict.fromkeys(ids):
                await store.replay(conn, project.id, inbox_id, "cli")
            return len(set(ids))

    click.echo(f"replayed {_run(work)} deliveries")


@inbox.command("purge")
@click.option(
    "--days",
    type=click.IntRange(0),
    default=None,
    help="Keep payloads settled less than this many days ago "
    "(default: COMMONS_INBOX_RETENTION_DAYS).",
)
def inbox_purge(days: int | None) -> None:
    """Drop the raw payloads of deliveries settled longer ago than the retention period."""
    from intake.retention import purge_processed

    keep = settings_or_exit().inbox_retention_days if days is None else days

    async def work(pool: asyncpg.Pool) -> int:
        return await purge_processed(pool, keep)

    click.echo(f"purged the payloads of {_run(work)} deliveries")


@click.command()
@click.option("--contributor", type=int, required=True, help="Contributor number.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(contributor: int, yes: bool) -> None:
    """Forget a contributor at their request: tombstone their personal data, purge the
    raw payloads that mention them; their contributions keep their number and credit."""
    from intake.erasure import erase_contributor

    if not yes:
        click.confirm(f"Erase the personal data of contributor {contributor}?", abort=True)

    async def work(pool: asyncpg.Pool) -> str:
        async with pool.acquire() as conn, conn.transaction():
            done = await erase_contributor(conn, contributor, "cli")
        if done.already:
            return f"contributor {done.contributor_id} was erased already"
        return (
            f"erased contributor {done.contributor_id}: {done.identities} identities, "
            f"{done.deliveries_purged} payloads purged, journaled in "
            f"{len(done.projects)} projects"
        )

    click.echo(_run(work))
