"""A state machine of random pledges, back-dated receipts with processor and host
fees, back-dated expenses, refunds, transfers, conversions, in-kind support, recurring
pledges (posted at once or by ``postDuePledges``, some cancelled), reversals and
replays against the real database.

Each run holds one connection inside one transaction, rolled back at teardown;
each step runs in a savepoint so a refusal leaves nothing behind. After every step
the deferred balance triggers are forced to fire, and the books must balance per
currency, every balance must equal the replay of its entries, no account may break
its policy, the money held (today and at past dates), the fees and the in-kind value
must equal an independent model of them, and every recurring pledge must have posted
exactly the installments its schedule has fallen due, each on its due date.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Coroutine
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

import asyncpg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from app import database
from ledger.journal import chain as journal
from ledger.kernel.errors import Conflict, InvalidInput
from ledger.kernel.money import Money, convert, format_minor, parse_amount
from ledger.register.projects import ProjectInput, create_project
from ledger.treasury import expenses as treasury_expenses
from ledger.treasury import movements as treasury_moves
from ledger.treasury import recurring
from ledger.treasury import refunds as treasury_refunds
from ledger.treasury import reversals as treasury_reversals
from ledger.treasury.approvals import authorize_expense, set_policy
from ledger.treasury.in_kind import record_in_kind
from ledger.treasury.models import NewSponsorship, Policy, PolicyBreach, Transaction
from ledger.treasury.queries import balances, books_problems
from ledger.treasury.schedule import installments
from ledger.treasury.sponsoring import sponsor_once
from ledger.treasury.sponsors import record_sponsor
from tests.integration.ledger.treasury.helpers import COMMONS_TERMS

T = TypeVar("T")
CURRENCIES = ("EUR", "JPY", "BHD")
FUNDS = ("main", "reserve")
RATES = ("0.0062", "161.2345", "0.377", "2.65", "1", "0.0025", "395.1")
STEPS_PER_RUN = 50
RUNS = 90

amounts = st.integers(min_value=1, max_value=50_000)
incomes = st.integers(min_value=1, max_value=500_000)
currencies = st.sampled_from(CURRENCIES)
funds = st.sampled_from(FUNDS)
sponsor_index = st.integers(min_value=0, max_value=2)
days_ago = st.integers(min_value=0, max_value=20)
fee_rates = st.sampled_from([0, 0, 290, 1_000])
Cash = dict[tuple[str, str], int]
PAST_DAYS = (3, 9, 16)

_CHECK_POLICY = """
SELECT kind, name, currency, balance FROM treasury_accounts a WHERE project_id = $1 AND (
    (kind = 'treasury' AND balance < 0 AND NOT $2)
    OR (kind = 'receivable' AND balance < 0)
    OR (kind = 'payable' AND balance <> 0)
    OR (kind = 'income' AND balance + coalesce((
        SELECT r.balance FROM treasury_accounts r WHERE r.project_id = a.project_id
        AND r.kind = 'receivable' AND r.name = a.name AND r.currency = a.currency), 0) > 0))
"""
_CASH = """
SELECT name, currency, balance FROM treasury_accounts WHERE project_id = $1 AND kind = 'treasury'
"""
_OTHER = """
SELECT kind, name, currency, balance FROM treasury_accounts
WHERE project_id = $1 AND kind IN ('fee', 'in_kind', 'in_kind_use')
"""
_INSTALLMENTS = """
SELECT sponsorship_id, installment, occurred_on, due_on FROM treasury_transactions
WHERE project_id = $1 AND installment IS NOT NULL ORDER BY sponsorship_id, installment
"""


class TreasuryMachine(RuleBasedStateMachine):
    url: ClassVar[str] = ""
    loop: ClassVar[asyncio.AbstractEventLoop]
    steps: ClassVar[int] = 0
    outcomes: ClassVar[dict[str, int]] = {}

    posted = Bundle("posted")

    def __init__(self) -> None:
        super().__init__()
        self.conn: asyncpg.Connection = self.run(database.connect(self.url))
        self.tx = self.conn.transaction()
        self.run(self.tx.start())
        self.keys = 0
        self.proposals = 0
        self.flows: list[tuple[date, tuple[str, str], int]] = []
        self.fees: dict[tuple[str, str], int] = defaultdict(int)
        self.in_kind_value: dict[str, int] = defaultdict(int)
        self.in_kind_of: dict[int, tuple[str, int]] = {}
        # sponsorship -> (first due date, recurrence, cancelled from, posted through today)
        self.schedules: dict[int, tuple[date, str, date | None, bool]] = {}
        self.effects: dict[int, Cash] = {}
        self.paid: dict[tuple[int, str], int] = defaultdict(int)
        self.replays: list[
            tuple[Callable[[], Coroutine[Any, Any, tuple[Transaction, bool]]], int]
        ] = []
        self.allow_overdraft = False

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def teardown(self) -> None:
        chain = self.run(self._chain())
        self.run(self.tx.rollback())
        self.run(self.conn.close())
        assert chain.ok, chain.reason

    async def _chain(self) -> journal.ChainCheck:
        events = await journal.page(self.conn, self.project.id, 0, 1_000_000)
        return journal.check_chain(events, await journal.head(self.conn, self.project.id))

    def key(self) -> str:
        self.keys += 1
        return f"k{self.keys}"

    @initialize(allow_overdraft=st.booleans())
    def open_books(self, allow_overdraft: bool) -> None:
        async def setup() -> None:
            self.project = await create_project(self.conn, ProjectInput("m", "M"), "admin")
            self.today: date = await self.conn.fetchval(
                "SELECT (clock_timestamp() AT TIME ZONE 'UTC')::date"
            )
            policy = Policy(allow_overdraft=allow_overdraft, maintainer_approval=True)
            await set_policy(self.conn, self.project, policy, "admin")
            self.sponsors: list[int] = []
            for name in ("IBM", "Red Hat", "Igalia"):
                found, _ = await record_sponsor(
                    self.conn, self.project.id, organisation=name, contributor_id=None, actor="a"
                )
                self.sponsors.append(found.id)

        self.allow_overdraft = allow_overdraft
        self.run(setup())

    def attempt(
        self,
        move: Callable[[str], Coroutine[Any, Any, tuple[Transaction, bool]]],
        effect: Cash,
        refused: str | None,
        on: date | None = None,
    ) -> int | None:
        """Run a movement in a savepoint; it must be refused with ``refused`` exactly
        when the model says so, else change the money held by ``effect`` from ``on``."""
        key = self.key()

        async def go() -> tuple[Transaction, bool] | str:
            try:
                async with self.conn.transaction():
                    return await move(key)
            except PolicyBreach as exc:
                return exc.code

        outcome = self.run(go())
        TreasuryMachine.steps += 1
        self.tally(outcome)
        if isinstance(outcome, str):
            assert outcome == refused, (outcome, refused)
            return None
        assert refused is None, f"expected {refused}"
        tx, replayed = outcome
        assert not replayed
        self.move(effect, on or self.today)
        self.effects[tx.id] = effect
        self.replays.append((lambda: move(key), tx.id))
        return tx.id

    @staticmethod
    def tally(outcome: tuple[Transaction, bool] | str) -> None:
        name = outcome if isinstance(outcome, str) else outcome[0].movement.kind
        TreasuryMachine.outcomes[name] = TreasuryMachine.outcomes.get(name, 0) + 1

    def move(self, effect: Cash, on: date) -> None:
        self.flows += [(on, place, delta) for place, delta in effect.items()]

    def held(self, upto: date | None = None) -> Cash:
        """Money held per (fund, currency) at the end of ``upto`` (today when None)."""
        found: Cash = defaultdict(int)
        for day, place, delta in self.flows:
            if upto is None or day <= upto:
                found[place] += delta
        return {place: minor for place, minor in found.items() if minor}

    def short(self, fund: str, money: Money, on: date | None = None) -> str | None:
        """``overdraft`` when the fund holds less than ``money`` on ``on`` or any later day."""
        when = on or self.today
        days = {when} | {day for day, _, _ in self.flows if day > when}
        floor = min(self.held(day).get((fund, money.currency), 0) for day in days)
        return "overdraft" if floor < money.minor and not self.allow_overdraft else None

    @rule(target=posted, who=sponsor_index, currency=currencies, minor=amounts, ago=days_ago)
    def pledge(self, who: int, currency: str, minor: int, ago: int) -> int | None:
        money = parse_amount(format_minor(minor, currency), currency)
        sid, on = self.sponsors[who], self.today - timedelta(days=ago)
        return self.attempt(
            lambda k: treasury_moves.record_pledge(
                self.conn,
                self.project.id,
                key=k,
                sponsor_id=sid,
                money=money,
                occurred_on=on,
                actor="a",
            ),
            {},
            None,
            on,
        )

    @rule(
        target=posted,
        who=sponsor_index,
        currency=currencies,
        minor=incomes,
        fund=funds,
        ago=days_ago,
        rate=fee_rates,
        host=st.booleans(),
    )
    def receipt(
        self, who: int, currency: str, minor: int, fund: str, ago: int, rate: int, host: bool
    ) -> int | None:
        """Money received on a past day, with a processor fee (a rate in basis points)
        and a host fee (5%) when they come to at least one minor unit."""
        money = parse_amount(format_minor(minor, currency), currency)
        sid, on = self.sponsors[who], self.today - timedelta(days=ago)
        charged = [("processor", minor * rate // 10_000), ("host", minor // 20 if host else 0)]
        fees = [treasury_moves.Fee(k, Money(m, currency), k) for k, m in charged if m > 0]
        tx = self.attempt(
            lambda k: treasury_moves.record_receipt(
                self.conn,
                self.project.id,
                key=k,
                sponsor_id=sid,
                money=money,
                fund=fund,
                occurred_on=on,
                fees=fees,
                actor="a",
            ),
            {(fund, currency): minor},
            None,
            on,
        )
        self.move({(fund, currency): -sum(f.money.minor for f in fees)}, on)
        for fee in fees:
            self.fees[(fee.kind, currency)] += fee.money.minor
            TreasuryMachine.outcomes["fee"] = TreasuryMachine.outcomes.get("fee", 0) + 1
        self.paid[(sid, currency)] += minor
        return tx

    @rule(
        target=posted,
        currency=currencies,
        minor=amounts,
        fund=funds,
        by_vote=st.booleans(),
        ago=days_ago,
    )
    def expense(self, currency: str, minor: int, fund: str, by_vote: bool, ago: int) -> int | None:
        """An expense on a past day: refused when the fund was short on any day since."""
        money = parse_amount(format_minor(minor, currency), currency)
        on = self.today - timedelta(days=ago)
        approval = None
        if by_vote:
            self.proposals += 1
            approval = self.run(
                authorize_expense(
                    self.conn,
                    self.project.id,
                    proposal_id=self.proposals,
                    amount=format_minor(minor + 1, currency),
                    currency=currency,
                    payee="Ada",
                    purpose="work",
                    actor="governance",
                )
            )
        return self.attempt(
            lambda k: treasury_expenses.record_expense(
                self.conn,
                self.project.id,
                key=k,
                money=money,
                payee="Ada",
                purpose="work",
                evidence_url="https://example.org/e",
                approval_id=approval,
                fund=fund,
                occurred_on=on,
                actor="a",
            ),
            {(fund, currency): -minor},
            self.short(fund, money, on),
            on,
        )

    @rule(
        target=posted,
        who=sponsor_index,
        currency=currencies,
        minor=amounts,
        fund=funds,
        within=st.booleans(),
    )
    def refund(self, who: int, currency: str, minor: int, fund: str, within: bool) -> int | None:
        paid = self.paid[(self.sponsors[who], currency)]
        if within and paid > 0:
            minor = 1 + (minor - 1) % paid
        money = parse_amount(format_minor(minor, currency), currency)
        sid = self.sponsors[who]
        refused = self.short(fund, money)
        if self.paid[(sid, currency)] < minor:
            refused = "refund_exceeds_receipts"
        tx = self.attempt(
            lambda k: treasury_refunds.refund(
                self.conn,
                self.project.id,
                key=k,
                sponsor_id=sid,
                money=money,
                fund=fund,
                actor="a",
            ),
            {(fund, currency): -minor},
            refused,
        )
        if tx is not None:
            self.paid[(sid, currency)] -= minor
        return tx

    @rule(target=posted, currency=currencies, minor=amounts, from_fund=funds)
    def transfer(self, currency: str, minor: int, from_fund: str) -> int | None:
        to_fund = FUNDS[1 - FUNDS.index(from_fund)]
        money = parse_amount(format_minor(minor, currency), currency)
        return self.attempt(
            lambda k: treasury_moves.transfer(
                self.conn,
                self.project.id,
                key=k,
                money=money,
                from_fund=from_fund,
                to_fund=to_fund,
                actor="a",
            ),
            {(from_fund, currency): -minor, (to_fund, currency): minor},
            self.short(from_fund, money),
        )

    @rule(
        target=posted,
        pair=st.permutations(CURRENCIES).map(lambda p: p[:2]),
        minor=amounts,
        rate=st.sampled_from(RATES),
        fund=funds,
    )
    def conversion(self, pair: list[str], minor: int, rate: str, fund: str) -> int | None:
        sold = parse_amount(format_minor(minor, pair[0]), pair[0])
        try:
            bought = convert(sold, pair[1], Decimal(rate))
        except InvalidInput:
            return None
        return self.attempt(
            lambda k: treasury_moves.convert_currency(
                self.conn,
                self.project.id,
                key=k,
                money=sold,
                to_currency=pair[1],
                fx_rate=Decimal(rate),
                fx_source="ECB",
                fx_date=self.project.created_at.date(),
                from_fund=fund,
                actor="a",
            ),
            {(fund, sold.currency): -sold.minor, (fund, bought.currency): bought.minor},
            self.short(fund, sold),
        )

    @rule(original=posted)
    def reversal(self, original: int | None) -> None:
        if original is None or original not in self.effects:
            return
        effect = {place: -delta for place, delta in self.effects.pop(original).items()}
        key = self.key()

        async def go() -> tuple[Transaction, bool] | str:
            try:
                async with self.conn.transaction():
                    return await treasury_reversals.reverse(
                        self.conn, self.project.id, key=key, transaction_id=original, actor="a"
                    )
            except PolicyBreach as exc:
                return exc.code

        outcome = self.run(go())
        TreasuryMachine.steps += 1
        self.tally(outcome)
        if isinstance(outcome, str):
            # A reversal that would overdraw a fund or undo money already refunded or
            # settled is refused; the original stays reversible later.
            assert outcome in ("overdraft", "refund_exceeds_receipts", "pledge_exceeded")
            self.effects[original] = {p: -d for p, d in effect.items()}
            return
        tx, _ = outcome
        assert tx.movement.reverses_id == original
        self.move(effect, self.today)
        if original in self.in_kind_of:
            currency, value = self.in_kind_of.pop(original)
            self.in_kind_value[currency] -= value
        if tx.movement.sponsor_id is not None:
            self.run(self._recount_paid())

    async def _recount_paid(self) -> None:
        rows = await self.conn.fetch(
            "SELECT t.sponsor_id, e.currency, sum(e.amount) AS paid FROM treasury_transactions t "
            "JOIN treasury_entries e ON e.project_id = t.project_id AND e.transaction_id = t.id "
            "JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id "
            "WHERE t.project_id = $1 AND a.kind = 'treasury' AND t.sponsor_id IS NOT NULL "
            "GROUP BY 1, 2",
            self.project.id,
        )
        self.paid = defaultdict(
            int, {(r["sponsor_id"], r["currency"]): int(r["paid"]) for r in rows}
        )

    @rule(target=posted, who=sponsor_index, currency=currencies, minor=amounts, ago=days_ago)
    def in_kind(self, who: int, currency: str, minor: int, ago: int) -> int | None:
        """In-kind support: on the books at its value, never money held."""
        value = parse_amount(format_minor(minor, currency), currency)
        on = self.today - timedelta(days=ago)
        tx = self.attempt(
            lambda k: record_in_kind(
                self.conn,
                self.project.id,
                key=k,
                sponsor_id=self.sponsors[who],
                value=value,
                category="hosting",
                description="servers",
                occurred_on=on,
                actor="a",
            ),
            {},
            None,
            on,
        )
        if tx is not None:
            self.in_kind_value[currency] += minor
            self.in_kind_of[tx] = (currency, minor)
        return tx

    @rule(
        who=sponsor_index,
        currency=currencies,
        minor=amounts,
        recurrence=st.sampled_from(["monthly", "quarterly", "yearly"]),
        ago=st.integers(min_value=0, max_value=400),
        pledge=st.booleans(),
    )
    def recurring_pledge(
        self, who: int, currency: str, minor: int, recurrence: str, ago: int, pledge: bool
    ) -> None:
        """A recurring pledge that began ``ago`` days ago; with ``pledge`` its due
        installments post at once, else at the next ``post_due``."""
        money = parse_amount(format_minor(minor, currency), currency)
        start = self.today - timedelta(days=ago)
        data = NewSponsorship(
            self.sponsors[who], "recurring_pledge", money, None, start, None, recurrence, None
        )
        key = self.key()

        async def go() -> int:
            async with self.conn.transaction():
                done = await sponsor_once(
                    self.conn,
                    self.project.id,
                    key=key,
                    data=data,
                    terms=COMMONS_TERMS,
                    non_commons_reason=None,
                    pledge=pledge,
                    actor="a",
                )
            return done.sponsorship.id

        self.schedules[self.run(go())] = (start, recurrence, None, pledge)
        TreasuryMachine.steps += 1
        TreasuryMachine.outcomes["installments"] = (
            TreasuryMachine.outcomes.get("installments", 0) + 1
        )

    @rule()
    def post_due(self) -> None:
        """Post every installment that fell due; each schedule is then up to date."""
        made, replayed = self.run(
            recurring.post_due_pledges(self.conn, self.project.id, key=self.key(), actor="a")
        )
        TreasuryMachine.steps += 1
        assert not replayed
        assert {t.movement.kind for t in made} <= {"pledge"}
        self.schedules = {k: (*v[:3], True) for k, v in self.schedules.items()}

    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        """Cancel a recurring pledge from tomorrow; a second cancellation is refused."""
        if not self.schedules:
            return
        sponsorship = data.draw(st.sampled_from(sorted(self.schedules)))
        start, recurrence, cancelled, posted = self.schedules[sponsorship]
        tomorrow = self.today + timedelta(days=1)

        async def go() -> str:
            try:
                async with self.conn.transaction():
                    await recurring.cancel_recurring_pledge(
                        self.conn,
                        self.project.id,
                        key=self.key(),
                        sponsorship_id=sponsorship,
                        effective_on=tomorrow,
                        reason="stopped",
                        actor="a",
                    )
            except Conflict as exc:
                return exc.code
            return "cancelled"

        outcome = self.run(go())
        TreasuryMachine.steps += 1
        self.tally(outcome)
        assert outcome == ("already_cancelled" if cancelled else "cancelled")
        self.schedules[sponsorship] = (start, recurrence, tomorrow, posted)

    @rule()
    def replay(self) -> None:
        if not self.replays:
            return
        again, first = self.replays[-1]
        before = dict(self.run(self._cash()))
        tx, replayed = self.run(again())
        TreasuryMachine.steps += 1
        assert (tx.id, replayed) == (first, True)
        assert self.run(self._cash()) == before

    async def _cash(self) -> Cash:
        rows = await self.conn.fetch(_CASH, self.project.id)
        return {(r["name"], r["currency"]): int(r["balance"]) for r in rows if r["balance"]}

    async def _past(self) -> dict[date, tuple[Cash, list[int]]]:
        """Money held and sponsors' receivables at the end of each of ``PAST_DAYS`` ago."""
        found = {}
        for ago in PAST_DAYS:
            day = self.today - timedelta(days=ago)
            rows = await balances(self.conn, self.project.id, day)
            cash = {(a.name, a.currency): a.balance for a in rows if a.kind == "treasury"}
            owed = [a.balance for a in rows if a.kind == "receivable"]
            found[day] = ({k: v for k, v in cash.items() if v}, owed)
        return found

    async def _others(self) -> tuple[dict[tuple[str, str], int], dict[str, int], dict[int, Any]]:
        """Fees per (kind, currency), in-kind value per currency and each schedule's posted
        installments (number, value date, due date)."""
        rows = await self.conn.fetch(_OTHER, self.project.id)
        fees = {(r["name"], r["currency"]): int(r["balance"]) for r in rows if r["kind"] == "fee"}
        in_kind: dict[str, int] = defaultdict(int)
        for r in rows:
            if r["kind"] in ("in_kind", "in_kind_use"):
                in_kind[r["currency"]] += int(r["balance"]) * (r["kind"] == "in_kind_use")
                assert r["kind"] != "in_kind" or int(r["balance"]) <= 0
        posted: dict[int, list[tuple[int, date, date]]] = defaultdict(list)
        for r in await self.conn.fetch(_INSTALLMENTS, self.project.id):
            posted[r["sponsorship_id"]].append((r["installment"], r["occurred_on"], r["due_on"]))
        return fees, dict(in_kind), dict(posted)

    @invariant()
    def books_hold(self) -> None:
        if not hasattr(self, "project"):
            return

        async def check() -> tuple[Any, ...]:
            await self.conn.execute(
                "SET CONSTRAINTS treasury_entries_balanced, treasury_transactions_balanced "
                "IMMEDIATE"
            )
            await self.conn.execute("SET CONSTRAINTS ALL DEFERRED")
            problems = await books_problems(self.conn, self.project.id)
            broken = await self.conn.fetch(_CHECK_POLICY, self.project.id, self.allow_overdraft)
            return problems, broken, await self._cash()

        (_, unbalanced, mismatched, unjournaled), broken, cash = self.run(check())
        assert (unbalanced, mismatched, unjournaled) == ([], [], [])
        assert [dict(r) for r in broken] == []
        assert cash == self.held()

    @invariant()
    def past_balances_hold(self) -> None:
        """At past dates too: money held as the model says, nothing owed below zero and no
        fund overdrawn unless the policy allows it."""
        if not hasattr(self, "project"):
            return
        for day, (cash, owed) in self.run(self._past()).items():
            assert cash == self.held(day), day
            assert all(minor >= 0 for minor in owed), day
            assert self.allow_overdraft or all(minor >= 0 for minor in cash.values()), day

    @invariant()
    def fees_in_kind_and_schedules_hold(self) -> None:
        if not hasattr(self, "project"):
            return
        fees, in_kind, posted = self.run(self._others())
        assert fees == {k: v for k, v in self.fees.items() if v}
        assert {c: v for c, v in in_kind.items() if v} == {
            c: v for c, v in self.in_kind_value.items() if v
        }
        for sponsorship, (start, recurrence, stop, done) in self.schedules.items():
            due = list(installments(start, recurrence, self.today, None, stop)) if done else []
            assert posted.get(sponsorship, []) == [(n, day, day) for n, day in due]


@pytest.mark.slow  # many random programs against the real books
def test_random_movements_keep_the_books_balanced_and_within_policy(database_url: str) -> None:
    TreasuryMachine.url = database_url
    TreasuryMachine.loop = asyncio.new_event_loop()
    TreasuryMachine.steps = 0
    TreasuryMachine.outcomes = {}
    try:
        run_state_machine_as_test(
            TreasuryMachine,
            settings=settings(
                max_examples=RUNS,
                stateful_step_count=STEPS_PER_RUN,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                database=None,
                # One fixed sequence of programs: the coverage of every outcome below is
                # then a property of the test, not of the run's luck.
                derandomize=True,
            ),
        )
    finally:
        TreasuryMachine.loop.close()
    assert TreasuryMachine.steps >= 2500, TreasuryMachine.steps
    kinds = {"pledge", "receipt", "expense", "refund", "transfer", "conversion", "reversal"}
    kinds |= {"fee", "in_kind", "installments", "cancelled", "already_cancelled"}
    refusals = {"overdraft", "refund_exceeds_receipts"}
    assert kinds | refusals <= set(TreasuryMachine.outcomes), TreasuryMachine.outcomes
