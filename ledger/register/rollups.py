"""The register's rollups, folded in by every writer of contributions in its own
transaction: per project, per contributor, per contributor and month, per month and
kind, per contributor, month, kind and credit policy version, and per project and month
(with its count of active contributors). Dashboards read these, never raw rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from ledger.register.models import Contribution

_ROLL_CONTRIBUTORS = """
WITH up AS (
    INSERT INTO contributor_stats AS s (project_id, contributor_id, contributions, credit,
        first_at, last_at)
    SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::numeric[], $5::timestamptz[],
        $6::timestamptz[])
    ON CONFLICT (project_id, contributor_id) DO UPDATE SET
        contributions = s.contributions + excluded.contributions,
        credit = s.credit + excluded.credit,
        first_at = least(s.first_at, excluded.first_at),
        last_at = greatest(s.last_at, excluded.last_at)
    RETURNING (xmax = 0) AS fresh
)
UPDATE project_stats SET
    contributions = contributions + $7, credit = credit + $8,
    contributors = contributors + (SELECT count(*) FROM up WHERE fresh),
    first_at = least(first_at, $9), last_at = greatest(last_at, $10)
WHERE project_id = $1
"""
_ROLL_CONTRIBUTOR_MONTHS = """
WITH up AS (
    INSERT INTO contributor_month_stats AS s (project_id, contributor_id, month, contributions,
        credit)
    SELECT $1, * FROM unnest($2::bigint[], $3::date[], $4::bigint[], $5::numeric[])
    ON CONFLICT (project_id, contributor_id, month) DO UPDATE SET
        contributions = s.contributions + excluded.contributions,
        credit = s.credit + excluded.credit
    RETURNING month, (xmax = 0) AS fresh
)
INSERT INTO project_month_stats AS m (project_id, month, contributions, credit, contributors)
SELECT $1, t.month, t.contributions, t.credit,
    (SELECT count(*) FROM up WHERE up.month = t.month AND up.fresh)
FROM unnest($6::date[], $7::bigint[], $8::numeric[]) AS t(month, contributions, credit)
ON CONFLICT (project_id, month) DO UPDATE SET
    contributions = m.contributions + excluded.contributions,
    credit = m.credit + excluded.credit,
    contributors = m.contributors + excluded.contributors
"""
_ROLL_CONTRIBUTOR_KINDS = """
INSERT INTO contributor_kind_stats AS s (project_id, contributor_id, month, kind, policy_version,
    contributions, credit)
SELECT $1, * FROM unnest($2::bigint[], $3::date[], $4::text[], $5::integer[], $6::bigint[],
    $7::numeric[])
ON CONFLICT (project_id, contributor_id, month, kind, policy_version) DO UPDATE SET
    contributions = s.contributions + excluded.contributions, credit = s.credit + excluded.credit
"""
_ROLL_KIND_MONTHS = """
INSERT INTO kind_month_stats AS s (project_id, month, kind, contributions, credit)
SELECT $1, * FROM unnest($2::date[], $3::text[], $4::bigint[], $5::numeric[])
ON CONFLICT (project_id, month, kind) DO UPDATE SET
    contributions = s.contributions + excluded.contributions, credit = s.credit + excluded.credit
"""


def _month(at: datetime) -> date:
    return date(at.year, at.month, 1)


async def roll_up(conn: asyncpg.Connection, project_id: int, done: list[Contribution]) -> None:
    """Fold newly recorded counted contributions into every rollup (caller's transaction)."""
    if not done:
        return
    per_person: dict[int, list[Any]] = {}
    per_person_month: dict[tuple[int, date], list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    per_kind_month: dict[tuple[date, str], list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    per_person_kind: dict[tuple[int, date, str, int], list[Any]] = defaultdict(
        lambda: [0, Decimal(0)]
    )
    for c in done:
        s = per_person.setdefault(c.contributor_id, [0, Decimal(0), c.occurred_at, c.occurred_at])
        s[0] += 1
        s[1] += c.credit
        s[2], s[3] = min(s[2], c.occurred_at), max(s[3], c.occurred_at)
        month = _month(c.occurred_at)
        for key, bucket in (
            ((c.contributor_id, month), per_person_month),
            ((month, c.kind), per_kind_month),
            ((c.contributor_id, month, c.kind, c.policy_version), per_person_kind),
        ):
            bucket[key][0] += 1  # type: ignore[index]
            bucket[key][1] += c.credit  # type: ignore[index]
    people = list(per_person.items())
    await conn.execute(
        _ROLL_CONTRIBUTORS,
        project_id,
        [p for p, _ in people],
        [s[0] for _, s in people],
        [s[1] for _, s in people],
        [s[2] for _, s in people],
        [s[3] for _, s in people],
        len(done),
        sum((c.credit for c in done), Decimal(0)),
        min(c.occurred_at for c in done),
        max(c.occurred_at for c in done),
    )
    pm = list(per_person_month.items())
    per_month: dict[date, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for (_, month), (count, earned) in pm:
        per_month[month][0] += count
        per_month[month][1] += earned
    months = sorted(per_month.items())
    await conn.execute(
        _ROLL_CONTRIBUTOR_MONTHS,
        project_id,
        [k[0] for k, _ in pm],
        [k[1] for k, _ in pm],
        [v[0] for _, v in pm],
        [v[1] for _, v in pm],
        [m for m, _ in months],
        [v[0] for _, v in months],
        [v[1] for _, v in months],
    )
    pk = list(per_person_kind.items())
    await conn.execute(
        _ROLL_CONTRIBUTOR_KINDS,
        project_id,
        *([k[i] for k, _ in pk] for i in range(4)),
        [v[0] for _, v in pk],
        [v[1] for _, v in pk],
    )
    km = list(per_kind_month.items())
    await conn.execute(
        _ROLL_KIND_MONTHS,
        project_id,
        [k[0] for k, _ in km],
        [k[1] for k, _ in km],
        [v[0] for _, v in km],
        [v[1] for _, v in km],
    )
