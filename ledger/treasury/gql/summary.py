"""GraphQL of the funding summary: money held (per currency, and in one reporting
currency at stated rates), outstanding pledges and receipts per sponsor and period."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from ledger.graphql import Info
from ledger.kernel.errors import InvalidInput
from ledger.treasury import summary as store
from ledger.treasury.gql.types import Money


@strawberry.enum(description="How receipts are grouped in time.")
class FundingPeriod(Enum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@strawberry.input(description="A rate the reader states: units of the reporting currency per unit.")
class ExchangeRateInput:
    currency: str = strawberry.field(description="ISO 4217 code of the currency held.")
    rate: str = strawberry.field(description='Exact decimal string, e.g. "1.0842".')


@strawberry.type(description="A rate a reporting total was computed at, as the reader stated it.")
class StatedRate:
    currency: str = strawberry.field(description="ISO 4217 code of the currency held.")
    rate: str = strawberry.field(description="Units of the reporting currency per unit.")


@strawberry.type(description="An amount owed or paid by one sponsor.")
class SponsorAmount:
    sponsor: int = strawberry.field(description="Sponsor number.")
    name: str = strawberry.field(description="The sponsor's name.")
    amount: Money = strawberry.field(description="The amount.")
    period: date | None = strawberry.field(description="First day of the period, for payments.")

    @classmethod
    def of(cls, found: store.SponsorAmount) -> SponsorAmount:
        return cls(
            sponsor=found.sponsor,
            name=found.name,
            amount=Money.of(found.amount),
            period=found.period,
        )


@strawberry.type(description="Money held in one reporting currency, at the rates stated.")
class ReportingTotal:
    total: Money = strawberry.field(description="Every fund, converted and rounded once.")
    rates: list[StatedRate] = strawberry.field(description="The rates used.")
    unconverted: list[str] = strawberry.field(
        description="Currencies held without a stated rate (left out of the total)."
    )


@strawberry.type(description="A project's funding at a glance, from its books.")
class FundingSummary:
    held: list[Money] = strawberry.field(description="Money in the treasury's funds, per currency.")
    reporting: ReportingTotal | None = strawberry.field(
        description="The same in one reporting currency, when one was asked for."
    )
    outstanding_pledges: list[SponsorAmount] = strawberry.field(
        description="Pledged but not yet paid, per sponsor and currency, largest first."
    )
    received: list[SponsorAmount] = strawberry.field(
        description="Paid into the funds per sponsor, period and currency (refunds and "
        "reversals netted), oldest period first."
    )


async def funding_summary(
    info: Info,
    project_id: int,
    period: FundingPeriod,
    since: date | None,
    until: date | None,
    reporting_currency: str | None,
    rates: list[ExchangeRateInput],
) -> FundingSummary:
    """The summary of the project's books (checked inputs; InvalidInput otherwise)."""
    stated = {r.currency: r.rate for r in rates}
    if len(stated) != len(rates):
        raise InvalidInput("each currency may have one rate", "rates")
    checked = store.check_rates(stated)
    if since and until and since > until:
        raise InvalidInput("since is after until", "since")
    found = await store.summary(info.context.pool, project_id, period.value, since, until)
    reporting = None
    if reporting_currency is not None:
        total = store.in_currency(found.held, reporting_currency, checked)
        reporting = ReportingTotal(
            total=Money.of(total.total),
            rates=[StatedRate(currency=c, rate=str(r)) for c, r in sorted(total.rates.items())],
            unconverted=total.unconverted,
        )
    return FundingSummary(
        held=[Money.of(m) for m in found.held],
        reporting=reporting,
        outstanding_pledges=[SponsorAmount.of(s) for s in found.outstanding],
        received=[SponsorAmount.of(s) for s in found.received],
    )
