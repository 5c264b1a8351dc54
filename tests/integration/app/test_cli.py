"""The ``commons`` command against the test database: tokens the app accepts,
migrations, journal verification that names the broken event, SDL and event schema
export."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import asyncpg
from click.testing import CliRunner, Result

from app import database
from app.cli import main
from app.schema import sdl
from ledger.journal.events.schema import catalogue_schema
from tests.integration.app.conftest import ClientFactory, revision
from tests.integration.app.seed import seed

UPDATE = """
mutation { updateProject(input: {slug: "linux", name: "Linux kernel"}) {
  __typename ... on ProjectPayload { project { name } } ... on ForbiddenError { message }
} }
"""


async def commons(env: dict[str, str], *args: str) -> Result:
    """Run the CLI in a thread (its commands start their own event loops)."""
    return await asyncio.to_thread(
        CliRunner().invoke, main, list(args), env=env, catch_exceptions=False
    )


async def test_a_token_from_the_cli_is_accepted_by_the_app_with_its_roles(
    make_client: ClientFactory, app_env: dict[str, str], pool: asyncpg.Pool
) -> None:
    await seed(pool, "linux")
    member = await commons(
        app_env, "token", "--subject", "bob", "--project", "linux", "--role", "member"
    )
    maintainer = await commons(
        app_env, "token", "--subject", "ann", "--project", "linux", "--contributor", "7"
    )
    assert (member.exit_code, maintainer.exit_code) == (0, 0)
    async with make_client() as client:
        runtime = client.app.state.runtime
        principal = runtime.tokens.verify(maintainer.stdout.strip())
        assert (principal.subject, principal.roles, principal.contributor_id) == (
            "ann",
            {"linux": "maintainer"},
            7,
        )
        answers = []
        for token in (member.stdout.strip(), maintainer.stdout.strip()):
            response = await client.post(
                "/graphql", json={"query": UPDATE}, headers={"Authorization": f"Bearer {token}"}
            )
            answers.append(response.json())
    assert answers == [
        {
            "data": {
                "updateProject": {
                    "__typename": "ForbiddenError",
                    "message": "requires the maintainer role on project 'linux'",
                }
            }
        },
        {
            "data": {
                "updateProject": {
                    "__typename": "ProjectPayload",
                    "project": {"name": "Linux kernel"},
                }
            }
        },
    ]


async def test_an_admin_token_with_a_short_lifetime(app_env: dict[str, str]) -> None:
    from app.auth import TokenService
    from app.settings import Settings
    from ledger.journal.keys import load_or_create

    result = await commons(app_env, "token", "--subject", "root", "--admin", "--ttl", "60")
    settings = Settings.from_env(app_env)
    service = TokenService(settings, load_or_create(settings.data_dir / "keys").tokens)
    assert service.verify(result.stdout.strip()).admin is True


async def test_a_bad_setting_is_a_usage_error(app_env: dict[str, str]) -> None:
    result = await commons({**app_env, "COMMONS_JWT_SECRET": "short"}, "token", "--subject", "x")
    assert result.exit_code == 2
    assert "COMMONS_JWT_SECRET must be at least 32 bytes" in result.stderr


async def test_migrate_brings_an_empty_database_to_head(
    app_env: dict[str, str], empty_url: str
) -> None:
    result = await commons({**app_env, "DATABASE_URL": empty_url}, "migrate")
    assert (result.exit_code, result.stdout) == (0, f"migrated to {database.head_revision()}\n")
    assert await revision(empty_url) == database.head_revision()


async def tamper(pool: asyncpg.Pool, sql: str, *args: object) -> None:
    """Change the journal as a superuser would, with the append-only trigger off."""
    async with pool.acquire() as conn:
        await conn.execute("SET session_replication_role = replica")
        try:
            await conn.execute(sql, *args)
        finally:
            await conn.execute("RESET session_replication_role")


async def test_verify_passes_an_intact_journal_and_names_the_broken_event(
    app_env: dict[str, str], pool: asyncpg.Pool
) -> None:
    linux = await seed(pool, "linux", people_count=2, contributions=4)
    bsd = await seed(pool, "bsd", people_count=1, contributions=4)
    intact = await commons(app_env, "verify", "--project", "linux")
    head = await pool.fetchval(
        "SELECT hash FROM journal_heads WHERE project_id = $1", linux.project_id
    )
    length = await pool.fetchval(
        "SELECT seq FROM journal_heads WHERE project_id = $1", linux.project_id
    )
    assert (intact.exit_code, intact.stdout) == (0, f"ok: {length} events, head {head.hex()}\n")

    await tamper(
        pool,
        'UPDATE journal_events SET body = body || \'{"credit": "999"}\' '
        "WHERE project_id = $1 AND seq = 5",
        linux.project_id,
    )
    edited = await commons(app_env, "verify", "--project", "linux")
    assert edited.exit_code == 1
    assert edited.stderr.startswith("broken at event 5: ")

    await tamper(
        pool, "DELETE FROM journal_events WHERE project_id = $1 AND seq = 4", bsd.project_id
    )
    deleted = await commons(app_env, "verify", "--project", "bsd")
    assert deleted.exit_code == 1
    assert deleted.stderr.startswith("broken at event 4: ")


async def test_verify_of_an_unknown_project_fails_with_its_name(app_env: dict[str, str]) -> None:
    result = await commons(app_env, "verify", "--project", "nope")
    assert (result.exit_code, result.stderr) == (1, "Error: no project 'nope'\n")


async def test_schema_writes_the_sdl_and_the_journal_event_schema_to_the_given_files(
    app_env: dict[str, str], tmp_path: Path
) -> None:
    target, events = tmp_path / "out.graphql", tmp_path / "events.json"
    result = await commons(app_env, "schema", "-o", str(target), "--events", str(events))
    assert (result.exit_code, result.stdout) == (0, f"wrote {target}\nwrote {events}\n")
    assert target.read_text() == sdl()
    assert json.loads(events.read_text()) == catalogue_schema()
