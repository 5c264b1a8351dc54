"""Read side of the treasury: balances at any date, keyset-paged transactions and
the integrity check anyone can run (balanced transactions, balances equal to a
replay of the entries, one matching journal event per transaction, a verified
journal chain)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from ledger.journal import chain as journal
from ledger.journal.events.treasury import TransactionPosted
from ledger.kernel.errors import InvalidInput
from ledger.kernel.paging import Page, decode_cursor, make_page
from ledger.treasury.books import load_transactions
from ledger.treasury.models import TRANSACTION_KINDS, Transaction


@dataclass(frozen=True, slots=True)
class AccountBalance:
    account_id: int
    kind: str
    name: str
    currency: str
    sponsor_id: int | None
    balance: int


@dataclass(frozen=True, slots=True)
class TransactionFilter:
    kind: str | None = None
    sponsor_id: int | None = None
    since: date | None = None
    until: date | None = None

    def validated(self) -> TransactionFilter:
        if self.kind is not None and self.kind not in TRANSACTION_KINDS:
            raise InvalidInput(f"kind must be one of {', '.join(TRANSACTION_KINDS)}", "kind")
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("since is after until", "since")
        return self


@dataclass(frozen=True, slots=True)
class Integrity:
    transactions: int
    unbalanced: list[int]
    mismatched_accounts: list[int]
    unjournaled: list[int]
    journal_ok: bool
    journal_reason: str

    @property
    def ok(self) -> bool:
        return (
            not self.unbalanced
            and not self.mismatched_accounts
            and not self.unjournaled
            and self.journal_ok
        )


_BALANCES_NOW = """
SELECT id, kind, name, currency, sponsor_id, balance FROM treasury_accounts
WHERE project_id = $1 ORDER BY currency, kind, name
"""
_BALANCES_AT = """
SELECT a.id, a.kind, a.name, a.currency, a.sponsor_id, coalesce(sum(e.amount), 0) AS balance
FROM treasury_accounts a
LEFT JOIN treasury_entries e ON e.project_id = a.project_id AND e.account_id = a.id
    AND EXISTS (SELECT 1 FROM treasury_transactions t WHERE t.project_id = e.project_id
                AND t.id = e.transaction_id AND t.occurred_on <= $2)
WHERE a.project_id = $1
GROUP BY a.project_id, a.id ORDER BY a.currency, a.kind, a.name
"""
_WHERE = """t.project_id = $1
    AND ($2::text IS NULL OR t.kind = $2)
    AND ($3::bigint IS NULL OR t.sponsor_id = $3)
    AND ($4::date IS NULL OR t.occurred_on >= $4)
    AND ($5::date IS NULL OR t.occurred_on <= $5)"""
_PAGE = f"""
SELECT t.id, t.occurred_on FROM treasury_transactions t WHERE {_WHERE}
    AND ($6::date IS NULL OR (t.occurred_on, t.id) < ($6, $7))
ORDER BY t.occurred_on DESC, t.id DESC LIMIT $8
"""
_COUNT = f"SELECT count(*) FROM treasury_transactions t WHERE {_WHERE}"
_UNBALANCED = """
SELECT t.id FROM treasury_transactions t
WHERE t.project_id = $1 AND (
    (SELECT count(*) FROM treasury_entries e
     WHERE e.project_id = t.project_id AND e.transaction_id = t.id) < 2
    OR EXISTS (SELECT 1 FROM treasury_entries e
               WHERE e.project_id = t.project_id AND e.transaction_id = t.id
               GROUP BY e.currency HAVING sum(e.amount) <> 0))
ORDER BY t.id
"""
_MISMATCHED = """
SELECT a.id FROM treasury_accounts a
LEFT JOIN (SELECT account_id, sum(amount) AS replayed FROM treasury_entries
           WHERE project_id = $1 GROUP BY account_id) r ON r.account_id = a.id
WHERE a.project_id = $1 AND a.balance <> coalesce(r.replayed, 0)
ORDER BY a.id
"""
_UNJOURNALED = """
WITH posted AS (
    SELECT (body->>'transaction')::bigint AS id, body->>'kind' AS kind,
           body->'entries' AS entries, count(*) OVER (PARTITION BY body->>'transaction') AS n
    FROM journal_events WHERE project_id = $1 AND type = $2
), booked AS (
    SELECT t.id, t.kind, (
        SELECT jsonb_agg(jsonb_build_object('line', e.line, 'account', e.account_id,
                         'kind', a.kind, 'name', a.name, 'currency', e.currency,
                         'minor', e.amount::text) ORDER BY e.line)
        FROM treasury_entries e
        JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id
        WHERE e.project_id = t.project_id AND e.transaction_id = t.id
    ) AS entries
    FROM treasury_transactions t WHERE t.project_id = $1
)
SELECT DISTINCT coalesce(b.id, p.id) AS id FROM booked b FULL JOIN posted p ON p.id = b.id
WHERE p.id IS NULL OR b.id IS NULL OR p.n <> 1 OR p.kind <> b.kind
    OR p.entries IS DISTINCT FROM b.entries
ORDER BY 1
"""


def _balance(row: asyncpg.Record) -> AccountBalance:
    return AccountBalance(
        row["id"], row["kind"], row["name"], row["currency"], row["sponsor_id"], int(row["balance"])
    )


async def balances(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, at: date | None = None
) -> list[AccountBalance]:
    """Every account's balance (debits positive), now or at the end of day ``at``."""
    if at is None:
        return [_balance(r) for r in await conn.fetch(_BALANCES_NOW, project_id)]
    return [_balance(r) for r in await conn.fetch(_BALANCES_AT, project_id, at)]


async def transactions_page(
    pool: asyncpg.Pool, project_id: int, where: TransactionFilter, first: int, after: str | None
) -> Page[Transaction]:
    """Transactions newest first (value date, then id), keyset-paged in SQL."""
    f = where.validated()
    key = decode_cursor(after, 2)
    cursor_date = cursor_id = None
    if key is not None:
        try:
            cursor_date, cursor_id = date.fromisoformat(str(key[0])), int(key[1])
        except (TypeError, ValueError):
            raise InvalidInput("malformed cursor", "after") from None
    filters = (f.kind, f.sponsor_id, f.since, f.until)
    async with pool.acquire() as conn:
        rows = await conn.fetch(_PAGE, project_id, *filters, cursor_date, cursor_id, first + 1)
        total = await conn.fetchval(_COUNT, project_id, *filters)
        found = await load_transactions(conn, project_id, [r["id"] for r in rows])
    items = [t for t in found if t is not None]
    return make_page(items, first, total, lambda t: (t.movement.occurred_on.isoformat(), t.id))


async def books_problems(
    conn: asyncpg.Connection, project_id: int
) -> tuple[int, list[int], list[int], list[int]]:
    """(transactions, unbalanced ones, accounts off their replay, transactions without
    exactly one matching journal event), read in the caller's transaction."""
    count = await conn.fetchval(
        "SELECT count(*) FROM treasury_transactions WHERE project_id = $1", project_id
    )
    unbalanced = [r["id"] for r in await conn.fetch(_UNBALANCED, project_id)]
    mismatched = [r["id"] for r in await conn.fetch(_MISMATCHED, project_id)]
    posted = await conn.fetch(_UNJOURNALED, project_id, TransactionPosted.TYPE)
    unjournaled = [r["id"] for r in posted]
    return count, unbalanced, mismatched, unjournaled


async def integrity(conn: asyncpg.Connection, project_id: int) -> Integrity:
    """Recheck the books from their entries and the journal (a fresh connection)."""
    async with conn.transaction(readonly=True, isolation="repeatable_read"):
        count, unbalanced, mismatched, unjournaled = await books_problems(conn, project_id)
    chain = await journal.verify(conn, project_id)
    return Integrity(count, unbalanced, mismatched, unjournaled, chain.ok, chain.reason)
