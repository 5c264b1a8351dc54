"""The treasury's books as a report reads them, from either of two sources that must
agree: the database's tables (``from_tables``, when the report is built) or the
journal's events (``from_events``, when ``commons verify`` checks it offline).

Every figure of the money section (``reports.funding.figures``) is a pure function of
these books, so a report's figures recompute from its embedded events alone: each
``treasury.transaction_posted`` with its entries (account kind and name included),
``treasury.expense_authorized`` (who approved), ``treasury.rate_recorded``,
``treasury.sponsor_recorded`` (anonymity) and the last ``project.settings_changed`` of
the treasury (the reporting currency).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import asyncpg
from msgspec import UNSET

from ledger.journal.events import Event
from ledger.journal.events.base import or_none
from ledger.journal.events.register import ProjectSettingsChanged
from ledger.journal.events.treasury import (
    ExpenseAuthorized,
    RateRecorded,
    SponsorRecorded,
    TransactionPosted,
)
from ledger.treasury.approvals import policy_of


@dataclass(frozen=True, slots=True)
class Leg:
    kind: str
    name: str
    currency: str
    minor: int


@dataclass(frozen=True, slots=True)
class Posting:
    """One transaction with the references the figures read."""

    id: int
    kind: str
    occurred_on: date
    legs: tuple[Leg, ...]
    sponsor: int | None = None
    sponsorship: int | None = None
    approval: int | None = None
    payee: str | None = None
    reverses: int | None = None
    fee_of: int | None = None
    due_on: date | None = None
    installment: int | None = None
    refund_of: int | None = None


@dataclass(frozen=True, slots=True)
class Approval:
    id: int
    source: str
    proposal: int | None
    approved_by: str


@dataclass(frozen=True, slots=True)
class Rate:
    currency: str
    quote: str
    quoted_on: date
    rate: Decimal
    source: str


@dataclass
class Books:
    postings: list[Posting] = field(default_factory=list)
    approvals: dict[int, Approval] = field(default_factory=dict)
    rates: list[Rate] = field(default_factory=list)
    anonymous: set[int] = field(default_factory=set)
    reporting_currency: str | None = None


def from_events(events: Iterable[Event]) -> Books:
    """The books the journal's events describe."""
    books = Books()
    for e in events:
        match e:
            case TransactionPosted():
                books.postings.append(_posting(e))
            case ExpenseAuthorized():
                books.approvals[e.approval] = Approval(
                    e.approval, e.source, e.proposal, e.approved_by
                )
            case RateRecorded():
                books.rates.append(
                    Rate(e.currency, e.quote, date.fromisoformat(e.quoted_on), Decimal(e.rate),
                         e.source)
                )  # fmt: skip
            case SponsorRecorded(anonymous=True):
                books.anonymous.add(e.sponsor)
            case ProjectSettingsChanged(treasury=policy) if policy is not UNSET:
                books.reporting_currency = or_none(policy.reporting_currency)
    return books


def _posting(e: TransactionPosted) -> Posting:
    due = or_none(e.due_on)
    return Posting(
        id=e.transaction,
        kind=e.kind,
        occurred_on=date.fromisoformat(e.occurred_on),
        legs=tuple(Leg(x.kind, x.name, x.currency, int(x.minor)) for x in e.entries),
        sponsor=or_none(e.sponsor),
        sponsorship=or_none(e.sponsorship),
        approval=or_none(e.approval),
        payee=or_none(e.payee),
        reverses=or_none(e.reverses),
        fee_of=or_none(e.fee_of),
        due_on=date.fromisoformat(due) if due else None,
        installment=or_none(e.installment),
        refund_of=or_none(e.refund_of),
    )


_TRANSACTIONS = """
SELECT id, kind, occurred_on, sponsor_id, sponsorship_id, approval_id, payee, reverses_id,
    fee_of, due_on, installment, refund_of
FROM treasury_transactions WHERE project_id = $1 ORDER BY id
"""
_LEGS = """
SELECT e.transaction_id, a.kind, a.name, e.currency, e.amount
FROM treasury_entries e
JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id
WHERE e.project_id = $1 ORDER BY e.transaction_id, e.line
"""
_APPROVALS = "SELECT id, source, proposal_id, actor FROM treasury_approvals WHERE project_id = $1"
_RATES = """
SELECT currency, quote, quoted_on, rate, source FROM treasury_rates WHERE project_id = $1
"""
_ANONYMOUS = "SELECT id FROM treasury_sponsors WHERE project_id = $1 AND anonymous"


async def from_tables(conn: asyncpg.Connection, project_id: int) -> Books:
    """The books the database holds (in the caller's snapshot)."""
    legs: dict[int, list[Leg]] = {}
    for r in await conn.fetch(_LEGS, project_id):
        legs.setdefault(r["transaction_id"], []).append(
            Leg(r["kind"], r["name"], r["currency"], int(r["amount"]))
        )
    postings = [
        Posting(
            r["id"], r["kind"], r["occurred_on"], tuple(legs.get(r["id"], [])), r["sponsor_id"],
            r["sponsorship_id"], r["approval_id"], r["payee"], r["reverses_id"], r["fee_of"],
            r["due_on"], r["installment"], r["refund_of"],
        )
        for r in await conn.fetch(_TRANSACTIONS, project_id)
    ]  # fmt: skip
    approvals = {
        r["id"]: Approval(
            r["id"], r["source"], r["proposal_id"],
            r["actor"] if r["proposal_id"] is None else f"proposal:{r['proposal_id']}",
        )
        for r in await conn.fetch(_APPROVALS, project_id)
    }  # fmt: skip
    rates = [
        Rate(r["currency"], r["quote"], r["quoted_on"], r["rate"], r["source"])
        for r in await conn.fetch(_RATES, project_id)
    ]
    anonymous = {r["id"] for r in await conn.fetch(_ANONYMOUS, project_id)}
    policy = await policy_of(conn, project_id)
    return Books(postings, approvals, rates, anonymous, policy.reporting_currency)
