"""The treasurer's tools by global id (``node(id)``): recurring and outstanding pledges,
funding goals, budgets, stated exchange rates and expense claims, each keyed by its
project and its own key, visible to whom their lists are (expense claims to the
project's members only: to anyone else such an id names nothing)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.graphql import Info, int_key
from ledger.kernel.errors import NotFound
from ledger.treasury import claims, plans, rates, recurring
from ledger.treasury.gql.tool_types import (
    Budget,
    ExchangeRate,
    ExpenseClaim,
    FundingGoal,
    OutstandingPledge,
    RecurringPledge,
)
from ledger.treasury.pledges import outstanding
from ledger.treasury.posting import today

_SLUG = "SELECT slug FROM projects WHERE id = $1"


def _day(part: str) -> date | None:
    try:
        return date.fromisoformat(part) if len(part) == 10 else None
    except ValueError:
        return None


async def _recurring(info: Info, parts: list[str]) -> RecurringPledge | None:
    if len(parts) != 2:
        return None
    project_id, sponsorship = int_key(parts[0]), int_key(parts[1])
    found = await recurring.schedules(info.context.pool, project_id)
    return next(
        (RecurringPledge.of(s, project_id) for s in found if s.sponsorship.id == sponsorship),
        None,
    )


async def _outstanding(info: Info, parts: list[str]) -> OutstandingPledge | None:
    if len(parts) != 2:
        return None
    project_id, transaction = int_key(parts[0]), int_key(parts[1])
    async with info.context.pool.acquire() as conn:
        found = await outstanding(conn, project_id, await today(conn))
    return next(
        (OutstandingPledge.of(o, project_id) for o in found if o.transaction_id == transaction),
        None,
    )


async def _goal(info: Info, parts: list[str]) -> FundingGoal | None:
    if len(parts) != 3:
        return None
    project_id, currency, fund = int_key(parts[0]), parts[1], parts[2]
    found = await plans.goals(info.context.pool, project_id)
    return next(
        (
            FundingGoal.of(g, project_id)
            for g in found
            if (g.fund or "") == fund and g.target.currency == currency
        ),
        None,
    )


async def _budget(info: Info, parts: list[str]) -> Budget | None:
    if len(parts) != 4:
        return None
    project_id, currency, starts_on, category = (
        int_key(parts[0]),
        parts[1],
        _day(parts[2]),
        parts[3],
    )
    found = await plans.budgets(info.context.pool, project_id)
    return next(
        (
            Budget.of(b, project_id)
            for b in found
            if (b.category, b.planned.currency, b.starts_on) == (category, currency, starts_on)
        ),
        None,
    )


async def _rate(info: Info, parts: list[str]) -> ExchangeRate | None:
    if len(parts) != 4 or (on := _day(parts[3])) is None:
        return None
    project_id = int_key(parts[0])
    found = await rates.stated_rate(info.context.pool, project_id, parts[1], parts[2], on)
    return ExchangeRate.of(found, project_id) if found else None


async def _claim(info: Info, parts: list[str]) -> ExpenseClaim | None:
    if len(parts) != 2:
        return None
    project_id, number = int_key(parts[0]), int_key(parts[1])
    slug = await info.context.pool.fetchval(_SLUG, project_id)
    if slug is None or not info.context.principal.has(str(slug), "member"):
        return None
    try:
        return ExpenseClaim.of(
            await claims.get_claim(info.context.pool, project_id, number), project_id
        )
    except NotFound:
        return None


TOOL_NODES: dict[str, Any] = {
    "RecurringPledge": _recurring,
    "OutstandingPledge": _outstanding,
    "FundingGoal": _goal,
    "Budget": _budget,
    "ExchangeRate": _rate,
    "ExpenseClaim": _claim,
}
