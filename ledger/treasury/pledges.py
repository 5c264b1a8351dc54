"""Outstanding pledges at a date: what each sponsor still owes, pledge by pledge, with
due dates and whether it is overdue (the allocation rule is ``schedule.open_pledges``).

Only sponsors whose receivable is positive at that date are read, and for them only
the pledges standing then (made by that date and not reversed by it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import asyncpg

from ledger.kernel.money import Money
from ledger.treasury.schedule import Pledged, open_pledges

_OWED = """
SELECT a.sponsor_id, a.currency, sum(e.amount) AS owed
FROM treasury_accounts a
JOIN treasury_entries e ON e.project_id = a.project_id AND e.account_id = a.id
JOIN treasury_transactions t ON t.project_id = e.project_id AND t.id = e.transaction_id
WHERE a.project_id = $1 AND a.kind = 'receivable' AND t.occurred_on <= $2
GROUP BY a.sponsor_id, a.currency HAVING sum(e.amount) > 0
"""
_STANDING = """
SELECT t.id, t.sponsor_id, t.sponsorship_id, t.installment, t.occurred_on, t.due_on,
    e.currency, e.amount
FROM treasury_transactions t
JOIN treasury_entries e ON e.project_id = t.project_id AND e.transaction_id = t.id
JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id
    AND a.kind = 'receivable'
WHERE t.project_id = $1 AND t.kind = 'pledge' AND t.occurred_on <= $2
    AND t.sponsor_id = any($3::bigint[])
    AND NOT EXISTS (SELECT 1 FROM treasury_transactions r WHERE r.project_id = t.project_id
                    AND r.reverses_id = t.id AND r.occurred_on <= $2)
"""


@dataclass(frozen=True, slots=True)
class Outstanding:
    """A pledge still (partly) open at ``as_of``."""

    transaction_id: int
    sponsor_id: int
    sponsorship_id: int | None
    installment: int | None
    occurred_on: date
    due_on: date
    pledged: Money
    open: Money
    overdue: bool


async def outstanding(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, as_of: date
) -> list[Outstanding]:
    """Every pledge open at the end of ``as_of``, by due date; overdue when its due
    date is before ``as_of``."""
    owed = {(r["sponsor_id"], r["currency"]): int(r["owed"]) for r in await conn.fetch(
        _OWED, project_id, as_of)}  # fmt: skip
    if not owed:
        return []
    rows = await conn.fetch(_STANDING, project_id, as_of, sorted({s for s, _ in owed}))
    by_pair: dict[tuple[int, str], list[asyncpg.Record]] = defaultdict(list)
    for r in rows:
        by_pair[(r["sponsor_id"], r["currency"])].append(r)
    found: list[Outstanding] = []
    for pair, balance in owed.items():
        records = {r["id"]: r for r in by_pair.get(pair, [])}
        pledged = [
            Pledged(r["id"], r["occurred_on"], r["due_on"] or r["occurred_on"], int(r["amount"]))
            for r in records.values()
        ]
        for item in open_pledges(pledged, balance):
            r = records[item.pledge.transaction_id]
            found.append(
                Outstanding(
                    r["id"],
                    r["sponsor_id"],
                    r["sponsorship_id"],
                    r["installment"],
                    r["occurred_on"],
                    item.pledge.due_on,
                    Money(item.pledge.minor, pair[1]),
                    Money(item.open_minor, pair[1]),
                    item.overdue(as_of),
                )
            )
    return sorted(found, key=lambda o: (o.due_on, o.transaction_id))
