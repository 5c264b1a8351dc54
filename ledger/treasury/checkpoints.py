"""How far each project's books are checked against its journal: one checkpoint per
project, advanced by the background checker, read in O(1).

The journal orders every posting (a transaction and its ``TransactionPosted`` event
commit together, and events are numbered in commit order), so the checkpoint is a
journal position ``seq``: every posted event up to it was matched with its booked
transaction (same kind and entries) and that transaction's entries balance per
currency; the entries are replayed into per-account balances
(``treasury_checked_balances``). When a pass reaches the head it compares, in the same
snapshot, the replayed balances with the accounts' and the number of booked
transactions with the number of posted events matched; a difference is then named by
the full query (``queries.books_problems``). A change made around the application moves
no head, so a project is also compared again once its last check is ``STALE_SECONDS``
old. ``recheck`` (admins) redoes everything
from the entries and records it. Processes sharing a database take turns per project
(a session advisory lock held around one repeatable-read pass).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from ledger.journal import checkpoints as journal_checkpoints
from ledger.journal.checker import Check
from ledger.journal.events import MalformedEvent, decode
from ledger.journal.events.treasury import TransactionPosted
from ledger.treasury.books import load_transactions
from ledger.treasury.models import Transaction
from ledger.treasury.queries import Integrity, books_problems

BATCH = 5_000
# A change made around the application (SQL by hand) moves no journal head: the
# accounts are compared again after this long even when nothing was posted.
STALE_SECONDS = 60.0

_COLUMNS = "seq, transactions, last_transaction, unbalanced, mismatched, unjournaled, checked_at"
_STATUS = f"SELECT {_COLUMNS} FROM treasury_checkpoints WHERE project_id = $1"
_STATUSES = f"""
SELECT project_id, {_COLUMNS} FROM treasury_checkpoints WHERE project_id = any($1::bigint[])
"""
_ENSURE = """
INSERT INTO treasury_checkpoints (project_id) VALUES ($1) ON CONFLICT (project_id) DO NOTHING
"""
_LAGGING = """
SELECT h.project_id FROM journal_heads h
LEFT JOIN treasury_checkpoints c ON c.project_id = h.project_id
WHERE c.project_id IS NULL OR c.seq < h.seq OR c.checked_at IS NULL
    OR c.checked_at < clock_timestamp() - make_interval(secs => $1)
ORDER BY h.project_id
"""
_KEY = "hashtextextended('commons.treasury-check', $1)"
_TRY_LOCK = f"SELECT pg_try_advisory_lock({_KEY})"
_WAIT_LOCK = f"SELECT pg_advisory_lock({_KEY})"
_UNLOCK = f"SELECT pg_advisory_unlock({_KEY})"
_HEAD = "SELECT seq FROM journal_heads WHERE project_id = $1"
_POSTED = """
SELECT seq, body FROM journal_events
WHERE project_id = $1 AND type = $2 AND seq > $3 AND seq <= $4 ORDER BY seq LIMIT $5
"""
_LAST_POSTED = """
SELECT body FROM journal_events WHERE project_id = $1 AND type = $2 AND seq <= $3
ORDER BY seq DESC LIMIT 1
"""
_REPLAYED = "SELECT account_id, balance FROM treasury_checked_balances WHERE project_id = $1"
_REPLAY_ALL = """
SELECT account_id, sum(amount) AS balance FROM treasury_entries WHERE project_id = $1
GROUP BY account_id
"""
_ACCOUNTS = "SELECT id, balance FROM treasury_accounts WHERE project_id = $1 ORDER BY id"
_BOOKED = "SELECT count(*) FROM treasury_transactions WHERE project_id = $1"
_SAVE_BALANCES = """
INSERT INTO treasury_checked_balances (project_id, account_id, balance)
SELECT $1, b.account, b.balance FROM unnest($2::bigint[], $3::numeric[]) AS b(account, balance)
ON CONFLICT (project_id, account_id) DO UPDATE SET balance = excluded.balance
"""
_SAVE = """
UPDATE treasury_checkpoints
SET seq = $2, transactions = $3, last_transaction = $4, unbalanced = $5, mismatched = $6,
    unjournaled = $7, checked_at = clock_timestamp()
WHERE project_id = $1
"""


@dataclass(frozen=True, slots=True)
class Status:
    """What is known of the books without rereading them: checked against the journal
    through event ``seq``, ``transactions`` matched, the problems found."""

    seq: int
    transactions: int
    last_transaction: int | None
    unbalanced: list[int]
    mismatched: list[int]
    unjournaled: list[int]
    checked_at: datetime | None


async def status(conn: asyncpg.Connection | asyncpg.Pool, project_id: int) -> Status:
    """The project's books checkpoint (one indexed row; zeros before the first pass)."""
    return (await load_statuses(conn, [project_id]))[0]


async def load_statuses(
    conn: asyncpg.Connection | asyncpg.Pool, project_ids: list[int]
) -> list[Status]:
    """Batch ``status`` in key order."""
    found = {r["project_id"]: _status(r) for r in await conn.fetch(_STATUSES, project_ids)}
    return [found.get(i, Status(0, 0, None, [], [], [], None)) for i in project_ids]


def _status(row: asyncpg.Record) -> Status:
    return Status(
        row["seq"],
        row["transactions"],
        row["last_transaction"],
        list(row["unbalanced"]),
        list(row["mismatched"]),
        list(row["unjournaled"]),
        row["checked_at"],
    )


async def lagging(
    conn: asyncpg.Connection | asyncpg.Pool, stale: float = STALE_SECONDS
) -> list[int]:
    """Projects whose books are checked through an older event than their head, or were
    last compared with the accounts more than ``stale`` seconds ago."""
    return [r["project_id"] for r in await conn.fetch(_LAGGING, stale)]


@asynccontextmanager
async def _turn(conn: asyncpg.Connection, project_id: int, wait: bool) -> AsyncIterator[bool]:
    """This process's turn on the project's books (False when another holds it)."""
    got = await conn.fetchval(_WAIT_LOCK if wait else _TRY_LOCK, project_id)
    if got is False:
        yield False
        return
    try:
        yield True
    finally:
        await conn.fetchval(_UNLOCK, project_id)


async def advance(conn: asyncpg.Connection, project_id: int, batch: int = BATCH) -> int:
    """Check at most ``batch`` posted events past the checkpoint and move it, comparing
    the accounts once it reaches the head; the number of posted events looked at (0
    when none was new or another process holds the project)."""
    await conn.execute(_ENSURE, project_id)
    async with _turn(conn, project_id, wait=False) as mine:
        if not mine:
            return 0
        async with conn.transaction(isolation="repeatable_read"):
            return await _pass(conn, project_id, batch)


async def _pass(conn: asyncpg.Connection, project_id: int, batch: int) -> int:
    row = await conn.fetchrow(_STATUS, project_id)
    head = await conn.fetchval(_HEAD, project_id)
    if row is None or head is None:
        return 0
    posted = await conn.fetch(_POSTED, project_id, TransactionPosted.TYPE, row["seq"], head, batch)
    through = posted[-1]["seq"] if len(posted) == batch else head
    events = [_decoded(r["body"]) for r in posted]
    ids = [e.transaction for e in events if e is not None]
    booked = {t.id: t for t in await load_transactions(conn, project_id, ids) if t is not None}
    replayed = {r["account_id"]: int(r["balance"]) for r in await conn.fetch(_REPLAYED, project_id)}
    unbalanced, unjournaled = set(row["unbalanced"]), set(row["unjournaled"])
    matched, last = row["transactions"], row["last_transaction"]
    for event in events:
        if event is None:
            continue  # a body of another shape: the count below tells, the full query names
        found = booked.get(event.transaction)
        last = event.transaction
        if found is None or not _same(event, found):
            unjournaled.add(event.transaction)
        if found is None:
            continue
        matched += 1
        if not _balanced(found):
            unbalanced.add(found.id)
        for entry in found.entries:
            replayed[entry.account_id] = replayed.get(entry.account_id, 0) + entry.amount.minor
    mismatched = list(row["mismatched"])
    if through == head:
        accounts = await conn.fetch(_ACCOUNTS, project_id)
        mismatched = [a["id"] for a in accounts if int(a["balance"]) != replayed.get(a["id"], 0)]
        if await conn.fetchval(_BOOKED, project_id) != matched:
            # A booked transaction without its event, or an event posted twice: name them.
            _, full_unbalanced, mismatched, named = await books_problems(conn, project_id)
            unbalanced, unjournaled = set(full_unbalanced), set(named)
    await _save(
        conn,
        project_id,
        Status(through, matched, last, sorted(unbalanced), mismatched, sorted(unjournaled), None),
        replayed,
    )
    return len(posted)


async def recheck(conn: asyncpg.Connection, project_id: int) -> Integrity:
    """Recheck the books from their entries and the whole journal chain now, and record
    both verdicts (an admin's full check; it waits for a running pass)."""
    await conn.execute(_ENSURE, project_id)
    async with _turn(conn, project_id, wait=True), conn.transaction(isolation="repeatable_read"):
        head = await conn.fetchval(_HEAD, project_id) or 0
        count, unbalanced, mismatched, unjournaled = await books_problems(conn, project_id)
        replay = await conn.fetch(_REPLAY_ALL, project_id)
        body = await conn.fetchval(_LAST_POSTED, project_id, TransactionPosted.TYPE, head)
        last = _decoded(body) if body is not None else None
        checked = Status(
            head,
            count,
            last.transaction if last else None,
            unbalanced,
            mismatched,
            unjournaled,
            None,
        )
        await _save(conn, project_id, checked, {r["account_id"]: int(r["balance"]) for r in replay})
    chain = await journal_checkpoints.recheck(conn, project_id)
    return Integrity(count, unbalanced, mismatched, unjournaled, chain.ok, chain.reason)


async def _save(
    conn: asyncpg.Connection, project_id: int, checked: Status, replayed: dict[int, int]
) -> None:
    accounts = sorted(replayed)
    await conn.execute(_SAVE_BALANCES, project_id, accounts, [replayed[a] for a in accounts])
    await conn.execute(
        _SAVE,
        project_id,
        checked.seq,
        checked.transactions,
        checked.last_transaction,
        checked.unbalanced,
        checked.mismatched,
        checked.unjournaled,
    )


def _decoded(body: object) -> TransactionPosted | None:
    try:
        return decode(TransactionPosted, body)
    except MalformedEvent:
        return None


def _same(event: TransactionPosted, booked: Transaction) -> bool:
    """The event records the booked transaction's kind and entries (as the full check)."""
    entries = [(e.line, e.account, e.currency, e.minor) for e in event.entries]
    mine = [(e.line, e.account_id, e.amount.currency, str(e.amount.minor)) for e in booked.entries]
    return event.kind == booked.movement.kind and entries == mine


def _balanced(booked: Transaction) -> bool:
    """Two entries or more, summing to zero in every currency."""
    sums: dict[str, int] = defaultdict(int)
    for entry in booked.entries:
        sums[entry.amount.currency] += entry.amount.minor
    return len(booked.entries) >= 2 and not any(sums.values())


CHECK = Check("treasury", lagging, advance)
"""The books' step for the background checker."""
