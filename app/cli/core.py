"""The instance's own commands: serve, migrate, token, verify, schema."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import cast

import click

from app import database
from app.cli.common import database_url, settings_or_exit
from ledger.kernel.principal import ROLES, Role


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--access-log/--no-access-log", default=True, show_default=True, help="Log every request."
)
def serve(host: str, port: int, workers: int, access_log: bool) -> None:
    """Serve the API (starts the embedded PostgreSQL when DATABASE_URL is unset)."""
    import uvicorn

    settings_or_exit()
    url = database_url()
    database.migrate(url)
    os.environ["DATABASE_URL"] = url
    click.echo(f"Commons Ledger on http://{host}:{port}/graphql (database {url})", err=True)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=access_log,
    )


@click.command()
def migrate() -> None:
    """Apply database migrations up to the newest."""
    url = database_url()
    database.migrate(url)
    click.echo(f"migrated to {database.head_revision()}")


@click.command()
@click.option("--subject", required=True, help="Who the token names (the sub claim).")
@click.option("--project", "projects", multiple=True, help="Project slug (repeatable).")
@click.option("--role", type=click.Choice(ROLES), default="maintainer", show_default=True)
@click.option("--admin", is_flag=True, help="Instance administrator.")
@click.option("--contributor", type=int, default=None, help="Contributor number (to vote).")
@click.option("--ttl", type=click.IntRange(1), default=None, help="Lifetime in seconds.")
def token(
    subject: str,
    projects: tuple[str, ...],
    role: str,
    admin: bool,
    contributor: int | None,
    ttl: int | None,
) -> None:
    """Issue a signed token (JWT) for a subject, projects and role."""
    from app.auth import TokenService
    from ledger.journal.keys import load_or_create

    settings = settings_or_exit()
    service = TokenService(settings, load_or_create(settings.data_dir / "keys").tokens)
    roles: dict[str, Role] = dict.fromkeys(projects, cast(Role, role))
    click.echo(
        service.issue(subject, roles=roles, admin=admin, contributor_id=contributor, ttl=ttl)
    )


@click.command()
@click.argument("report_file", required=False)
@click.option("--project", "slug", default=None, help="Project slug (recompute its journal).")
@click.option(
    "--jwks",
    default=None,
    help="JWK Set file or URL (default: the key set of the instance a report URL names).",
)
@click.option(
    "--journal",
    default=None,
    help="Journal export (JSON Lines) file or URL, for reports that embed no events.",
)
@click.option("--from", "old", default=None, help="The older report (file or URL).")
@click.option("--to", "new", default=None, help="The newer report (file or URL).")
def verify(
    report_file: str | None,
    slug: str | None,
    jwks: str | None,
    journal: str | None,
    old: str | None,
    new: str | None,
) -> None:
    """Recompute a project's whole journal and record the verdict (--project), check a
    signed report offline (REPORT.json or its URL), or prove one report's journal grew
    into another's (--from --to)."""
    if report_file is not None or old is not None or new is not None:
        from app.cli.reports import verify_files

        verify_files(report_file, jwks, old, new, journal)
        return
    if slug is None:
        raise click.UsageError("give --project SLUG, REPORT.json --jwks, or --from/--to")
    from ledger.journal import checkpoints
    from ledger.journal.chain import ChainCheck
    from ledger.register.projects import get_project

    async def run() -> ChainCheck:
        conn = await database.connect(database_url())
        try:
            project = await get_project(conn, slug)
            return await checkpoints.recheck(conn, project.id)
        finally:
            await conn.close()

    check = asyncio.run(run())
    if check.ok:
        click.echo(f"ok: {check.checked} events, head {check.head_hash.hex()}")
        return
    click.echo(f"broken at event {check.broken_seq}: {check.reason}", err=True)
    sys.exit(1)


@click.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    default=Path("graphql/schema.graphql"),
    show_default=True,
)
@click.option(
    "--events",
    type=click.Path(path_type=Path),
    default=Path("ledger/journal/events/schema.json"),
    show_default=True,
    help="Where the journal event catalogue's JSON Schema goes.",
)
def schema(output: Path, events: Path) -> None:
    """Export the GraphQL SDL and the JSON Schema of the journal's events."""
    from app.schema import sdl
    from ledger.journal.events.schema import schema_text

    output.write_text(sdl())
    click.echo(f"wrote {output}")
    events.write_text(schema_text())
    click.echo(f"wrote {events}")
