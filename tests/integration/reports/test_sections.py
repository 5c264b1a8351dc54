"""Funding, licensing and decisions sections against hand-computed examples."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg

from ledger.kernel.money import Money
from ledger.register.projects import get_project
from ledger.treasury.models import NewSponsorship, TermsInput
from ledger.treasury.movements import record_receipt
from ledger.treasury.sponsors import record_sponsor, record_sponsorship
from licenses.agreements import ensure_dco
from licenses.models import NewGrant
from licenses.service import record_grant
from reports import sections
from reports.period import parse_period
from tests.integration.reports.seed import seed_chaoss

JULY = parse_period("2026-07")
STRINGS = TermsInput(
    "Feature deal", "1", "Roadmap control in return.", True, True, True, False, True
)
COMMONS = TermsInput("Commons", "1", "No strings at all.", True, True, True, True, True)


async def test_funding_by_sponsor_and_currency_with_flagged_and_affiliate_shares(
    pool: asyncpg.Pool,
) -> None:
    seeded = await seed_chaoss(pool)
    pid = seeded.project_id
    async with pool.acquire() as conn, conn.transaction():
        org0, _ = await record_sponsor(
            conn, pid, organisation="chaoss-org0", contributor_id=None, actor="t"
        )
        org1, _ = await record_sponsor(
            conn, pid, organisation="chaoss-org1", contributor_id=None, actor="t"
        )
        person, _ = await record_sponsor(
            conn, pid, organisation=None, contributor_id=seeded.contributors[3], actor="t"
        )
        deal = NewSponsorship(
            org1.id, "one_off", Money(10_000, "EUR"), None, None, None, None, None
        )
        await record_sponsorship(conn, pid, deal, STRINGS, non_commons_reason="roadmap", actor="t")
        on = date(2026, 7, 15)
        for key, sponsor, money in (
            ("a", org0.id, Money(30_000, "EUR")),
            ("b", org1.id, Money(10_000, "EUR")),
            ("c", person.id, Money(5_000, "EUR")),
            ("d", org1.id, Money(2_000, "USD")),
            ("e", org0.id, Money(99_900, "EUR")),
        ):
            when = date(2026, 6, 30) if key == "e" else on
            await record_receipt(
                conn, pid, key=key, sponsor_id=sponsor, money=money, occurred_on=when, actor="t"
            )
        funding = await sections.funding(conn, pid, JULY)
    eur, usd = funding["currencies"]
    # EUR 300 + 100 + 50 = 450 (June's receipt is outside); 300 >= 450 / 2
    assert (eur["currency"], eur["total"], eur["funding_elephant_factor"]) == ("EUR", "450.00", 1)
    assert eur["top_sponsor_share"] == "0.6667"
    assert [
        (s["name"], s["amount"], s["non_commons"], s["affiliate_share"]) for s in eur["sponsors"]
    ] == [
        ("chaoss-org0", "300.00", False, "0.4040"),  # P0: 1000 of 2475
        ("chaoss-org1", "100.00", True, "0.2416"),  # P1, P5-P7: 598 of 2475
        # A person is published by contributor number, never by name.
        (f"contributor {seeded.contributors[3]}", "50.00", False, "0.1341"),  # P3's own 332
    ]
    assert (usd["total"], usd["top_sponsor_share"]) == ("20.00", "1.0000")
    assert [(f["name"], f["reason"]) for f in funding["non_commons"]] == [
        ("chaoss-org1", "roadmap")
    ]


async def test_licensing_counts_covered_work_and_incompatible_inbound(pool: asyncpg.Pool) -> None:
    seeded = await seed_chaoss(pool)
    pid = seeded.project_id
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("UPDATE projects SET outbound_license = 'Apache-2.0' WHERE id = $1", pid)
        dco = await ensure_dco(conn, pid, "t")
        ids = [r["id"] for r in await conn.fetch(
            "SELECT id FROM contributions WHERE contributor_id = $1 ORDER BY id LIMIT 10",
            seeded.contributors[0],
        )]  # fmt: skip
        rights = ("reproduce", "modify", "distribute")
        signed = datetime(2026, 1, 1, tzinfo=UTC)
        project = await get_project(conn, "chaoss")
        await record_grant(
            conn, project,
            NewGrant("dco-p0", "dco", "public", "Apache-2.0", rights, True, True, True, signed,
                     grantor_contributor_id=seeded.contributors[0], agreement_version=dco.version,
                     contribution_ids=tuple(ids)),
            "t",
        )  # fmt: skip
        await record_grant(
            conn, project,
            NewGrant("gpl-p1", "explicit", "steward", "GPL-3.0-only", rights, True, True, True,
                     signed, grantor_contributor_id=seeded.contributors[1],
                     scope_from=datetime(2026, 8, 1, tzinfo=UTC)),  # covers none of July's work
            "t",
        )  # fmt: skip
        licensing = await sections.licensing(conn, pid, JULY)
    assert (licensing["covered"], licensing["uncovered"], licensing["coverage_share"]) == (
        10,
        2465,
        "0.0040",
    )
    assert licensing["by_kind"][0] == {
        "kind": "code", "contributions": 1000, "covered": 10, "uncovered": 990, "share": "0.0100"
    }  # fmt: skip
    assert licensing["grants_by_instrument"] == {"dco": 1, "explicit": 1}
    assert [i["license"] for i in licensing["incompatible_inbound"]] == ["GPL-3.0-only"]


_PROPOSAL = """
INSERT INTO proposals (project_id, title, kind, options, method, electorate_rule, state, outcome,
    opens_at, closes_at, closed_at, electorate_size, electorate_hash, created_by, result)
VALUES ($1, $2, 'general', '[]', $3, '{}', $4, $5, $6, $7, $8, $9, sha256(convert_to($2, 'UTF8')), 't',
    CASE WHEN $4 = 'closed' THEN jsonb_build_object('turnout', $10::int) END)
RETURNING id
"""


async def test_decisions_count_outcomes_turnout_electorates_and_vetoes(pool: asyncpg.Pool) -> None:
    seeded = await seed_chaoss(pool)
    pid, people = seeded.project_id, seeded.contributors
    july = datetime(2026, 7, 3, tzinfo=UTC)
    later = datetime(2026, 7, 20, tzinfo=UTC)
    june = datetime(2026, 6, 3, tzinfo=UTC)
    plans = [
        ("Adopt", "majority", "closed", "passed", july, later, later, people[:8], 6),
        ("Object", "consent", "closed", "failed", july, later, later, people[:4], 4),
        ("Pending", "majority", "open", None, july, datetime(2026, 8, 9, tzinfo=UTC), None, people[:3], 1),
        ("Old", "majority", "closed", "passed", june, june, june, people[:2], 2),
    ]  # fmt: skip
    async with pool.acquire() as conn, conn.transaction():
        for title, method, state, outcome, opens, closes, closed, electors, voted in plans:
            proposal = await conn.fetchval(
                _PROPOSAL, pid, title, method, state, outcome, opens, closes,
                closed, len(electors), voted,
            )  # fmt: skip
            for voter in electors:
                await conn.execute(
                    "INSERT INTO proposal_electors VALUES ($1, $2, $3)", pid, proposal, voter
                )
            for voter in electors[:voted]:
                await conn.execute(
                    "INSERT INTO ballots (project_id, proposal_id, voter_id, ballot) "
                    "VALUES ($1, $2, $3, '{}')",
                    pid, proposal, voter,
                )  # fmt: skip
        decisions = await sections.decisions(conn, pid, JULY)
    assert {k: v for k, v in decisions.items() if k != "proposals"} == {
        "opened": 3,
        "closed": 2,
        "passed": 1,
        "failed": 1,
        "no_quorum": 0,
        "vetoes": 1,
        "turnout": "0.8333",  # (6 + 4) / (8 + 4)
        "electorate_sizes": [4, 8],
    }
    assert [(p["title"], p["turnout"], p["veto"]) for p in decisions["proposals"]] == [
        ("Adopt", "0.7500", False),
        ("Object", "1.0000", True),
    ]
