"""Recording a sponsorship as one idempotent use case: its terms, the sponsorship
and, when asked, the pledge of its amount, under one key with Stripe's semantics."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from ledger.kernel import idempotency
from ledger.kernel.errors import InvalidInput
from ledger.treasury.books import get_transaction
from ledger.treasury.models import NewSponsorship, Sponsorship, TermsInput, Transaction
from ledger.treasury.movements import record_pledge, request_of
from ledger.treasury.sponsors import get_sponsorship, record_sponsorship

SCOPE = "treasury.sponsorship"


@dataclass(frozen=True, slots=True)
class Recorded:
    sponsorship: Sponsorship
    pledge: Transaction | None
    replayed: bool


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
    )
    stored = await idempotency.claim(conn, project_id, SCOPE, key, request)
    if stored is not None:
        found = await get_sponsorship(conn, project_id, int(stored["sponsorship"]))
        pledged = stored.get("transaction")
        tx = await get_transaction(conn, project_id, int(pledged)) if pledged else None
        return Recorded(found, tx, True)
    if pledge and (data.amount is None or data.kind == "in_kind"):
        raise InvalidInput("only a money sponsorship can be pledged", "pledge")
    sponsorship, _ = await record_sponsorship(
        conn, project_id, data, terms, non_commons_reason=non_commons_reason, actor=actor
    )
    tx = None
    if pledge and data.amount is not None:
        tx, _ = await record_pledge(
            conn,
            project_id,
            key=key,
            sponsor_id=data.sponsor_id,
            money=data.amount,
            sponsorship_id=sponsorship.id,
            actor=actor,
        )
    result = {"sponsorship": sponsorship.id, "transaction": tx.id if tx else None}
    await idempotency.remember(conn, project_id, SCOPE, key, result)
    return Recorded(sponsorship, tx, False)
