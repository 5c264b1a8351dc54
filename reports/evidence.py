"""What a report embeds so a stranger can check it offline: the journal's events up to
the signed tree size (when small enough; otherwise the journal export serves them),
affiliations of everyone who contributed in the period or in the quarters its trends
look back over (``reports.critics.measures.window``), the treasury's accounts, the
contributions covered through corporate grants, and sample inclusion proofs against
the signed root."""

from __future__ import annotations

from typing import Any

import asyncpg

from ledger.journal import heads as tree_heads
from ledger.journal.chain import event_document
from licenses import coverage
from reports.critics.measures import window
from reports.period import Period

EMBED_LIMIT = 200_000
SAMPLES = 4

_EVENTS = """
SELECT seq, type, version, body, actor, recorded_at FROM journal_events
WHERE project_id = $1 AND seq <= $2 ORDER BY seq
"""
_ONE_EVENT = """
SELECT seq, type, version, body, actor, recorded_at FROM journal_events
WHERE project_id = $1 AND seq = any($2::bigint[]) ORDER BY seq
"""
_AFFILIATIONS = """
SELECT a.contributor_id, a.organisation_id, o.name,
    CASE WHEN a.valid_from = '-infinity' THEN NULL ELSE a.valid_from::text END AS valid_from,
    CASE WHEN a.valid_to = 'infinity' THEN NULL ELSE a.valid_to::text END AS valid_to
FROM affiliations a JOIN organisations o ON o.id = a.organisation_id
WHERE a.contributor_id IN (
    SELECT DISTINCT contributor_id FROM contributions
    WHERE project_id = $1 AND counted
      AND occurred_at >= $2::date::timestamp AT TIME ZONE 'UTC'
      AND occurred_at < $3::date::timestamp AT TIME ZONE 'UTC'
)
ORDER BY a.contributor_id, a.valid_from, a.id
"""


_ACCOUNTS = """
SELECT id, kind, sponsor_id, currency FROM treasury_accounts WHERE project_id = $1 ORDER BY id
"""


def _document(project_id: int, row: asyncpg.Record) -> dict[str, Any]:
    return event_document(
        project_id,
        row["seq"],
        row["type"],
        row["version"],
        row["body"],
        row["actor"],
        row["recorded_at"],
    )


def sample_seqs(size: int) -> list[int]:
    """The events whose inclusion proofs a report carries: first, last and evenly between."""
    if size == 0:
        return []
    return sorted({1, size, *(1 + (size - 1) * i // (SAMPLES - 1) for i in range(SAMPLES))})


async def events(conn: asyncpg.Connection, project_id: int, size: int) -> list[dict[str, Any]]:
    """Every event document up to the tree size, in order."""
    return [_document(project_id, r) for r in await conn.fetch(_EVENTS, project_id, size)]


async def affiliations(
    conn: asyncpg.Connection, project_id: int, period: Period
) -> list[dict[str, Any]]:
    """Affiliations of everyone who contributed in the period or the trend's quarters
    (the input of the elephant factors)."""
    start = min(period.start, window(period)[0].start)
    rows = await conn.fetch(_AFFILIATIONS, project_id, start, period.end)
    return [
        {
            "contributor_id": r["contributor_id"],
            "organisation_id": r["organisation_id"],
            "organisation": r["name"],
            "valid_from": r["valid_from"],
            "valid_to": r["valid_to"],
        }
        for r in rows
    ]


async def accounts(conn: asyncpg.Connection, project_id: int) -> list[dict[str, Any]]:
    """The treasury's accounts (kind, sponsor, currency): which journal entries are income."""
    return [
        {
            "account_id": r["id"],
            "kind": r["kind"],
            "sponsor_id": r["sponsor_id"],
            "currency": r["currency"],
        }
        for r in await conn.fetch(_ACCOUNTS, project_id)
    ]


async def inclusion_samples(
    conn: asyncpg.Connection, project_id: int, size: int
) -> list[dict[str, Any]]:
    """Sample events with their inclusion proofs in the tree of ``size``."""
    seqs = sample_seqs(size)
    docs = {
        r["seq"]: _document(project_id, r) for r in await conn.fetch(_ONE_EVENT, project_id, seqs)
    }
    out = []
    for seq in seqs:
        proof = await tree_heads.inclusion(conn, project_id, seq, size)
        out.append({"event": docs[seq], **proof.public()})
    return out


async def corporate_coverage(
    conn: asyncpg.Connection, project_id: int, period: Period
) -> list[dict[str, Any]]:
    """The period's contributions covered through corporate grants, by grant."""
    window = coverage.Window(period.start_at, period.end_at)
    found = await coverage.corporate(conn, project_id, window)
    return [{"grant_id": g, "contribution_ids": ids} for g, ids in sorted(found.items())]


async def build_evidence(
    conn: asyncpg.Connection,
    project_id: int,
    period: Period,
    size: int,
    embed_limit: int = EMBED_LIMIT,
) -> dict[str, Any]:
    """The evidence section; events are embedded when the journal has at most ``embed_limit``."""
    embedded = size <= embed_limit
    return {
        "events_embedded": embedded,
        "events": await events(conn, project_id, size) if embedded else None,
        "affiliations": await affiliations(conn, project_id, period),
        "accounts": await accounts(conn, project_id),
        "corporate_coverage": await corporate_coverage(conn, project_id, period),
        "inclusion_proofs": await inclusion_samples(conn, project_id, size),
        "note": (
            "events are the journal's documents (RFC 8785 hashed) for seq 1..tree_size"
            if embedded
            else f"the journal has more than {embed_limit} events: stream them from the "
            "journal export, /projects/{slug}/journal.jsonl?to=tree_size"
        ),
    }
