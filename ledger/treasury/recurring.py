"""Recurring pledges in the books: each installment that has fallen due is posted as a
pledge dated and due on its due date (a receivable per period), exactly once (the
sponsorship and installment number are a natural key, and the sponsorship row is
locked while its installments post); a cancellation stops the installments due from
its date. The schedule itself is pure: ``schedule``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from ledger.journal.chain import append_event
from ledger.journal.events.treasury import PledgeCancelled
from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput
from ledger.register.models import check_text
from ledger.treasury.books import load_transactions
from ledger.treasury.models import Sponsorship, Transaction
from ledger.treasury.movements import post_pledge
from ledger.treasury.posting import claim_key, remember_key, request_of, today, value_date
from ledger.treasury.schedule import due_date, installments
from ledger.treasury.sponsors import get_sponsorship, list_sponsorships

_LOCK = """
SELECT id FROM treasury_sponsorships
WHERE project_id = $1 AND id = any($2::bigint[]) ORDER BY id FOR UPDATE
"""
_POSTED = """
SELECT sponsorship_id, max(installment) AS last, max(due_on) AS last_due
FROM treasury_transactions
WHERE project_id = $1 AND installment IS NOT NULL AND sponsorship_id = any($2::bigint[])
GROUP BY sponsorship_id
"""
_CANCELLATIONS = """
SELECT sponsorship_id, effective_on, reason, actor, recorded_at
FROM treasury_pledge_cancellations WHERE project_id = $1 AND sponsorship_id = any($2::bigint[])
"""
_CANCEL = """
INSERT INTO treasury_pledge_cancellations (project_id, sponsorship_id, effective_on, reason, actor)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
RETURNING sponsorship_id, effective_on, reason, actor, recorded_at
"""


@dataclass(frozen=True, slots=True)
class Cancellation:
    sponsorship_id: int
    effective_on: date
    reason: str
    actor: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class Schedule:
    """Where a recurring pledge stands: installments posted, the next due date (None
    once the schedule ended) and its cancellation."""

    sponsorship: Sponsorship
    posted: int
    next_due_on: date | None
    cancellation: Cancellation | None


def _cancellation(row: asyncpg.Record) -> Cancellation:
    return Cancellation(
        row["sponsorship_id"], row["effective_on"], row["reason"], row["actor"], row["recorded_at"]
    )


def start_of(sponsorship: Sponsorship) -> date:
    """The first due date of a recurring pledge: its period's start, else the day it
    was recorded."""
    return sponsorship.period_start or sponsorship.recorded_at.date()


async def _standing(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, ids: list[int]
) -> tuple[dict[int, asyncpg.Record], dict[int, Cancellation]]:
    posted = {r["sponsorship_id"]: r for r in await conn.fetch(_POSTED, project_id, ids)}
    cancelled = {
        r["sponsorship_id"]: _cancellation(r)
        for r in await conn.fetch(_CANCELLATIONS, project_id, ids)
    }
    return posted, cancelled


async def post_installments(
    conn: asyncpg.Connection,
    project_id: int,
    sponsorships: list[Sponsorship],
    until: date,
    actor: str,
) -> list[Transaction]:
    """Post every installment of these recurring pledges due by ``until`` and not posted
    yet, each as a pledge dated and due on its due date; returns them in order."""
    recurring = [s for s in sponsorships if s.recurrence is not None and s.amount is not None]
    ids = [s.id for s in recurring]
    await conn.fetch(_LOCK, project_id, ids)
    posted, cancelled = await _standing(conn, project_id, ids)
    made: list[Transaction] = []
    for s in sorted(recurring, key=lambda s: s.id):
        assert s.recurrence is not None
        assert s.amount is not None
        last = posted[s.id]["last"] if s.id in posted else 0
        stop = cancelled[s.id].effective_on if s.id in cancelled else None
        for n, due in installments(start_of(s), s.recurrence, until, s.period_end, stop):
            if n <= last:
                continue
            made.append(
                await post_pledge(
                    conn,
                    project_id,
                    sponsor_id=s.sponsor_id,
                    money=s.amount,
                    sponsorship_id=s.id,
                    occurred_on=due,
                    due_on=due,
                    memo=f"installment {n} of a {s.recurrence} pledge",
                    actor=actor,
                    installment=n,
                )
            )
    return made


async def post_due_pledges(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    as_of: date | None = None,
    actor: str,
) -> tuple[list[Transaction], bool]:
    """Post every recurring pledge's installments due by ``as_of`` (today), once per key;
    True when this was a replay."""
    stored = await claim_key(conn, project_id, "postDuePledges", key, request_of(as_of=as_of))
    if stored is not None:
        found = await load_transactions(conn, project_id, list(stored["transactions"]))
        return [t for t in found if t is not None], True
    until = await value_date(conn, as_of, "asOf")
    sponsorships = await list_sponsorships(conn, project_id)
    made = await post_installments(conn, project_id, sponsorships, until, actor)
    await remember_key(conn, project_id, key, {"transactions": [t.id for t in made]})
    return made, False


async def cancel_recurring_pledge(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    sponsorship_id: int,
    effective_on: date | None,
    reason: str,
    actor: str,
) -> tuple[Cancellation, bool]:
    """Stop a recurring pledge from ``effective_on`` (today): no installment due from
    then on is posted. Installments already posted stay receivable (reverse one to
    forgive it); the date may not precede the last one posted."""
    request = request_of(sponsorship=sponsorship_id, effective_on=effective_on, reason=reason)
    stored = await claim_key(conn, project_id, "cancelRecurringPledge", key, request)
    if stored is not None:
        _, cancelled = await _standing(conn, project_id, [sponsorship_id])
        return cancelled[sponsorship_id], True
    check_text(reason, "reason", 2000)
    sponsorship = await get_sponsorship(conn, project_id, sponsorship_id)
    if sponsorship.recurrence is None:
        raise InvalidInput("only a recurring pledge can be cancelled", "sponsorship")
    await conn.fetch(_LOCK, project_id, [sponsorship_id])
    posted, _ = await _standing(conn, project_id, [sponsorship_id])
    effective = effective_on or await today(conn)
    if sponsorship_id in posted and effective <= posted[sponsorship_id]["last_due"]:
        raise InvalidInput(
            f"installment {posted[sponsorship_id]['last']} due "
            f"{posted[sponsorship_id]['last_due']} is posted already; cancel from a later "
            "date or reverse it",
            "effectiveOn",
        )
    row = await conn.fetchrow(_CANCEL, project_id, sponsorship_id, effective, reason, actor)
    if row is None:
        raise Conflict(
            f"sponsorship {sponsorship_id} was cancelled already", ConflictCode.ALREADY_CANCELLED
        )
    cancellation = _cancellation(row)
    event = PledgeCancelled(
        sponsorship=sponsorship_id, effective_on=effective.isoformat(), reason=reason
    )
    await append_event(conn, project_id, event, actor)
    await remember_key(conn, project_id, key, {"sponsorship": sponsorship_id})
    return cancellation, False


async def schedules(conn: asyncpg.Connection | asyncpg.Pool, project_id: int) -> list[Schedule]:
    """Every recurring pledge of the project with its installments posted and the due
    date of the next one (None once its period ended or it was cancelled)."""
    recurring = [s for s in await list_sponsorships(conn, project_id) if s.recurrence]
    posted, cancelled = await _standing(conn, project_id, [s.id for s in recurring])
    found = []
    for s in recurring:
        assert s.recurrence is not None
        count = posted[s.id]["last"] if s.id in posted else 0
        stop = cancelled[s.id].effective_on if s.id in cancelled else None
        due = due_date(start_of(s), s.recurrence, count + 1)
        ended = (s.period_end is not None and due > s.period_end) or (
            stop is not None and due >= stop
        )
        found.append(Schedule(s, count, None if ended else due, cancelled.get(s.id)))
    return found
