"""SQL of proposals, their snapshotted electors and their ballots.

asyncpg errors are translated here; times come from the database's clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

import asyncpg

from governance.electorate import Rule
from governance.models import Draft, Proposal
from ledger.journal.events import decode
from ledger.journal.events.governance import ProposalClosed
from ledger.kernel.errors import NotFound

_COLUMNS = """project_id, id, title, body, kind, options, method, params, electorate_rule,
    quorum, secret, action, state, outcome, opens_at, closes_at, closed_at, electorate_size,
    electorate_hash, result, sheet_hash, effect, created_by, created_at"""
_INSERT = f"""
INSERT INTO proposals (project_id, title, body, kind, options, method, params, electorate_rule,
    quorum, secret, action, closes_at, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
RETURNING {_COLUMNS}
"""
_GET = f"SELECT {_COLUMNS} FROM proposals WHERE project_id = $1 AND id = $2"
_BY_KEYS = f"""
SELECT {_COLUMNS} FROM proposals p
JOIN unnest($1::bigint[], $2::bigint[]) AS k(project_id, id) USING (project_id, id)
"""
_PAGE = f"""
SELECT {_COLUMNS} FROM proposals
WHERE project_id = $1 AND ($2::text IS NULL OR state = $2)
  AND ($3::bigint IS NULL OR id < $3)
ORDER BY id DESC LIMIT $4
"""
_COUNT = "SELECT count(*) FROM proposals WHERE project_id = $1 AND ($2::text IS NULL OR state = $2)"
_OPEN = f"""
UPDATE proposals SET state = 'open', opens_at = now(), electorate_size = $3, electorate_hash = $4
WHERE project_id = $1 AND id = $2 RETURNING {_COLUMNS}
"""
_WITHDRAW = f"""
UPDATE proposals SET state = 'withdrawn', closed_at = now()
WHERE project_id = $1 AND id = $2 RETURNING {_COLUMNS}
"""
_CLOSE = f"""
UPDATE proposals SET state = 'closed', outcome = $3, closed_at = now(), result = $4,
    sheet_hash = $5, effect = $6
WHERE project_id = $1 AND id = $2 RETURNING {_COLUMNS}
"""
_DUE = """
SELECT project_id, id FROM proposals WHERE state = 'open' AND closes_at <= now()
ORDER BY closes_at LIMIT $1
"""
_UPSERT_BALLOT = """
INSERT INTO ballots AS b (project_id, proposal_id, voter_id, ballot, receipt)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (project_id, proposal_id, voter_id) DO UPDATE
    SET ballot = excluded.ballot, receipt = excluded.receipt, revision = b.revision + 1,
        cast_at = clock_timestamp()
RETURNING revision, cast_at
"""
_BALLOTS = """
SELECT voter_id, ballot, receipt, cast_at FROM ballots WHERE project_id = $1 AND proposal_id = $2
"""
_PERSONS = """
WITH RECURSIVE up (record, at, parent) AS (
    SELECT id, id, merged_into FROM contributors WHERE id = any($1::bigint[])
    UNION ALL
    SELECT up.record, c.id, c.merged_into FROM up JOIN contributors c ON c.id = up.parent
)
SELECT record, at FROM up WHERE parent IS NULL
"""
_BALLOT_OF = """
SELECT ballot FROM ballots WHERE project_id = $1 AND proposal_id = $2 AND voter_id = $3
"""
_CLOSING = """
SELECT body FROM journal_events WHERE project_id = $1
    AND type = $3 AND (body->>'proposal_id')::bigint = $2
"""
_ELECTORS = """
SELECT contributor_id FROM proposal_electors WHERE project_id = $1 AND proposal_id = $2
ORDER BY contributor_id
"""
_IS_ELECTOR = """
SELECT true FROM proposal_electors WHERE project_id = $1 AND proposal_id = $2
    AND contributor_id = $3
"""


def _proposal(row: asyncpg.Record) -> Proposal:
    return Proposal(
        row["project_id"],
        row["id"],
        row["title"],
        row["body"],
        row["kind"],
        tuple(row["options"]),
        row["method"],
        row["params"],
        Rule.from_json(row["electorate_rule"]),
        Fraction(row["quorum"]),
        row["secret"],
        row["action"],
        row["state"],
        row["outcome"],
        row["opens_at"],
        row["closes_at"],
        row["closed_at"],
        row["electorate_size"],
        bytes(row["electorate_hash"]) if row["electorate_hash"] is not None else None,
        row["result"],
        bytes(row["sheet_hash"]) if row["sheet_hash"] is not None else None,
        row["effect"],
        row["created_by"],
        row["created_at"],
    )


async def insert(
    conn: asyncpg.Connection,
    project_id: int,
    draft: Draft,
    secret: bool,
    closes_at: datetime,
    actor: str,
) -> Proposal:
    """Store a draft proposal."""
    row = await conn.fetchrow(
        _INSERT,
        project_id,
        draft.title,
        draft.body,
        draft.kind,
        list(draft.options),
        draft.method,
        draft.params,
        draft.electorate.to_json(),
        str(draft.quorum),
        secret,
        draft.action,
        closes_at,
        actor,
    )
    return _proposal(row)


async def get(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, proposal_id: int, lock: str = ""
) -> Proposal:
    """A proposal (``lock`` "FOR UPDATE" / "FOR SHARE" inside a transaction); NotFound."""
    suffix = {"": "", "update": " FOR UPDATE", "share": " FOR SHARE"}[lock]
    row = await conn.fetchrow(_GET + suffix, project_id, proposal_id)
    if row is None:
        raise NotFound(f"no proposal {proposal_id} in this project")
    return _proposal(row)


async def load(pool: asyncpg.Pool, keys: list[tuple[int, int]]) -> list[Proposal | None]:
    """Batch lookup by (project_id, id), in key order."""
    rows = await pool.fetch(_BY_KEYS, [k[0] for k in keys], [k[1] for k in keys])
    found = {(r["project_id"], r["id"]): _proposal(r) for r in rows}
    return [found.get(k) for k in keys]


async def page(
    conn: asyncpg.Connection | asyncpg.Pool,
    project_id: int,
    state: str | None,
    before_id: int | None,
    limit: int,
) -> tuple[list[Proposal], int]:
    """Newest first (keyset on id) and the total count."""
    rows = await conn.fetch(_PAGE, project_id, state, before_id, limit)
    return [_proposal(r) for r in rows], await conn.fetchval(_COUNT, project_id, state)


async def db_now(conn: asyncpg.Connection) -> datetime:
    """The database's clock (the one that judges deadlines)."""
    value: datetime = await conn.fetchval("SELECT clock_timestamp()")
    return value


async def mark_open(
    conn: asyncpg.Connection, proposal: Proposal, electors: Sequence[int], digest: bytes
) -> Proposal:
    """Snapshot the electorate and open the proposal."""
    await conn.copy_records_to_table(
        "proposal_electors",
        records=[(proposal.project_id, proposal.id, e) for e in electors],
        columns=["project_id", "proposal_id", "contributor_id"],
    )
    row = await conn.fetchrow(_OPEN, proposal.project_id, proposal.id, len(electors), digest)
    return _proposal(row)


async def mark_withdrawn(conn: asyncpg.Connection, proposal: Proposal) -> Proposal:
    return _proposal(await conn.fetchrow(_WITHDRAW, proposal.project_id, proposal.id))


async def mark_closed(
    conn: asyncpg.Connection,
    proposal: Proposal,
    outcome: str,
    result: dict[str, Any],
    sheet_hash: bytes,
    effect: dict[str, Any] | None,
) -> Proposal:
    """Record the outcome, result and applied effect."""
    row = await conn.fetchrow(
        _CLOSE, proposal.project_id, proposal.id, outcome, result, sheet_hash, effect
    )
    return _proposal(row)


async def due(conn: asyncpg.Connection | asyncpg.Pool, limit: int) -> list[tuple[int, int]]:
    """(project_id, id) of open proposals whose closing time has passed."""
    return [(r["project_id"], r["id"]) for r in await conn.fetch(_DUE, limit)]


async def is_elector(conn: asyncpg.Connection, proposal: Proposal, voter: int) -> bool:
    return bool(await conn.fetchval(_IS_ELECTOR, proposal.project_id, proposal.id, voter))


async def electors(conn: asyncpg.Connection | asyncpg.Pool, proposal: Proposal) -> list[int]:
    """The snapshotted electorate, sorted."""
    rows = await conn.fetch(_ELECTORS, proposal.project_id, proposal.id)
    return [r["contributor_id"] for r in rows]


async def upsert_ballot(
    conn: asyncpg.Connection,
    proposal: Proposal,
    voter: int,
    ballot: dict[str, Any],
    receipt: bytes | None,
) -> tuple[int, datetime]:
    """Insert or replace the voter's ballot: (revision, cast_at)."""
    row = await conn.fetchrow(
        _UPSERT_BALLOT, proposal.project_id, proposal.id, voter, ballot, receipt
    )
    return row["revision"], row["cast_at"]


@dataclass(frozen=True, slots=True)
class Stored:
    """A voter's current ballot, its receipt (secret ballots) and when it was cast
    (kept for the rule of which ballot of a person stands; never published for a
    secret ballot)."""

    ballot: dict[str, Any]
    receipt: bytes | None
    cast_at: datetime


async def ballots(conn: asyncpg.Connection | asyncpg.Pool, proposal: Proposal) -> dict[int, Stored]:
    """Every current ballot by voter id."""
    rows = await conn.fetch(_BALLOTS, proposal.project_id, proposal.id)
    return {
        r["voter_id"]: Stored(
            r["ballot"], bytes(r["receipt"]) if r["receipt"] is not None else None, r["cast_at"]
        )
        for r in rows
    }


async def ballot_of(
    conn: asyncpg.Connection | asyncpg.Pool, proposal: Proposal, voter: int
) -> dict[str, Any] | None:
    """The voter's current ballot, or None."""
    ballot: dict[str, Any] | None = await conn.fetchval(
        _BALLOT_OF, proposal.project_id, proposal.id, voter
    )
    return ballot


async def closing(
    conn: asyncpg.Connection | asyncpg.Pool, proposal: Proposal
) -> ProposalClosed | None:
    """The event journaled when the proposal closed (its tally sheet, and who voted by
    secret ballot), or None before."""
    body = await conn.fetchval(_CLOSING, proposal.project_id, proposal.id, ProposalClosed.TYPE)
    return decode(ProposalClosed, body) if body is not None else None


async def persons(
    conn: asyncpg.Connection | asyncpg.Pool, records: Sequence[int]
) -> dict[int, int]:
    """Each contributor record -> the record it is merged into now (itself if none),
    following the register's merge links."""
    rows = await conn.fetch(_PERSONS, sorted(set(records)))
    return {r["record"]: r["at"] for r in rows}
