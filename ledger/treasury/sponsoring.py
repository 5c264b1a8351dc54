"""Recording a sponsorship as one idempotent use case: its terms, the sponsorship
and, when asked, the pledge of its amount (dated ``occurred_on``, due ``due_on``) or,
for a recurring pledge, every installment due so far (``recurring``), under one key of
the treasury's key space (``posting``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import asyncpg

from ledger.kernel.errors import InvalidInput
from ledger.treasury.books import get_transaction, load_transactions
from ledger.treasury.models import NewSponsorship, Sponsorship, TermsInput, Transaction
from ledger.treasury.movements import post_pledge
from ledger.treasury.posting import claim_key, remember_key, request_of, today
from ledger.treasury.recurring import post_installments
from ledger.treasury.sponsors import get_sponsorship, record_sponsorship


@dataclass(frozen=True, slots=True)
class Recorded:
    sponsorship: Sponsorship
    pledge: Transaction | None
    replayed: bool
    installments: list[Transaction] = field(default_factory=list)


async def sponsor_once(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    data: NewSponsorship,
    terms: TermsInput,
    non_commons_reason: str | None,
    pledge: bool,
    actor: str,
    occurred_on: date | None = None,
    due_on: date | None = None,
) -> Recorded:
    """Record a sponsorship (and its pledge) once per key; a replay returns the first."""
    request = request_of(
        sponsor=data.sponsor_id,
        kind=data.kind,
        money=data.amount,
        in_kind=data.in_kind_description,
        period_start=data.period_start,
        period_end=data.period_end,
        recurrence=data.recurrence,
        earmark=data.earmark,
        terms=[terms.title, terms.version, terms.digest.hex(), terms.claims()],
        non_commons=non_commons_reason,
        pledge=pledge,
        occurred_on=occurred_on,
        due_on=due_on,
    )
    stored = await claim_key(conn, project_id, "sponsorship", key, request)
    if stored is not None:
        found = await get_sponsorship(conn, project_id, int(stored["sponsorship"]))
        pledged = stored.get("transaction")
        tx = await get_transaction(conn, project_id, int(pledged)) if pledged else None
        posted = await load_transactions(conn, project_id, list(stored.get("installments", [])))
        return Recorded(found, tx, True, [t for t in posted if t is not None])
    if pledge and (data.amount is None or data.kind == "in_kind"):
        raise InvalidInput(
            "only a money sponsorship can be pledged; post in-kind support with recordInKind",
            "pledge",
        )
    if (not pledge or data.recurrence) and (occurred_on is not None or due_on is not None):
        raise InvalidInput(
            "occurredOn and dueOn date a one-time pledge (installments are dated by their "
            "schedule)",
            "occurredOn",
        )
    sponsorship, _ = await record_sponsorship(
        conn, project_id, data, terms, non_commons_reason=non_commons_reason, actor=actor
    )
    tx = None
    due: list[Transaction] = []
    if pledge and data.recurrence is not None:
        due = await post_installments(conn, project_id, [sponsorship], await today(conn), actor)
    elif pledge and data.amount is not None:
        tx = await post_pledge(
            conn,
            project_id,
            sponsor_id=data.sponsor_id,
            money=data.amount,
            sponsorship_id=sponsorship.id,
            occurred_on=occurred_on,
            due_on=due_on,
            memo="",
            actor=actor,
        )
    result = {
        "sponsorship": sponsorship.id,
        "transaction": tx.id if tx else None,
        "installments": [t.id for t in due],
    }
    await remember_key(conn, project_id, key, result)
    return Recorded(sponsorship, tx, False, due)
