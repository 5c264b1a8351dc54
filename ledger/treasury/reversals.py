"""Corrections: a posted transaction is undone by posting its exact opposite,
once, under the same policy checks as any movement (posted entries never change)."""

from __future__ import annotations

from datetime import date

import asyncpg

from ledger.kernel.errors import ConflictCode
from ledger.treasury.books import get_transaction
from ledger.treasury.models import Leg, Movement, PolicyBreach, Transaction
from ledger.treasury.posting import (
    Accounts,
    check_memo,
    idempotent,
    post_movement,
    request_of,
    value_date,
)


async def reverse(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    transaction_id: int,
    occurred_on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Correct a posted transaction by posting its exact opposite (once)."""
    request = request_of(transaction=transaction_id, occurred_on=occurred_on, memo=memo)

    async def effect() -> Transaction:
        original = await get_transaction(conn, project_id, transaction_id)
        if original.movement.kind == "reversal":
            raise PolicyBreach(
                f"transaction {transaction_id} is itself a reversal",
                ConflictCode.REVERSAL_OF_REVERSAL,
            )
        done = await conn.fetchval(
            "SELECT id FROM treasury_transactions WHERE project_id = $1 AND reverses_id = $2",
            project_id,
            transaction_id,
        )
        if done is not None:
            raise PolicyBreach(
                f"transaction {transaction_id} was already reversed by {done}",
                ConflictCode.ALREADY_REVERSED,
            )
        legs = [
            Leg(
                e.account_kind,
                e.account_name,
                -e.amount,
                _sponsor_of(e.account_kind, e.account_name),
            )
            for e in original.entries
        ]
        accounts: Accounts = [(leg.key, leg.sponsor_id) for leg in legs]
        movement = Movement(
            "reversal",
            await value_date(conn, occurred_on),
            check_memo(memo),
            sponsor_id=original.movement.sponsor_id,
            sponsorship_id=original.movement.sponsorship_id,
            reverses_id=transaction_id,
        )
        try:
            return await post_movement(conn, project_id, movement, accounts, lambda _: legs, actor)
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == "treasury_transactions_reverses_key":
                raise PolicyBreach(
                    f"transaction {transaction_id} was reversed concurrently",
                    ConflictCode.ALREADY_REVERSED,
                ) from None
            raise

    return await idempotent(conn, project_id, "reversal", key, request, effect)


def _sponsor_of(kind: str, name: str) -> int | None:
    return int(name) if kind in ("receivable", "income", "in_kind") else None
