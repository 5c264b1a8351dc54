"""The money figures as pure functions of hand-made books."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.funding import figures, sustainability
from reports.funding.books import Approval, Books, Leg, Posting, Rate
from reports.period import parse_period

JULY = parse_period("2026-07")


def _receipt(tx: int, day: date, minor: int, sponsor: int = 1, currency: str = "EUR") -> Posting:
    return Posting(
        tx, "receipt", day,
        (Leg("treasury", "main", currency, minor), Leg("income", str(sponsor), currency, -minor)),
        sponsor=sponsor,
    )  # fmt: skip


def _expense(tx: int, day: date, minor: int, approval: int) -> Posting:
    legs = (Leg("expense", "hosting", "EUR", minor), Leg("treasury", "main", "EUR", -minor))
    return Posting(tx, "expense", day, legs, approval=approval, payee="Hetzner")


def test_balances_in_the_reporting_currency_name_the_currencies_without_a_rate() -> None:
    books = Books(
        postings=[
            _receipt(1, date(2026, 6, 1), 10_000),
            _receipt(2, date(2026, 7, 2), 5_000, currency="USD"),
            _receipt(3, date(2026, 7, 3), 1_000, currency="JPY"),
        ],
        rates=[
            Rate("USD", "EUR", date(2026, 7, 1), Decimal("0.9"), "ECB"),
            Rate("USD", "EUR", date(2026, 8, 1), Decimal("0.5"), "ECB"),  # after the period
        ],
        reporting_currency="EUR",
    )
    found = figures.reporting(books, JULY)
    assert found is not None
    assert (found["start"], found["end"], found["unvalued"]) == ("100.00", "145.00", ["JPY"])
    assert [r["rate"] for r in found["rates"]] == ["0.9"]
    assert figures.reporting(Books(postings=books.postings), JULY) is None


def test_runway_divides_the_money_held_by_the_average_months_spending() -> None:
    books = Books(
        postings=[
            _receipt(1, date(2026, 1, 5), 120_000),
            _expense(2, date(2026, 3, 1), 10_000, 1),
            _expense(3, date(2026, 7, 1), 20_000, 2),
        ],
        approvals={1: Approval(1, "maintainer", None, "token:x"),
                   2: Approval(2, "proposal", 4, "proposal:4")},
    )  # fmt: skip
    run = sustainability.runway(books, JULY)
    # Feb..Jul: 300.00 spent over six months, 900.00 held: 18 months
    assert (run["since"], run["months"]) == ("2026-02-01", 6)
    assert run["by_currency"][0]["months_of_spending"] == "18.0"
    quiet = sustainability.runway(Books(postings=books.postings[:1]), JULY)
    assert quiet["by_currency"][0]["months_of_spending"] is None
    vote = sustainability.approved_by_vote(books, JULY)
    assert (vote["expenses"], vote["by_vote"], vote["share"]) == (1, 1, "1.0000")


def test_concentration_covers_the_four_quarters_up_to_the_periods_end() -> None:
    books = Books(
        postings=[
            _receipt(1, date(2025, 9, 30), 1_000, sponsor=1),  # before the four quarters
            _receipt(2, date(2025, 10, 1), 6_000, sponsor=1),
            _receipt(3, date(2025, 10, 2), 3_000, sponsor=2),
            _receipt(4, date(2025, 11, 2), 3_000, sponsor=3),
            _receipt(5, date(2026, 7, 31), 500, sponsor=2),
            _receipt(6, date(2026, 8, 1), 500, sponsor=3),  # after the period
        ]
    )
    rows = sustainability.concentration(books, JULY)
    assert [(r["quarter"], r["total"], r["sponsors"], r["funding_elephant_factor"])
            for r in rows] == [("2025-Q4", "120.00", 3, 1), ("2026-Q3", "5.00", 1, 1)]  # fmt: skip


def test_a_reversed_pledge_is_no_longer_outstanding() -> None:
    def pledge(tx: int, day: date, minor: int) -> Posting:
        legs = (Leg("receivable", "1", "EUR", minor), Leg("income", "1", "EUR", -minor))
        return Posting(tx, "pledge", day, legs, sponsor=1, due_on=day)

    undo = Posting(
        3, "reversal", date(2026, 7, 10),
        (Leg("receivable", "1", "EUR", -200), Leg("income", "1", "EUR", 200)), reverses=2,
    )  # fmt: skip
    books = Books(postings=[pledge(1, date(2026, 7, 1), 100), pledge(2, date(2026, 7, 2), 200)])
    assert [o["transaction_id"] for o in figures.pledges(books, JULY)["outstanding"]] == [1, 2]
    books.postings.append(undo)
    open_ = figures.pledges(books, JULY)["outstanding"]
    assert [(o["transaction_id"], o["open"], o["overdue"]) for o in open_] == [(1, "1.00", True)]
