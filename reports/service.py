"""Producing a report in one format: the signed JSON, the HTML page, Markdown or a CSV table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
import orjson

from ledger.journal.keys import InstanceKeys
from ledger.kernel.errors import InvalidInput
from ledger.register.projects import get_project
from reports import build, evidence
from reports.period import parse_period
from reports.render.csv import check_table, render_csv
from reports.render.html import render_html
from reports.render.markdown import render_markdown

FORMATS: dict[str, str] = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def check_format(name: str) -> str:
    """A known format name."""
    if name not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}", "format")
    return name


def split_name(name: str) -> tuple[str, str]:
    """``2026-Q3.html`` -> (``2026-Q3``, ``html``)."""
    label, dot, fmt = name.rpartition(".")
    if not dot or not label:
        raise InvalidInput("name the report as PERIOD.FORMAT, e.g. 2026-Q3.html", "format")
    return label, check_format(fmt)


async def produce(
    pool: asyncpg.Pool,
    keys: InstanceKeys,
    slug: str,
    period_label: str,
    fmt: str,
    table: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
    embed_limit: int = evidence.EMBED_LIMIT,
    reader: asyncpg.Pool | None = None,
) -> bytes:
    """The report of a project and period in one format, as bytes (read on ``reader``,
    a read replica, where it can be: see ``build.build_document``)."""
    check_format(fmt)
    period = parse_period(period_label)
    project = await get_project(reader or pool, slug)
    if fmt == "csv":
        name = check_table(table)
        progress(f"{name} table")
        async with (reader or pool).acquire() as conn:
            return await render_csv(conn, project.id, period, name)
    # Only the signed JSON carries the journal's events; the pages show the figures.
    limit = embed_limit if fmt == "json" else 0
    doc = await build.build_document(pool, project, period, keys, progress, limit, reader)
    progress("rendering")
    if fmt == "json":
        signed: dict[str, Any] = build.sign_document(doc, keys)
        return orjson.dumps(signed)
    if fmt == "html":
        return render_html(doc).encode()
    return render_markdown(doc).encode()
