"""The funding, licensing and decisions sections of a report, in SQL over each area's tables.

Funding is what the books recognise as each sponsor's income in the period (credits
to their income account net of reversals), by currency; sponsors with a sponsorship
flagged non-commons are marked. Licensing is grant coverage of the period's counted
contributions (``licenses.coverage``) and inbound licenses incompatible with the
project's outbound license (``licenses.compat``). Decisions are proposals opened and
closed in the period with outcomes, turnout (ballots counted at close over the
snapshotted electorate), electorate sizes and vetoes (consent and lazy-consensus
proposals that an objection stopped).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import asyncpg

from ledger.money import format_minor
from licenses import compat, coverage
from reports.figures import absence_factor, share
from reports.period import Period

_FUNDING = """
WITH income AS (
    SELECT a.sponsor_id, e.currency, -sum(e.amount)::bigint AS amount
    FROM treasury_entries e
    JOIN treasury_accounts a
        ON a.project_id = e.project_id AND a.id = e.account_id AND a.kind = 'income'
    JOIN treasury_transactions t ON t.project_id = e.project_id AND t.id = e.transaction_id
    WHERE e.project_id = $1 AND t.occurred_on >= $2 AND t.occurred_on < $3
    GROUP BY a.sponsor_id, e.currency
),
funded AS (
    SELECT s.* FROM treasury_sponsors s
    WHERE s.project_id = $1 AND s.id IN (SELECT sponsor_id FROM income)
),
work AS (
    SELECT x.id, x.contributor_id, (x.occurred_at AT TIME ZONE 'UTC')::date AS day
    FROM contributions x
    WHERE x.project_id = $1 AND x.counted
      AND x.occurred_at >= $2::date::timestamp AT TIME ZONE 'UTC'
      AND x.occurred_at < $3::date::timestamp AT TIME ZONE 'UTC'
),
affiliate AS (
    SELECT sponsor_id, count(DISTINCT id) AS n FROM (
        SELECT f.id AS sponsor_id, w.id FROM work w JOIN funded f ON f.contributor_id = w.contributor_id
        UNION ALL
        SELECT f.id, w.id FROM work w
        JOIN affiliations a ON a.contributor_id = w.contributor_id
            AND a.valid_from <= w.day AND w.day < a.valid_to
        JOIN funded f ON f.organisation_id = a.organisation_id
    ) AS pairs
    GROUP BY sponsor_id
)
SELECT i.sponsor_id, coalesce(o.name, c.display_name) AS name, s.organisation_id,
    s.contributor_id, i.currency, i.amount,
    EXISTS (SELECT 1 FROM treasury_sponsorships sp WHERE sp.project_id = $1
        AND sp.sponsor_id = i.sponsor_id AND sp.non_commons) AS non_commons,
    coalesce(af.n, 0) AS affiliate_contributions
FROM income i
JOIN funded s ON s.id = i.sponsor_id
LEFT JOIN affiliate af ON af.sponsor_id = i.sponsor_id
LEFT JOIN organisations o ON o.id = s.organisation_id
LEFT JOIN contributors c ON c.id = s.contributor_id
ORDER BY i.currency, i.amount DESC, i.sponsor_id
"""
_FLAGGED = """
SELECT sp.id, sp.sponsor_id, coalesce(o.name, c.display_name) AS name, sp.kind, sp.amount,
    sp.currency, sp.non_commons_reason
FROM treasury_sponsorships sp
JOIN treasury_sponsors s ON s.project_id = sp.project_id AND s.id = sp.sponsor_id
LEFT JOIN organisations o ON o.id = s.organisation_id
LEFT JOIN contributors c ON c.id = s.contributor_id
WHERE sp.project_id = $1 AND sp.non_commons
ORDER BY sp.id
"""
_PERIOD_CONTRIBUTIONS = """
SELECT count(*) FROM contributions WHERE project_id = $1 AND counted
  AND occurred_at >= $2::date::timestamp AT TIME ZONE 'UTC'
  AND occurred_at < $3::date::timestamp AT TIME ZONE 'UTC'
"""
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
    """Funding by sponsor and currency, its elephant factor, top share and flagged funding."""
    rows = await conn.fetch(_FUNDING, project_id, period.start, period.end)
    total_contributions = int(
        await conn.fetchval(_PERIOD_CONTRIBUTIONS, project_id, period.start, period.end)
    )
    by_currency: dict[str, list[asyncpg.Record]] = defaultdict(list)
    for r in rows:
        by_currency[r["currency"]].append(r)
    currencies = []
    for currency, sponsors in sorted(by_currency.items()):
        total = sum(int(s["amount"]) for s in sponsors)
        currencies.append(
            {
                "currency": currency,
                "total_minor": total,
                "total": format_minor(total, currency),
                "funding_elephant_factor": absence_factor(int(s["amount"]) for s in sponsors),
                "top_sponsor_share": share(max(int(s["amount"]) for s in sponsors), total),
                "sponsors": [
                    {
                        "sponsor_id": s["sponsor_id"],
                        "name": s["name"],
                        "amount_minor": int(s["amount"]),
                        "amount": format_minor(int(s["amount"]), currency),
                        "share": share(int(s["amount"]), total),
                        "non_commons": s["non_commons"],
                        "affiliate_contributions": int(s["affiliate_contributions"]),
                        "affiliate_share": share(
                            int(s["affiliate_contributions"]), total_contributions
                        ),
                    }
                    for s in sponsors
                ],
            }
        )
    flagged = [
        {
            "sponsorship_id": f["id"],
            "sponsor_id": f["sponsor_id"],
            "name": f["name"],
            "kind": f["kind"],
            "amount": None if f["amount"] is None else format_minor(f["amount"], f["currency"]),
            "currency": f["currency"],
            "reason": f["non_commons_reason"],
        }
        for f in await conn.fetch(_FLAGGED, project_id)
    ]
    return {"currencies": currencies, "non_commons": flagged}


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
