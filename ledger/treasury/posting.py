"""What every treasury mutation shares: one idempotency key space, value dates, fund
accounts, the JSON form a key is bound to, and posting under the project's policy.

Idempotency keys have Stripe's semantics across every treasury mutation of a project:
a key names one request, whichever mutation made it. The same key with the same
mutation and input replays the first result; the same key on another mutation or with
other input is IdempotencyMismatch (``idempotency_mismatch``); concurrent replays wait
for the first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from ledger.kernel import idempotency
from ledger.kernel.errors import IdempotencyMismatch, InvalidInput
from ledger.kernel.money import Money
from ledger.register.models import check_slug
from ledger.treasury.approvals import policy_of
from ledger.treasury.books import Balances, get_transaction, post
from ledger.treasury.models import NAME_LIMIT, Leg, Movement, Transaction
from ledger.treasury.rules import AccountKey

SCOPE = "treasury"
_TODAY = "SELECT (clock_timestamp() AT TIME ZONE 'UTC')::date"
Accounts = list[tuple[AccountKey, int | None]]


async def claim_key(
    conn: asyncpg.Connection, project_id: int, operation: str, key: str, request: dict[str, Any]
) -> dict[str, Any] | None:
    """Claim ``key`` for ``operation`` with ``request``; the stored result when it was
    used before for exactly that, IdempotencyMismatch when for anything else."""
    try:
        return await idempotency.claim(
            conn, project_id, SCOPE, key, {"operation": operation, **request}
        )
    except IdempotencyMismatch:
        raise IdempotencyMismatch(
            f"idempotency key {key!r} was already used by another treasury mutation "
            "or with different input"
        ) from None


async def remember_key(
    conn: asyncpg.Connection, project_id: int, key: str, result: dict[str, Any]
) -> None:
    """Store the result a replay of ``key`` returns."""
    await idempotency.remember(conn, project_id, SCOPE, key, result)


async def idempotent(
    conn: asyncpg.Connection,
    project_id: int,
    operation: str,
    key: str,
    request: dict[str, Any],
    effect: Callable[[], Awaitable[Transaction]],
) -> tuple[Transaction, bool]:
    """Run ``effect`` once per key; True when this was a replay."""
    stored = await claim_key(conn, project_id, operation, key, request)
    if stored is not None:
        return await get_transaction(conn, project_id, int(stored["transaction"])), True
    tx = await effect()
    await remember_key(conn, project_id, key, {"transaction": tx.id})
    return tx, False


async def today(conn: asyncpg.Connection) -> date:
    """Today by the database's clock (UTC)."""
    found: date = await conn.fetchval(_TODAY)
    return found


async def value_date(
    conn: asyncpg.Connection, value: date | None, field: str = "occurredOn"
) -> date:
    """A movement's value date: today by the database's clock unless given; never
    in the future."""
    now = await today(conn)
    if value is None:
        return now
    if value > now:
        raise InvalidInput(f"{field} must not be in the future", field)
    if value.year < 1900:
        raise InvalidInput(f"{field} is before 1900", field)
    return value


def sponsor_accounts(sponsor_id: int, currency: str) -> Accounts:
    """A sponsor's receivable and income accounts in one currency."""
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
        if isinstance(v, list | tuple):
            return [plain(item) for item in v]
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


def fixed(legs: list[Leg]) -> Callable[[Balances], list[Leg]]:
    """A movement's legs that do not depend on any balance."""
    return lambda _: legs


def check_memo(memo: str) -> str:
    """A memo of at most 2000 characters."""
    if len(memo) > 2000:
        raise InvalidInput("memo is at most 2000 characters", "memo")
    return memo
