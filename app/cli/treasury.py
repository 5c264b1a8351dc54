"""``commons export transactions``: the treasury CSV with running balances."""

from __future__ import annotations

import asyncio
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

import click

from app import database
from app.cli.common import database_url
from ledger.register.projects import get_project
from ledger.treasury.export import TransactionsCsv


async def _write(slug: str, out: TextIO, since: date | None, until: date | None) -> int:
    conn = await database.connect(database_url())
    try:
        project = await get_project(conn, slug)
        export = TransactionsCsv(project.id, since, until)
        async with conn.transaction(readonly=True):
            async for chunk in export.chunks(conn):
                out.write(chunk)
        return export.rows
    finally:
        await conn.close()


@click.command(name="transactions")
@click.option("--project", "slug", required=True, help="Project slug.")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File to write (standard output when left out).",
)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="First value date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last value date.")
def export_transactions(
    slug: str, output: Path | None, since: datetime | None, until: datetime | None
) -> None:
    """Treasury transactions with a running balance per currency, as CSV."""
    first, last = (since.date() if since else None), (until.date() if until else None)
    if first and last and first > last:
        raise click.BadParameter("--since is after --until")
    if output is None:
        rows = asyncio.run(_write(slug, sys.stdout, first, last))
    else:
        with output.open("w", encoding="utf-8", newline="") as handle:
            rows = asyncio.run(_write(slug, handle, first, last))
    click.echo(f"exported {rows} rows", err=True)
