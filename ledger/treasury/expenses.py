"""Expenses: money paid to a payee out of a fund, each under the approval that
authorised it (a passed proposal, or a maintainer where the policy allows), used
exactly once, idempotent by key like every movement."""

from __future__ import annotations

from datetime import date

import asyncpg

from ledger.kernel.errors import ConflictCode, InvalidInput
from ledger.kernel.money import Money
from ledger.register.models import check_slug, check_text, check_url
from ledger.treasury.approvals import claim_approval
from ledger.treasury.models import NAME_LIMIT, Movement, PolicyBreach, Transaction
from ledger.treasury.posting import (
    Accounts,
    check_memo,
    fund_account,
    idempotent,
    post_movement,
    request_of,
    value_date,
)
from ledger.treasury.rules import expense_legs


async def post_expense(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    money: Money,
    payee: str,
    purpose: str,
    evidence_url: str,
    approval_id: int | None,
    category: str,
    fund: str,
    occurred_on: date | None,
    memo: str,
    actor: str,
    for_claim: int | None = None,
) -> Transaction:
    """Pay an expense under its approval (no key of its own: the caller's use case holds
    it); an approval an expense claim holds pays only that claim (``for_claim``)."""
    check_text(payee, "payee", 200)
    check_text(purpose, "purpose", 2000)
    url = check_url(evidence_url, "evidenceUrl")
    if url is None:
        raise InvalidInput("evidenceUrl is required", "evidenceUrl")
    check_slug(category, "category", NAME_LIMIT)
    when = await value_date(conn, occurred_on)
    approval = await claim_approval(
        conn, project_id, approval_id, money, payee, purpose, actor, for_claim
    )
    movement = Movement(
        "expense",
        when,
        check_memo(memo),
        approval_id=approval.id,
        payee=payee,
        purpose=purpose,
        evidence_url=url,
    )
    accounts: Accounts = [
        fund_account(fund, money.currency),
        (("expense", category, money.currency), None),
        (("payable", payee, money.currency), None),
    ]
    legs = expense_legs(money, category, payee, fund)
    try:
        return await post_movement(conn, project_id, movement, accounts, lambda _: legs, actor)
    except asyncpg.UniqueViolationError as exc:
        if exc.constraint_name == "treasury_transactions_approval_key":
            raise PolicyBreach(
                f"approval {approval.id} was used concurrently", ConflictCode.APPROVAL_USED
            ) from None
        raise


async def record_expense(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    money: Money,
    payee: str,
    purpose: str,
    evidence_url: str,
    approval_id: int | None,
    category: str = "general",
    fund: str = "main",
    occurred_on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Money paid to a payee out of a fund, under the approval that authorised it."""
    request = request_of(
        money=money,
        payee=payee,
        purpose=purpose,
        evidence_url=evidence_url,
        approval=approval_id,
        category=category,
        fund=fund,
        occurred_on=occurred_on,
        memo=memo,
    )

    async def effect() -> Transaction:
        return await post_expense(
            conn,
            project_id,
            money=money,
            payee=payee,
            purpose=purpose,
            evidence_url=evidence_url,
            approval_id=approval_id,
            category=category,
            fund=fund,
            occurred_on=occurred_on,
            memo=memo,
            actor=actor,
        )

    return await idempotent(conn, project_id, "expense", key, request, effect)
