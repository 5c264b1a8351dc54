"""The demo commons' money, seeded through the treasury's use cases: sponsors (one of
them anonymous) on commons terms and one flagged non-commons, a monthly recurring
pledge (two installments left open) and a yearly one cancelled, receipts with
processor and host fees (one partly refunded), in-kind CI minutes and hosting, hosting
bills a maintainer approved (one charged twice and reversed), expense claims paid and
rejected, a
transfer to the reserve, a goal, budgets and stated exchange rates. Deterministic for
a given random generator."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import asyncpg

from ledger.kernel.money import Money
from ledger.register.models import Project
from ledger.treasury import claims, plans, rates, recurring
from ledger.treasury.approvals import set_policy
from ledger.treasury.expenses import record_expense
from ledger.treasury.in_kind import record_in_kind
from ledger.treasury.models import NewSponsorship, Policy, SponsorshipKind, TermsInput
from ledger.treasury.movements import Fee, record_pledge, record_receipt, transfer
from ledger.treasury.refunds import refund
from ledger.treasury.reversals import reverse
from ledger.treasury.sponsoring import sponsor_once
from ledger.treasury.sponsors import record_sponsor, record_sponsorship

ACTOR = "demo"
SPONSORS = ["Northwind Labs", "Blue Harbor", "Kestrel Systems", "Open Meadow Foundation"]
COMMONS = TermsInput(
    "Aurora commons sponsorship terms", "2026-01",
    "Sponsors fund the commons and receive no ownership, no exclusive license, no "
    "privileged access, no control of the roadmap and no votes.",
    True, True, True, True, True,
)  # fmt: skip
STRINGS = TermsInput(
    "Aurora feature sponsorship", "2026-05",
    "The sponsor asks for a roadmap commitment to its feature in return for funding.",
    True, True, True, False, True,
)  # fmt: skip


def eur(minor: int) -> Money:
    return Money(minor, "EUR")


def _on(first: date, days: int) -> date:
    return min(first + timedelta(days=days), date.today())


async def seed_treasury(
    conn: asyncpg.Connection,
    project: Project,
    person: int,
    claimant: int,
    rng: random.Random,
    start: datetime,
) -> int:
    """Seed the demo's money; returns how many transactions were posted."""
    pid, first = project.id, start.date()
    await set_policy(
        conn, project, Policy(maintainer_approval=True, reporting_currency="EUR"), ACTOR
    )
    sponsors = [
        (await record_sponsor(conn, pid, organisation=n, contributor_id=None, actor=ACTOR))[0].id
        for n in SPONSORS
    ]
    sponsors.append((await record_sponsor(
        conn, pid, organisation=None, contributor_id=person, actor=ACTOR))[0].id)  # fmt: skip
    hidden, _ = await record_sponsor(
        conn,
        pid,
        organisation="Hollow Pine Hosting",
        contributor_id=None,
        actor=ACTOR,
        anonymous=True,
    )
    kinds: list[tuple[int, SponsorshipKind]] = [
        (sponsors[0], "one_off"), (sponsors[2], "matching_fund"), (sponsors[3], "one_off")
    ]  # fmt: skip
    for sponsor_id, kind in kinds:
        given = NewSponsorship(sponsor_id, kind, eur(500_000), None, first, None, None, None)
        await record_sponsorship(conn, pid, given, COMMONS, non_commons_reason=None, actor=ACTOR)
    monthly = NewSponsorship(sponsors[1], "recurring_pledge", eur(200_000), None, first, None,
                             "monthly", None)  # fmt: skip
    yearly = NewSponsorship(sponsors[4], "recurring_pledge", eur(100_000), None, first, None,
                            "yearly", None)  # fmt: skip
    for key, data in (("demo-monthly", monthly), ("demo-yearly", yearly)):
        await sponsor_once(conn, pid, key=key, data=data, terms=COMMONS,
                           non_commons_reason=None, pledge=True, actor=ACTOR)  # fmt: skip
    yearly_id = await conn.fetchval(
        "SELECT max(id) FROM treasury_sponsorships WHERE project_id = $1", pid
    )
    await recurring.cancel_recurring_pledge(
        conn, pid, key="demo-yearly-stop", sponsorship_id=yearly_id,
        effective_on=date.today() + timedelta(days=1),
        reason="the sponsor gives one-off gifts from now on", actor=ACTOR,
    )  # fmt: skip
    ci, _ = await record_sponsorship(
        conn, pid, NewSponsorship(sponsors[1], "in_kind", eur(120_000), "CI machines", first,
                                  None, None, None),
        COMMONS, non_commons_reason=None, actor=ACTOR,
    )  # fmt: skip
    hosting, _ = await record_sponsorship(
        conn, pid, NewSponsorship(hidden.id, "in_kind", eur(60_000), "Tile server hosting",
                                  first, None, None, None),
        COMMONS, non_commons_reason=None, actor=ACTOR,
    )  # fmt: skip
    flagged, _ = await record_sponsorship(
        conn, pid, NewSponsorship(sponsors[2], "one_off", Money(2_000_000, "USD"), None, first,
                                  None, None, "Feature X"),
        STRINGS, non_commons_reason="asks for a roadmap commitment in return", actor=ACTOR,
    )  # fmt: skip
    usd = Money(2_000_000, "USD")
    for key, post, days in (("demo-flagged", record_pledge, 200),
                            ("demo-flagged-paid", record_receipt, 210)):  # fmt: skip
        await post(conn, pid, key=key, sponsor_id=sponsors[2], money=usd,
                   sponsorship_id=flagged.id, occurred_on=_on(first, days),
                   actor=ACTOR)  # fmt: skip
    await _months(conn, pid, sponsors, hidden.id, rng, first)
    for quarter in range(4):
        await record_in_kind(
            conn, pid, key=f"demo-ci-{quarter}", sponsor_id=sponsors[1], value=eur(30_000),
            category="ci_minutes", description="CI machine time, valued at list price",
            sponsorship_id=ci.id, occurred_on=_on(first, 90 * quarter + 5), actor=ACTOR,
        )  # fmt: skip
    await record_in_kind(
        conn, pid, key="demo-hosting", sponsor_id=hidden.id, value=eur(60_000),
        category="hosting", description="Tile servers for the year", sponsorship_id=hosting.id,
        occurred_on=_on(first, 20), actor=ACTOR,
    )  # fmt: skip
    await _plans(conn, pid, first, claimant)
    posted: int = await conn.fetchval(
        "SELECT count(*) FROM treasury_transactions WHERE project_id = $1", pid
    )
    return posted


async def _months(
    conn: asyncpg.Connection,
    pid: int,
    sponsors: list[int],
    hidden: int,
    rng: random.Random,
    first: date,
) -> None:
    for month in range(12):
        on = _on(first, 30 * month + 3)
        for i, sponsor_id in enumerate(sponsors):
            if i == 1 and month >= 10:
                continue  # the last two installments stay open
            if (month + i) % 3 == 0 or i == 1:
                jitter = rng.randint(0, 9) * 1_000
                amount = 200_000 if i == 1 else 50_000 * (len(sponsors) - i) + jitter
                fees = []
                if i in (0, 3):
                    fees.append(Fee("processor", eur(amount * 29 // 1000 + 30), "Stripe"))
                if i == 0:
                    fees.append(Fee("host", eur(amount // 20), "Open Source Collective"))
                paid, _ = await record_receipt(
                    conn, pid, key=f"demo-{month}-{i}", sponsor_id=sponsor_id, money=eur(amount),
                    occurred_on=on, fees=fees, actor=ACTOR,
                )  # fmt: skip
                if (month, i) == (6, 3):  # paid twice by mistake: half of it goes back
                    await refund(
                        conn, pid, key="demo-refund", sponsor_id=sponsor_id,
                        money=eur(amount // 2), receipt_id=paid.id, occurred_on=_on(on, 9),
                        memo="paid twice by mistake", actor=ACTOR,
                    )  # fmt: skip
        await record_expense(
            conn, pid, key=f"demo-hosting-{month}", money=eur(35_000), payee="Hetzner Online",
            purpose=f"Map tile servers, month {month + 1}", category="hosting",
            evidence_url=f"https://aurora.invalid/invoices/hosting-{month + 1}.pdf",
            approval_id=None, occurred_on=_on(first, 30 * month + 12), actor=ACTOR,
        )  # fmt: skip
        if month == 5:
            twice, _ = await record_expense(
                conn, pid, key="demo-hosting-twice", money=eur(35_000), payee="Hetzner Online",
                purpose="Map tile servers, month 6 (charged twice)", category="hosting",
                evidence_url="https://aurora.invalid/invoices/hosting-6b.pdf",
                approval_id=None, occurred_on=_on(first, 30 * month + 13), actor=ACTOR,
            )  # fmt: skip
            await reverse(conn, pid, key="demo-hosting-refunded", transaction_id=twice.id,
                          occurred_on=_on(first, 30 * month + 20), memo="charged twice",
                          actor=ACTOR)  # fmt: skip
            await transfer(conn, pid, key="demo-reserve", money=eur(500_000), from_fund="main",
                           to_fund="reserve", occurred_on=_on(first, 30 * month + 21),
                           memo="three months of hosting and travel", actor=ACTOR)  # fmt: skip
    await record_receipt(conn, pid, key="demo-anonymous", sponsor_id=hidden, money=eur(75_000),
                         occurred_on=_on(first, 100), actor=ACTOR)  # fmt: skip


async def _plans(conn: asyncpg.Connection, pid: int, first: date, claimant: int) -> None:
    year_end = first + timedelta(days=364)
    await plans.set_goal(
        conn, pid, key="demo-goal", fund=None, target=eur(3_000_000),
        title="A year of a part-time maintainer", starts_on=first, ends_on=year_end, actor=ACTOR,
    )  # fmt: skip
    for category, minor in (("hosting", 450_000), ("travel", 100_000)):
        await plans.set_budget(
            conn, pid, key=f"demo-budget-{category}", category=category, planned=eur(minor),
            starts_on=first, ends_on=year_end, actor=ACTOR,
        )  # fmt: skip
    for days, rate in ((0, "0.9260"), (200, "0.9150")):
        await rates.record_rate(
            conn, pid, key=f"demo-rate-{days}", currency="USD", quote="EUR",
            quoted_on=_on(first, days), rate=Decimal(rate), source="ECB reference rate",
            actor=ACTOR,
        )  # fmt: skip
    payee = f"contributor:{claimant}"
    name = await conn.fetchval("SELECT display_name FROM contributors WHERE id = $1", claimant)
    travel, _ = await claims.submit_expense(
        conn, pid, key="demo-claim-travel", payee=name, money=eur(48_000),
        purpose="Train to the State of the Map conference", category="travel",
        evidence_url="https://aurora.invalid/claims/travel.pdf", actor=payee,
    )  # fmt: skip
    await claims.approve_claim(conn, pid, key="demo-claim-ok", claim_id=travel.id,
                               approval_id=None, actor=ACTOR)  # fmt: skip
    await claims.pay_claim(conn, pid, key="demo-claim-paid", claim_id=travel.id, actor=ACTOR)
    stickers, _ = await claims.submit_expense(
        conn, pid, key="demo-claim-stickers", payee=name, money=eur(9_500),
        purpose="Stickers for the booth", category="events",
        evidence_url="https://aurora.invalid/claims/stickers.pdf", actor=payee,
    )  # fmt: skip
    await claims.reject_claim(conn, pid, key="demo-claim-no", claim_id=stickers.id,
                              reason="not in this year's budget", actor=ACTOR)  # fmt: skip
