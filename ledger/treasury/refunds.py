"""Refunds: money returned to a sponsor out of a fund, never more than it paid; a refund
may name the receipt it returns (then it is in that receipt's currency and, with the
refunds of it that stand, no larger than the receipt), which the report links it to."""

from __future__ import annotations

from datetime import date

import asyncpg

from ledger.kernel.errors import ConflictCode, InvalidInput
from ledger.kernel.money import Money
from ledger.treasury.books import get_transaction
from ledger.treasury.models import Movement, PolicyBreach, Transaction
from ledger.treasury.posting import (
    check_memo,
    fixed,
    fund_account,
    idempotent,
    post_movement,
    request_of,
    sponsor_accounts,
    value_date,
)
from ledger.treasury.rules import refund_legs
from ledger.treasury.sponsors import get_sponsor

_LOCK = "SELECT id FROM treasury_transactions WHERE project_id = $1 AND id = $2 FOR UPDATE"
_REFUNDED = """
SELECT coalesce(-sum(e.amount), 0) FROM treasury_transactions t
JOIN treasury_entries e ON e.project_id = t.project_id AND e.transaction_id = t.id
JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id
WHERE t.project_id = $1 AND t.refund_of = $2 AND a.kind = 'treasury'
    AND NOT EXISTS (SELECT 1 FROM treasury_transactions r
                    WHERE r.project_id = t.project_id AND r.reverses_id = t.id)
"""


async def _check_receipt(
    conn: asyncpg.Connection, project_id: int, receipt_id: int, sponsor_id: int, money: Money
) -> None:
    await conn.execute(_LOCK, project_id, receipt_id)
    receipt = await get_transaction(conn, project_id, receipt_id)
    held = [e.amount for e in receipt.entries if e.account_kind == "treasury"]
    if receipt.movement.kind != "receipt" or receipt.movement.sponsor_id != sponsor_id:
        raise InvalidInput("name a receipt from this sponsor", "receipt")
    if held[0].currency != money.currency:
        raise InvalidInput(f"the receipt is in {held[0].currency}", "currency")
    refunded = int(await conn.fetchval(_REFUNDED, project_id, receipt_id))
    if refunded + money.minor > held[0].minor:
        raise PolicyBreach(
            f"receipt {receipt_id} was {held[0]}, of which "
            f"{Money(refunded, money.currency)} is refunded already",
            ConflictCode.REFUND_EXCEEDS_RECEIPTS,
        )


async def refund(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    sponsor_id: int,
    money: Money,
    fund: str = "main",
    receipt_id: int | None = None,
    occurred_on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Money returned to a sponsor out of a fund, never more than it paid (nor than the
    receipt it names)."""
    request = request_of(
        sponsor=sponsor_id,
        money=money,
        fund=fund,
        receipt=receipt_id,
        occurred_on=occurred_on,
        memo=memo,
    )

    async def effect() -> Transaction:
        await get_sponsor(conn, project_id, sponsor_id)
        if receipt_id is not None:
            await _check_receipt(conn, project_id, receipt_id, sponsor_id, money)
        movement = Movement(
            "refund",
            await value_date(conn, occurred_on),
            check_memo(memo),
            sponsor_id,
            refund_of=receipt_id,
        )
        accounts = [
            fund_account(fund, money.currency),
            *sponsor_accounts(sponsor_id, money.currency),
        ]
        legs = fixed(refund_legs(sponsor_id, money, fund))
        return await post_movement(conn, project_id, movement, accounts, legs, actor)

    return await idempotent(conn, project_id, "refund", key, request, effect)
