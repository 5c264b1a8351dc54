"""A state machine of random pledges, receipts, expenses, refunds, transfers,
conversions, reversals and replays against the real database.

Each run holds one connection inside one transaction, rolled back at teardown;
each step runs in a savepoint so a refusal leaves nothing behind. After every step
the deferred balance triggers are forced to fire, and the books must balance per
currency, every balance must equal the replay of its entries, no account may break
its policy, and the money held must equal an independent model of it.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Coroutine
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
from ledger.kernel.errors import InvalidInput
from ledger.kernel.money import Money, convert, format_minor, parse_amount
from ledger.register.projects import ProjectInput, create_project
from ledger.treasury import expenses as treasury_expenses
from ledger.treasury import movements as treasury_moves
from ledger.treasury import reversals as treasury_reversals
from ledger.treasury.approvals import authorize_expense, set_policy
from ledger.treasury.models import Policy, PolicyBreach, Transaction
from ledger.treasury.queries import books_problems
from ledger.treasury.sponsors import record_sponsor

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
Cash = dict[tuple[str, str], int]

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
        self.cash: Cash = defaultdict(int)
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
    ) -> int | None:
        """Run a movement in a savepoint; it must be refused with ``refused`` exactly
        when the model says so, else change the money held by ``effect``."""
        key = self.key()

        async def go() -> tuple[Transaction, bool] | str:
            try:
                async with self.conn.transaction():
                    return await move(key)
            except PolicyBreach as exc:
                return exc.code

        outcome = self.run(go())
        TreasuryMachine.steps += 1
        TreasuryMachine.outcomes[
            str(outcome if isinstance(outcome, str) else outcome[0].movement.kind)
        ] = (
            TreasuryMachine.outcomes.get(
                str(outcome if isinstance(outcome, str) else outcome[0].movement.kind), 0
            )
            + 1
        )
        if isinstance(outcome, str):
            assert outcome == refused, (outcome, refused)
            return None
        assert refused is None, f"expected {refused}"
        tx, replayed = outcome
        assert not replayed
        for place, delta in effect.items():
            self.cash[place] += delta
        self.effects[tx.id] = effect
        self.replays.append((lambda: move(key), tx.id))
        return tx.id

    @staticmethod
    def tally(outcome: tuple[Transaction, bool] | str) -> None:
        name = outcome if isinstance(outcome, str) else outcome[0].movement.kind
        TreasuryMachine.outcomes[name] = TreasuryMachine.outcomes.get(name, 0) + 1

    def short(self, fund: str, money: Money) -> str | None:
        held = self.cash[(fund, money.currency)]
        return "overdraft" if held < money.minor and not self.allow_overdraft else None

    @rule(target=posted, who=sponsor_index, currency=currencies, minor=amounts)
    def pledge(self, who: int, currency: str, minor: int) -> int | None:
        money = parse_amount(format_minor(minor, currency), currency)
        sid = self.sponsors[who]
        return self.attempt(
            lambda k: treasury_moves.record_pledge(
                self.conn, self.project.id, key=k, sponsor_id=sid, money=money, actor="a"
            ),
            {},
            None,
        )

    @rule(target=posted, who=sponsor_index, currency=currencies, minor=incomes, fund=funds)
    def receipt(self, who: int, currency: str, minor: int, fund: str) -> int | None:
        money = parse_amount(format_minor(minor, currency), currency)
        sid = self.sponsors[who]
        tx = self.attempt(
            lambda k: treasury_moves.record_receipt(
                self.conn,
                self.project.id,
                key=k,
                sponsor_id=sid,
                money=money,
                fund=fund,
                actor="a",
            ),
            {(fund, currency): minor},
            None,
        )
        self.paid[(sid, currency)] += minor
        return tx

    @rule(target=posted, currency=currencies, minor=amounts, fund=funds, by_vote=st.booleans())
    def expense(self, currency: str, minor: int, fund: str, by_vote: bool) -> int | None:
        money = parse_amount(format_minor(minor, currency), currency)
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
                actor="a",
            ),
            {(fund, currency): -minor},
            self.short(fund, money),
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
            lambda k: treasury_moves.refund(
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
        for place, delta in effect.items():
            self.cash[place] += delta
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
        assert cash == {place: held for place, held in self.cash.items() if held}


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
            ),
        )
    finally:
        TreasuryMachine.loop.close()
    assert TreasuryMachine.steps >= 2500, TreasuryMachine.steps
    kinds = {"pledge", "receipt", "expense", "refund", "transfer", "conversion", "reversal"}
    refusals = {"overdraft", "refund_exceeds_receipts"}
    assert kinds | refusals <= set(TreasuryMachine.outcomes), TreasuryMachine.outcomes
