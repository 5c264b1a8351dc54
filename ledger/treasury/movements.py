"""The treasury's money movements: pledges, receipts (gross, with their fees), transfers
and currency conversions (refunds, expenses, in-kind support, recurring pledges and
reversals build on the same helpers, ``posting``).

Each movement runs in the caller's transaction, takes an idempotency key
(``posting.idempotent``: one key space for every treasury mutation) and posts exactly
one balanced, journaled transaction through ``books.post``; a receipt's fees are each
their own balanced transaction, posted with it under the same key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import asyncpg

from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput
from ledger.kernel.money import Money, convert
from ledger.register.models import check_text
from ledger.treasury.books import Balances, load_transactions
from ledger.treasury.models import FEE_KINDS, Leg, Movement, Sponsorship, Transaction
from ledger.treasury.posting import (
    Accounts,
    check_memo,
    fixed,
    fund_account,
    idempotent,
    post_movement,
    request_of,
    sponsor_accounts,
    value_date,
)
from ledger.treasury.rules import (
    conversion_legs,
    fee_legs,
    pledge_legs,
    receipt_legs,
    transfer_legs,
)
from ledger.treasury.sponsors import get_sponsor, get_sponsorship

_FEES_OF = """
SELECT id FROM treasury_transactions WHERE project_id = $1 AND fee_of = $2 ORDER BY id
"""


@dataclass(frozen=True, slots=True)
class Fee:
    """A fee charged on money received: by the payment ``processor`` or the fiscal
    ``host``, paid to ``payee``."""

    kind: str
    money: Money
    payee: str


async def money_sponsorship(
    conn: asyncpg.Connection,
    project_id: int,
    sponsor_id: int,
    sponsorship_id: int | None,
    money: Money,
) -> Sponsorship | None:
    """The sponsorship money is pledged or received under, checked: the sponsor's, a
    money sponsorship, in the money's currency (``sponsorship_currency`` otherwise: no
    silent conversion)."""
    await get_sponsor(conn, project_id, sponsor_id)
    if sponsorship_id is None:
        return None
    sponsorship = await get_sponsorship(conn, project_id, sponsorship_id)
    if sponsorship.sponsor_id != sponsor_id:
        raise InvalidInput("the sponsorship belongs to another sponsor", "sponsorship")
    if sponsorship.kind == "in_kind" or sponsorship.amount is None:
        raise InvalidInput("an in-kind sponsorship takes no money", "sponsorship")
    if sponsorship.amount.currency != money.currency:
        raise Conflict(
            f"sponsorship {sponsorship_id} is in {sponsorship.amount.currency}, not "
            f"{money.currency}; convert the money first",
            ConflictCode.SPONSORSHIP_CURRENCY,
        )
    return sponsorship


async def post_pledge(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    sponsor_id: int,
    money: Money,
    sponsorship_id: int | None,
    occurred_on: date | None,
    due_on: date | None,
    memo: str,
    actor: str,
    installment: int | None = None,
) -> Transaction:
    """Post a pledge (no idempotency key of its own: the caller's use case holds it). It
    is due on ``due_on``, else at the sponsorship's period end, else on its own date."""
    sponsorship = await money_sponsorship(conn, project_id, sponsor_id, sponsorship_id, money)
    when = await value_date(conn, occurred_on)
    due = due_on
    if due is None:
        end = sponsorship.period_end if sponsorship else None
        due = end if end is not None and end >= when else when
    if due < when:
        raise InvalidInput("a pledge cannot be due before it is made", "dueOn")
    movement = Movement(
        "pledge",
        when,
        check_memo(memo),
        sponsor_id,
        sponsorship_id,
        due_on=due,
        installment=installment,
    )
    accounts = sponsor_accounts(sponsor_id, money.currency)
    return await post_movement(
        conn, project_id, movement, accounts, lambda _: pledge_legs(sponsor_id, money), actor
    )


async def record_pledge(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    sponsor_id: int,
    money: Money,
    sponsorship_id: int | None = None,
    occurred_on: date | None = None,
    due_on: date | None = None,
    memo: str = "",
    actor: str,
) -> tuple[Transaction, bool]:
    """A sponsor's promise to pay: receivable from them, recognised as their funding."""
    request = request_of(
        sponsor=sponsor_id,
        money=money,
        sponsorship=sponsorship_id,
        occurred_on=occurred_on,
        due_on=due_on,
        memo=memo,
    )

    async def effect() -> Transaction:
        return await post_pledge(
            conn,
            project_id,
            sponsor_id=sponsor_id,
            money=money,
            sponsorship_id=sponsorship_id,
            occurred_on=occurred_on,
            due_on=due_on,
            memo=memo,
            actor=actor,
        )

    return await idempotent(conn, project_id, "pledge", key, request, effect)


def _checked_fees(fees: list[Fee], gross: Money) -> list[Fee]:
    for n, fee in enumerate(fees):
        if fee.kind not in FEE_KINDS:
            raise InvalidInput(f"a fee is one of {', '.join(FEE_KINDS)}", f"fees.{n}.kind")
        if fee.money.currency != gross.currency:
            raise InvalidInput("a fee is in the currency received", f"fees.{n}.amount")
        check_text(fee.payee, f"fees.{n}.payee", 200)
    if sum(fee.money.minor for fee in fees) > gross.minor:
        raise InvalidInput("the fees are larger than the money received", "fees")
    return fees


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
    fees: list[Fee] | None = None,
    actor: str,
) -> tuple[Transaction, bool]:
    """Money received (gross) from a sponsor into a fund; it settles what the sponsor
    pledged by its date and left open first. Each fee charged on it is then posted as
    its own balanced transaction out of the same fund (``receipt_fees`` lists them)."""
    charged = fees or []
    request = request_of(
        sponsor=sponsor_id,
        money=money,
        fund=fund,
        sponsorship=sponsorship_id,
        occurred_on=occurred_on,
        memo=memo,
        fees=[[f.kind, f.money, f.payee] for f in charged],
    )

    async def effect() -> Transaction:
        await money_sponsorship(conn, project_id, sponsor_id, sponsorship_id, money)
        _checked_fees(charged, money)
        when = await value_date(conn, occurred_on)
        movement = Movement("receipt", when, check_memo(memo), sponsor_id, sponsorship_id)
        accounts = [
            fund_account(fund, money.currency),
            *sponsor_accounts(sponsor_id, money.currency),
        ]
        receivable = ("receivable", str(sponsor_id), money.currency)

        def build(floors: Balances) -> list[Leg]:
            return receipt_legs(sponsor_id, money, floors[receivable], fund)

        receipt = await post_movement(conn, project_id, movement, accounts, build, actor)
        for fee in charged:
            charge = Movement(
                "fee",
                when,
                payee=fee.payee,
                purpose=f"{fee.kind} fee",
                fee_of=receipt.id,
            )
            fee_accounts: Accounts = [
                fund_account(fund, money.currency),
                (("fee", fee.kind, money.currency), None),
            ]
            legs = fixed(fee_legs(fee.money, fee.kind, fund))
            await post_movement(conn, project_id, charge, fee_accounts, legs, actor)
        return receipt

    return await idempotent(conn, project_id, "receipt", key, request, effect)


async def receipt_fees(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, receipt_id: int
) -> list[Transaction]:
    """The fee transactions charged on a receipt, in posting order."""
    ids = [r["id"] for r in await conn.fetch(_FEES_OF, project_id, receipt_id)]
    return [t for t in await load_transactions(conn, project_id, ids) if t is not None]


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

    return await idempotent(conn, project_id, "transfer", key, request, effect)


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

    return await idempotent(conn, project_id, "conversion", key, request, effect)
