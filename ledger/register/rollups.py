"""The rollups of counted contributions: per project, per contributor, per contributor and
month, per month and kind, per kind, per contributor, month, kind and credit policy
version, and per project and month (with its count of active contributors). Kept in the transaction
that records the contributions, so dashboards never aggregate raw rows.

A ``Tally`` folds contributions into counts per (contributor, month, kind) and the
first and last instant per contributor; its credit is the count times the weight of
the kind under the one policy (``policy_version``) the contributions were priced with. ``write`` adds the
tally to every rollup table in one statement, however many contributions it holds
(the database prices and sums the cells; a bulk load writes one tally per chunk).
``recount`` rebuilds them from the contributions themselves, in one scan and one sort, the
people's rollups by ranges of contributors that can run at once (an import does it once,
at its end, over its connections).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal

import asyncpg

from ledger.register.models import Contribution

# One statement per tally: the cells (contributor, month, kind, count) are priced by
# the kinds' weights and summed into every rollup table by the database.
_ROLL_UP = """
WITH cells AS (
    SELECT c.who, make_date(c.month / 12, c.month % 12 + 1, 1) AS month, c.kind, c.n,
           c.n * w.weight AS credit
    FROM unnest($2::bigint[], $3::int[], $4::text[], $5::bigint[]) AS c(who, month, kind, n)
    JOIN unnest($6::text[], $7::numeric[]) AS w(kind, weight) USING (kind)
), people AS (
    SELECT c.who, sum(c.n) AS n, sum(c.credit) AS credit, s.first_at, s.last_at
    FROM cells c
    JOIN unnest($8::bigint[], $9::timestamptz[], $10::timestamptz[]) AS s(who, first_at, last_at)
        USING (who)
    GROUP BY c.who, s.first_at, s.last_at
), up AS (
    INSERT INTO contributor_stats AS s (project_id, contributor_id, contributions, credit,
        first_at, last_at)
    SELECT $1, who, n, credit, first_at, last_at FROM people
    ON CONFLICT (project_id, contributor_id) DO UPDATE SET
        contributions = s.contributions + excluded.contributions,
        credit = s.credit + excluded.credit,
        first_at = least(s.first_at, excluded.first_at),
        last_at = greatest(s.last_at, excluded.last_at)
    RETURNING (xmax = 0) AS fresh
), person_months AS (
    INSERT INTO contributor_month_stats AS s (project_id, contributor_id, month, contributions,
        credit)
    SELECT $1, who, month, sum(n), sum(credit) FROM cells GROUP BY who, month ORDER BY who, month
    ON CONFLICT (project_id, contributor_id, month) DO UPDATE SET
        contributions = s.contributions + excluded.contributions,
        credit = s.credit + excluded.credit
    RETURNING month, (xmax = 0) AS fresh
), person_kinds AS (
    INSERT INTO contributor_kind_stats AS s (project_id, contributor_id, month, kind,
        policy_version, contributions, credit)
    SELECT $1, who, month, kind, $11, n, credit FROM cells
    ON CONFLICT (project_id, contributor_id, month, kind, policy_version) DO UPDATE SET
        contributions = s.contributions + excluded.contributions,
        credit = s.credit + excluded.credit
), project_months AS (
    INSERT INTO project_month_stats AS m (project_id, month, contributions, credit, contributors)
    SELECT $1, c.month, sum(c.n), sum(c.credit),
        (SELECT count(*) FROM person_months p WHERE p.month = c.month AND p.fresh)
    FROM cells c GROUP BY c.month
    ON CONFLICT (project_id, month) DO UPDATE SET
        contributions = m.contributions + excluded.contributions,
        credit = m.credit + excluded.credit,
        contributors = m.contributors + excluded.contributors
), kind_months AS (
    INSERT INTO kind_month_stats AS s (project_id, month, kind, contributions, credit)
    SELECT $1, month, kind, sum(n), sum(credit) FROM cells GROUP BY month, kind
    ON CONFLICT (project_id, month, kind) DO UPDATE SET
        contributions = s.contributions + excluded.contributions,
        credit = s.credit + excluded.credit
), kinds AS (
    INSERT INTO kind_stats AS s (project_id, kind, contributions, credit)
    SELECT $1, kind, sum(n), sum(credit) FROM cells GROUP BY kind
    ON CONFLICT (project_id, kind) DO UPDATE SET
        contributions = s.contributions + excluded.contributions,
        credit = s.credit + excluded.credit
)
UPDATE project_stats SET
    contributions = contributions + (SELECT sum(n) FROM people),
    credit = credit + (SELECT sum(credit) FROM people),
    contributors = contributors + (SELECT count(*) FROM up WHERE fresh),
    first_at = least(first_at, (SELECT min(first_at) FROM people)),
    last_at = greatest(last_at, (SELECT max(last_at) FROM people))
WHERE project_id = $1
"""


# A recount runs in two steps. The people's rollups (per contributor; per contributor
# and month; per contributor, month, kind and policy version) are rebuilt from the
# contributions of a range of contributors, so that several ranges can be recounted at
# once on connections of their own; the project's rollups (per month, per month and
# kind, per kind, the project's totals) are then summed from the people's.
_CLEAR_PEOPLE = """
WITH people AS (DELETE FROM contributor_stats
                WHERE project_id = $1 AND contributor_id BETWEEN $2 AND $3),
     person_months AS (DELETE FROM contributor_month_stats
                       WHERE project_id = $1 AND contributor_id BETWEEN $2 AND $3)
DELETE FROM contributor_kind_stats WHERE project_id = $1 AND contributor_id BETWEEN $2 AND $3
"""
# Enough to sort a large project's contributions in memory rather than in runs on disk;
# months in UTC (date_trunc in the session's zone is cheaper than AT TIME ZONE per row).
_SESSION = "SET LOCAL work_mem = '256MB'; SET LOCAL timezone = 'UTC'"
# One scan and one sort of the range's counted contributions, grouped per contributor,
# month, kind and policy version: sorted once in that order, every coarser grouping
# (months per contributor and month; people) is a prefix of it and streams without
# hashing or sorting again, and each table is filled in the order of its primary key
# (every insertion lands on the index's rightmost page).
_RECOUNT_PEOPLE = """
WITH kinds AS MATERIALIZED (
    SELECT contributor_id AS who, date_trunc('month', occurred_at)::date AS month,
           kind, policy_version, count(*) AS n, sum(credit) AS credit,
           min(occurred_at) AS first_at, max(occurred_at) AS last_at
    FROM contributions
    WHERE project_id = $1 AND counted AND contributor_id BETWEEN $2 AND $3
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
), months AS MATERIALIZED (
    SELECT who, month, sum(n) AS n, sum(credit) AS credit,
           min(first_at) AS first_at, max(last_at) AS last_at
    FROM kinds GROUP BY 1, 2 ORDER BY 1, 2
), person_kinds AS (
    INSERT INTO contributor_kind_stats (project_id, contributor_id, month, kind,
        policy_version, contributions, credit)
    SELECT $1, who, month, kind, policy_version, n, credit FROM kinds
), person_months AS (
    INSERT INTO contributor_month_stats (project_id, contributor_id, month, contributions, credit)
    SELECT $1, who, month, n, credit FROM months
)
INSERT INTO contributor_stats (project_id, contributor_id, contributions, credit,
    first_at, last_at)
SELECT $1, who, sum(n), sum(credit), min(first_at), max(last_at) FROM months
GROUP BY who ORDER BY who
"""
_CLEAR_PROJECT = """
WITH months AS (DELETE FROM project_month_stats WHERE project_id = $1),
     kinds AS (DELETE FROM kind_stats WHERE project_id = $1)
DELETE FROM kind_month_stats WHERE project_id = $1
"""
# A month's active contributors are its person-months, counted without a DISTINCT.
_RECOUNT_PROJECT = """
WITH project_months AS (
    INSERT INTO project_month_stats (project_id, month, contributions, credit, contributors)
    SELECT $1, month, sum(contributions), sum(credit), count(*)
    FROM contributor_month_stats WHERE project_id = $1 GROUP BY month
), kind_months AS (
    INSERT INTO kind_month_stats (project_id, month, kind, contributions, credit)
    SELECT $1, month, kind, sum(contributions), sum(credit)
    FROM contributor_kind_stats WHERE project_id = $1 GROUP BY month, kind
    RETURNING kind, contributions, credit
), kinds AS (
    INSERT INTO kind_stats (project_id, kind, contributions, credit)
    SELECT $1, kind, sum(contributions), sum(credit) FROM kind_months GROUP BY kind
), people AS (
    SELECT coalesce(sum(contributions), 0) AS contributions,
           coalesce(sum(credit), 0) AS credit, count(*) AS contributors,
           min(first_at) AS first_at, max(last_at) AS last_at
    FROM contributor_stats WHERE project_id = $1
)
UPDATE project_stats AS s SET
    contributions = people.contributions, credit = people.credit,
    contributors = people.contributors, first_at = people.first_at, last_at = people.last_at
FROM people WHERE s.project_id = $1
"""
# The whole range of contributor numbers.
EVERYONE = (-(2**63), 2**63 - 1)


class Tally:
    """Counted contributions folded for the rollups, priced by ``weights`` (kind ->
    credit of one contribution under the policy they were recorded with)."""

    __slots__ = ("cells", "policy_version", "spans", "weights")

    def __init__(self, weights: Mapping[str, Decimal], policy_version: int) -> None:
        self.weights = weights
        self.policy_version = policy_version
        self.cells: Counter[tuple[int, int, int, str]] = Counter()
        self.spans: dict[int, list[datetime]] = {}

    def add(self, contributor_id: int, kind: str, at: datetime) -> None:
        """Count one contribution of ``contributor_id`` (``at`` in UTC)."""
        self.cells[(contributor_id, at.year, at.month, kind)] += 1
        span = self.spans.get(contributor_id)
        if span is None:
            self.spans[contributor_id] = [at, at]
        elif at < span[0]:
            span[0] = at
        elif at > span[1]:
            span[1] = at

    def absorb(self, other: Tally) -> None:
        """Fold ``other`` (priced by the same policy) into this tally, the prices of
        the kinds it counted included."""
        self.weights = {**self.weights, **other.weights}
        self.cells.update(other.cells)
        for who, (first, last) in other.spans.items():
            span = self.spans.get(who)
            if span is None:
                self.spans[who] = [first, last]
            else:
                span[0], span[1] = min(span[0], first), max(span[1], last)

    async def write(self, conn: asyncpg.Connection, project_id: int) -> None:
        """Add this tally to the project's stored rollups (caller's transaction)."""
        if not self.cells:
            return
        cells = list(self.cells.items())
        people = list(self.spans.items())
        kinds = list(self.weights.items())
        await conn.execute(
            _ROLL_UP,
            project_id,
            [c[0][0] for c in cells],
            [c[0][1] * 12 + c[0][2] - 1 for c in cells],
            [c[0][3] for c in cells],
            [c[1] for c in cells],
            [k for k, _ in kinds],
            [w for _, w in kinds],
            [p for p, _ in people],
            [s[0] for _, s in people],
            [s[1] for _, s in people],
            self.policy_version,
        )


async def roll_up(conn: asyncpg.Connection, project_id: int, done: Iterable[Contribution]) -> None:
    """Add counted contributions to the project's rollups, one tally per policy version
    they were priced under."""
    by_version: dict[int, list[Contribution]] = {}
    for c in done:
        if c.counted:
            by_version.setdefault(c.policy_version, []).append(c)
    for version, counted in by_version.items():
        tally = Tally({c.kind: c.credit for c in counted}, version)
        for c in counted:
            tally.add(c.contributor_id, c.kind, c.occurred_at.astimezone(UTC))
        await tally.write(conn, project_id)


async def recount_people(conn: asyncpg.Connection, project_id: int, low: int, high: int) -> None:
    """Rebuild the people's rollups of the project's contributors numbered ``low`` to
    ``high`` from their counted contributions (caller's transaction, holding the
    project's journal head at least ``FOR SHARE`` so no writer adds to them meanwhile)."""
    await conn.execute(_CLEAR_PEOPLE, project_id, low, high)
    await conn.execute(_SESSION)
    await conn.execute(_RECOUNT_PEOPLE, project_id, low, high)


async def recount_project(conn: asyncpg.Connection, project_id: int) -> None:
    """Rebuild the project's own rollups from its people's (caller's transaction,
    holding the project's journal head; after ``recount_people`` covered everyone)."""
    await conn.execute(_CLEAR_PROJECT, project_id)
    await conn.execute(_RECOUNT_PROJECT, project_id)


async def recount(conn: asyncpg.Connection, project_id: int) -> None:
    """Rebuild the project's rollups from its counted contributions (caller's
    transaction, holding the project's journal head so no writer adds to them meanwhile)."""
    await recount_people(conn, project_id, *EVERYONE)
    await recount_project(conn, project_id)
