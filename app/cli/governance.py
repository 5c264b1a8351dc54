"""``commons governance close-due`` (close every proposal whose time has passed) and
``commons governance recheck`` (recompute a decided proposal from its public events and,
for a secret vote, check the voter list as one elector sees it)."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

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
@click.option(
    "--elector",
    type=click.IntRange(1),
    default=None,
    help="Secret ballots: also check the list of who voted as this elector sees it "
    "(listed with --receipt, not listed without: no ballot cast in their name).",
)
@click.option(
    "--receipt", default=None, help="With --elector: the receipt of their last secret ballot."
)
def recheck(slug: str, number: int, elector: int | None, receipt: str | None) -> None:
    """Recompute a decided proposal from its journal events; exit 1 on any mismatch."""
    url = database_url()
    if receipt is not None and elector is None:
        raise click.UsageError("--receipt needs --elector")

    async def run() -> dict[str, Any]:
        conn = await database.connect(url)
        try:
            project = await get_project(conn, slug)
            events = await audit.published(conn, project.id, number)
        finally:
            await conn.close()
        found: dict[str, Any] = {"problems": audit.recheck(events)}
        if elector is not None:
            mine = audit.as_elector(events, elector, receipt)
            found["problems"] += mine.problems
            if receipt is not None:
                found["ballot"] = mine.ballot
        return found

    answer = asyncio.run(run())
    click.echo(json.dumps({"project": slug, "proposal": number, **answer}))
    sys.exit(1 if answer["problems"] else 0)
