"""How long raw webhook payloads are kept, and purging them.

A delivery's raw body and headers are personal data (names, emails, addresses of
whoever the forge describes) and are needed only until the delivery is processed:
``purge_processed`` drops them from deliveries done or ignored longer ago than the
retention period (``COMMONS_INBOX_RETENTION_DAYS``, 30 by default), dead letters
included once replayed (their error text goes too). ``purge_matching`` drops them at
once from every delivery that mentions an erased person, whatever its state (a
pending one is then ignored). The row stays, with its key and state, so a delivery
seen again is still a duplicate; a purged delivery cannot be replayed.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

DEFAULT_DAYS = 30
MIN_NEEDLE = 4
"""Shorter personal values (a two-letter name) are not searched for: they would purge
unrelated payloads."""

_PURGE = """
WITH purged AS (
    UPDATE webhook_inbox SET body = NULL, headers = jsonb_build_object(), last_error = NULL,
        purged_at = clock_timestamp(),
        status = CASE WHEN status = 'pending' THEN 'ignored' ELSE status END
    WHERE purged_at IS NULL AND ({which})
    RETURNING project_id, id
), letters AS (
    UPDATE webhook_dead_letters d SET error = ''
    FROM purged p WHERE d.project_id = p.project_id AND d.inbox_id = p.id
)
SELECT count(*) FROM purged
"""
_PROCESSED = _PURGE.format(
    which="status IN ('done', 'ignored') "
    "AND coalesce(processed_at, received_at) <= clock_timestamp() - make_interval(days => $1)"
)
_MATCHING = _PURGE.format(
    which="EXISTS (SELECT 1 FROM unnest($1::text[]) AS n(needle) "
    "WHERE strpos(lower(convert_from(body, 'UTF8')), n.needle) > 0)"
)


def check_days(days: int) -> int:
    """A retention period in whole days (0: purge as soon as processed)."""
    if days < 0:
        raise ValueError("the retention period cannot be negative")
    return days


async def purge_processed(conn: asyncpg.Connection | asyncpg.Pool, days: int) -> int:
    """Drop the payloads of deliveries settled more than ``days`` ago; how many."""
    return int(await conn.fetchval(_PROCESSED, check_days(days)))


async def purge_matching(conn: asyncpg.Connection, values: Sequence[str]) -> int:
    """Drop the payloads of every delivery mentioning one of these personal values
    (case-insensitive); how many."""
    needles = sorted({v.lower() for v in values if len(v) >= MIN_NEEDLE})
    if not needles:
        return 0
    return int(await conn.fetchval(_MATCHING, needles))
