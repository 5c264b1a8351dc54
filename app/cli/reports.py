"""``commons report`` (a period's report in one format, with progress), ``commons demo``
(a realistic commons to explore), and offline verification of signed reports used by
``commons verify REPORT.json|URL [--jwks ...] [--journal ...]`` and
``commons verify --from OLD --to NEW [--jwks ...]``."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import httpx
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from app import database
from app.cli.common import database_url, settings_or_exit
from ledger.journal.keys import load_or_create
from reports import service
from reports.verify import Verdict, verify_growth, verify_report

STEPS = ["signing the tree head", "contributors", "organisations", "funding", "licensing",
         "decisions", "evidence", "rendering"]  # fmt: skip


@click.command()
@click.option("--project", "slug", required=True, help="Project slug.")
@click.option("--period", required=True, help="2026-07, 2026-Q3, 2026 or 2026-01-01..2026-03-31.")
@click.option(
    "--format", "fmt", type=click.Choice(list(service.FORMATS)), default="html", show_default=True
)
@click.option("--table", default=None, help="CSV table: contributions, funding or ballots.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
def report(slug: str, period: str, fmt: str, table: str | None, output: Path) -> None:
    """Write a project's transparency report for a period (JSON is signed)."""
    settings = settings_or_exit()
    keys = load_or_create(settings.data_dir / "keys")
    url = database_url()
    console = Console(stderr=True)

    async def run() -> bytes:
        pool = await database.create_pool(url, min_size=1, max_size=2)
        try:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar:
                task = bar.add_task("starting", total=len(STEPS) if fmt != "csv" else 1)

                def step(name: str) -> None:
                    bar.update(task, description=name, advance=1)

                return await service.produce(
                    pool, keys, slug, period, fmt, table, step, settings.report_embed_limit
                )
        finally:
            await pool.close()

    body = asyncio.run(run())
    output.write_bytes(body)
    click.echo(f"wrote {output} ({len(body)} bytes)", err=True)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _is_url(source: str | None) -> bool:
    return bool(source) and str(source).startswith(("http://", "https://"))


def load_jwks(source: str) -> dict[str, Any]:
    """A JWK Set from a file or an http(s) URL."""
    if _is_url(source):
        response = httpx.get(source, timeout=10)
        response.raise_for_status()
        loaded: dict[str, Any] = response.json()
        return loaded
    data: dict[str, Any] = json.loads(Path(source).read_text())
    return data


def _load_report(source: str) -> dict[str, Any]:
    try:
        if _is_url(source):
            response = httpx.get(source, timeout=60)
            response.raise_for_status()
            data = response.json()
        else:
            data = json.loads(Path(source).read_text())
    except (OSError, ValueError, httpx.HTTPError) as exc:
        raise click.ClickException(f"cannot read {source}: {exc}") from None
    if not isinstance(data, dict):
        raise click.ClickException(f"{source} is not a signed report")
    return data


def journal_lines(source: str) -> Iterator[bytes]:
    """The lines of a journal export, from a file or streamed from an http(s) URL."""
    if not _is_url(source):
        with Path(source).open("rb") as lines:
            yield from lines
        return
    with httpx.stream("GET", source, timeout=60) as response:
        response.raise_for_status()
        rest = b""
        for chunk in response.iter_bytes(1 << 20):
            rest += chunk
            *complete, rest = rest.split(b"\n")
            yield from complete
        if rest:
            yield rest


def _journal_of(report_source: str, signed: dict[str, Any], journal: str | None) -> str | None:
    """The journal export to stream: as given, else the report's instance's when the
    report was fetched from it and embeds no events."""
    if journal is not None:
        return journal
    report = signed.get("report") or {}
    if not _is_url(report_source) or (report.get("evidence") or {}).get("events_embedded"):
        return None
    slug = (report.get("project") or {}).get("slug")
    size = (report.get("tree_head") or {}).get("tree_size")
    return f"{_origin(report_source)}/projects/{slug}/journal.jsonl?to={size}"


def _print(verdict: Verdict) -> None:
    for name, ok, detail in verdict.checks:
        mark = "ok  " if ok else "FAIL"
        click.echo(f"{mark} {name}" + (f": {detail}" if detail else ""))
    if verdict.attested:
        click.echo("attested only (stated by the instance, not recomputable offline):")
        for item in verdict.attested:
            click.echo(f"  - {item.get('item')}: {item.get('why')}")
    click.echo("verified" if verdict.ok else "NOT verified")


def verify_files(
    report_file: str | None,
    jwks: str | None,
    old: str | None,
    new: str | None,
    journal: str | None = None,
) -> None:
    """Verify one signed report, or that a newer report's journal extends an older one's.

    Reports, key sets and journal exports are files or http(s) URLs; without ``--jwks``
    the key set is fetched from the instance a report URL names."""
    if report_file is None and (old is None or new is None):
        raise click.UsageError("give REPORT.json, or both --from OLD and --to NEW")
    named = report_file or new
    if jwks is None and _is_url(named):
        jwks = f"{_origin(str(named))}/.well-known/jwks.json"
    if jwks is None:
        raise click.UsageError(
            "--jwks FILE_OR_URL is needed to check signatures (or give the report as the URL "
            "it is served at, whose instance publishes the keys)"
        )
    try:
        keys = load_jwks(jwks)
    except Exception as exc:
        raise click.ClickException(f"cannot load the key set from {jwks}: {exc}") from None
    if report_file is not None:
        signed = _load_report(report_file)
        source = _journal_of(report_file, signed, journal)
        verdict = verify_report(signed, keys, journal_lines(source) if source else None)
    elif old is not None and new is not None:
        newer = _load_report(new)
        source = _journal_of(new, newer, journal)
        lines = journal_lines(source) if source else None
        verdict = verify_growth(_load_report(old), newer, keys, journal=lines)
    _print(verdict)
    if not verdict.ok:
        sys.exit(1)


@click.command()
@click.option("--contributors", type=click.IntRange(10, 5000), default=300, show_default=True)
@click.option("--contributions", type=click.IntRange(100, 200_000), default=6000, show_default=True)
def demo(contributors: int, contributions: int) -> None:
    """Seed the demo commons ``aurora`` (people, work, sponsors, grants, decided proposals)
    and ``larder`` (a cookbook wiki's history)."""
    from app.demo import seed_demo

    url = database_url()
    database.migrate(url)
    console = Console(stderr=True)

    async def run() -> Any:
        pool = await database.create_pool(url, min_size=1, max_size=3)
        try:
            with console.status("seeding") as status:
                return await seed_demo(
                    pool, contributors, contributions, progress=lambda s: status.update(s)
                )
        finally:
            await pool.close()

    seeded = asyncio.run(run())
    for name, count in seeded.counts.items():
        click.echo(f"{count:>7} {name}")
    year = datetime.now(UTC).year
    click.echo(
        f"project {seeded.slug!r} is ready: `make serve`, then open http://127.0.0.1:8000/graphql "
        f"(GraphiQL) and http://127.0.0.1:8000/projects/{seeded.slug}/reports/{year}.html"
    )
    click.echo(
        f"project {seeded.wiki_slug!r} (a wiki's history) is ready: "
        f"http://127.0.0.1:8000/projects/{seeded.wiki_slug}/reports/{year}.html"
    )
