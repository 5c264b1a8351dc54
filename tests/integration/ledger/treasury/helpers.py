"""Shared steps of the treasury tests: commons terms, a sponsor, money in."""

from __future__ import annotations

import asyncpg

from ledger.kernel.money import Money, parse_amount
from ledger.treasury import movements as treasury_moves
from ledger.treasury.books import Balances
from ledger.treasury.models import NewSponsorship, Sponsorship, Terms, TermsInput
from ledger.treasury.sponsors import record_sponsor, record_sponsorship

COMMONS_TERMS = TermsInput(
    title="Commons Sponsorship Terms",
    version="1.0",
    body="The sponsor pays for work and gains no ownership, license or control.",
    no_ownership=True,
    no_exclusive_license=True,
    no_access_restriction=True,
    no_roadmap_control=True,
    no_votes_bought=True,
)


def eur(text: str) -> Money:
    return parse_amount(text, "EUR")


async def sponsor(conn: asyncpg.Connection, project_id: int, name: str = "IBM") -> int:
    found, _ = await record_sponsor(
        conn, project_id, organisation=name, contributor_id=None, actor="alice"
    )
    return found.id


async def sponsorship(
    conn: asyncpg.Connection, project_id: int, sponsor_id: int, money: Money
) -> tuple[Sponsorship, Terms]:
    data = NewSponsorship(sponsor_id, "one_off", money, None, None, None, None, "docs")
    return await record_sponsorship(
        conn, project_id, data, COMMONS_TERMS, non_commons_reason=None, actor="alice"
    )


async def receive(
    conn: asyncpg.Connection, project_id: int, sponsor_id: int, money: Money, key: str
) -> int:
    tx, _ = await treasury_moves.record_receipt(
        conn, project_id, key=key, sponsor_id=sponsor_id, money=money, actor="alice"
    )
    return tx.id


async def balance_map(conn: asyncpg.Connection, project_id: int) -> Balances:
    rows = await conn.fetch(
        "SELECT kind, name, currency, balance FROM treasury_accounts WHERE project_id = $1",
        project_id,
    )
    return {(r["kind"], r["name"], r["currency"]): int(r["balance"]) for r in rows}
