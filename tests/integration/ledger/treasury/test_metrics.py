from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg

from ledger.kernel.money import parse_amount
from ledger.register import people
from ledger.register.contributions import record_contributions
from ledger.register.models import NewContribution, Project
from ledger.treasury import movements as treasury_moves
from ledger.treasury import refunds as treasury_refunds
from ledger.treasury.metrics import (
    affiliate_shares,
    funding_by_sponsor,
    funding_concentration,
    non_commons_sponsorships,
)
from ledger.treasury.models import NewSponsorship
from ledger.treasury.sponsors import record_sponsor, record_sponsorship
from tests.integration.ledger.treasury.helpers import (
    COMMONS_TERMS,
    eur,
    receive,
    sponsor,
    sponsorship,
)

CHAOSS = ["1000", "433", "343", "332", "202", "90", "42", "33"]
START, END = date(2026, 1, 1), date(2027, 1, 1)


async def test_the_funding_elephant_factor_follows_the_chaoss_example(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        ids = [await sponsor(conn, project.id, f"Org {i}") for i in range(len(CHAOSS))]
        for i, (sid, amount) in enumerate(zip(ids, CHAOSS, strict=True)):
            await receive(conn, project.id, sid, eur(amount), f"r{i}")
        # Money that is not received in the period does not count: a pledge, a receipt
        # before the period, and a refund that takes back part of a receipt.
        await treasury_moves.record_pledge(
            conn, project.id, key="p", sponsor_id=ids[7], money=eur("5000"), actor="a"
        )
        await treasury_moves.record_receipt(
            conn,
            project.id,
            key="old",
            sponsor_id=ids[6],
            money=eur("9000"),
            occurred_on=date(2025, 12, 31),
            actor="a",
        )
        await receive(conn, project.id, ids[5], eur("10"), "extra")
        await treasury_refunds.refund(
            conn, project.id, key="f", sponsor_id=ids[5], money=eur("10"), actor="a"
        )
        await receive(conn, project.id, ids[0], parse_amount("700", "JPY"), "jpy")
        today = await conn.fetchval("SELECT (now() AT TIME ZONE 'UTC')::date")
        period = (date(today.year, 1, 1), date(today.year + 1, 1, 1))
        concentration = await funding_concentration(conn, project.id, *period)
        funding = await funding_by_sponsor(conn, project.id, *period)
    eur_figures, jpy_figures = concentration
    assert (eur_figures.currency, eur_figures.total, eur_figures.sponsors) == ("EUR", 247500, 8)
    assert (eur_figures.elephant_factor, eur_figures.top_sponsor_id) == (2, ids[0])
    assert eur_figures.top_sponsor_share == Decimal("0.4040")
    assert (jpy_figures.total, jpy_figures.elephant_factor, jpy_figures.top_sponsor_share) == (
        700,
        1,
        Decimal("1.0000"),
    )
    assert [(f.name, f.currency, f.received) for f in funding[:3]] == [
        ("Org 0", "EUR", 100000),
        ("Org 1", "EUR", 43300),
        ("Org 2", "EUR", 34300),
    ]


async def test_exactly_half_from_one_sponsor_makes_a_factor_of_one(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        a = await sponsor(conn, project.id, "A")
        b = await sponsor(conn, project.id, "B")
        await receive(conn, project.id, a, eur("50"), "a")
        await receive(conn, project.id, b, eur("50"), "b")
        today = await conn.fetchval("SELECT (now() AT TIME ZONE 'UTC')::date")
        (figures,) = await funding_concentration(
            conn, project.id, today, date(today.year + 1, 1, 1)
        )
    assert (figures.elephant_factor, figures.top_sponsor_id) == (1, a)


async def _contribute(
    conn: asyncpg.Connection, project_id: int, contributor: int, day: date, key: str
) -> None:
    item = NewContribution(
        contributor, "code", datetime(day.year, day.month, day.day, 12, tzinfo=UTC), "git", key
    )
    await record_contributions(conn, project_id, [item], "intake")


async def test_affiliate_shares_count_contributions_made_while_affiliated(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        ibm, _ = await record_sponsor(
            conn, project.id, organisation="IBM", contributor_id=None, actor="a"
        )
        linus = await people.create_contributor(conn, "Linus")
        alan = await people.create_contributor(conn, "Alan")
        solo, _ = await record_sponsor(
            conn, project.id, organisation=None, contributor_id=alan.id, actor="a"
        )
        assert ibm.organisation_id is not None
        await people.add_affiliation(conn, linus.id, ibm.organisation_id, date(2026, 3, 1), None)
        await people.add_affiliation(conn, linus.id, ibm.organisation_id, date(2026, 2, 1), None)
        await _contribute(conn, project.id, linus.id, date(2026, 2, 15), "before-and-during")
        await _contribute(conn, project.id, linus.id, date(2026, 1, 15), "before")
        await _contribute(conn, project.id, linus.id, date(2026, 4, 1), "during")
        await _contribute(conn, project.id, alan.id, date(2026, 4, 2), "alan")
        await _contribute(conn, project.id, alan.id, date(2027, 4, 2), "later")
        shares = await affiliate_shares(conn, project.id, START, END)
    assert [(s.sponsor_id, s.name, s.contributions, s.total_contributions) for s in shares] == [
        (ibm.id, "IBM", 2, 4),
        (solo.id, "Alan", 1, 4),
    ]
    assert [(s.share, s.credit_share) for s in shares] == [
        (Decimal("0.5000"), Decimal("0.5000")),
        (Decimal("0.2500"), Decimal("0.2500")),
    ]


async def test_only_sponsorships_flagged_non_commons_are_listed_as_such(
    pool: asyncpg.Pool, project: Project
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        sid = await sponsor(conn, project.id)
        await sponsorship(conn, project.id, sid, eur("10"))
        data = NewSponsorship(sid, "in_kind", None, "CI machines", None, None, None, None)
        flagged, _ = await record_sponsorship(
            conn,
            project.id,
            data,
            replace(
                COMMONS_TERMS,
                version="2-restricted",
                body="Builds stay private to the sponsor.",
                no_access_restriction=False,
            ),
            non_commons_reason="builds are private to the sponsor",
            actor="alice",
        )
        listed = await non_commons_sponsorships(conn, project.id)
    assert [(s.id, s.non_commons_reason) for s in listed] == [
        (flagged.id, "builds are private to the sponsor")
    ]
