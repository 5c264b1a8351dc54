"""``commons import reuse PATH --project SLUG``: report the files of a checkout whose
declared REUSE/SPDX license is incompatible with the project's outbound license."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from app import database
from app.cli.common import database_url
from ledger.kernel.errors import InvalidInput
from licenses.reuse_scan import ScanReport, scan


async def _outbound(slug: str) -> str:
    from ledger.register.projects import get_project

    conn = await database.connect(database_url())
    try:
        project = await get_project(conn, slug)
    finally:
        await conn.close()
    if not project.outbound_license:
        raise InvalidInput(f"project {slug!r} declares no outbound license", "project")
    return project.outbound_license


def _table(report: ScanReport) -> Table:
    table = Table(title=f"Files incompatible with {report.outbound}")
    for column in ("File", "Declared", "Reason"):
        table.add_column(column)
    for item in report.incompatible:
        table.add_row(item.path, item.declared or "", item.reason)
    return table


@click.command(name="reuse")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--project", "slug", required=True, help="Project slug.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_reuse(path: Path, slug: str, as_json: bool) -> None:
    """Read REUSE/SPDX headers (SPDX-License-Identifier, REUSE.toml, .reuse/dep5) and
    list files whose license is incompatible with the project's outbound license."""
    outbound = asyncio.run(_outbound(slug))
    report = scan(path, outbound)
    if as_json:
        click.echo(json.dumps({"project": slug, **report.as_json()}, indent=2))
        return
    console = Console(width=160)
    console.print(_table(report))
    counts = ", ".join(f"{n} {status}" for status, n in report.summary.items())
    console.print(f"{len(report.files)} files: {counts}")
