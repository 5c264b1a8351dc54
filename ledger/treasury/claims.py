"""Expense claims a payee submits: ``draft`` -> ``approved`` (under a passed proposal's
approval, or a maintainer's where the policy allows) -> ``paid`` (an expense posted
under that approval), or ``draft`` -> ``rejected`` with a reason. Each step is a
journal event; a step from the wrong state is ``claim_state``; an approval pays one
claim or expense only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from ledger.journal.chain import append_event
from ledger.journal.events.treasury import (
    ExpenseApproved,
    ExpensePaid,
    ExpenseRejected,
    ExpenseSubmitted,
)
from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput, NotFound
from ledger.kernel.money import Money
from ledger.kernel.paging import Page, cursor_int, decode_cursor, make_page
from ledger.register.models import check_slug, check_text, check_url
from ledger.treasury.approvals import claim_approval
from ledger.treasury.books import get_transaction
from ledger.treasury.expenses import post_expense
from ledger.treasury.models import NAME_LIMIT, PolicyBreach, Transaction
from ledger.treasury.posting import claim_key, remember_key, request_of

CLAIM_STATES = ("draft", "approved", "paid", "rejected")
_COLUMNS = """id, state, submitter, payee, amount, currency, category, fund, purpose,
    evidence_url, approval_id, transaction_id, rejection_reason, decided_by, submitted_at,
    updated_at"""
_INSERT = f"""
INSERT INTO treasury_expense_claims (project_id, state, submitter, payee, amount, currency,
    category, fund, purpose, evidence_url)
VALUES ($1, 'draft', $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {_COLUMNS}
"""
_LOCK = f"SELECT {_COLUMNS} FROM treasury_expense_claims WHERE project_id = $1 AND id = $2"
_UPDATE = f"""
UPDATE treasury_expense_claims SET state = $3, approval_id = $4, transaction_id = $5,
    rejection_reason = $6, decided_by = $7, updated_at = clock_timestamp()
WHERE project_id = $1 AND id = $2 RETURNING {_COLUMNS}
"""
_PAGE = f"""
SELECT {_COLUMNS} FROM treasury_expense_claims
WHERE project_id = $1 AND ($2::text IS NULL OR state = $2) AND ($3::bigint IS NULL OR id > $3)
ORDER BY id LIMIT $4
"""
_COUNT = """
SELECT count(*) FROM treasury_expense_claims
WHERE project_id = $1 AND ($2::text IS NULL OR state = $2)
"""
_HOLDER = """
SELECT id FROM treasury_expense_claims WHERE project_id = $1 AND approval_id = $2
"""


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    state: str
    submitter: str
    payee: str
    amount: Money
    category: str
    fund: str
    purpose: str
    evidence_url: str
    approval_id: int | None
    transaction_id: int | None
    rejection_reason: str | None
    decided_by: str | None
    submitted_at: datetime
    updated_at: datetime


def _claim(row: asyncpg.Record) -> Claim:
    return Claim(
        row["id"], row["state"], row["submitter"], row["payee"],
        Money(row["amount"], row["currency"]), row["category"], row["fund"], row["purpose"],
        row["evidence_url"], row["approval_id"], row["transaction_id"],
        row["rejection_reason"], row["decided_by"], row["submitted_at"], row["updated_at"],
    )  # fmt: skip


async def get_claim(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, claim_id: int, *, lock: bool = False
) -> Claim:
    """One claim (locked for this transaction when asked); NotFound otherwise."""
    row = await conn.fetchrow(_LOCK + (" FOR UPDATE" if lock else ""), project_id, claim_id)
    if row is None:
        raise NotFound(f"no expense claim {claim_id} in this project")
    return _claim(row)


async def claims_page(
    pool: asyncpg.Pool, project_id: int, state: str | None, first: int, after: str | None
) -> Page[Claim]:
    """The project's claims (in one state when given), oldest first, keyset-paged."""
    if state is not None and state not in CLAIM_STATES:
        raise InvalidInput(f"state must be one of {', '.join(CLAIM_STATES)}", "state")
    key = decode_cursor(after, 1)
    since = cursor_int(key[0]) if key is not None else None
    async with pool.acquire() as conn:
        rows = await conn.fetch(_PAGE, project_id, state, since, first + 1)
        total = await conn.fetchval(_COUNT, project_id, state)
    return make_page([_claim(r) for r in rows], first, total, lambda c: (c.id,))


def _expect(claim: Claim, state: str) -> None:
    if claim.state != state:
        raise Conflict(
            f"expense claim {claim.id} is {claim.state}, not {state}", ConflictCode.CLAIM_STATE
        )


async def submit_expense(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    payee: str,
    money: Money,
    purpose: str,
    evidence_url: str,
    category: str = "general",
    fund: str = "main",
    actor: str,
) -> tuple[Claim, bool]:
    """A payee's claim for an expense, as a draft awaiting approval."""
    request = request_of(
        payee=payee, money=money, purpose=purpose, evidence_url=evidence_url,
        category=category, fund=fund,
    )  # fmt: skip
    stored = await claim_key(conn, project_id, "submitExpense", key, request)
    if stored is not None:
        return await get_claim(conn, project_id, int(stored["claim"])), True
    check_text(payee, "payee", 200)
    check_text(purpose, "purpose", 2000)
    url = check_url(evidence_url, "evidenceUrl")
    if url is None:
        raise InvalidInput("evidenceUrl is required", "evidenceUrl")
    check_slug(category, "category", NAME_LIMIT)
    check_slug(fund, "fund", NAME_LIMIT)
    row = await conn.fetchrow(
        _INSERT, project_id, actor, payee, money.minor, money.currency, category, fund,
        purpose, url,
    )  # fmt: skip
    claim = _claim(row)
    event = ExpenseSubmitted(
        claim=claim.id, payee=payee, currency=money.currency, amount=money.decimal,
        category=category, fund=fund, purpose=purpose, evidence_url=url,
    )  # fmt: skip
    await append_event(conn, project_id, event, actor)
    await remember_key(conn, project_id, key, {"claim": claim.id})
    return claim, False


async def approve_claim(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    claim_id: int,
    approval_id: int | None,
    actor: str,
) -> tuple[Claim, bool]:
    """Approve a draft under a passed proposal's approval (unused, same payee and
    currency, large enough) or, with none named, as a maintainer where allowed."""
    request = request_of(claim=claim_id, approval=approval_id)
    stored = await claim_key(conn, project_id, "approveExpense", key, request)
    if stored is not None:
        return await get_claim(conn, project_id, claim_id), True
    claim = await get_claim(conn, project_id, claim_id, lock=True)
    _expect(claim, "draft")
    if approval_id is not None:
        holder = await conn.fetchval(_HOLDER, project_id, approval_id)
        if holder is not None:
            raise PolicyBreach(
                f"approval {approval_id} already approved expense claim {holder}",
                ConflictCode.APPROVAL_USED,
            )
    approval = await claim_approval(
        conn, project_id, approval_id, claim.amount, claim.payee, claim.purpose, actor
    )
    row = await conn.fetchrow(
        _UPDATE, project_id, claim_id, "approved", approval.id, None, None, actor
    )
    await append_event(
        conn, project_id, ExpenseApproved(claim=claim_id, approval=approval.id), actor
    )
    await remember_key(conn, project_id, key, {"claim": claim_id})
    return _claim(row), False


async def reject_claim(
    conn: asyncpg.Connection, project_id: int, *, key: str, claim_id: int, reason: str, actor: str
) -> tuple[Claim, bool]:
    """Reject a draft, with the reason given to the payee."""
    stored = await claim_key(
        conn, project_id, "rejectExpense", key, request_of(claim=claim_id, reason=reason)
    )
    if stored is not None:
        return await get_claim(conn, project_id, claim_id), True
    check_text(reason, "reason", 2000)
    claim = await get_claim(conn, project_id, claim_id, lock=True)
    _expect(claim, "draft")
    row = await conn.fetchrow(_UPDATE, project_id, claim_id, "rejected", None, None, reason, actor)
    await append_event(conn, project_id, ExpenseRejected(claim=claim_id, reason=reason), actor)
    await remember_key(conn, project_id, key, {"claim": claim_id})
    return _claim(row), False


async def pay_claim(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    claim_id: int,
    occurred_on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Claim, Transaction, bool]:
    """Pay an approved claim: its expense posted out of its fund under its approval."""
    request = request_of(claim=claim_id, occurred_on=occurred_on, memo=memo)
    stored = await claim_key(conn, project_id, "payExpense", key, request)
    if stored is not None:
        claim = await get_claim(conn, project_id, claim_id)
        assert claim.transaction_id is not None
        return claim, await get_transaction(conn, project_id, claim.transaction_id), True
    claim = await get_claim(conn, project_id, claim_id, lock=True)
    _expect(claim, "approved")
    tx = await post_expense(
        conn,
        project_id,
        money=claim.amount,
        payee=claim.payee,
        purpose=claim.purpose,
        evidence_url=claim.evidence_url,
        approval_id=claim.approval_id,
        category=claim.category,
        fund=claim.fund,
        occurred_on=occurred_on,
        memo=memo,
        actor=actor,
        for_claim=claim_id,
    )
    row = await conn.fetchrow(
        _UPDATE, project_id, claim_id, "paid", claim.approval_id, tx.id, None, claim.decided_by
    )
    await append_event(conn, project_id, ExpensePaid(claim=claim_id, transaction=tx.id), actor)
    await remember_key(conn, project_id, key, {"claim": claim_id})
    return _claim(row), tx, False
