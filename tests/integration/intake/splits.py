"""What migration 0018 leaves for an account of a second forge server that shared
another account's identity row, written the way its upgrade writes it: a contributor
of the account's own, recorded as merged into the first, holding the account's
identity, and an open merge by ``migration:0018`` listing that identity and the
contributions of the projects whose evidence names the second server. Nothing is
journaled and nothing moves until a maintainer unmerges it."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

_TWIN = """
INSERT INTO contributors (display_name, merged_into) VALUES ($1, $2) RETURNING id
"""
_IDENTITY = """
INSERT INTO identities (contributor_id, source, host, external_id, login, display_name)
VALUES ($1, $2, $3, $4, $5, $5) RETURNING id
"""
_KNOWN = """
INSERT INTO identity_projects (project_id, identity_id, how)
SELECT unnest($1::bigint[]), $2, 'observed' ON CONFLICT DO NOTHING
"""
_MERGE = """
INSERT INTO contributor_merges (source_id, target_id, previous_parent,
    moved_identities, moved_children, moved_contributions, actor)
SELECT $1, $2, NULL, ARRAY[$3::bigint], '{}', coalesce(jsonb_object_agg(m.project_id::text,
    m.ids), '{}'::jsonb), 'migration:0018'
FROM (
    SELECT c.project_id, jsonb_agg(c.id ORDER BY c.id) AS ids
    FROM contributions c
    WHERE c.project_id = any($4::bigint[]) AND c.source = $5 AND c.contributor_id = $2
        AND (c.evidence_url IS NULL
             OR lower(substring(c.evidence_url from '^[a-z]+://([^/:]+)')) = $6)
    GROUP BY c.project_id
) m
RETURNING id
"""


async def split_as_0018(
    conn: asyncpg.Connection,
    canonical: int,
    account: tuple[str, str, str, str],
    project_ids: Sequence[int],
) -> tuple[int, int]:
    """(the new contributor, the open merge) for ``account`` — (source, host, external
    id, login) — of a second server that ``canonical``'s identity stood for, seen in
    the deliveries of ``project_ids``."""
    source, host, external_id, login = account
    twin = await conn.fetchval(_TWIN, login, canonical)
    identity = await conn.fetchval(_IDENTITY, twin, source, host, external_id, login)
    await conn.execute(_KNOWN, list(project_ids), identity)
    merge_id = await conn.fetchval(
        _MERGE, twin, canonical, identity, list(project_ids), source, host
    )
    return int(twin), int(merge_id)
