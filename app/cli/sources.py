"""Sources of contributions beyond forges: ``commons import mediawiki`` (a wiki's XML
dump), ``commons wiki follow`` (a live wiki's recent changes) and ``commons import
records`` (a community's own records, CSV or JSON Lines)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import click

from app.cli.common import Failed, run_until_signalled
from app.cli.intake import _run

if TYPE_CHECKING:
    from intake.wiki.edits import WikiOptions


def _kinds(given: tuple[str, ...]) -> dict[int, str]:
    kinds = {}
    for item in given:
        namespace, _, kind = item.partition("=")
        if not namespace.strip().lstrip("-").isdigit() or not kind:
            raise click.BadParameter(f"{item!r} is not NAMESPACE=KIND", param_hint="--kind")
        kinds[int(namespace)] = kind.strip()
    return kinds


def wiki_options(
    settings: dict[str, Any],
    kinds: tuple[str, ...],
    reverted: str,
    revert_kind: str,
    bots: tuple[str, ...],
) -> WikiOptions:
    """The import's switches from the project's settings and the command's options."""
    from intake.wiki.edits import WikiOptions

    return WikiOptions.of(
        settings,
        kinds=_kinds(kinds),
        reverted=reverted,
        revert_kind=None if revert_kind == "keep" else revert_kind,
        bots=bots,
    )


_KIND = click.option(
    "--kind", "kinds", multiple=True, help="NAMESPACE=KIND, e.g. 4=doc (repeatable)."
)
_REVERTED = click.option(
    "--reverted",
    type=click.Choice(["skip", "record"]),
    default="skip",
    show_default=True,
    help="What a reverted edit earns: nothing (not recorded), or its kind's credit.",
)
_REVERT_KIND = click.option(
    "--revert-kind",
    default="maintenance",
    show_default=True,
    help="The kind a revert is credited as ('keep': its namespace's kind).",
)
_BOT = click.option("--bot", "bots", multiple=True, help="An account that is a bot (repeatable).")


@click.command("mediawiki")
@click.argument("dump", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", "slug", required=True, help="Project slug.")
@click.option("--wiki", default=None, help="The wiki's name among wikis (default: its dbname).")
@click.option(
    "--terms",
    default=None,
    help="The SPDX license the wiki's terms put every edit under, e.g. "
    "'CC-BY-SA-4.0 OR GFDL-1.3-no-invariants-or-later' (default: the project's).",
)
@_KIND
@_REVERTED
@_REVERT_KIND
@_BOT
@click.option(
    "--log",
    "logs",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A logging dump whose rights log names the bot group's accounts.",
)
def import_mediawiki(
    dump: Path,
    slug: str,
    wiki: str | None,
    terms: str | None,
    kinds: tuple[str, ...],
    reverted: str,
    revert_kind: str,
    bots: tuple[str, ...],
    logs: tuple[Path, ...],
) -> None:
    """Import a MediaWiki XML dump (.xml, .bz2, .gz, .7z); safe to re-run."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from intake.wiki.importer import import_dump
    from ledger.register.projects import get_project

    size = dump.stat().st_size
    read: list[int] = [0]

    async def work(pool: asyncpg.Pool) -> str:
        project = await get_project(pool, slug)
        options = wiki_options(project.settings, kinds, reverted, revert_kind, bots)
        columns = ("{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn())
        with Progress(*columns, transient=False) as bar:
            task = bar.add_task("dump", total=size)

            def advance(done: int, total: int) -> None:
                read[0] = done
                bar.update(task, completed=done, total=total)

            result = await import_dump(
                pool,
                project,
                dump,
                wiki=wiki,
                terms=terms,
                options=options,
                logs=logs,
                progress=advance,
            )
        return (
            f"{result.wiki}: read {result.revisions} revisions ({result.reverted} reverted), "
            f"recorded {result.recorded} new contributions, {result.grants} new terms grants"
        )

    result, number = run_until_signalled(work)
    if result is None:
        click.echo(
            f"stopped by {signal.Signals(number).name} after {read[0]:,} of the dump's "
            f"{size:,} bytes; what was recorded is saved, run the same command again to "
            "resume",
            err=True,
        )
        sys.exit(128 + number)
    click.echo(result)


@click.group()
def wiki() -> None:
    """Live wikis."""


@wiki.command("follow")
@click.option("--project", "slug", required=True, help="Project slug.")
@click.option("--api", "api_url", required=True, help="The wiki's api.php URL.")
@click.option("--wiki", "wiki_name", default=None, help="Its name among wikis (default: wikiid).")
@click.option("--terms", default=None, help="The SPDX license the wiki's terms put edits under.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="A first pass reads from this date (default: all the wiki keeps).",
)
@click.option(
    "--lag",
    type=click.IntRange(0),
    default=3600,
    show_default=True,
    help="Seconds a change waits, so that reverts are tagged before it is read.",
)
@click.option("--interval", type=click.IntRange(1), default=300, show_default=True)
@click.option("--once", is_flag=True, help="Read what is due, then exit.")
@_KIND
@_REVERTED
@_REVERT_KIND
@_BOT
def wiki_follow(
    slug: str,
    api_url: str,
    wiki_name: str | None,
    terms: str | None,
    since: datetime | None,
    lag: int,
    interval: int,
    once: bool,
    kinds: tuple[str, ...],
    reverted: str,
    revert_kind: str,
    bots: tuple[str, ...],
) -> None:
    """Record a live wiki's recent changes (its API's list=recentchanges)."""
    import httpx

    from intake.wiki.recent import USER_AGENT, WikiApi, follow
    from ledger.register.projects import get_project

    async def work(pool: asyncpg.Pool) -> None:
        project = await get_project(pool, slug)
        options = wiki_options(project.settings, kinds, reverted, revert_kind, bots)
        start = since.replace(tzinfo=UTC) if since else None
        async with httpx.AsyncClient(headers={"User-Agent": USER_AGENT}, timeout=60) as client:
            api = WikiApi(api_url, client)
            while True:
                result = await follow(
                    pool, project, api, wiki=wiki_name, terms=terms, options=options,
                    lag=timedelta(seconds=lag), since=start,
                )  # fmt: skip
                click.echo(
                    f"{result.wiki}: read {result.changes} changes until "
                    f"{result.until.isoformat()}, recorded {result.recorded} new contributions"
                )
                if once:
                    return
                await asyncio.sleep(interval)

    with contextlib.suppress(KeyboardInterrupt):
        _run(work)


@click.command("records")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", "slug", required=True, help="Project slug.")
@click.option(
    "--source", default=None, help="Whose records these are (default: the project's slug)."
)
def import_records(file: Path, slug: str, source: str | None) -> None:
    """Import contributions kept in a CSV or JSON Lines file (docs/records.md): the whole
    file, or nothing when a row is refused."""
    from intake.records.importer import RecordsImport
    from intake.records.importer import import_records as run_import
    from ledger.register.projects import get_project

    async def work(pool: asyncpg.Pool) -> RecordsImport:
        project = await get_project(pool, slug)
        return await run_import(pool, project, file, source=source)

    result = _run(work)
    if result.refused:
        for refusal in result.refused:
            click.echo(f"{file.name}: {refusal}", err=True)
        raise Failed(f"refused {len(result.refused)} of {result.rows} rows; nothing was imported")
    click.echo(
        f"{file.name}: {result.rows} rows, {result.recorded} new contributions, "
        f"{result.already} recorded before (source {result.source})"
    )
