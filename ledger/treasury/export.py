"""CSV export of a project's treasury transactions with a running balance per
currency, streamed from a database cursor in chunks (flat memory at any size).

One row per transaction and currency, in value-date order: ``treasury_change`` is
what the movement did to the money held in all funds of that currency, and
``running_balance`` the money held after it (opening balance included when the
export starts after the first transaction).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import asyncpg

from ledger.journal.canonical import timestamp
from ledger.kernel.money import format_minor
from ledger.kernel.spreadsheet import CsvText

HEADER = (
    "transaction",
    "occurred_on",
    "recorded_at",
    "kind",
    "currency",
    "treasury_change",
    "running_balance",
    "sponsor",
    "sponsor_name",
    "payee",
    "purpose",
    "approval",
    "evidence_url",
    "fx_rate",
    "fx_source",
    "fx_date",
    "reverses",
    "memo",
    "actor",
)
CHUNK_ROWS = 500

_ROWS = """
WITH per AS (
    SELECT t.id, t.occurred_on, t.recorded_at, t.kind, e.currency,
           sum(CASE WHEN a.kind = 'treasury' THEN e.amount ELSE 0 END) AS change
    FROM treasury_transactions t
    JOIN treasury_entries e ON e.project_id = t.project_id AND e.transaction_id = t.id
    JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id
    WHERE t.project_id = $1 AND ($3::date IS NULL OR t.occurred_on <= $3)
    GROUP BY t.project_id, t.id, e.currency
), running AS (
    SELECT per.*, sum(change) OVER (PARTITION BY currency ORDER BY occurred_on, id
                                    ROWS UNBOUNDED PRECEDING) AS balance
    FROM per
)
SELECT r.id, r.occurred_on, r.recorded_at, r.kind, r.currency, r.change, r.balance,
       t.sponsor_id, coalesce(o.name, c.display_name) AS sponsor_name, t.payee, t.purpose,
       t.approval_id, t.evidence_url, t.fx_rate, t.fx_source, t.fx_date, t.reverses_id,
       t.memo, t.actor
FROM running r
JOIN treasury_transactions t ON t.project_id = $1 AND t.id = r.id
LEFT JOIN treasury_sponsors s ON s.project_id = t.project_id AND s.id = t.sponsor_id
LEFT JOIN organisations o ON o.id = s.organisation_id
LEFT JOIN contributors c ON c.id = s.contributor_id
WHERE $2::date IS NULL OR r.occurred_on >= $2
ORDER BY r.occurred_on, r.id, r.currency
"""


def _cells(row: asyncpg.Record) -> list[object]:
    currency = row["currency"]
    return [
        row["id"],
        row["occurred_on"].isoformat(),
        timestamp(row["recorded_at"]),
        row["kind"],
        currency,
        format_minor(int(row["change"]), currency),
        format_minor(int(row["balance"]), currency),
        row["sponsor_id"] or "",
        row["sponsor_name"],
        row["payee"],
        row["purpose"],
        row["approval_id"] or "",
        row["evidence_url"] or "",
        row["fx_rate"] if row["fx_rate"] is not None else "",
        row["fx_source"],
        row["fx_date"].isoformat() if row["fx_date"] else "",
        row["reverses_id"] or "",
        row["memo"],
        row["actor"],
    ]


class TransactionsCsv:
    """One export: ``chunks()`` yields the text; ``rows`` counts the rows written."""

    def __init__(
        self, project_id: int, since: date | None = None, until: date | None = None
    ) -> None:
        self.project_id, self.since, self.until = project_id, since, until
        self.rows = 0

    async def chunks(self, conn: asyncpg.Connection) -> AsyncIterator[str]:
        """The export as text chunks; the caller holds ``conn`` in a transaction."""
        out = CsvText()
        out.row(HEADER)
        cursor = conn.cursor(_ROWS, self.project_id, self.since, self.until, prefetch=CHUNK_ROWS)
        async for row in cursor:
            out.row(_cells(row))
            self.rows += 1
            if self.rows % CHUNK_ROWS == 0:
                yield out.take()
        yield out.take()


async def csv_chunks(
    conn: asyncpg.Connection,
    project_id: int,
    since: date | None = None,
    until: date | None = None,
) -> AsyncIterator[str]:
    """The export as text chunks; the caller holds ``conn`` in a transaction."""
    async for chunk in TransactionsCsv(project_id, since, until).chunks(conn):
        yield chunk
