"""The grant register: record, withdraw and read license grants.

Every grant is non-exclusive, leaves ownership with the grantor and excludes
trademarks; the database refuses any row saying otherwise (migration 0002). A grant
changes only by being withdrawn, which ends its coverage at the withdrawal instant:
contributions made before it stay covered. Each change journals one event without
private data (no emails, no sign-off lines).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from ledger.journal.canonical import timestamp
from ledger.journal.chain import append_event, append_events
from ledger.journal.events.licenses import GrantRecorded, GrantWithdrawn
from ledger.kernel.errors import Conflict, ConflictCode, IdempotencyMismatch, InvalidInput, NotFound
from licenses.models import Grant, NewGrant

COLUMNS = """project_id, id, natural_key, grantor_contributor_id, grantor_organisation_id,
    grantee, instrument, agreement_version, text_sha256, license_expression, rights,
    patent_grant, irrevocable, royalty_free, exclusive, ownership_retained, trademark_excluded,
    scope, scope_from, commit_sha, signature_method, delivery_id, effective_at, withdrawn_at,
    withdrawal_reason, recorded_at, covers_until"""
_INSERT = """
INSERT INTO grants (project_id, natural_key, grantor_contributor_id, grantor_organisation_id,
    grantee, instrument, agreement_version, text_sha256, license_expression, rights,
    patent_grant, irrevocable, royalty_free, scope, scope_from, evidence, commit_sha,
    signature_method, delivery_id, effective_at, recorded_by)
SELECT $1, u.natural_key, u.contributor, u.organisation, u.grantee, u.instrument, u.version,
    u.sha, u.expression, string_to_array(u.rights, ','), u.patent, u.irrevocable,
    u.royalty_free, u.scope, u.scope_from, u.evidence, u.commit_sha, u.method, u.delivery,
    u.effective_at, $2
FROM unnest($3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::int[],
    $9::bytea[], $10::text[], $11::text[], $12::boolean[], $13::boolean[], $14::boolean[],
    $15::text[], $16::timestamptz[], $17::jsonb[], $18::text[], $19::text[], $20::text[],
    $21::timestamptz[])
    AS u(natural_key, contributor, organisation, grantee, instrument, version, sha, expression,
         rights, patent, irrevocable, royalty_free, scope, scope_from, evidence, commit_sha,
         method, delivery, effective_at)
ON CONFLICT (project_id, natural_key) DO NOTHING
RETURNING id, natural_key
"""
_LINK = """
INSERT INTO grant_contributions (project_id, grant_id, contribution_id)
SELECT $1, * FROM unnest($2::bigint[], $3::bigint[]) ON CONFLICT DO NOTHING
"""
_AUTHORISE = """
INSERT INTO ccla_authorisations (project_id, grant_id, kind, contributor_id, email_domain)
SELECT $1, $2, * FROM unnest($3::text[], $4::bigint[], $5::text[])
"""
_BY_KEYS = f"""
SELECT {COLUMNS} FROM grant_windows WHERE project_id = $1 AND natural_key = any($2::text[])
"""
_BY_ID = f"SELECT {COLUMNS} FROM grant_windows WHERE project_id = $1 AND id = $2"
_BY_IDS = f"""
SELECT {COLUMNS} FROM grant_windows WHERE (project_id, id) IN
    (SELECT * FROM unnest($1::bigint[], $2::bigint[]))
"""
_LINKED_MANY = """
SELECT project_id, grant_id, contribution_id FROM grant_contributions
WHERE (project_id, grant_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))
ORDER BY project_id, grant_id, contribution_id
"""
_OWNED = """
SELECT id, contributor_id FROM contributions WHERE project_id = $1 AND id = any($2::bigint[])
"""
_WITHDRAW = """
UPDATE grants SET withdrawn_at = $3, withdrawal_reason = $4
WHERE project_id = $1 AND id = $2 AND withdrawn_at IS NULL RETURNING id
"""
_NOW = "SELECT now()"
_PAGE = f"""
SELECT {COLUMNS} FROM grant_windows
WHERE project_id = $1 AND ($2::text IS NULL OR instrument = $2)
    AND ($3::bigint IS NULL OR grantor_contributor_id = $3)
    AND ($4::bigint IS NULL OR id < $4)
ORDER BY id DESC LIMIT $5
"""
_COUNT = """
SELECT count(*) FROM grants WHERE project_id = $1 AND ($2::text IS NULL OR instrument = $2)
    AND ($3::bigint IS NULL OR grantor_contributor_id = $3)
"""


def grant_of(row: asyncpg.Record) -> Grant:
    """A Grant from a ``grant_windows`` row."""
    values = dict(row)
    values["rights"] = list(values["rights"])
    sha = values["text_sha256"]
    values["text_sha256"] = bytes(sha) if sha is not None else None
    until = values["covers_until"]
    values["covers_until"] = until if isinstance(until, datetime) and until.year < 9999 else None
    return Grant(**values)


def public_body(grant: NewGrant, grant_id: int, text_sha: bytes | None) -> GrantRecorded:
    """The journal event of a recorded grant (no private evidence)."""
    return GrantRecorded(
        grant_id=grant_id,
        instrument=grant.instrument,
        grantor_contributor_id=grant.grantor_contributor_id,
        grantor_organisation_id=grant.grantor_organisation_id,
        grantee=grant.grantee,
        agreement_version=grant.agreement_version,
        text_sha256=text_sha.hex() if text_sha else None,
        license_expression=grant.license_expression,
        rights=tuple(grant.rights),
        patent_grant=grant.patent_grant,
        irrevocable=grant.irrevocable,
        royalty_free=grant.royalty_free,
        exclusive=False,
        ownership_retained=True,
        trademark_excluded=True,
        scope="from_date" if grant.scope_from else "contributions",
        scope_from=timestamp(grant.scope_from) if grant.scope_from else None,
        contribution_ids=tuple(sorted(grant.contribution_ids)),
        authorisations=len(grant.authorisations),
        commit=grant.commit_sha,
        signature_method=grant.signature_method,
        effective_at=timestamp(grant.effective_at),
    )


def _columns(grants: Sequence[tuple[NewGrant, bytes | None]]) -> list[list[Any]]:
    return [
        [g.natural_key for g, _ in grants],
        [g.grantor_contributor_id for g, _ in grants],
        [g.grantor_organisation_id for g, _ in grants],
        [g.grantee for g, _ in grants],
        [g.instrument for g, _ in grants],
        [g.agreement_version for g, _ in grants],
        [sha for _, sha in grants],
        [g.license_expression for g, _ in grants],
        [",".join(g.rights) for g, _ in grants],
        [g.patent_grant for g, _ in grants],
        [g.irrevocable for g, _ in grants],
        [g.royalty_free for g, _ in grants],
        ["from_date" if g.scope_from else "contributions" for g, _ in grants],
        [g.scope_from for g, _ in grants],
        [g.evidence for g, _ in grants],
        [g.commit_sha for g, _ in grants],
        [g.signature_method for g, _ in grants],
        [g.delivery_id for g, _ in grants],
        [g.effective_at for g, _ in grants],
    ]


async def insert_grants(
    conn: asyncpg.Connection,
    project_id: int,
    grants: Sequence[tuple[NewGrant, bytes | None]],
    actor: str,
) -> dict[str, int]:
    """Insert new grants (skipping natural keys already stored), link their listed
    contributions and authorisations, journal each new one; natural key -> new id."""
    if not grants:
        return {}
    rows = await conn.fetch(_INSERT, project_id, actor, *_columns(grants))
    created = {r["natural_key"]: r["id"] for r in rows}
    events: list[tuple[GrantRecorded, str]] = []
    link_grants: list[int] = []
    link_items: list[int] = []
    for grant, sha in grants:
        grant_id = created.get(grant.natural_key)
        if grant_id is None:
            continue
        link_grants += [grant_id] * len(grant.contribution_ids)
        link_items += list(grant.contribution_ids)
        if grant.authorisations:
            auth = grant.authorisations
            await conn.execute(
                _AUTHORISE,
                project_id,
                grant_id,
                [a.kind for a in auth],
                [a.contributor_id for a in auth],
                [a.email_domain for a in auth],
            )
        events.append((public_body(grant, grant_id, sha), actor))
    if link_grants:
        await conn.execute(_LINK, project_id, link_grants, link_items)
    if events:
        await append_events(conn, project_id, events)
    return created


async def insert_grant(
    conn: asyncpg.Connection, project_id: int, grant: NewGrant, sha: bytes | None, actor: str
) -> tuple[Grant, bool]:
    """Store one validated grant (``licenses.service.record_grant`` settles it first); a
    replay of its natural key returns the first (created=False) and is refused when the
    facts differ."""
    owners = dict(await conn.fetch(_OWNED, project_id, list(grant.contribution_ids)))
    missing = sorted(set(grant.contribution_ids) - set(owners))
    if missing:
        raise NotFound(f"no contribution {missing[0]} in this project")
    if grant.grantor_contributor_id is not None and grant.instrument != "ccla":
        foreign = sorted(i for i, c in owners.items() if c != grant.grantor_contributor_id)
        if foreign and grant.grantor_organisation_id is None:
            raise InvalidInput(f"contribution {foreign[0]} is not the grantor's", "contributions")
    try:
        async with conn.transaction():
            created = await insert_grants(conn, project_id, [(grant, sha)], actor)
    except asyncpg.ForeignKeyViolationError as exc:
        raise NotFound(f"a referenced record does not exist ({exc.constraint_name})") from None
    except asyncpg.CheckViolationError as exc:
        raise InvalidInput(f"grant refused by rule {exc.constraint_name}") from None
    row = await conn.fetchrow(_BY_KEYS, project_id, [grant.natural_key])
    stored = grant_of(row)
    if grant.natural_key not in created and not _same(stored, grant, sha):
        raise IdempotencyMismatch("idempotency key was already used for a different grant")
    return stored, grant.natural_key in created


def _same(stored: Grant, grant: NewGrant, sha: bytes | None) -> bool:
    return (
        stored.instrument == grant.instrument
        and stored.grantor_contributor_id == grant.grantor_contributor_id
        and stored.grantor_organisation_id == grant.grantor_organisation_id
        and stored.license_expression == grant.license_expression
        and tuple(stored.rights) == grant.rights
        and stored.text_sha256 == sha
        and stored.scope_from == grant.scope_from
    )


async def get_grant(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, grant_id: int
) -> Grant:
    """The grant with this id in the project; NotFound otherwise."""
    row = await conn.fetchrow(_BY_ID, project_id, grant_id)
    if row is None:
        raise NotFound(f"no grant {grant_id} in this project")
    return grant_of(row)


async def load_grants(pool: asyncpg.Pool, keys: list[tuple[int, int]]) -> list[Grant | None]:
    """Batch lookup by (project id, grant id), in key order."""
    rows = await pool.fetch(_BY_IDS, [k[0] for k in keys], [k[1] for k in keys])
    found = {(r["project_id"], r["id"]): grant_of(r) for r in rows}
    return [found.get(k) for k in keys]


async def load_grant_contributions(
    pool: asyncpg.Pool, keys: list[tuple[int, int]]
) -> list[list[int]]:
    """The contributions each (project id, grant id) lists, in key order."""
    rows = await pool.fetch(_LINKED_MANY, [k[0] for k in keys], [k[1] for k in keys])
    found: dict[tuple[int, int], list[int]] = {k: [] for k in keys}
    for row in rows:
        found[(row["project_id"], row["grant_id"])].append(row["contribution_id"])
    return [found[k] for k in keys]


async def db_now(conn: asyncpg.Connection) -> datetime:
    """The database's clock (the transaction's start), which judges withdrawals."""
    now: datetime = await conn.fetchval(_NOW)
    return now


async def withdraw_grant(
    conn: asyncpg.Connection,
    project_id: int,
    grant_id: int,
    at: datetime,
    reason: str,
    now: datetime,
    actor: str,
) -> Grant:
    """Withdraw a grant from ``at`` (never in the past): later contributions lose it."""
    grant = await get_grant(conn, project_id, grant_id)
    if at < now:
        raise InvalidInput("a withdrawal cannot take effect in the past", "at")
    if grant.withdrawn_at is not None:
        raise Conflict(f"grant {grant_id} was already withdrawn", ConflictCode.ALREADY_WITHDRAWN)
    if at < grant.effective_at:
        at = grant.effective_at
    if await conn.fetchval(_WITHDRAW, project_id, grant_id, at, reason) is None:
        raise Conflict(
            f"grant {grant_id} was withdrawn concurrently", ConflictCode.ALREADY_WITHDRAWN
        )
    event = GrantWithdrawn(grant_id=grant_id, withdrawn_at=timestamp(at), reason=reason)
    await append_event(conn, project_id, event, actor)
    return await get_grant(conn, project_id, grant_id)


async def list_grants(
    conn: asyncpg.Connection | asyncpg.Pool,
    project_id: int,
    instrument: str | None,
    contributor_id: int | None,
    before_id: int | None,
    limit: int,
) -> tuple[list[Grant], int]:
    """Grants newest first after the keyset cursor, and the filtered total."""
    rows = await conn.fetch(_PAGE, project_id, instrument, contributor_id, before_id, limit)
    total = await conn.fetchval(_COUNT, project_id, instrument, contributor_id)
    return [grant_of(r) for r in rows], int(total)
