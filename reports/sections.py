"""The funding, licensing and decisions sections of a report, in SQL over each area's tables.

Funding is the money each sponsor's receipts brought into the treasury in the period,
less refunds and reversals, by currency (``ledger.treasury.metrics``); sponsors with a
sponsorship flagged non-commons are marked, and each is named as its
``treasury.sponsor_recorded`` event published it (an anonymous sponsor is named
``anonymous``, a person by contributor number), so a verifier can check the name.
Beside it are the period's spending, balances, pledges, in-kind support, fees and
sustainability figures of ``reports.funding``, from the books. Licensing is grant
coverage of the period's counted contributions (``licenses.coverage``) and inbound
licenses incompatible with the project's outbound license (``licenses.compat``).
Decisions are proposals opened and
closed in the period with outcomes, turnout (ballots counted at close over the
snapshotted electorate), electorate sizes and vetoes (consent and lazy-consensus
proposals that an objection stopped).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg

from ledger.journal.events.treasury import SponsorRecorded
from ledger.kernel.money import format_minor
from ledger.treasury import metrics as treasury_metrics
from licenses import compat, coverage
from reports.figures import share
from reports.funding import books as funding_books
from reports.funding import money_figures
from reports.period import Period

_INBOUND = """
SELECT license_expression, count(*)::bigint AS grants FROM grants
WHERE project_id = $1 AND license_expression IS NOT NULL AND withdrawn_at IS NULL
GROUP BY license_expression ORDER BY license_expression
"""
_INSTRUMENTS = """
SELECT instrument, count(*)::bigint AS grants FROM grants
WHERE project_id = $1 AND effective_at < $3::date::timestamp AT TIME ZONE 'UTC'
  AND (withdrawn_at IS NULL OR withdrawn_at >= $2::date::timestamp AT TIME ZONE 'UTC')
GROUP BY instrument ORDER BY instrument
"""
# As the journal published each sponsor: an organisation by name, a person by number.
_SPONSOR_NAMES = """
SELECT (body->>'sponsor')::bigint AS sponsor_id,
    coalesce(body->>'name', 'contributor ' || (body->>'contributor')) AS name
FROM journal_events
WHERE project_id = $1 AND type = $2
"""
_DECISIONS = """
WITH p AS (
    SELECT p.*, coalesce((p.result ->> 'turnout')::int, 0) AS ballots
    FROM proposals p WHERE p.project_id = $1
),
bounds AS (
    SELECT $2::date::timestamp AT TIME ZONE 'UTC' AS s, $3::date::timestamp AT TIME ZONE 'UTC' AS e
)
SELECT
    (SELECT count(*) FROM p, bounds WHERE p.opens_at >= s AND p.opens_at < e) AS opened,
    (SELECT coalesce(jsonb_agg(jsonb_build_object(
        'id', p.id, 'title', p.title, 'kind', p.kind, 'method', p.method,
        'outcome', p.outcome, 'closed_at', to_char(p.closed_at AT TIME ZONE 'UTC',
            'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        'electorate_size', p.electorate_size, 'ballots', p.ballots,
        'veto', p.method IN ('consent', 'lazy_consensus') AND p.outcome = 'failed')
        ORDER BY p.closed_at, p.id), '[]')
     FROM p, bounds WHERE p.state = 'closed' AND p.closed_at >= s AND p.closed_at < e) AS closed
"""


async def funding(conn: asyncpg.Connection, project_id: int, period: Period) -> dict[str, Any]:
    """Money received by sponsor and currency (``ledger.treasury.metrics``), its elephant
    factor, top sponsor share, affiliates' share of the work, flagged funding, and the
    money figures of ``reports.funding`` with every sponsor's public name."""
    args = (project_id, period.start, period.end)
    received = await treasury_metrics.funding_by_sponsor(conn, *args)
    concentration = {
        c.currency: c for c in await treasury_metrics.funding_concentration(conn, *args)
    }
    affiliates = {a.sponsor_id: a for a in await treasury_metrics.affiliate_shares(conn, *args)}
    flagged = await treasury_metrics.non_commons_sponsorships(conn, project_id)
    flagged_sponsors = {f.sponsor_id for f in flagged}
    names = {r.sponsor_id: r.name for r in received} | {
        a.sponsor_id: a.name for a in affiliates.values()
    }
    published = {
        r["sponsor_id"]: r["name"]
        for r in await conn.fetch(_SPONSOR_NAMES, project_id, SponsorRecorded.TYPE)
    }
    names |= published
    currencies = []
    for currency in sorted({r.currency for r in received}):
        rows = [r for r in received if r.currency == currency]
        total = sum(r.received for r in rows)
        top = concentration.get(currency)
        currencies.append(
            {
                "currency": currency,
                "total_minor": str(total),
                "total": format_minor(total, currency),
                "funding_elephant_factor": top.elephant_factor if top else 0,
                "top_sponsor_share": str(top.top_sponsor_share) if top else None,
                "sponsors": [
                    {
                        "sponsor_id": r.sponsor_id,
                        "name": names.get(r.sponsor_id, r.name),
                        "amount_minor": str(r.received),
                        "amount": format_minor(r.received, currency),
                        "share": str(treasury_metrics.ratio(r.received, total)) if total else None,
                        "non_commons": r.sponsor_id in flagged_sponsors,
                        "affiliate_contributions": _affiliate(
                            affiliates, r.sponsor_id
                        ).contributions,
                        "affiliate_share": _affiliate_share(affiliates, r.sponsor_id),
                    }
                    for r in rows
                ],
            }
        )
    return {
        "currencies": currencies,
        "non_commons": [
            {
                "sponsorship_id": f.id,
                "sponsor_id": f.sponsor_id,
                "name": names.get(f.sponsor_id, f"sponsor {f.sponsor_id}"),
                "kind": f.kind,
                "amount": format_minor(f.amount.minor, f.amount.currency) if f.amount else None,
                "currency": f.amount.currency if f.amount else None,
                "reason": f.non_commons_reason,
            }
            for f in sorted(flagged, key=lambda f: f.id)
        ],
        **money_figures(await funding_books.from_tables(conn, project_id), period),
        "sponsor_names": [
            {"sponsor_id": sponsor, "name": name} for sponsor, name in sorted(published.items())
        ],
    }


def _affiliate(
    affiliates: dict[int, treasury_metrics.AffiliateShare], sponsor_id: int
) -> treasury_metrics.AffiliateShare:
    found = affiliates.get(sponsor_id)
    return found or treasury_metrics.AffiliateShare(sponsor_id, "", 0, Decimal(0), 0, Decimal(0))


def _affiliate_share(
    affiliates: dict[int, treasury_metrics.AffiliateShare], sponsor_id: int
) -> str | None:
    found = _affiliate(affiliates, sponsor_id)
    return str(found.share) if found.total_contributions else None


async def licensing(conn: asyncpg.Connection, project_id: int, period: Period) -> dict[str, Any]:
    """Grant coverage by kind, uncovered contributions and incompatible inbound licenses."""
    window = coverage.Window(period.start_at, period.end_at)
    rows = await coverage.summary(conn, project_id, window, None)
    outbound = await conn.fetchval(
        "SELECT outbound_license FROM projects WHERE id = $1", project_id
    )
    total = sum(r.total for r in rows)
    covered = sum(r.covered for r in rows)
    incompatible = []
    for r in await conn.fetch(_INBOUND, project_id):
        if outbound is None:
            break
        verdict = compat.compatibility(r["license_expression"], outbound)
        if verdict.status == "incompatible":
            incompatible.append(
                {
                    "license": r["license_expression"],
                    "grants": r["grants"],
                    "reason": verdict.reason,
                }
            )
    instruments = await conn.fetch(_INSTRUMENTS, project_id, period.start, period.end)
    return {
        "outbound_license": outbound,
        "contributions": total,
        "covered": covered,
        "uncovered": total - covered,
        "coverage_share": share(covered, total),
        "by_kind": [
            {
                "kind": r.kind,
                "contributions": r.total,
                "covered": r.covered,
                "uncovered": r.total - r.covered,
                "share": share(r.covered, r.total),
            }
            for r in sorted(rows, key=lambda r: r.kind)
        ],
        "grants_by_instrument": {r["instrument"]: int(r["grants"]) for r in instruments},
        "incompatible_inbound": incompatible,
    }


async def decisions(conn: asyncpg.Connection, project_id: int, period: Period) -> dict[str, Any]:
    """Proposals opened and closed in the period, outcomes, turnout, electorates and vetoes."""
    row = await conn.fetchrow(_DECISIONS, project_id, period.start, period.end)
    closed = row["closed"]
    for p in closed:
        p["turnout"] = share(p["ballots"], p["electorate_size"] or 0)
    electorate = sum(p["electorate_size"] or 0 for p in closed)
    ballots = sum(p["ballots"] for p in closed)
    outcomes = {
        o: sum(1 for p in closed if p["outcome"] == o) for o in ("passed", "failed", "no_quorum")
    }
    return {
        "opened": int(row["opened"]),
        "closed": len(closed),
        **outcomes,
        "vetoes": sum(1 for p in closed if p["veto"]),
        "turnout": share(ballots, electorate),
        "electorate_sizes": sorted(p["electorate_size"] or 0 for p in closed),
        "proposals": closed,
    }
