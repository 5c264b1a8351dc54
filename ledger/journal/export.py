"""The journal as JSON Lines, by seq range: what a verifier streams instead of a page.

Each line is the RFC 8785 form of ``{"document": <the event document>, "hash": <hex>,
"prev_hash": <hex>}`` followed by a newline, for seq ``first`` .. ``last`` in order:
the document is exactly what is hashed, ``hash`` and ``prev_hash`` the stored chain, so
a reader checks ``hash = SHA-256(prev_hash || RFC 8785 document)`` line by line and
feeds ``SHA-256(0x00 || RFC 8785 document)`` to the Merkle tree without keeping
anything but the running hash. Rows are read through a server-side cursor inside the
caller's (repeatable read) transaction, so an export of any length runs in flat memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg

from ledger.journal.canonical import canonical_json
from ledger.journal.chain import event_document
from ledger.kernel.errors import InvalidInput

MEDIA_TYPE = "application/jsonl"
_ROWS = """
SELECT seq, type, version, body, actor, recorded_at, prev_hash, hash FROM journal_events
WHERE project_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq
"""
_LENGTH = "SELECT seq FROM journal_heads WHERE project_id = $1"


@dataclass(frozen=True, slots=True)
class Range:
    """Events ``first`` .. ``last`` inclusive (empty when ``last < first``)."""

    first: int
    last: int


async def plan(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, first: int, last: int | None
) -> Range:
    """The range to export (``last`` defaults to the journal's length); InvalidInput
    naming ``from`` or ``to`` when it lies outside the journal."""
    length = int(await conn.fetchval(_LENGTH, project_id) or 0)
    if first < 1:
        raise InvalidInput("from must be at least 1", "from")
    end = length if last is None else last
    if end > length:
        raise InvalidInput(f"to {end} exceeds the journal's {length} events", "to")
    if end < first - 1:
        raise InvalidInput("to must not be before from", "to")
    return Range(first, end)


def line(project_id: int, row: asyncpg.Record) -> bytes:
    """One export line of a journal row."""
    document = event_document(
        project_id,
        row["seq"],
        row["type"],
        row["version"],
        row["body"],
        row["actor"],
        row["recorded_at"],
    )
    return b"".join(
        (
            b'{"document":',
            canonical_json(document),
            b',"hash":"',
            bytes(row["hash"]).hex().encode(),
            b'","prev_hash":"',
            bytes(row["prev_hash"]).hex().encode(),
            b'"}\n',
        )
    )


async def chunks(
    conn: asyncpg.Connection, project_id: int, span: Range, lines_per_chunk: int = 2000
) -> AsyncIterator[bytes]:
    """The export of ``span`` in chunks of whole lines (inside a transaction)."""
    batch: list[bytes] = []
    async for row in conn.cursor(_ROWS, project_id, span.first, span.last, prefetch=5000):
        batch.append(line(project_id, row))
        if len(batch) >= lines_per_chunk:
            yield b"".join(batch)
            batch = []
    if batch:
        yield b"".join(batch)
