"""The SQL that decides coverage, built from one definition of each way a grant
covers a contribution ``b`` (a row of ``base``, which carries ``people``: the
contributor and the person they were merged into).

``RESOLVE`` picks the covering grant (listed beats date-scoped, then the earliest);
``UNCOVERED`` is the same three conditions negated, which PostgreSQL runs as
anti-joins, so counting uncovered work never has to rank grants.
"""

from __future__ import annotations

from ledger.register.contributions import COLUMNS

BASE = """
WITH base AS (
    SELECT c.*, array_remove(ARRAY[c.contributor_id, me.merged_into], NULL) AS people
    FROM {source} c JOIN contributors me ON me.id = c.contributor_id
    WHERE c.project_id = $1 AND c.counted
        AND ($2::timestamptz IS NULL OR c.occurred_at >= $2)
        AND ($3::timestamptz IS NULL OR c.occurred_at < $3)
        AND ($4::text IS NULL OR c.kind = $4)
        {extra}
)"""
# A grant lists the contribution, and the contribution predates the grant's window end.
LISTED = """
FROM grant_contributions gc
JOIN grant_windows g ON g.project_id = gc.project_id AND g.id = gc.grant_id
WHERE gc.project_id = b.project_id AND gc.contribution_id = b.id
  AND b.occurred_at < g.covers_until"""
# The contributor granted all their work from a date.
PERSONAL = """
FROM grant_windows g
WHERE g.project_id = b.project_id AND g.grantor_contributor_id = any(b.people)
  AND g.scope = 'from_date' AND b.occurred_at >= g.scope_from
  AND b.occurred_at < g.covers_until"""
# An organisation granted the work of the people it authorises, from a date.
CORPORATE = """
FROM grant_windows g
WHERE g.project_id = b.project_id AND g.grantor_organisation_id IS NOT NULL
  AND g.scope = 'from_date' AND b.occurred_at >= g.scope_from
  AND b.occurred_at < g.covers_until
  AND EXISTS (
    SELECT 1 FROM ccla_authorisations a
    WHERE a.project_id = g.project_id AND a.grant_id = g.id AND (
        (a.kind = 'contributor' AND a.contributor_id = any(b.people))
        OR (a.kind = 'email_domain' AND EXISTS (
            SELECT 1 FROM identities i
            WHERE i.contributor_id = any(b.people) AND i.email_verified
              AND lower(split_part(i.email, '@', 2)) = a.email_domain))
        OR (a.kind = 'membership' AND EXISTS (
            SELECT 1 FROM affiliations af
            WHERE af.contributor_id = any(b.people)
              AND af.organisation_id = g.grantor_organisation_id
              AND (b.occurred_at AT TIME ZONE 'UTC')::date >= af.valid_from
              AND (b.occurred_at AT TIME ZONE 'UTC')::date < af.valid_to))))"""

RESOLVE = f"""(
    SELECT x.id FROM (
        SELECT g.id, 0 AS rank, g.effective_at {LISTED}
        UNION ALL SELECT g.id, 1, g.effective_at {PERSONAL}
        UNION ALL SELECT g.id, 1, g.effective_at {CORPORATE}
    ) x
    ORDER BY x.rank, x.effective_at, x.id
    LIMIT 1
)"""
UNCOVERED = f"""NOT EXISTS (SELECT 1 {LISTED})
    AND NOT EXISTS (SELECT 1 {PERSONAL})
    AND NOT EXISTS (SELECT 1 {CORPORATE})"""

_PERIOD = """CASE WHEN $5::text IS NULL THEN NULL
    ELSE date_trunc($5::text, occurred_at AT TIME ZONE 'UTC')::date END"""
TOTALS = f"""
SELECT kind, {_PERIOD} AS period, count(*) AS n
FROM contributions
WHERE project_id = $1 AND counted
    AND ($2::timestamptz IS NULL OR occurred_at >= $2)
    AND ($3::timestamptz IS NULL OR occurred_at < $3)
    AND ($4::text IS NULL OR kind = $4)
GROUP BY 1, 2
"""
UNCOVERED_TOTALS = (
    BASE.format(source="contributions", extra="")
    + f"""
SELECT kind, {_PERIOD} AS period, count(*) AS n FROM base b WHERE {UNCOVERED} GROUP BY 1, 2
"""
)
# One chunk of the newest contributions after the cursor (the index gives the order),
# each marked uncovered or not.
UNCOVERED_CHUNK = (
    """
WITH chunk AS MATERIALIZED (
    SELECT * FROM contributions
    WHERE project_id = $1 AND counted
        AND ($2::timestamptz IS NULL OR occurred_at >= $2)
        AND ($3::timestamptz IS NULL OR occurred_at < $3)
        AND ($4::text IS NULL OR kind = $4)
        AND ($5::timestamptz IS NULL OR (occurred_at, id) < ($5, $6))
    ORDER BY occurred_at DESC, id DESC LIMIT $7
)"""
    + BASE.format(source="chunk", extra="").replace("WITH base", ", base", 1)
    + f"""
SELECT {COLUMNS}, {UNCOVERED} AS uncovered FROM base b ORDER BY occurred_at DESC, id DESC
"""
)
UNCOVERED_COUNT = (
    BASE.format(source="contributions", extra="")
    + f"""
SELECT count(*) FROM base b WHERE {UNCOVERED}
"""
)
_PAGE_OF_CONTRIBUTORS = """AND c.contributor_id = any(ARRAY(
            SELECT DISTINCT contributor_id FROM contributions
            WHERE project_id = $1 AND counted AND ($5::bigint IS NULL OR contributor_id > $5)
            ORDER BY contributor_id LIMIT $6))"""
BY_CONTRIBUTOR = (
    BASE.format(source="contributions", extra=_PAGE_OF_CONTRIBUTORS)
    + f""", resolved AS (SELECT b.contributor_id, {RESOLVE} AS grant_id FROM base b)
SELECT contributor_id, count(*) AS total, count(grant_id) AS covered,
    array_agg(DISTINCT grant_id) FILTER (WHERE grant_id IS NOT NULL) AS grant_ids
FROM resolved GROUP BY contributor_id ORDER BY contributor_id LIMIT $6
"""
)
CONTRIBUTOR_COUNT = """
SELECT count(DISTINCT contributor_id) FROM contributions WHERE project_id = $1 AND counted
"""
ONE = (
    BASE.format(source="contributions", extra="AND c.id = $5")
    + f"""
SELECT {RESOLVE} FROM base b
"""
)
# Each contribution a corporate grant covers, with the grant (the earliest effective):
# the evidence a report embeds, since whom such a grant authorises is private.
CORPORATE_COVERED = (
    BASE.format(source="contributions", extra="")
    + f""", claimed AS (
    SELECT b.id, (SELECT g.id {CORPORATE} ORDER BY g.effective_at, g.id LIMIT 1) AS grant_id
    FROM base b
)
SELECT grant_id, array_agg(id ORDER BY id) AS ids FROM claimed
WHERE grant_id IS NOT NULL GROUP BY grant_id ORDER BY grant_id
"""
)
HAS_CORPORATE = """
SELECT EXISTS (SELECT 1 FROM grants WHERE project_id = $1 AND grantor_organisation_id IS NOT NULL
    AND scope = 'from_date')
"""
OF_CONTRIBUTOR = (
    BASE.format(source="contributions", extra="AND c.contributor_id = $5")
    + f""", resolved AS (SELECT {RESOLVE} AS grant_id FROM base b)
SELECT count(*) AS total, count(grant_id) AS covered,
    array_agg(DISTINCT grant_id) FILTER (WHERE grant_id IS NOT NULL) AS grant_ids
FROM resolved
"""
)
# A contributor's counts by the anti-joins (covered = not uncovered, by construction),
# which never rank grants, and their latest $6 grants (newest first, as ``grants``
# lists them): what a profile shows, without the covering grants' ids.
PROFILE = (
    BASE.format(source="contributions", extra="AND c.contributor_id = $5")
    + f"""
SELECT count(*) AS total, count(*) FILTER (WHERE NOT ({UNCOVERED})) AS covered,
    ARRAY(SELECT row(g.id, g.instrument, g.license_expression, g.effective_at, g.withdrawn_at)
          FROM grant_windows g WHERE g.project_id = $1 AND g.grantor_contributor_id = $5
          ORDER BY g.id DESC LIMIT $6) AS grants
FROM base b
"""
)
