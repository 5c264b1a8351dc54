"""Influence metrics of sponsor funding, computed in SQL for a half-open period of
value dates ``[start, end)`` (the reports' periods):

- money received per sponsor and currency: what reached the treasury from a
  sponsor's receipts, less refunds and reversals (pledges are promises, not money);
- funding elephant factor per currency: the fewest sponsors whose money received
  makes up at least half of the total (CHAOSS's elephant factor, applied to money);
- top sponsor share per currency;
- per sponsor, the contributions made by contributors affiliated with it on the
  contribution's date (``affiliations``), or by the sponsor itself when it is a
  contributor, as a share of all counted contributions of the period. An anonymous
  sponsor is named ``anonymous`` and shows no affiliates' contributions (they would tell
  who it is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import asyncpg

from ledger.treasury.models import Sponsorship
from ledger.treasury.sponsors import list_sponsorships

_RECEIVED = """
SELECT t.sponsor_id, e.currency, sum(e.amount) AS amount
FROM treasury_transactions t
JOIN treasury_entries e ON e.project_id = t.project_id AND e.transaction_id = t.id
JOIN treasury_accounts a ON a.project_id = e.project_id AND a.id = e.account_id
    AND a.kind = 'treasury'
WHERE t.project_id = $1 AND t.sponsor_id IS NOT NULL
    AND t.occurred_on >= $2 AND t.occurred_on < $3
GROUP BY t.sponsor_id, e.currency
"""
_BY_SPONSOR = f"""
SELECT r.sponsor_id, CASE WHEN s.anonymous THEN 'anonymous'
    ELSE coalesce(o.name, c.display_name) END AS name, r.currency, r.amount
FROM ({_RECEIVED}) r
JOIN treasury_sponsors s ON s.project_id = $1 AND s.id = r.sponsor_id
LEFT JOIN organisations o ON o.id = s.organisation_id
LEFT JOIN contributors c ON c.id = s.contributor_id
WHERE r.amount <> 0
ORDER BY r.currency, r.amount DESC, r.sponsor_id
"""
_CONCENTRATION = f"""
WITH positive AS (
    SELECT sponsor_id, currency, amount,
        sum(amount) OVER (PARTITION BY currency) AS total,
        sum(amount) OVER (PARTITION BY currency ORDER BY amount DESC, sponsor_id
                          ROWS UNBOUNDED PRECEDING) AS running
    FROM ({_RECEIVED}) r WHERE amount > 0
)
SELECT currency, max(total) AS total, count(*) AS sponsors,
    count(*) FILTER (WHERE (running - amount) * 2 < total) AS elephant_factor,
    max(amount) AS top_amount,
    (array_agg(sponsor_id ORDER BY amount DESC, sponsor_id))[1] AS top_sponsor
FROM positive GROUP BY currency ORDER BY currency
"""
_AFFILIATES = """
WITH period AS (
    SELECT c.id, c.contributor_id, c.credit, (c.occurred_at AT TIME ZONE 'UTC')::date AS day
    FROM contributions c
    WHERE c.project_id = $1 AND c.counted
        AND c.occurred_at >= $2::date::timestamp AT TIME ZONE 'UTC'
        AND c.occurred_at < $3::date::timestamp AT TIME ZONE 'UTC'
), totals AS (
    SELECT count(*) AS contributions, coalesce(sum(credit), 0) AS credit FROM period
), made AS (
    SELECT s.id AS sponsor_id, p.id, p.credit
    FROM treasury_sponsors s JOIN period p ON p.contributor_id = s.contributor_id
    WHERE s.project_id = $1 AND NOT s.anonymous
    UNION
    SELECT s.id, p.id, p.credit
    FROM treasury_sponsors s
    JOIN affiliations a ON a.organisation_id = s.organisation_id
    JOIN period p ON p.contributor_id = a.contributor_id
        AND a.valid_from <= p.day AND p.day < a.valid_to
    WHERE s.project_id = $1 AND NOT s.anonymous
)
SELECT s.id AS sponsor_id, CASE WHEN s.anonymous THEN 'anonymous'
    ELSE coalesce(o.name, c.display_name) END AS name,
    count(m.id) AS contributions, coalesce(sum(m.credit), 0) AS credit,
    t.contributions AS total_contributions, t.credit AS total_credit
FROM treasury_sponsors s
CROSS JOIN totals t
LEFT JOIN made m ON m.sponsor_id = s.id
LEFT JOIN organisations o ON o.id = s.organisation_id
LEFT JOIN contributors c ON c.id = s.contributor_id
WHERE s.project_id = $1
GROUP BY s.id, s.anonymous, o.name, c.display_name, t.contributions, t.credit
ORDER BY s.id
"""


def ratio(part: int | Decimal, whole: int | Decimal) -> Decimal:
    """``part / whole`` to four decimals (half-even); zero when ``whole`` is zero."""
    if not whole:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class SponsorFunding:
    sponsor_id: int
    name: str
    currency: str
    received: int


@dataclass(frozen=True, slots=True)
class FundingConcentration:
    currency: str
    total: int
    sponsors: int
    elephant_factor: int
    top_sponsor_id: int
    top_amount: int

    @property
    def top_sponsor_share(self) -> Decimal:
        return ratio(self.top_amount, self.total)


@dataclass(frozen=True, slots=True)
class AffiliateShare:
    sponsor_id: int
    name: str
    contributions: int
    credit: Decimal
    total_contributions: int
    total_credit: Decimal

    @property
    def share(self) -> Decimal:
        """Share of the period's counted contributions."""
        return ratio(self.contributions, self.total_contributions)

    @property
    def credit_share(self) -> Decimal:
        """Share of the period's credit."""
        return ratio(self.credit, self.total_credit)


async def funding_by_sponsor(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, start: date, end: date
) -> list[SponsorFunding]:
    """Money received per sponsor and currency, largest first within each currency."""
    rows = await conn.fetch(_BY_SPONSOR, project_id, start, end)
    return [
        SponsorFunding(r["sponsor_id"], r["name"], r["currency"], int(r["amount"])) for r in rows
    ]


async def funding_concentration(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, start: date, end: date
) -> list[FundingConcentration]:
    """Per currency: total received, sponsors, elephant factor and the top sponsor."""
    rows = await conn.fetch(_CONCENTRATION, project_id, start, end)
    return [
        FundingConcentration(
            r["currency"],
            int(r["total"]),
            r["sponsors"],
            r["elephant_factor"],
            r["top_sponsor"],
            int(r["top_amount"]),
        )
        for r in rows
    ]


async def affiliate_shares(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, start: date, end: date
) -> list[AffiliateShare]:
    """Per sponsor, the period's contributions by its affiliates (or itself)."""
    rows = await conn.fetch(_AFFILIATES, project_id, start, end)
    return [
        AffiliateShare(
            r["sponsor_id"],
            r["name"],
            r["contributions"],
            r["credit"],
            r["total_contributions"],
            r["total_credit"],
        )
        for r in rows
    ]


async def non_commons_sponsorships(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int
) -> list[Sponsorship]:
    """Sponsorships a maintainer recorded explicitly as non-commons funding."""
    return [s for s in await list_sponsorships(conn, project_id) if s.non_commons]
