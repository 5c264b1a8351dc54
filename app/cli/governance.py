"""``commons governance close-due`` (close every proposal whose time has passed) and
``commons governance recheck`` (recompute a decided proposal from its public events)."""

from __future__ import annotations

import asyncio
import json
import sys

import click

from app import database
from app.cli.common import database_url
from governance import audit, service
from ledger.register.projects import get_project


@click.group()
def governance() -> None:
    """Votes: close due proposals, recheck published results."""


@governance.command("close-due")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
def close_due(limit: int) -> None:
    """Close open proposals whose closing time has passed (by the database's clock)."""
    url = database_url()

    async def run() -> list[tuple[int, int, str]]:
        pool = await database.create_pool(url, min_size=1, max_size=2)
        try:
            closed = await service.close_due(pool, limit, actor="cli")
            return [(p.project_id, p.id, p.outcome or "") for p in closed]
        finally:
            await pool.close()

    for project_id, number, outcome in asyncio.run(run()):
        click.echo(f"project {project_id} proposal {number}: {outcome}")


@governance.command()
@click.option("--project", "slug", required=True, help="Project slug.")
@click.option("--number", required=True, type=click.IntRange(1), help="Proposal number.")
def recheck(slug: str, number: int) -> None:
    """Recompute a decided proposal from its journal events; exit 1 on any mismatch."""
    url = database_url()

    async def run() -> list[str]:
        conn = await database.connect(url)
        try:
            project = await get_project(conn, slug)
            return audit.recheck(await audit.published(conn, project.id, number))
        finally:
            await conn.close()

    problems = asyncio.run(run())
    click.echo(json.dumps({"project": slug, "proposal": number, "problems": problems}))
    sys.exit(1 if problems else 0)
