"""Posting to the books: accounts per project and currency, row locks, balanced
entries and the journal event of each transaction, in the caller's transaction.

``post`` locks every account it touches (in id order, so concurrent postings never
deadlock), reads what later-dated entries did to them (a movement is judged at its
value date and every day after it), builds the legs from the lowest balances they
have from the value date on, refuses any movement that breaks the project's policy
on any of those days, then inserts the transaction and its entries; the database
keeps each account's balance and refuses, at commit, a transaction that does not
balance per currency.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal

import asyncpg

from ledger.journal.canonical import timestamp
from ledger.journal.chain import append_event
from ledger.journal.events.base import or_unset
from ledger.journal.events.treasury import Entry as PostedEntry
from ledger.journal.events.treasury import TransactionPosted
from ledger.kernel.errors import InvalidInput, NotFound
from ledger.kernel.money import Money
from ledger.treasury.models import (
    Entry,
    Leg,
    Movement,
    Policy,
    Transaction,
)
from ledger.treasury.rules import (
    AccountKey,
    balance_problems,
    floors,
    net_moves,
    policy_breach,
    series_from,
)

_PAIRED = {"income": "receivable", "receivable": "income"}
Balances = Mapping[AccountKey, int]

_ENSURE = """
INSERT INTO treasury_accounts (project_id, kind, name, currency, sponsor_id)
SELECT $1, k.kind, k.name, k.currency, k.sponsor
FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) AS k(kind, name, currency, sponsor)
ON CONFLICT (project_id, kind, name, currency) DO NOTHING
"""
_LOCK = """
SELECT a.id, a.kind, a.name, a.currency, a.balance
FROM treasury_accounts a
JOIN unnest($2::text[], $3::text[], $4::text[]) AS k(kind, name, currency)
  ON (a.kind, a.name, a.currency) = (k.kind, k.name, k.currency)
WHERE a.project_id = $1
ORDER BY a.id FOR UPDATE OF a
"""
_LATER = """
SELECT e.account_id, t.occurred_on AS day, sum(e.amount) AS change
FROM treasury_transactions t
JOIN treasury_entries e ON e.project_id = t.project_id AND e.transaction_id = t.id
WHERE t.project_id = $1 AND t.occurred_on > $2 AND e.account_id = any($3::bigint[])
GROUP BY e.account_id, t.occurred_on
"""
_INSERT_TX = """
INSERT INTO treasury_transactions (project_id, kind, occurred_on, memo, sponsor_id,
    sponsorship_id, approval_id, payee, purpose, evidence_url, fx_rate, fx_source, fx_date,
    reverses_id, due_on, installment, fee_of, refund_of, actor)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
RETURNING id, recorded_at
"""
_INSERT_ENTRIES = """
INSERT INTO treasury_entries (project_id, transaction_id, line, account_id, currency, amount)
SELECT $1, $2, e.line, e.account, e.currency, e.amount
FROM unnest($3::smallint[], $4::bigint[], $5::text[], $6::bigint[])
    AS e(line, account, currency, amount)
"""
TX_COLUMNS = """t.id, t.kind, t.occurred_on, t.memo, t.sponsor_id, t.sponsorship_id,
    t.approval_id, t.payee, t.purpose, t.evidence_url, t.fx_rate, t.fx_source, t.fx_date,
    t.reverses_id, t.due_on, t.installment, t.fee_of, t.refund_of, t.actor, t.recorded_at"""
_ENTRIES_OF = """
SELECT e.transaction_id, e.line, e.account_id, a.kind, a.name, e.currency, e.amount
FROM treasury_entries e
JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id
WHERE e.project_id = $1 AND e.transaction_id = any($2::bigint[])
ORDER BY e.transaction_id, e.line
"""
_TXS = f"""
SELECT {TX_COLUMNS} FROM treasury_transactions t
WHERE t.project_id = $1 AND t.id = any($2::bigint[])
"""


async def lock_accounts(
    conn: asyncpg.Connection, project_id: int, keys: Iterable[tuple[AccountKey, int | None]]
) -> dict[AccountKey, tuple[int, int]]:
    """Create the accounts named by ``keys`` (and the other account of any sponsor
    named) if new and lock them: key -> (id, balance)."""
    wanted = dict(keys)
    for (kind, name, currency), sponsor in list(wanted.items()):
        if kind in _PAIRED:  # a sponsor's rule reads both of its accounts
            wanted.setdefault((_PAIRED[kind], name, currency), sponsor)
    wanted = dict(sorted(wanted.items()))  # one insertion order: no deadlocks on new rows
    kinds, names, currencies = zip(*wanted, strict=True) if wanted else ((), (), ())
    await conn.execute(
        _ENSURE, project_id, list(kinds), list(names), list(currencies), list(wanted.values())
    )
    rows = await conn.fetch(_LOCK, project_id, list(kinds), list(names), list(currencies))
    return {(r["kind"], r["name"], r["currency"]): (r["id"], int(r["balance"])) for r in rows}


async def later_changes(
    conn: asyncpg.Connection,
    project_id: int,
    locked: Mapping[AccountKey, tuple[int, int]],
    on: date,
) -> dict[AccountKey, dict[date, int]]:
    """What entries dated after ``on`` did to the locked accounts, per account and day."""
    keys = {account_id: key for key, (account_id, _) in locked.items()}
    rows = await conn.fetch(_LATER, project_id, on, list(keys))
    found: dict[AccountKey, dict[date, int]] = defaultdict(dict)
    for r in rows:
        found[keys[r["account_id"]]][r["day"]] = int(r["change"])
    return dict(found)


async def post(
    conn: asyncpg.Connection,
    project_id: int,
    movement: Movement,
    accounts: Iterable[tuple[AccountKey, int | None]],
    build: Callable[[Balances], list[Leg]],
    policy: Policy,
    actor: str,
) -> Transaction:
    """Lock ``accounts``, build the legs from the lowest balances they have from the
    movement's value date on, check balance and policy on every day from that date,
    insert the transaction with its entries and journal it."""
    locked = await lock_accounts(conn, project_id, accounts)
    current = {key: balance for key, (_, balance) in locked.items()}
    series = series_from(
        current, await later_changes(conn, project_id, locked, movement.occurred_on)
    )
    legs = build(floors(series))
    problems = balance_problems(legs)
    if problems:
        raise InvalidInput(f"the entries do not balance: {', '.join(problems)}", "amount")
    moved = net_moves(legs)
    missing = [key for key in moved if key not in locked]
    if missing:
        raise InvalidInput(f"account {missing[0]} was not locked before posting", "account")
    after = {k: [b + moved.get(k, 0) for b in points] for k, points in series.items()}
    breach = policy_breach(after, moved, policy)
    if breach is not None:
        raise breach
    m = movement
    row = await conn.fetchrow(
        _INSERT_TX,
        project_id,
        m.kind,
        m.occurred_on,
        m.memo,
        m.sponsor_id,
        m.sponsorship_id,
        m.approval_id,
        m.payee,
        m.purpose,
        m.evidence_url,
        m.fx_rate,
        m.fx_source,
        m.fx_date,
        m.reverses_id,
        m.due_on,
        m.installment,
        m.fee_of,
        m.refund_of,
        actor,
    )
    entries = [
        Entry(line, locked[leg.key][0], leg.kind, leg.name, leg.amount)
        for line, leg in enumerate(legs, start=1)
    ]
    await conn.execute(
        _INSERT_ENTRIES,
        project_id,
        row["id"],
        [e.line for e in entries],
        [e.account_id for e in entries],
        [e.amount.currency for e in entries],
        [e.amount.minor for e in entries],
    )
    tx = Transaction(row["id"], movement, actor, row["recorded_at"], entries)
    await append_event(conn, project_id, posted_event(tx), actor)
    return tx


def posted_event(tx: Transaction) -> TransactionPosted:
    """The public journal form of a transaction (minor units as strings; what is not
    set is left out)."""
    m = tx.movement
    return TransactionPosted(
        transaction=tx.id,
        kind=m.kind,
        occurred_on=m.occurred_on.isoformat(),
        recorded_at=timestamp(tx.recorded_at),
        entries=tuple(
            PostedEntry(
                line=e.line,
                account=e.account_id,
                kind=e.account_kind,
                name=e.account_name,
                currency=e.amount.currency,
                minor=str(e.amount.minor),
            )
            for e in tx.entries
        ),
        memo=or_unset(m.memo or None),
        sponsor=or_unset(m.sponsor_id),
        sponsorship=or_unset(m.sponsorship_id),
        approval=or_unset(m.approval_id),
        payee=or_unset(m.payee),
        purpose=or_unset(m.purpose),
        evidence_url=or_unset(m.evidence_url),
        fx_rate=or_unset(str(m.fx_rate) if m.fx_rate is not None else None),
        fx_source=or_unset(m.fx_source),
        fx_date=or_unset(m.fx_date.isoformat() if m.fx_date else None),
        reverses=or_unset(m.reverses_id),
        due_on=or_unset(m.due_on.isoformat() if m.due_on else None),
        installment=or_unset(m.installment),
        fee_of=or_unset(m.fee_of),
        refund_of=or_unset(m.refund_of),
    )


def movement_of(row: asyncpg.Record) -> Movement:
    """The movement a transaction row records."""
    rate: Decimal | None = row["fx_rate"]
    fx_date: date | None = row["fx_date"]
    return Movement(
        kind=row["kind"],
        occurred_on=row["occurred_on"],
        memo=row["memo"],
        sponsor_id=row["sponsor_id"],
        sponsorship_id=row["sponsorship_id"],
        approval_id=row["approval_id"],
        payee=row["payee"],
        purpose=row["purpose"],
        evidence_url=row["evidence_url"],
        fx_rate=rate,
        fx_source=row["fx_source"],
        fx_date=fx_date,
        reverses_id=row["reverses_id"],
        due_on=row["due_on"],
        installment=row["installment"],
        fee_of=row["fee_of"],
        refund_of=row["refund_of"],
    )


async def load_transactions(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, ids: list[int]
) -> list[Transaction | None]:
    """Transactions with their entries, in key order (None where missing)."""
    rows = await conn.fetch(_TXS, project_id, ids)
    entries: dict[int, list[Entry]] = {r["id"]: [] for r in rows}
    for e in await conn.fetch(_ENTRIES_OF, project_id, list(entries)):
        entries[e["transaction_id"]].append(
            Entry(
                e["line"], e["account_id"], e["kind"], e["name"], Money(e["amount"], e["currency"])
            )
        )
    found = {
        r["id"]: Transaction(
            r["id"], movement_of(r), r["actor"], r["recorded_at"], entries[r["id"]]
        )
        for r in rows
    }
    return [found.get(i) for i in ids]


async def get_transaction(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, transaction_id: int
) -> Transaction:
    """One transaction with its entries; NotFound otherwise."""
    (found,) = await load_transactions(conn, project_id, [transaction_id])
    if found is None:
        raise NotFound(f"no treasury transaction {transaction_id}")
    return found
