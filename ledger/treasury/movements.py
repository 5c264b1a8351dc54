"""The treasury's money movements: pledges, receipts, refunds, transfers and
currency conversions, and the helpers every movement shares (expenses and
reversals build on them in ``treasury_expenses`` and ``treasury_reversals``).

Each movement runs in the caller's transaction, takes an idempotency key with Stripe's
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

from ledger.kernel import idempotency
from ledger.kernel.errors import InvalidInput
from ledger.kernel.money import Money, convert
from ledger.register.models import check_slug, check_text
from ledger.treasury.approvals import policy_of
from ledger.treasury.books import AccountKey, Balances, get_transaction, post
from ledger.treasury.models import NAME_LIMIT, Leg, Movement, Transaction
from ledger.treasury.rules import (
    conversion_legs,
    pledge_legs,
    receipt_legs,
    refund_legs,
    transfer_legs,
)
from ledger.treasury.sponsors import get_sponsor, get_sponsorship

_TODAY = "SELECT (clock_timestamp() AT TIME ZONE 'UTC')::date"
Accounts = list[tuple[AccountKey, int | None]]


async def idempotent(
    conn: asyncpg.Connection,
    project_id: int,
    scope: str,
    key: str,
    request: dict[str, Any],
    effect: Callable[[], Awaitable[Transaction]],
) -> tuple[Transaction, bool]:
    """Run ``effect`` once per key (Stripe semantics); True when this was a replay."""
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


def fund_account(name: str, currency: str, field: str = "fund") -> tuple[AccountKey, int | None]:
    """The treasury account of a fund (a checked slug) in one currency."""
    return (("treasury", check_slug(name, field, NAME_LIMIT), currency), None)


def request_of(**fields: Any) -> dict[str, Any]:
    """The JSON form of a movement's input that an idempotency key is bound to."""

    def plain(v: Any) -> Any:
        if isinstance(v, Money):
            return [v.decimal, v.currency]
        if isinstance(v, date | Decimal):
            return str(v)
        return v

    return {k: plain(v) for k, v in fields.items()}


async def post_movement(
    conn: asyncpg.Connection,
    project_id: int,
    movement: Movement,
    accounts: Accounts,
    build: Callable[[Balances], list[Leg]],
    actor: str,
) -> Transaction:
    """Post under the project's current treasury policy."""
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
    occurred_on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """A sponsor's promise to pay: receivable from them, recognised as their funding."""
    request = request_of(
        sponsor=sponsor_id,
        money=money,
        sponsorship=sponsorship_id,
        occurred_on=occurred_on,
        memo=memo,
    )

    async def effect() -> Transaction:
        await _sponsor_check(conn, project_id, sponsor_id, sponsorship_id)
        movement = Movement(
            "pledge",
            await value_date(conn, occurred_on),
            check_memo(memo),
            sponsor_id,
            sponsorship_id,
        )
        accounts = _sponsor_accounts(sponsor_id, money.currency)
        return await post_movement(
            conn, project_id, movement, accounts, lambda _: pledge_legs(sponsor_id, money), actor
        )

    return await idempotent(conn, project_id, "treasury.pledge", key, request, effect)


async def record_receipt(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    sponsor_id: int,
    money: Money,
    fund: str = "main",
    sponsorship_id: int | None = None,
    occurred_on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Money received from a sponsor into a fund; it settles their open pledge first."""
    request = request_of(
        sponsor=sponsor_id,
        money=money,
        fund=fund,
        sponsorship=sponsorship_id,
        occurred_on=occurred_on,
        memo=memo,
    )

    async def effect() -> Transaction:
        await _sponsor_check(conn, project_id, sponsor_id, sponsorship_id)
        movement = Movement(
            "receipt",
            await value_date(conn, occurred_on),
            check_memo(memo),
            sponsor_id,
            sponsorship_id,
        )
        accounts = [
            fund_account(fund, money.currency),
            *_sponsor_accounts(sponsor_id, money.currency),
        ]
        receivable = ("receivable", str(sponsor_id), money.currency)

        def build(balances: Balances) -> list[Leg]:
            return receipt_legs(sponsor_id, money, balances[receivable], fund)

        return await post_movement(conn, project_id, movement, accounts, build, actor)

    return await idempotent(conn, project_id, "treasury.receipt", key, request, effect)


async def refund(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    sponsor_id: int,
    money: Money,
    fund: str = "main",
    occurred_on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Money returned to a sponsor out of a fund, never more than they paid."""
    request = request_of(
        sponsor=sponsor_id, money=money, fund=fund, occurred_on=occurred_on, memo=memo
    )

    async def effect() -> Transaction:
        await _sponsor_check(conn, project_id, sponsor_id, None)
        movement = Movement(
            "refund", await value_date(conn, occurred_on), check_memo(memo), sponsor_id
        )
        accounts = [
            fund_account(fund, money.currency),
            *_sponsor_accounts(sponsor_id, money.currency),
        ]
        legs = refund_legs(sponsor_id, money, fund)
        return await post_movement(conn, project_id, movement, accounts, lambda _: legs, actor)

    return await idempotent(conn, project_id, "treasury.refund", key, request, effect)


async def transfer(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    money: Money,
    from_fund: str,
    to_fund: str,
    occurred_on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Money moved from one fund to another in one currency."""
    request = request_of(
        money=money, from_fund=from_fund, to_fund=to_fund, occurred_on=occurred_on, memo=memo
    )

    async def effect() -> Transaction:
        accounts = [
            fund_account(from_fund, money.currency, "fromFund"),
            fund_account(to_fund, money.currency, "toFund"),
        ]
        legs = transfer_legs(money, from_fund, to_fund)
        movement = Movement("transfer", await value_date(conn, occurred_on), check_memo(memo))
        return await post_movement(conn, project_id, movement, accounts, lambda _: legs, actor)

    return await idempotent(conn, project_id, "treasury.transfer", key, request, effect)


async def convert_currency(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    money: Money,
    to_currency: str,
    fx_rate: Decimal,
    fx_source: str,
    fx_date: date,
    from_fund: str = "main",
    to_fund: str | None = None,
    occurred_on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """Currency sold from a fund and bought into a fund at an exact, sourced rate."""
    request = request_of(
        money=money,
        to=to_currency,
        fx_rate=fx_rate,
        fx_source=fx_source,
        fx_date=fx_date,
        from_fund=from_fund,
        to_fund=to_fund,
        occurred_on=occurred_on,
        memo=memo,
    )

    async def effect() -> Transaction:
        bought = convert(money, to_currency, fx_rate)
        check_text(fx_source, "fxSource", 200)
        await value_date(conn, fx_date, "fxDate")
        into = to_fund or from_fund
        legs = conversion_legs(money, bought, from_fund, into)
        accounts: Accounts = [
            fund_account(from_fund, money.currency, "fromFund"),
            fund_account(into, bought.currency, "toFund"),
            (("exchange", "fx", money.currency), None),
            (("exchange", "fx", bought.currency), None),
        ]
        movement = Movement(
            "conversion",
            await value_date(conn, occurred_on),
            check_memo(memo),
            fx_rate=fx_rate,
            fx_source=fx_source,
            fx_date=fx_date,
        )
        return await post_movement(conn, project_id, movement, accounts, lambda _: legs, actor)

    return await idempotent(conn, project_id, "treasury.conversion", key, request, effect)


def check_memo(memo: str) -> str:
    """A memo of at most 2000 characters."""
    if len(memo) > 2000:
        raise InvalidInput("memo is at most 2000 characters", "memo")
    return memo
