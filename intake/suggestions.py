"""Merge suggestions: pairs of a project's contributors who look like one person, for
maintainers to decide on; never applied silently.

Three reasons, combined per pair: ``same email`` (two identities share an address,
compared case-insensitively), ``same name`` (display names equal after NFC
normalisation and case folding, the ``contributors.name_key`` column) and
``mailmap`` (the repository's ``.mailmap`` says so, ``intake.mailmap``). Bots and
merged contributors are left out. Pairs come in keyset pages by (one, other).
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from ledger.kernel.paging import Page, cursor_int, decode_cursor, make_page

_PAIRS = """
WITH people AS (
    SELECT DISTINCT c.contributor_id AS id FROM contributions c
    JOIN contributors p ON p.id = c.contributor_id
    WHERE c.project_id = $1 AND p.merged_into IS NULL AND NOT p.is_bot
), by_email AS (
    SELECT DISTINCT a.contributor_id AS one, b.contributor_id AS other, 'same email' AS reason
    FROM identities a JOIN identities b
        ON lower(a.email) = lower(b.email) AND a.contributor_id < b.contributor_id
    WHERE a.contributor_id IN (SELECT id FROM people) AND b.contributor_id IN (SELECT id FROM people)
), by_name AS (
    SELECT a.id AS one, b.id AS other, 'same name' AS reason
    FROM contributors a JOIN contributors b ON a.name_key = b.name_key AND a.id < b.id
    WHERE a.id IN (SELECT id FROM people) AND b.id IN (SELECT id FROM people)
), by_mailmap AS (
    SELECT DISTINCT least(a.id, b.id) AS one, greatest(a.id, b.id) AS other,
        'mailmap' AS reason
    FROM mailmap_links l
    JOIN identities ia ON ia.id = l.identity_id JOIN contributors a ON a.id = ia.contributor_id
    JOIN identities ip ON ip.id = l.proper_identity_id JOIN contributors b ON b.id = ip.contributor_id
    WHERE l.project_id = $1 AND a.id <> b.id AND NOT a.is_bot AND NOT b.is_bot
), pairs AS (
    SELECT one, other, string_agg(reason, ', ' ORDER BY reason) AS reason
    FROM (SELECT * FROM by_email UNION ALL SELECT * FROM by_name
          UNION ALL SELECT * FROM by_mailmap) s
    GROUP BY one, other
)
"""
_PAGE = (
    _PAIRS
    + """
SELECT one, other, reason FROM pairs
WHERE $2::bigint IS NULL OR (one, other) > ($2, $3)
ORDER BY one, other LIMIT $4
"""
)
_COUNT = _PAIRS + "SELECT count(*) FROM pairs"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Two contributors who look like one person, and why (never the email itself)."""

    one: int
    other: int
    reason: str


async def suggestions(
    conn: asyncpg.Connection | asyncpg.Pool,
    project_id: int,
    first: int = 100,
    after: str | None = None,
) -> Page[Suggestion]:
    """A page of the project's merge suggestions in (one, other) order."""
    key = decode_cursor(after, 2)
    one, other = (cursor_int(key[0]), cursor_int(key[1])) if key else (None, None)
    rows = await conn.fetch(_PAGE, project_id, one, other, first + 1)
    total = await conn.fetchval(_COUNT, project_id)
    found = [Suggestion(r["one"], r["other"], r["reason"]) for r in rows]
    return make_page(found, first, int(total), lambda s: (s.one, s.other))
