"""CSV export of a project's treasury transactions with a running balance per
currency, streamed from a database cursor in chunks (flat memory at any size).

One row per leg on a fund: a transaction's change to each fund and currency it
touched (a transfer between funds is its two legs), in value-date order. A transaction
that moves no money (a pledge, in-kind support) is one row per currency with no fund.
``treasury_change`` is what the row did to the money held in ``fund``;
``fund_balance`` that fund's money held after it and ``running_balance`` the money
held in all funds of the currency after it (opening balances included when the export
starts after the first transaction); ``in_kind_value`` the value of in-kind support
the row recorded (never money held).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import asyncpg

from ledger.journal.canonical import timestamp
from ledger.kernel.money import format_minor
from ledger.kernel.spreadsheet import CsvText
from ledger.treasury.models import ANONYMOUS

HEADER = (
    "transaction",
    "occurred_on",
    "recorded_at",
    "kind",
    "fund",
    "currency",
    "treasury_change",
    "fund_balance",
    "running_balance",
    "in_kind_value",
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
    "fee_of",
    "due_on",
    "memo",
    "actor",
)
CHUNK_ROWS = 500

_ROWS = """
WITH legs AS (
    SELECT t.id, t.occurred_on, t.recorded_at, t.kind, e.currency, a.kind AS account_kind,
        a.name AS account_name, e.amount
    FROM treasury_transactions t
    JOIN treasury_entries e ON e.project_id = t.project_id AND e.transaction_id = t.id
    JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id
    WHERE t.project_id = $1 AND ($3::date IS NULL OR t.occurred_on <= $3)
), per_currency AS (
    SELECT id, occurred_on, recorded_at, kind, currency,
        sum(amount) FILTER (WHERE account_kind = 'in_kind_use') AS in_kind
    FROM legs GROUP BY id, occurred_on, recorded_at, kind, currency
), per_fund AS (
    SELECT id, currency, account_name AS fund, sum(amount) AS change
    FROM legs WHERE account_kind = 'treasury' GROUP BY id, currency, account_name
), rows AS (
    SELECT c.*, f.fund, coalesce(f.change, 0) AS change
    FROM per_currency c LEFT JOIN per_fund f ON f.id = c.id AND f.currency = c.currency
), running AS (
    SELECT rows.*,
        sum(change) OVER (PARTITION BY currency ORDER BY occurred_on, id, fund
                          ROWS UNBOUNDED PRECEDING) AS balance,
        sum(change) OVER (PARTITION BY currency, fund ORDER BY occurred_on, id
                          ROWS UNBOUNDED PRECEDING) AS fund_balance
    FROM rows
)
SELECT r.id, r.occurred_on, r.recorded_at, r.kind, r.fund, r.currency, r.change,
       r.fund_balance, r.balance, r.in_kind,
       t.sponsor_id, coalesce(o.name, c.display_name) AS sponsor_name, s.anonymous,
       t.payee, t.purpose, t.approval_id, t.evidence_url, t.fx_rate, t.fx_source, t.fx_date,
       t.reverses_id, t.fee_of, t.due_on, t.memo, t.actor
FROM running r
JOIN treasury_transactions t ON t.project_id = $1 AND t.id = r.id
LEFT JOIN treasury_sponsors s ON s.project_id = t.project_id AND s.id = t.sponsor_id
LEFT JOIN organisations o ON o.id = s.organisation_id
LEFT JOIN contributors c ON c.id = s.contributor_id
WHERE $2::date IS NULL OR r.occurred_on >= $2
ORDER BY r.occurred_on, r.id, r.currency, r.fund
"""


def _cells(row: asyncpg.Record) -> list[object]:
    currency = row["currency"]
    fund = row["fund"]
    in_kind = row["in_kind"]
    return [
        row["id"],
        row["occurred_on"].isoformat(),
        timestamp(row["recorded_at"]),
        row["kind"],
        fund or "",
        currency,
        format_minor(int(row["change"]), currency),
        format_minor(int(row["fund_balance"]), currency) if fund else "",
        format_minor(int(row["balance"]), currency),
        format_minor(int(in_kind), currency) if in_kind else "",
        row["sponsor_id"] or "",
        ANONYMOUS if row["anonymous"] else row["sponsor_name"],
        row["payee"],
        row["purpose"],
        row["approval_id"] or "",
        row["evidence_url"] or "",
        row["fx_rate"] if row["fx_rate"] is not None else "",
        row["fx_source"],
        row["fx_date"].isoformat() if row["fx_date"] else "",
        row["reverses_id"] or "",
        row["fee_of"] or "",
        row["due_on"].isoformat() if row["due_on"] else "",
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
