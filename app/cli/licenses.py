"""``commons import reuse PATH --project SLUG``: report the files of a checkout whose
declared REUSE/SPDX license is incompatible with the project's outbound license, of
unknown compatibility, or not valid SPDX, each listed as prominently as the others."""

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
from licenses.reuse_scan import LISTED, ScanReport, scan


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


TITLES = {
    "incompatible": "Files incompatible with {outbound}",
    "unknown": "Files whose compatibility with {outbound} is unknown",
    "invalid": "Files whose declared license is not a valid SPDX expression",
}


def _tables(report: ScanReport) -> list[Table]:
    tables = []
    for status in LISTED:
        table = Table(title=TITLES[status].format(outbound=report.outbound))
        for column in ("File", "Declared", "Decided by", "Reason"):
            table.add_column(column)
        for item in report.having(status):
            decided = ", ".join(item.verdict.decided_by) if item.verdict else "SPDX grammar"
            table.add_row(item.path, item.declared or "", decided, item.reason)
        tables.append(table)
    return tables


def _disputed(report: ScanReport) -> Table:
    table = Table(title="Verdicts another source disagrees with")
    for column in ("File", "Verdict", "Other source says"):
        table.add_column(column)
    for item in report.disputed:
        assert item.verdict is not None
        others = "; ".join(
            f"{o.source}: {o.verdict} ({f.inbound} into {f.outbound})"
            for f in item.verdict.findings
            for o in f.opinions
            if o.status != f.status
        )
        table.add_row(item.path, f"{item.status} ({', '.join(item.verdict.decided_by)})", others)
    return table


@click.command(name="reuse")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--project", "slug", required=True, help="Project slug.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_reuse(path: Path, slug: str, as_json: bool) -> None:
    """Read REUSE/SPDX headers (SPDX-License-Identifier, REUSE.toml, .reuse/dep5) and
    list the files whose license is incompatible with the project's outbound license,
    of unknown compatibility or invalid, with the source that decided each verdict."""
    outbound = asyncio.run(_outbound(slug))
    report = scan(path, outbound)
    if as_json:
        click.echo(json.dumps({"project": slug, **report.as_json()}, indent=2))
        return
    console = Console(width=160)
    for table in _tables(report):
        console.print(table)
    if report.disputed:
        console.print(_disputed(report))
    for item in report.files:
        for warning in item.warnings:
            console.print(f"warning: {item.path}: {warning}")
    counts = ", ".join(f"{n} {status}" for status, n in report.summary.items())
    console.print(f"{len(report.files)} files: {counts}")
