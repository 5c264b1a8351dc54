"""The treasury's money movements: pledges, receipts, expenses, refunds, transfers,
currency conversions and reversals.

Each runs in the caller's transaction, takes an idempotency key with Stripe's
semantics (same key and input replays the first transaction, other input is
IdempotencyMismatch, concurrent replays wait for the first) and posts exactly one
balanced, journaled transaction through ``treasury_books.post``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from ledger import idempotency
from ledger.errors import InvalidInput
from ledger.models import check_url
from ledger.money import Money, convert
from ledger.treasury import claim_approval, policy_of
from ledger.treasury_books import AccountKey, Balances, get_transaction, post
from ledger.treasury_models import (
    Leg,
    Movement,
    PolicyBreach,
    Transaction,
    check_slug,
    check_text,
    conversion_legs,
    expense_legs,
    pledge_legs,
    receipt_legs,
    refund_legs,
    transfer_legs,
)
from ledger.treasury_terms import get_sponsor, get_sponsorship

_TODAY = "SELECT (clock_timestamp() AT TIME ZONE 'UTC')::date"
Accounts = list[tuple[AccountKey, int | None]]


async def _idempotent(
    conn: asyncpg.Connection,
    project_id: int,
    scope: str,
    key: str,
    request: dict[str, Any],
    effect: Callable[[], Awaitable[Transaction]],
) -> tuple[Transaction, bool]:
    stored = await idempotency.claim(conn, project_id, scope, key, request)
    if stored is not None:
        return await get_transaction(conn, project_id, int(stored["transaction"])), True
    tx = await effect()
    await idempotency.remember(conn, project_id, scope, key, {"transaction": tx.id})
    return tx, False


async def value_date(
    conn: asyncpg.Connection, value: date | None, field: str = "occurredOn"
) -> date:
    """A movement's value date: today by the database's clock unless given; never
    in the future."""
    today: date = await conn.fetchval(_TODAY)
    if value is None:
        return today
    if value > today:
        raise InvalidInput(f"{field} must not be in the future", field)
    if value.year < 1900:
        raise InvalidInput(f"{field} is before 1900", field)
    return value


def _sponsor_accounts(sponsor_id: int, currency: str) -> Accounts:
    name = str(sponsor_id)
    return [(("receivable", name, currency), sponsor_id), (("income", name, currency), sponsor_id)]


def _fund(name: str, currency: str, field: str = "fund") -> tuple[AccountKey, int | None]:
    return (("treasury", check_slug(name, field), currency), None)


def _request(**fields: Any) -> dict[str, Any]:
    def plain(v: Any) -> Any:
        if isinstance(v, Money):
            return [v.decimal, v.currency]
        if isinstance(v, date | Decimal):
            return str(v)
        return v

    return {k: plain(v) for k, v in fields.items()}


async def _post(
    conn: asyncpg.Connection,
    project_id: int,
    movement: Movement,
    accounts: Accounts,
    build: Callable[[Balances], list[Leg]],
    actor: str,
) -> Transaction:
    policy = await policy_of(conn, project_id)
    return await post(conn, project_id, movement, accounts, build, policy, actor)


async def _sponsor_check(
    conn: asyncpg.Connection, project_id: int, sponsor_id: int, sponsorship_id: int | None
) -> None:
    await get_sponsor(conn, project_id, sponsor_id)
    if sponsorship_id is not None:
        sponsorship = await get_sponsorship(conn, project_id, sponsorship_id)
        if sponsorship.sponsor_id != sponsor_id:
            raise InvalidInput("the sponsorship belongs to another sponsor", "sponsorship")


async def record_pledge(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    sponsor_id: int,
    money: Money,
    sponsorship_id: int | None = None,
    on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """A sponsor's promise to pay: receivable from them, recognised as their funding."""
    request = _request(
        sponsor=sponsor_id, money=money, sponsorship=sponsorship_id, on=on, memo=memo
    )

    async def effect() -> Transaction:
        await _sponsor_check(conn, project_id, sponsor_id, sponsorship_id)
        movement = Movement(
            "pledge", await value_date(conn, on), _memo(memo), sponsor_id, sponsorship_id
        )
        accounts = _sponsor_accounts(sponsor_id, money.currency)
        return await _post(
            conn, project_id, movement, accounts, lambda _: pledge_legs(sponsor_id, money), actor
        )

    return await _idempotent(conn, project_id, "treasury.pledge", key, request, effect)


async def record_receipt(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    sponsor_id: int,
    money: Money,
    fund: str = "main",
    sponsorship_id: int | None = None,
    on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Money received from a sponsor into a fund; it settles their open pledge first."""
    request = _request(
        sponsor=sponsor_id, money=money, fund=fund, sponsorship=sponsorship_id, on=on, memo=memo
    )

    async def effect() -> Transaction:
        await _sponsor_check(conn, project_id, sponsor_id, sponsorship_id)
        movement = Movement(
            "receipt", await value_date(conn, on), _memo(memo), sponsor_id, sponsorship_id
        )
        accounts = [_fund(fund, money.currency), *_sponsor_accounts(sponsor_id, money.currency)]
        receivable = ("receivable", str(sponsor_id), money.currency)

        def build(balances: Balances) -> list[Leg]:
            return receipt_legs(sponsor_id, money, balances[receivable], fund)

        return await _post(conn, project_id, movement, accounts, build, actor)

    return await _idempotent(conn, project_id, "treasury.receipt", key, request, effect)


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
    on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Money paid to a payee out of a fund, under the approval that authorised it."""
    request = _request(
        money=money,
        payee=payee,
        purpose=purpose,
        evidence_url=evidence_url,
        approval=approval_id,
        category=category,
        fund=fund,
        on=on,
        memo=memo,
    )

    async def effect() -> Transaction:
        check_text(payee, "payee", 200)
        check_text(purpose, "purpose", 2000)
        url = check_url(evidence_url, "evidenceUrl")
        if url is None:
            raise InvalidInput("evidenceUrl is required", "evidenceUrl")
        check_slug(category, "category")
        when = await value_date(conn, on)
        approval = await claim_approval(conn, project_id, approval_id, money, payee, purpose, actor)
        movement = Movement(
            "expense",
            when,
            _memo(memo),
            approval_id=approval.id,
            payee=payee,
            purpose=purpose,
            evidence_url=url,
        )
        accounts: Accounts = [
            _fund(fund, money.currency),
            (("expense", category, money.currency), None),
            (("payable", payee, money.currency), None),
        ]
        legs = expense_legs(money, category, payee, fund)
        try:
            return await _post(conn, project_id, movement, accounts, lambda _: legs, actor)
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == "treasury_transactions_approval_key":
                raise PolicyBreach(
                    f"approval {approval.id} was used concurrently", "approval_used"
                ) from None
            raise

    return await _idempotent(conn, project_id, "treasury.expense", key, request, effect)


async def refund(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    sponsor_id: int,
    money: Money,
    fund: str = "main",
    on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Money returned to a sponsor out of a fund, never more than they paid."""
    request = _request(sponsor=sponsor_id, money=money, fund=fund, on=on, memo=memo)

    async def effect() -> Transaction:
        await _sponsor_check(conn, project_id, sponsor_id, None)
        movement = Movement("refund", await value_date(conn, on), _memo(memo), sponsor_id)
        accounts = [_fund(fund, money.currency), *_sponsor_accounts(sponsor_id, money.currency)]
        legs = refund_legs(sponsor_id, money, fund)
        return await _post(conn, project_id, movement, accounts, lambda _: legs, actor)

    return await _idempotent(conn, project_id, "treasury.refund", key, request, effect)


async def transfer(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    money: Money,
    source: str,
    target: str,
    on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Money moved from one fund to another in one currency."""
    request = _request(money=money, source=source, target=target, on=on, memo=memo)

    async def effect() -> Transaction:
        accounts = [_fund(source, money.currency), _fund(target, money.currency, "toFund")]
        legs = transfer_legs(money, source, target)
        movement = Movement("transfer", await value_date(conn, on), _memo(memo))
        return await _post(conn, project_id, movement, accounts, lambda _: legs, actor)

    return await _idempotent(conn, project_id, "treasury.transfer", key, request, effect)


async def convert_currency(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    money: Money,
    to_currency: str,
    rate: Decimal,
    rate_source: str,
    rate_date: date,
    source: str = "main",
    target: str | None = None,
    on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Currency sold from a fund and bought into a fund at an exact, sourced rate."""
    request = _request(
        money=money,
        to=to_currency,
        rate=rate,
        rate_source=rate_source,
        rate_date=rate_date,
        source=source,
        target=target,
        on=on,
        memo=memo,
    )

    async def effect() -> Transaction:
        bought = convert(money, to_currency, rate)
        check_text(rate_source, "rateSource", 200)
        await value_date(conn, rate_date, "rateDate")
        into = target or source
        legs = conversion_legs(money, bought, source, into)
        accounts: Accounts = [
            _fund(source, money.currency),
            _fund(into, bought.currency, "toFund"),
            (("exchange", "fx", money.currency), None),
            (("exchange", "fx", bought.currency), None),
        ]
        movement = Movement(
            "conversion",
            await value_date(conn, on),
            _memo(memo),
            fx_rate=rate,
            fx_source=rate_source,
            fx_date=rate_date,
        )
        return await _post(conn, project_id, movement, accounts, lambda _: legs, actor)

    return await _idempotent(conn, project_id, "treasury.conversion", key, request, effect)


async def reverse(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    transaction_id: int,
    on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Correct a posted transaction by posting its exact opposite (once)."""
    request = _request(transaction=transaction_id, on=on, memo=memo)

    async def effect() -> Transaction:
        original = await get_transaction(conn, project_id, transaction_id)
        if original.movement.kind == "reversal":
            raise PolicyBreach(
                f"transaction {transaction_id} is itself a reversal", "reversal_of_reversal"
            )
        done = await conn.fetchval(
            "SELECT id FROM treasury_transactions WHERE project_id = $1 AND reverses_id = $2",
            project_id,
            transaction_id,
        )
        if done is not None:
            raise PolicyBreach(
                f"transaction {transaction_id} was already reversed by {done}", "already_reversed"
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
            await value_date(conn, on),
            _memo(memo),
            sponsor_id=original.movement.sponsor_id,
            sponsorship_id=original.movement.sponsorship_id,
            reverses_id=transaction_id,
        )
        try:
            return await _post(conn, project_id, movement, accounts, lambda _: legs, actor)
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == "treasury_transactions_reverses_key":
                raise PolicyBreach(
                    f"transaction {transaction_id} was reversed concurrently", "already_reversed"
                ) from None
            raise

    return await _idempotent(conn, project_id, "treasury.reversal", key, request, effect)


def _sponsor_of(kind: str, name: str) -> int | None:
    return int(name) if kind in ("receivable", "income") else None


def _memo(memo: str) -> str:
    if len(memo) > 2000:
        raise InvalidInput("memo is at most 2000 characters", "memo")
    return memo
