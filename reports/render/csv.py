"""The report's tables as CSV: counted contributions, funding transactions with the
running treasury balance per currency, and ballots of proposals closed in the period
(voters left out of secret ones). Written by the service's one CSV writer
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
    SELECT t.id, t.occurred_on, t.kind, t.memo, t.sponsor_id, e.currency,
        sum(e.amount) FILTER (WHERE a.kind = 'treasury') AS cash,
        -sum(e.amount) FILTER (WHERE a.kind = 'income') AS income
    FROM treasury_transactions t
    JOIN treasury_entries e ON e.project_id = t.project_id AND e.transaction_id = t.id
    JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id
    WHERE t.project_id = $1 AND t.occurred_on < $3
    GROUP BY t.id, t.occurred_on, t.kind, t.memo, t.sponsor_id, e.currency
),
running AS (
    SELECT *, sum(coalesce(cash, 0)) OVER (PARTITION BY currency ORDER BY occurred_on, id)
        AS balance
    FROM legs
)
SELECT r.id AS transaction_id, r.occurred_on, r.kind, r.currency,
    coalesce(r.cash, 0) AS treasury_change_minor, r.balance AS treasury_balance_minor,
    coalesce(r.income, 0) AS sponsor_income_minor, r.sponsor_id,
    coalesce(o.name, c.display_name) AS sponsor, r.memo
FROM running r
LEFT JOIN treasury_sponsors s ON s.project_id = $1 AND s.id = r.sponsor_id
LEFT JOIN organisations o ON o.id = s.organisation_id
LEFT JOIN contributors c ON c.id = s.contributor_id
WHERE r.occurred_on >= $2
ORDER BY r.occurred_on, r.id, r.currency
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
