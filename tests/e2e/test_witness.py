"""``commons witness`` follows a log on another instance over real HTTP: it accepts the
log's growth, and catches an instance that serves a rewritten journal under the same
key (a fork) and one that signs with another key."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
from click.testing import CliRunner, Result

from app import database
from app.cli import main
from ledger.journal import chain as journal
from ledger.journal.canonical import GENESIS_HASH
from ledger.journal.events.register import KindDefined
from ledger.register.projects import ProjectInput, create_project
from tests.e2e.loopback import Instance

SLUG = "ledger"


async def _append(url: str, count: int, create: bool = False) -> None:
    conn = await database.connect(url)
    try:
        async with conn.transaction():
            if create:
                await create_project(conn, ProjectInput(SLUG, "Ledger"), "admin")
            project_id = await conn.fetchval("SELECT id FROM projects WHERE slug = $1", SLUG)
            events = [(KindDefined(kind=f"k{i}", description=""), "admin") for i in range(count)]
            await journal.append_events(conn, project_id, events)
    finally:
        await conn.close()


async def _rewrite(url: str, seq: int) -> None:
    """What an operator rewriting history does: change one event, rehash the chain after it."""
    conn = await database.connect(url)
    try:
        async with conn.transaction():
            await conn.execute(
                "ALTER TABLE journal_events DISABLE TRIGGER journal_events_append_only"
            )
            await conn.execute(
                "UPDATE journal_events SET body = jsonb_set(body, '{description}', '\"rewritten\"') "
                "WHERE seq = $1",
                seq,
            )
            project_id = await conn.fetchval("SELECT id FROM projects WHERE slug = $1", SLUG)
            prev = GENESIS_HASH
            for event in await journal.page(conn, project_id, 0, 10_000):
                digest = journal.chain_hash(prev, event.document())
                await conn.execute(
                    "UPDATE journal_events SET prev_hash = $2, hash = $3 WHERE seq = $1",
                    event.seq, prev, digest,
                )  # fmt: skip
                prev = digest
            await conn.execute("UPDATE journal_heads SET hash = $1", prev)
            await conn.execute(
                "ALTER TABLE journal_events ENABLE TRIGGER journal_events_append_only"
            )
        assert (await journal.verify(conn, project_id)).ok
    finally:
        await conn.close()


async def _witness(instance: Instance, state: Path) -> Result:
    args = ["witness", f"{instance.url}/projects/{SLUG}", "--state", str(state)]
    return await asyncio.to_thread(CliRunner().invoke, main, args)


async def test_a_witness_accepts_growth_and_catches_a_rewritten_journal(
    make_database: Callable[..., Awaitable[str]], tmp_path: Path
) -> None:
    honest_db = await make_database()
    await _append(honest_db, 10, create=True)
    forked_db = await make_database(copy_of=honest_db)
    await _rewrite(forked_db, 3)
    await _append(forked_db, 5)
    state = tmp_path / "witness"
    honest = Instance(honest_db, tmp_path / "a").start()
    forked = other_key = None
    try:
        honest.wait_for_head(SLUG, 12)
        first = await _witness(honest, state)
        assert (first.exit_code, first.output) == (
            0,
            f"first commons-ledger/{SLUG} size 12: first checkpoint of commons-ledger/{SLUG} "
            "at size 12\n",
        )
        await _append(honest_db, 3)
        honest.wait_for_head(SLUG, 15)
        grew = await _witness(honest, state)
        assert grew.exit_code == 0, grew.output
        assert grew.output.startswith(f"grew commons-ledger/{SLUG} size 15: grew from 12 to 15")

        shutil.copytree(tmp_path / "a" / "keys", tmp_path / "b" / "keys")
        forked = Instance(forked_db, tmp_path / "b").start()
        forked.wait_for_head(SLUG, 17)
        caught = await _witness(forked, state)
        assert caught.exit_code == 3, caught.output
        assert caught.output.startswith(
            f"FORK commons-ledger/{SLUG}: the tree of size 15 is not a prefix of the tree of "
            "size 17"
        )
        assert len(list(state.glob("*.fork-*.txt"))) == 1
        again = await _witness(honest, state)
        assert again.output == f"same commons-ledger/{SLUG} size 15: still size 15\n"

        other_key = Instance(honest_db, tmp_path / "c").start()
        refused = await _witness(other_key, state)
        assert refused.exit_code == 1
        assert f"the key of commons-ledger/{SLUG} changed" in refused.output
    finally:
        for instance in (honest, forked, other_key):
            if instance is not None:
                instance.stop()


async def test_the_fork_is_in_the_journals_not_in_the_witness(
    make_database: Callable[..., Awaitable[str]],
) -> None:
    """The two databases of the fork test really hold two histories of one project."""
    honest_db = await make_database()
    await _append(honest_db, 4, create=True)
    forked_db = await make_database(copy_of=honest_db)
    await _rewrite(forked_db, 3)
    rows = []
    for url in (honest_db, forked_db):
        conn: asyncpg.Connection = await database.connect(url)
        try:
            rows.append(await conn.fetch("SELECT seq, hash FROM journal_events ORDER BY seq"))
        finally:
            await conn.close()
    assert [r["hash"] for r in rows[0][:2]] == [r["hash"] for r in rows[1][:2]]
    assert all(a["hash"] != b["hash"] for a, b in zip(rows[0][2:], rows[1][2:], strict=True))
