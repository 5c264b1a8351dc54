"""Writing encoded chunks: the references of a load checked and locked once, each
chunk's rows and events by COPY, its rollups in one statement.

The foreign keys of ``contributions`` and ``journal_events`` are checked by
PostgreSQL row by row (a query per row and key); a load checks the same references
once, in the transaction that holds them until the load ends: the project and the
policy version, and each contributor as it first appears, locked ``FOR KEY SHARE``
exactly as the per-row check locks it. When the database
lets this session set ``session_replication_role`` and the only triggers that fire
on inserting into those two tables (and on inserting, updating or deleting in the
rollup tables a load adds to or an import recounts) are the checks of exactly these
foreign keys, each COPY, tally and recount runs with triggers off; otherwise the
rows go through every trigger as usual. Unique and check constraints apply either
way.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

from ledger.kernel.errors import Conflict, ConflictCode, NotFound
from ledger.register.bulk.encode import Chunk, Terms
from ledger.register.rollups import Tally, recount_people, recount_project

CONTRIBUTION_COLUMNS = [
    "project_id", "id", "contributor_id", "kind", "occurred_at", "source", "natural_key",
    "evidence_url", "metadata", "credit", "policy_version", "counted", "recorded_at",
]  # fmt: skip
EVENT_COLUMNS = [
    "project_id", "seq", "type", "body", "actor", "recorded_at", "prev_hash", "hash", "version",
]  # fmt: skip
# The foreign keys a load checks itself: (table, columns) -> referenced table. The
# rollups it adds to or recounts refer to what the contributions they count refer to.
CHECKED_KEYS = {
    ("contributions", ("project_id",)): "projects",
    ("contributions", ("contributor_id",)): "contributors",
    ("contributions", ("project_id", "policy_version")): "credit_policies",
    ("journal_events", ("project_id",)): "projects",
    ("contributor_stats", ("project_id",)): "projects",
    ("contributor_stats", ("contributor_id",)): "contributors",
    ("contributor_month_stats", ("project_id",)): "projects",
    ("contributor_month_stats", ("contributor_id",)): "contributors",
    ("contributor_kind_stats", ("project_id",)): "projects",
    ("contributor_kind_stats", ("contributor_id",)): "contributors",
    ("kind_month_stats", ("project_id",)): "projects",
    ("kind_stats", ("project_id",)): "projects",
    ("project_month_stats", ("project_id",)): "projects",
}
CHECKED_TABLES = frozenset(t for t, _ in CHECKED_KEYS)
# The rollup tables among them: a tally upserts into them, a recount clears them.
ROLLUP_TABLES = CHECKED_TABLES - {"contributions", "journal_events"}
# The triggers that inserting into $1 fires, and updating or deleting in $2 (bits of
# pg_trigger.tgtype: 4 insert, 8 delete, 16 update).
_INSERT_TRIGGERS = """
SELECT c.relname AS tab, k.contype::text AS contype, f.relname AS ref,
    (SELECT array_agg(a.attname::text ORDER BY u.ord)
     FROM unnest(k.conkey) WITH ORDINALITY AS u(num, ord)
     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num) AS columns
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
LEFT JOIN pg_constraint k ON k.oid = t.tgconstraint
LEFT JOIN pg_class f ON f.oid = k.confrelid
WHERE c.relname = any($1::text[]) AND c.relnamespace = 'public'::regnamespace
  AND (t.tgtype & 4 <> 0 OR (t.tgtype & 24 <> 0 AND c.relname = any($2::text[])))
  AND t.tgenabled <> 'D'
"""
_SUPERUSER = "SELECT current_setting('is_superuser') = 'on'"
# PostgreSQL 15 and later can grant the right to set it without being a superuser.
_MAY_SET_ROLE = """
SELECT current_setting('is_superuser') = 'on'
    OR coalesce(has_parameter_privilege('session_replication_role', 'SET'), false)
"""
_LOCK_CONTRIBUTORS = """
SELECT id, is_bot FROM contributors
WHERE id = any($1::bigint[]) AND merged_into IS NULL
ORDER BY id FOR KEY SHARE
"""
_LOCK_OWNERS = """
SELECT (SELECT count(*) FROM (SELECT FROM projects WHERE id = $1 FOR KEY SHARE) AS p)
     + (SELECT count(*) FROM (SELECT FROM credit_policies
                              WHERE project_id = $1 AND version = $2 FOR KEY SHARE) AS v)
"""
_IDS = """
SELECT array_agg(nextval(s)) FROM pg_get_serial_sequence('contributions', 'id') AS s,
    generate_series(1, $1)
"""


@dataclass(frozen=True, slots=True)
class Writer:
    """How this database takes chunks: with triggers off during COPY (``fast``) or
    through them."""

    fast: bool

    @classmethod
    async def probe(cls, conn: asyncpg.Connection) -> Writer:
        """Look at the catalog and this session's rights once per load."""
        fast = await may_skip_checks(
            conn,
            CHECKED_TABLES,
            lambda table, columns, ref: CHECKED_KEYS.get((table, columns)) == ref,
            ROLLUP_TABLES,
        )
        return cls(fast)

    async def numbers(self, conn: asyncpg.Connection, count: int) -> list[int]:
        """``count`` new contribution numbers."""
        return await reserve_numbers(conn, count)

    async def copy(
        self, conn: asyncpg.Connection, table: str, rows: bytes | AsyncIterable[bytes]
    ) -> None:
        """COPY ``rows`` (binary format, whole or as it is made) into ``contributions``
        or ``journal_events``, with triggers off for this one statement when the probe
        allowed it."""
        columns = CONTRIBUTION_COLUMNS if table == "contributions" else EVENT_COLUMNS
        source = memoryview(rows) if isinstance(rows, bytes) else rows
        try:
            async with triggers_off(conn, self.fast):
                await conn.copy_to_table(table, source=source, columns=columns, format="binary")
        except asyncpg.UniqueViolationError:
            if table != "contributions":
                raise
            raise Conflict(
                "a natural key in the load is already recorded", ConflictCode.ALREADY_EXISTS
            ) from None

    async def recount_people(
        self, conn: asyncpg.Connection, project_id: int, low: int, high: int
    ) -> None:
        """Rebuild the rollups of the project's contributors numbered ``low`` to
        ``high`` (caller's transaction, holding the journal head at least for share),
        with triggers off for it when the probe allowed it."""
        async with triggers_off(conn, self.fast):
            await recount_people(conn, project_id, low, high)

    async def recount_project(self, conn: asyncpg.Connection, project_id: int) -> None:
        """Rebuild the project's own rollups from its people's (caller's transaction,
        holding the journal head), with triggers off for it when the probe allowed it."""
        async with triggers_off(conn, self.fast):
            await recount_project(conn, project_id)

    async def tally(self, conn: asyncpg.Connection, tally: Tally, project_id: int) -> None:
        """Add a load's tally to the project's rollups (caller's transaction, holding the
        tallied contributors' locks), with triggers off for it when the probe allowed it."""
        async with triggers_off(conn, self.fast):
            await tally.write(conn, project_id)

    async def write(self, conn: asyncpg.Connection, terms: Terms, chunk: Chunk) -> None:
        """COPY the chunk's rows and events and add its rollups (caller's transaction,
        holding its references' locks; the caller moves the journal head)."""
        await self.copy(conn, "contributions", chunk.contributions)
        await self.copy(conn, "journal_events", chunk.events)
        await self.tally(conn, chunk.tally, terms.project_id)


async def may_skip_checks(
    conn: asyncpg.Connection,
    tables: Iterable[str],
    known: Callable[[str, tuple[str, ...], str], bool],
    rewritten: Iterable[str] = (),
) -> bool:
    """True when every trigger that inserting into ``tables`` fires (and updating or
    deleting in those of them the caller also ``rewritten``s: upserts, a recount) is
    the check of a foreign key the caller holds itself (``known(table, columns,
    referenced table)``) and this session may turn triggers off for a statement."""
    triggers = await conn.fetch(_INSERT_TRIGGERS, sorted(tables), sorted(rewritten))
    only_checked = all(
        r["contype"] == "f" and known(r["tab"], tuple(r["columns"]), r["ref"]) for r in triggers
    )
    granted = _MAY_SET_ROLE if conn.get_server_version().major >= 15 else _SUPERUSER
    return only_checked and bool(await conn.fetchval(granted))


@asynccontextmanager
async def triggers_off(conn: asyncpg.Connection, fast: bool) -> AsyncIterator[None]:
    """Statements inside run with triggers off when ``fast`` (a probe allowed it), and
    with them on again after. Not reset when the statements fail: the transaction is
    then aborted (a failed statement's savepoint takes the setting back with it)."""
    if fast:
        await conn.execute("SET LOCAL session_replication_role = replica")
    yield
    if fast:
        await conn.execute("SET LOCAL session_replication_role = origin")


async def defer_flush(conn: asyncpg.Connection) -> None:
    """Let the caller's transaction commit without waiting for its WAL to reach the disk.
    For a bulk transaction that advances its import's own progress row with its rows: a
    crash can only lose whole transactions together with that count, which a rerun loads
    again, and any later synchronous commit flushes the WAL up to it first."""
    await conn.execute("SET LOCAL synchronous_commit = off")


async def reserve_numbers(conn: asyncpg.Connection, count: int) -> list[int]:
    """``count`` new contribution numbers, for a load that needs them before it runs."""
    return list(await conn.fetchval(_IDS, count) or [])


async def lock_people(conn: asyncpg.Connection, ids: list[int]) -> dict[int, bool]:
    """Lock the unmerged contributors among ``ids`` as their foreign key checks would
    (``FOR KEY SHARE``, until the transaction ends): whether each is a bot (absent:
    not found)."""
    return {r["id"]: r["is_bot"] for r in await conn.fetch(_LOCK_CONTRIBUTORS, ids)}


async def lock_owners(conn: asyncpg.Connection, terms: Terms) -> None:
    """Lock the project and the policy version the load prices with, as their foreign
    key checks would."""
    owners = await conn.fetchval(_LOCK_OWNERS, terms.project_id, terms.policy.version)
    if owners != 2:
        raise NotFound(f"project {terms.project_id} or its policy v{terms.policy.version}")
