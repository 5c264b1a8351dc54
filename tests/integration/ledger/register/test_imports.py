"""Named imports: chunk by chunk over several connections, exactly the journal, rollups and
credit of recording one by one, resumable after an interruption at any point."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import sys
import threading
import tracemalloc
from collections.abc import Awaitable, Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from msgspec.structs import replace

from ledger.journal import chain as journal
from ledger.journal import heads, merkle
from ledger.kernel.errors import Conflict, NotFound
from ledger.register.bulk import bulk_load, import_contributions
from ledger.register.bulk.write import Writer
from ledger.register.contributions import record_contributions
from ledger.register.models import NewContribution, Project
from ledger.register.people import create_contributor
from ledger.register.projects import ProjectInput, create_project

T0 = datetime(2025, 11, 30, 22, tzinfo=UTC)
KINDS = ("code", "doc", "review", "bug")
ROOT = Path(__file__).resolve().parents[4]
SECONDARY = {
    "contributor_month_stats_month",
    "contributor_stats_rank",
    "contributions_by_contributor",
    "contributions_by_kind",
    "contributions_by_time",
    "journal_events_type",
}


def history(people: list[int], n: int) -> list[NewContribution]:
    return [
        NewContribution(
            people[i % len(people)],
            KINDS[i % 3 if i % 7 else 3],
            T0 + timedelta(hours=7 * i, microseconds=i % 2),
            "git",
            f"git:{i:08x}",
            f"https://forge.test/c/{i}" if i % 5 == 0 else None,
            {"lines": i} if i % 4 == 0 else {},
        )
        for i in range(n)
    ]


async def people(pool: asyncpg.Pool, count: int = 5) -> list[int]:
    async with pool.acquire() as conn:
        return [(await create_contributor(conn, f"P{i}", is_bot=i == 2)).id for i in range(count)]


async def figures(pool: asyncpg.Pool, project_id: int) -> dict[str, Any]:
    """Everything a load decides for a project, without its own numbering."""
    tables = {
        "people": "SELECT contributor_id, contributions, credit, first_at, last_at "
        "FROM contributor_stats WHERE project_id = $1 ORDER BY 1",
        "months": "SELECT contributor_id, month, contributions, credit "
        "FROM contributor_month_stats WHERE project_id = $1 ORDER BY 1, 2",
        "kinds": "SELECT month, kind, contributions, credit FROM kind_month_stats "
        "WHERE project_id = $1 ORDER BY 1, 2",
        "project": "SELECT contributions, credit, contributors, first_at, last_at "
        "FROM project_stats WHERE project_id = $1",
        "person_kinds": "SELECT contributor_id, month, kind, policy_version, contributions, "
        "credit FROM contributor_kind_stats WHERE project_id = $1 ORDER BY 1, 2, 3, 4",
        "project_months": "SELECT month, contributions, credit, contributors "
        "FROM project_month_stats WHERE project_id = $1 ORDER BY 1",
        "rows": "SELECT natural_key, contributor_id, kind, occurred_at, evidence_url, metadata, "
        "credit, counted FROM contributions WHERE project_id = $1 ORDER BY natural_key",
        "events": "SELECT body - 'contribution_id' AS body, actor FROM journal_events "
        "WHERE project_id = $1 AND type = 'contribution.recorded' ORDER BY seq",
    }
    return {name: [tuple(r) for r in await pool.fetch(q, project_id)] for name, q in tables.items()}


async def one_by_one(pool: asyncpg.Pool, items: list[NewContribution], actor: str) -> int:
    async with pool.acquire() as conn, conn.transaction():
        other = await create_project(conn, ProjectInput("other", "Other"), "admin")
        for item in items:
            await record_contributions(conn, other.id, [item], actor)
    return other.id


async def indexes(pool: asyncpg.Pool) -> set[str]:
    rows = await pool.fetch(
        "SELECT indexname FROM pg_indexes WHERE tablename IN "
        "('contributions', 'journal_events', 'contributor_stats', 'contributor_month_stats')"
    )
    return {r[0] for r in rows}


async def advisory_locks(pool: asyncpg.Pool) -> int:
    """Advisory locks held in this test's database (a running import holds one)."""
    return int(
        await pool.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())"
        )
    )


async def every_event_is_proven(pool: asyncpg.Pool, project_id: int, size: int) -> None:
    """Each journal event has its own inclusion proof in the tree of the whole journal."""
    async with pool.acquire() as conn:
        assert await heads.extend_tree(conn, project_id) == size
        root = await heads.tree_root(conn, project_id, size)
        for event in await journal.page(conn, project_id, 0, size):
            proof = await heads.inclusion(conn, project_id, event.seq, size)
            leaf = journal.leaf_hash(event.document())
            assert proof.leaf_hash == leaf
            assert merkle.verify_inclusion(event.seq - 1, size, leaf, proof.path, root)


async def until(count: Callable[[], Awaitable[int]], expected: int) -> None:
    for _ in range(1000):
        if await count() == expected:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never {expected}")


async def verified(pool: asyncpg.Pool, project_id: int) -> int:
    async with pool.acquire() as conn:
        check = await journal.verify(conn, project_id)
    assert check.ok, check.reason
    return check.checked


@pytest.mark.parametrize(("writers", "first"), [(1, False), (3, True)])
async def test_an_import_writes_what_recording_one_by_one_writes(
    pool: asyncpg.Pool, project: Project, writers: int, first: bool
) -> None:
    items = history(await people(pool), 230)
    done: list[int] = []
    result = await import_contributions(
        pool, project.id, "git", items, "import:git", writers=writers, chunk_size=40,
        first_import=first, progress=done.append,
    )  # fmt: skip
    assert (result.loaded, result.skipped, result.fast, result.deferred) == (230, 0, True, first)
    assert done == [40] * 5 + [30]
    expected = await figures(pool, await one_by_one(pool, items, "import:git"))
    assert await figures(pool, project.id) == expected
    assert await verified(pool, project.id) == 2 + 230
    assert await indexes(pool) >= SECONDARY
    again = await import_contributions(pool, project.id, "git", items, "import:git")
    assert (again.loaded, again.skipped) == (0, 230)
    assert await verified(pool, project.id) == 2 + 230
    await every_event_is_proven(pool, project.id, 2 + 230)


def breaking(items: Iterable[NewContribution], after: int) -> Iterator[NewContribution]:
    for n, item in enumerate(items):
        if n == after:
            raise RuntimeError("the source broke")
        yield item


@pytest.mark.parametrize("after", [0, 17, 40, 79, 199])
async def test_an_import_broken_at_any_point_resumes_without_doubles(
    pool: asyncpg.Pool, project: Project, after: int
) -> None:
    items = history(await people(pool), 200)
    with pytest.raises(RuntimeError, match="source broke"):
        await import_contributions(
            pool, project.id, "git", breaking(items, after), "i", writers=2, chunk_size=20,
            first_import=True,
        )  # fmt: skip
    kept = await pool.fetchval("SELECT loaded FROM contribution_imports")
    assert kept == await pool.fetchval("SELECT count(*) FROM contributions")
    assert kept <= after
    assert kept % 20 == 0
    assert await indexes(pool) >= SECONDARY  # rebuilt as the import stopped
    assert await verified(pool, project.id) == 2 + kept
    result = await import_contributions(pool, project.id, "git", items, "i", chunk_size=20)
    assert (result.skipped, result.loaded) == (kept, 200 - kept)
    assert await figures(pool, project.id) == await figures(
        pool, await one_by_one(pool, items, "i")
    )
    assert await verified(pool, project.id) == 2 + 200


async def test_an_import_whose_connection_dies_mid_copy_resumes_without_doubles(
    pool: asyncpg.Pool, project: Project
) -> None:
    # Enough chunks that the killer surely finds one mid-COPY, however fast they go.
    total = 20_000
    items = history(await people(pool), total)

    async def kill_a_copy() -> None:
        while True:
            pid = await pool.fetchval(
                "SELECT pid FROM pg_stat_activity WHERE query LIKE 'COPY%' AND state = 'active' "
                "AND pid <> pg_backend_pid() LIMIT 1"
            )
            if pid is not None and await pool.fetchval("SELECT loaded FROM contribution_imports"):
                await pool.execute("SELECT pg_terminate_backend($1)", pid)
                return
            await asyncio.sleep(0.001)

    killer = asyncio.create_task(kill_a_copy())
    with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, OSError)):
        await import_contributions(pool, project.id, "git", items, "i", writers=2, chunk_size=250)
    await killer
    kept = await pool.fetchval("SELECT loaded FROM contribution_imports")
    assert 0 < kept < total
    assert kept == await pool.fetchval("SELECT count(*) FROM contributions")
    result = await import_contributions(pool, project.id, "git", items, "i", chunk_size=250)
    assert result.loaded + result.skipped == total
    assert await pool.fetchval("SELECT count(DISTINCT natural_key) FROM contributions") == total
    assert await verified(pool, project.id) == 2 + total


KILLED = """
import asyncio, sys
from app import database
from ledger.register.bulk import bulk_load, import_contributions
from ledger.register.bulk.write import Writer
from tests.integration.ledger.register.test_imports import history

async def main() -> None:
    pool = await database.create_pool(sys.argv[1])
    ids = [int(i) for i in sys.argv[3].split(",")]
    await import_contributions(pool, int(sys.argv[2]), "git", history(ids, 60_000), "i",
                               writers=2, chunk_size=500, first_import=True)

asyncio.run(main())
"""


async def test_an_import_killed_outright_resumes_and_rebuilds_its_deferred_indexes(
    pool: asyncpg.Pool, project: Project, database_url: str
) -> None:
    ids = await people(pool)
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", KILLED, database_url, str(project.id), ",".join(map(str, ids)),
        env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
    )  # fmt: skip
    for _ in range(3000):
        if (await pool.fetchval("SELECT max(loaded) FROM contribution_imports") or 0) >= 1000:
            break
        await asyncio.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    await child.wait()
    await until(lambda: advisory_locks(pool), 0)  # the server let the dead sessions go
    kept = await pool.fetchval("SELECT loaded FROM contribution_imports")
    assert 0 < kept < 60_000
    assert not SECONDARY & await indexes(pool)  # the dead import left them deferred
    items = history(ids, 60_000)[: kept + 700]
    result = await import_contributions(pool, project.id, "git", items, "i", chunk_size=500)
    assert (result.skipped, result.loaded) == (kept, 700)
    assert await indexes(pool) >= SECONDARY
    assert await verified(pool, project.id) == 2 + kept + 700
    counted = await pool.fetchval("SELECT count(*) FROM contributions WHERE counted")
    assert await pool.fetchval("SELECT contributions FROM project_stats") == counted


async def test_other_writers_of_the_project_get_in_between_chunks_and_the_chain_stays_one(
    pool: asyncpg.Pool, project: Project
) -> None:
    ids = await people(pool)
    items = history(ids, 2000)
    stop = asyncio.Event()

    async def record_beside() -> int:
        n = 0
        while not stop.is_set():
            async with pool.acquire() as conn, conn.transaction():
                item = NewContribution(ids[0], "code", T0, "manual", f"beside:{n}")
                await record_contributions(conn, project.id, [item], "m")
            n += 1
            await asyncio.sleep(0.002)
        return n

    beside = asyncio.create_task(record_beside())
    try:
        result = await import_contributions(pool, project.id, "git", items, "i", chunk_size=100)
    finally:
        stop.set()
    recorded = await beside
    assert recorded > 0
    assert result.loaded == 2000
    assert await verified(pool, project.id) == 2 + 2000 + recorded
    counted = await pool.fetchval("SELECT count(*) FROM contributions WHERE counted")
    assert await pool.fetchval("SELECT contributions FROM project_stats") == counted


async def _count_inserts(pool: asyncpg.Pool, table: str, event: str = "INSERT") -> None:
    """A trigger of our own on ``table``, counting its inserted (or ``event``) rows in
    ``seen``."""
    await pool.execute(
        "CREATE TABLE seen (n bigint); INSERT INTO seen VALUES (0);"
        "CREATE FUNCTION count_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE seen SET n = n + 1; RETURN NEW; END $$;"
        f"CREATE TRIGGER counted AFTER {event} ON {table} FOR EACH ROW "
        "EXECUTE FUNCTION count_row()"
    )


async def test_a_trigger_on_contributions_keeps_every_row_going_through_triggers(
    pool: asyncpg.Pool, project: Project
) -> None:
    await _count_inserts(pool, "contributions")
    result = await import_contributions(
        pool, project.id, "git", history(await people(pool), 90), "i"
    )
    assert (result.fast, await pool.fetchval("SELECT n FROM seen")) == (False, 90)


async def test_a_trigger_on_a_rollup_table_keeps_the_tallies_going_through_triggers(
    pool: asyncpg.Pool, project: Project
) -> None:
    await _count_inserts(pool, "contributor_kind_stats")
    async with pool.acquire() as conn, conn.transaction():
        loaded = await bulk_load(conn, project.id, history(await people(pool), 90), "i")
    cells = await pool.fetchval("SELECT count(*) FROM contributor_kind_stats")
    assert loaded == 90
    assert cells > 0
    assert await pool.fetchval("SELECT n FROM seen") == cells


async def test_an_update_trigger_on_a_rollup_table_keeps_the_tallies_going_through_it(
    pool: asyncpg.Pool, project: Project
) -> None:
    await _count_inserts(pool, "contributor_stats", "UPDATE")
    who = await people(pool)
    for load in ("a", "b"):  # the second load adds to the cells the first one made
        items = [replace(c, natural_key=f"{c.natural_key}:{load}") for c in history(who, 40)]
        async with pool.acquire() as conn, conn.transaction():
            await bulk_load(conn, project.id, items, "i")
    people_counted = await pool.fetchval("SELECT count(*) FROM contributor_stats")
    assert people_counted > 0
    assert await pool.fetchval("SELECT n FROM seen") == people_counted


async def test_a_merged_contributor_stops_the_import_before_its_chunk(
    pool: asyncpg.Pool, project: Project
) -> None:
    ids = await people(pool)
    await pool.execute("UPDATE contributors SET merged_into = $1 WHERE id = $2", ids[0], ids[1])
    items = [*history([ids[0]], 50), NewContribution(ids[1], "code", T0, "git", "merged")]
    with pytest.raises(NotFound, match=f"contributor {ids[1]}"):
        await import_contributions(pool, project.id, "git", items, "i", chunk_size=50)
    assert await pool.fetchval("SELECT count(*) FROM contributions") == 50
    assert await verified(pool, project.id) == 2 + 50


async def test_a_known_natural_key_stops_the_import_at_its_chunk(
    pool: asyncpg.Pool, project: Project
) -> None:
    items = history(await people(pool), 100)
    async with pool.acquire() as conn, conn.transaction():
        await record_contributions(conn, project.id, [items[70]], "m")
    with pytest.raises(Conflict, match="already recorded"):
        await import_contributions(pool, project.id, "git", items, "i", chunk_size=30)
    assert await pool.fetchval("SELECT loaded FROM contribution_imports") == 60
    assert await verified(pool, project.id) == 2 + 1 + 60


async def test_one_run_of_a_named_import_at_a_time(pool: asyncpg.Pool, project: Project) -> None:
    ids = await people(pool)
    gate = threading.Event()

    def slow() -> Iterator[NewContribution]:
        yield from history(ids, 10)
        gate.wait(30)
        yield from history(ids, 20)[10:]

    first = asyncio.create_task(
        import_contributions(pool, project.id, "git", slow(), "i", chunk_size=10)
    )
    await until(lambda: advisory_locks(pool), 1)
    with pytest.raises(Conflict, match="already running"):
        await import_contributions(pool, project.id, "git", history(ids, 20), "i")
    gate.set()
    assert (await first).loaded == 20


async def test_memory_stays_flat_in_the_size_of_the_load(
    pool: asyncpg.Pool, project: Project
) -> None:
    ids = await people(pool)

    async def peak(name: str, n: int) -> int:
        def stream() -> Iterator[NewContribution]:
            for i in range(n):
                yield NewContribution(ids[i % 5], "code", T0, "git", f"{name}:{i}")

        gc.collect()  # garbage of earlier tests would count towards the first peak
        tracemalloc.start()
        try:
            await import_contributions(pool, project.id, name, stream(), "i", chunk_size=500)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = await peak("small", 2_000), await peak("large", 16_000)
    assert large < 1.5 * small  # eight times the load, not eight times the memory


async def test_keys_are_checked_per_chunk_only_where_the_session_may_turn_triggers_off(
    pool: asyncpg.Pool, database_url: str
) -> None:
    role = f"loader_{os.getpid()}"
    await pool.execute(f"CREATE ROLE {role} LOGIN")
    try:
        conn = await asyncpg.connect(database_url, user=role)
        try:
            assert (await Writer.probe(conn)).fast is False
            await pool.execute(f"GRANT SET ON PARAMETER session_replication_role TO {role}")
            assert (await Writer.probe(conn)).fast is True
        finally:
            await conn.close()
    finally:
        await pool.execute(f"REVOKE ALL ON PARAMETER session_replication_role FROM {role}")
        await pool.execute(f"DROP ROLE {role}")
