"""The report's tables as CSV: counted contributions, funding transactions (one row per fund a transaction moved
money in, a transaction that moved none one row per currency: pledges, in-kind
support at its value) with the running balances per fund and per currency, fees,
approvals and the transactions reversals undo, and ballots of proposals closed in the
period (voters left out of secret ones). Written by the service's one CSV writer
(``ledger.kernel.spreadsheet``), which defuses every cell a spreadsheet could run."""

from __future__ import annotations

import asyncpg

from ledger.journal.events.governance import ProposalClosed
from ledger.kernel.errors import InvalidInput
from ledger.kernel.spreadsheet import csv_text
from reports.period import Period

_START = "$2::date::timestamp AT TIME ZONE 'UTC'"
_END = "$3::date::timestamp AT TIME ZONE 'UTC'"
TABLES: dict[str, str] = {
    "contributions": f"""
SELECT c.id, to_char(c.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS occurred_at,
    c.contributor_id, p.display_name AS contributor, c.kind, c.credit, c.policy_version,
    c.source, c.natural_key, c.evidence_url
FROM contributions c JOIN contributors p ON p.id = c.contributor_id
WHERE c.project_id = $1 AND c.counted AND c.occurred_at >= {_START} AND c.occurred_at < {_END}
ORDER BY c.occurred_at, c.id
""",
    "funding": """
WITH legs AS (
    SELECT t.id, t.occurred_on, t.kind, e.currency, a.kind AS account_kind, a.name, e.amount
    FROM treasury_transactions t
    JOIN treasury_entries e ON e.project_id = t.project_id AND e.transaction_id = t.id
    JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id
    WHERE t.project_id = $1 AND t.occurred_on < $3
),
per_currency AS (
    SELECT id, occurred_on, kind, currency,
        -sum(amount) FILTER (WHERE account_kind = 'income') AS income,
        sum(amount) FILTER (WHERE account_kind = 'in_kind_use') AS in_kind,
        sum(amount) FILTER (WHERE account_kind = 'fee') AS fee
    FROM legs GROUP BY id, occurred_on, kind, currency
),
per_fund AS (
    SELECT id, currency, name AS fund, sum(amount) AS cash
    FROM legs WHERE account_kind = 'treasury' GROUP BY id, currency, name
),
running AS (
    SELECT c.*, f.fund, coalesce(f.cash, 0) AS cash,
        sum(coalesce(f.cash, 0)) OVER (PARTITION BY c.currency
            ORDER BY c.occurred_on, c.id, f.fund ROWS UNBOUNDED PRECEDING) AS balance,
        sum(coalesce(f.cash, 0)) OVER (PARTITION BY c.currency, f.fund
            ORDER BY c.occurred_on, c.id ROWS UNBOUNDED PRECEDING) AS fund_balance
    FROM per_currency c LEFT JOIN per_fund f ON f.id = c.id AND f.currency = c.currency
)
SELECT r.id AS transaction_id, r.occurred_on, r.kind, r.fund, r.currency,
    r.cash AS treasury_change_minor,
    CASE WHEN r.fund IS NULL THEN NULL ELSE r.fund_balance END AS fund_balance_minor,
    r.balance AS treasury_balance_minor, coalesce(r.income, 0) AS sponsor_income_minor,
    r.in_kind AS in_kind_value_minor, r.fee AS fee_minor, t.sponsor_id,
    CASE WHEN s.anonymous THEN 'anonymous'
        ELSE coalesce(o.name, 'contributor ' || s.contributor_id) END
        AS sponsor,
    t.payee, t.approval_id, p.source AS approved_by, p.proposal_id, t.reverses_id, t.fee_of,
    t.refund_of, t.due_on, t.memo
FROM running r
JOIN treasury_transactions t ON t.project_id = $1 AND t.id = r.id
LEFT JOIN treasury_approvals p ON p.project_id = t.project_id AND p.id = t.approval_id
LEFT JOIN treasury_sponsors s ON s.project_id = $1 AND s.id = t.sponsor_id
LEFT JOIN organisations o ON o.id = s.organisation_id
WHERE r.occurred_on >= $2
ORDER BY r.occurred_on, r.id, r.currency, r.fund
""",
    "ballots": f"""
-- The counted sheet as journaled at close: one row per person, only ballots that stand.
-- Times and revision counts could link receipts to voters: secret ballots omit them.
SELECT p.id AS proposal_id, p.title, p.method, p.outcome,
    CASE WHEN p.secret THEN NULL ELSE (row ->> 'voter')::bigint END AS voter_id,
    CASE WHEN p.secret THEN NULL ELSE v.display_name END AS voter,
    (row -> 'ballot')::text AS ballot, row ->> 'receipt' AS receipt,
    CASE WHEN p.secret THEN NULL ELSE b.revision END AS revision,
    CASE WHEN p.secret THEN NULL
        ELSE to_char(b.cast_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END AS cast_at
FROM proposals p
JOIN journal_events e ON e.project_id = p.project_id AND e.type = '{ProposalClosed.TYPE}'
    AND (e.body ->> 'proposal_id')::bigint = p.id
CROSS JOIN LATERAL jsonb_array_elements(e.body -> 'sheet') AS row
LEFT JOIN contributors v ON NOT p.secret AND v.id = (row ->> 'voter')::bigint
LEFT JOIN ballots b ON NOT p.secret AND b.project_id = p.project_id AND b.proposal_id = p.id
    AND b.voter_id = (row ->> 'cast_by')::bigint
WHERE p.project_id = $1 AND p.state = 'closed'
  AND p.closed_at >= {_START} AND p.closed_at < {_END}
ORDER BY p.id, CASE WHEN p.secret THEN row ->> 'receipt' ELSE row ->> 'voter' END
""",
}


def check_table(name: str | None) -> str:
    """The CSV table asked for (contributions by default)."""
    name = name or "contributions"
    if name not in TABLES:
        raise InvalidInput(f"table must be one of {', '.join(TABLES)}", "table")
    return name


async def render_csv(
    conn: asyncpg.Connection, project_id: int, period: Period, table: str
) -> bytes:
    """One table of the period as CSV with a header row."""
    statement = await conn.prepare(TABLES[check_table(table)])
    header = [a.name for a in statement.get_attributes()]
    rows = await statement.fetch(project_id, period.start, period.end)
    return csv_text(header, (list(r.values()) for r in rows)).encode()
