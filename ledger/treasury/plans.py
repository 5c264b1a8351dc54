"""Funding goals and budgets: what the treasurer aims to raise and plans to spend, with
what happened against it, computed in SQL from the books.

- A goal belongs to the whole project or to one fund, per currency (setting it again
  replaces it). Its progress is the money received from sponsors into that fund (any
  fund for the project's goal) with value dates from ``starts_on`` (to ``ends_on``):
  receipts gross of fees, less refunds, with reversals of either, as
  ``ledger.treasury.metrics`` counts money received.
- A budget belongs to an expense category over an inclusive range of value dates, per
  currency (one per start date; setting it again replaces it). Its actual is what the
  category's expense account was debited in that range, net of reversals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import asyncpg

from ledger.journal.chain import append_event
from ledger.journal.events.treasury import BudgetSet, GoalSet
from ledger.kernel.errors import InvalidInput
from ledger.kernel.money import Money
from ledger.register.models import check_slug, check_text
from ledger.treasury.metrics import ratio
from ledger.treasury.models import NAME_LIMIT
from ledger.treasury.posting import claim_key, remember_key, request_of

_SET_GOAL = """
INSERT INTO treasury_goals (project_id, fund, currency, amount, title, starts_on, ends_on, actor)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (project_id, fund, currency) DO UPDATE SET amount = EXCLUDED.amount,
    title = EXCLUDED.title, starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on,
    actor = EXCLUDED.actor, recorded_at = clock_timestamp()
"""
_GOALS = """
SELECT g.fund, g.currency, g.amount, g.title, g.starts_on, g.ends_on, g.actor, g.recorded_at,
    coalesce((
        SELECT sum(e.amount) FROM treasury_transactions t
        JOIN treasury_entries e ON e.project_id = t.project_id AND e.transaction_id = t.id
        JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id
        WHERE t.project_id = g.project_id AND t.sponsor_id IS NOT NULL
            AND a.kind = 'treasury' AND e.currency = g.currency
            AND (g.fund = '' OR a.name = g.fund)
            AND t.occurred_on >= g.starts_on AND (g.ends_on IS NULL OR t.occurred_on <= g.ends_on)
    ), 0) AS raised
FROM treasury_goals g WHERE g.project_id = $1 ORDER BY g.fund, g.currency
"""
_SET_BUDGET = """
INSERT INTO treasury_budgets (project_id, category, currency, starts_on, ends_on, amount, actor)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (project_id, category, currency, starts_on) DO UPDATE SET
    ends_on = EXCLUDED.ends_on, amount = EXCLUDED.amount, actor = EXCLUDED.actor,
    recorded_at = clock_timestamp()
"""
_BUDGETS = """
SELECT b.category, b.currency, b.starts_on, b.ends_on, b.amount, b.actor, b.recorded_at,
    coalesce((
        SELECT sum(e.amount) FROM treasury_transactions t
        JOIN treasury_entries e ON e.project_id = t.project_id AND e.transaction_id = t.id
        JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id
        WHERE t.project_id = b.project_id AND a.kind = 'expense' AND a.name = b.category
            AND e.currency = b.currency AND t.occurred_on BETWEEN b.starts_on AND b.ends_on
    ), 0) AS actual
FROM treasury_budgets b WHERE b.project_id = $1 ORDER BY b.starts_on, b.category, b.currency
"""


@dataclass(frozen=True, slots=True)
class Goal:
    fund: str | None
    target: Money
    title: str
    starts_on: date
    ends_on: date | None
    raised: Money
    actor: str
    recorded_at: datetime

    @property
    def progress(self) -> Decimal:
        """Money raised over the target, four places (may exceed 1)."""
        return ratio(self.raised.minor, self.target.minor)


@dataclass(frozen=True, slots=True)
class Budget:
    category: str
    planned: Money
    starts_on: date
    ends_on: date
    actual: Money
    actor: str
    recorded_at: datetime

    @property
    def remaining(self) -> Money:
        """Planned less spent (negative when overspent)."""
        return Money(self.planned.minor - self.actual.minor, self.planned.currency)


async def set_goal(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    fund: str | None,
    target: Money,
    title: str,
    starts_on: date,
    ends_on: date | None,
    actor: str,
) -> tuple[Goal, bool]:
    """Set (or replace) the funding goal of the project or of a fund in a currency."""
    request = request_of(
        fund=fund, target=target, title=title, starts_on=starts_on, ends_on=ends_on
    )
    stored = await claim_key(conn, project_id, "setFundingGoal", key, request)
    name = "" if fund is None else check_slug(fund, "fund", NAME_LIMIT)
    if stored is None:
        check_text(title, "title", 200)
        if ends_on is not None and ends_on < starts_on:
            raise InvalidInput("the goal ends before it starts", "endsOn")
        await conn.execute(
            _SET_GOAL, project_id, name, target.currency, target.minor, title, starts_on,
            ends_on, actor,
        )  # fmt: skip
        event = GoalSet(
            fund=name,
            currency=target.currency,
            amount=target.decimal,
            title=title,
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat() if ends_on else None,
        )
        await append_event(conn, project_id, event, actor)
        await remember_key(conn, project_id, key, {"fund": name, "currency": target.currency})
    found = [g for g in await goals(conn, project_id) if (g.fund or "", g.target.currency) == (
        name, target.currency)]  # fmt: skip
    return found[0], stored is not None


async def goals(conn: asyncpg.Connection | asyncpg.Pool, project_id: int) -> list[Goal]:
    """Every goal with the money raised towards it, the project's first."""
    return [
        Goal(
            r["fund"] or None,
            Money(r["amount"], r["currency"]),
            r["title"],
            r["starts_on"],
            r["ends_on"],
            Money(int(r["raised"]), r["currency"]),
            r["actor"],
            r["recorded_at"],
        )
        for r in await conn.fetch(_GOALS, project_id)
    ]


async def set_budget(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    key: str,
    category: str,
    planned: Money,
    starts_on: date,
    ends_on: date,
    actor: str,
) -> tuple[Budget, bool]:
    """Set (or replace) the budget of an expense category from ``starts_on``."""
    request = request_of(category=category, planned=planned, starts_on=starts_on, ends_on=ends_on)
    stored = await claim_key(conn, project_id, "setBudget", key, request)
    check_slug(category, "category", NAME_LIMIT)
    if stored is None:
        if ends_on < starts_on:
            raise InvalidInput("the budget ends before it starts", "endsOn")
        await conn.execute(
            _SET_BUDGET, project_id, category, planned.currency, starts_on, ends_on,
            planned.minor, actor,
        )  # fmt: skip
        event = BudgetSet(
            category=category,
            currency=planned.currency,
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
            amount=planned.decimal,
        )
        await append_event(conn, project_id, event, actor)
        await remember_key(conn, project_id, key, {"category": category})
    found = [
        b
        for b in await budgets(conn, project_id)
        if (b.category, b.planned.currency, b.starts_on) == (category, planned.currency, starts_on)
    ]
    return found[0], stored is not None


async def budgets(conn: asyncpg.Connection | asyncpg.Pool, project_id: int) -> list[Budget]:
    """Every budget with what its category spent in its range, earliest first."""
    return [
        Budget(
            r["category"],
            Money(r["amount"], r["currency"]),
            r["starts_on"],
            r["ends_on"],
            Money(int(r["actual"]), r["currency"]),
            r["actor"],
            r["recorded_at"],
        )
        for r in await conn.fetch(_BUDGETS, project_id)
    ]
