"""The journal's catalogue describes exactly what the writers write: the demo and the
writers it leaves out produce every event type, each stored body decodes to its type
and encodes back to the very bytes that were hashed, and every document validates
against the published JSON Schema."""

from __future__ import annotations

from collections import defaultdict

import asyncpg
import jsonschema  # type: ignore[import-untyped]
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.demo import seed_demo
from ledger.journal import events
from ledger.journal.canonical import canonical_json
from ledger.journal.chain import event_document, verify
from ledger.journal.events.schema import catalogue_schema
from tests.integration.app.writers import write_the_rest
from tests.integration.intake.conftest import Poster

NOT_IN_DEMO = {
    "project.updated", "kind.defined",
    "proposal.withdrawn", "governance.role_set", "delegation.set", "delegation.revoked",
    "license_text.added", "grant.extended", "grant.withdrawn", "trademark.notice_set",
    "intake.forge_secret_retired", "intake.delivery_replayed",
    "contributors.merged", "contributors.unmerged", "contributor.erased",
    "contributor.bot_marked", "intake.forge_base_url_set", "contributor.renamed",
}  # fmt: skip


@pytest.fixture
async def journal(
    pool: asyncpg.Pool, client: AsyncTestClient[Litestar], database_url: str
) -> tuple[set[str], list[asyncpg.Record]]:
    """The types the demo writes, then every event after the rest of the writers ran."""
    await seed_demo(pool, contributors=40, contributions=400)
    by_demo = {r["type"] for r in await pool.fetch("SELECT DISTINCT type FROM journal_events")}
    await write_the_rest(pool, Poster(client), database_url)
    rows = await pool.fetch(
        "SELECT project_id, seq, type, version, body, actor, recorded_at FROM journal_events"
        " ORDER BY seq"
    )
    async with pool.acquire() as conn:
        assert (await verify(conn, rows[0]["project_id"])).ok
    return by_demo, list(rows)


def test_the_demo_and_the_other_writers_write_every_type_of_the_catalogue(
    journal: tuple[set[str], list[asyncpg.Record]],
) -> None:
    by_demo, rows = journal
    assert by_demo == events.TYPES - NOT_IN_DEMO
    assert {r["type"] for r in rows} == events.TYPES


def test_every_written_body_decodes_and_encodes_to_the_bytes_that_were_hashed(
    journal: tuple[set[str], list[asyncpg.Record]],
) -> None:
    _, rows = journal
    for row in rows:
        event = events.decode(row["type"], row["body"])
        assert row["type"] == type(event).TYPE
        assert canonical_json(events.encode(event)) == canonical_json(row["body"]), row["type"]


def test_every_key_a_writer_may_leave_out_was_written_both_ways(
    journal: tuple[set[str], list[asyncpg.Record]],
) -> None:
    _, rows = journal
    seen: dict[tuple[str, str], set[bool]] = defaultdict(set)
    for row in rows:
        for field in msgspec.structs.fields(events.event_class(row["type"])):
            if field.default is msgspec.UNSET:
                seen[(row["type"], field.name)].add(field.name in row["body"])
    assert seen
    assert {key: ways for key, ways in seen.items() if ways != {True, False}} == {}


def test_every_written_document_validates_against_the_published_schema(
    journal: tuple[set[str], list[asyncpg.Record]],
) -> None:
    _, rows = journal
    validator = jsonschema.Draft202012Validator(catalogue_schema())
    for row in rows:
        document = event_document(
            row["project_id"], row["seq"], row["type"], row["version"], row["body"],
            row["actor"], row["recorded_at"],
        )  # fmt: skip
        assert [e.message for e in validator.iter_errors(document)] == [], row["type"]
