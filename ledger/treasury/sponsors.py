"""Sponsors, the commons terms they acknowledge and their sponsorships (store).

A sponsor is one of the register's organisations or contributors. An anonymous sponsor
is named only to the project's maintainers (the treasurer): the journal, the reports,
the CSV and every other reader see ``anonymous``, while its sponsorships and the
commons terms they were given under are published like any other. Terms are pinned
by the SHA-256 of their text; a title and version name exactly one text. Terms that
do not give every commons flag are refused unless a maintainer records the
sponsorship explicitly as non-commons funding, which is stored and shown.
"""

from __future__ import annotations

import asyncpg

from ledger.journal.chain import append_event
from ledger.journal.events.treasury import SponsorRecorded, SponsorshipRecorded, TermsRecorded
from ledger.kernel.errors import Conflict, ConflictCode, InvalidInput, NotFound
from ledger.kernel.money import Money
from ledger.register import people
from ledger.register.models import check_text
from ledger.treasury.models import (
    TERMS_FLAGS,
    NewSponsorship,
    NonCommonsTerms,
    Sponsor,
    Sponsorship,
    Terms,
    TermsInput,
)

_TERMS = """id, title, version, body, sha256, no_ownership, no_exclusive_license,
    no_access_restriction, no_roadmap_control, no_votes_bought, recorded_at"""
_INSERT_TERMS = f"""
INSERT INTO treasury_terms (project_id, title, version, body, sha256, no_ownership,
    no_exclusive_license, no_access_restriction, no_roadmap_control, no_votes_bought)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT DO NOTHING RETURNING {_TERMS}
"""
_TERMS_BY_KEY = f"""
SELECT {_TERMS} FROM treasury_terms
WHERE project_id = $1 AND (sha256 = $2 OR (title = $3 AND version = $4))
"""
_TERMS_BY_IDS = f"SELECT {_TERMS} FROM treasury_terms WHERE project_id = $1 AND id = any($2)"
_SPONSOR = """s.id, s.organisation_id, s.contributor_id, s.recorded_at, s.anonymous,
    coalesce(o.name, c.display_name) AS name"""
_SPONSORS = f"""
SELECT {_SPONSOR} FROM treasury_sponsors s
LEFT JOIN organisations o ON o.id = s.organisation_id
LEFT JOIN contributors c ON c.id = s.contributor_id
WHERE s.project_id = $1
"""
_INSERT_SPONSOR = """
INSERT INTO treasury_sponsors (project_id, organisation_id, contributor_id, anonymous)
VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id
"""
_SPONSORSHIP = """id, sponsor_id, kind, amount, currency, in_kind_description, period_start,
    period_end, recurrence, earmark, terms_id, non_commons, non_commons_reason, actor,
    recorded_at"""
_INSERT_SPONSORSHIP = f"""
INSERT INTO treasury_sponsorships (project_id, sponsor_id, kind, amount, currency,
    in_kind_description, period_start, period_end, recurrence, earmark, terms_id, non_commons,
    non_commons_reason, actor)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING {_SPONSORSHIP}
"""
_SPONSORSHIPS = f"""
SELECT {_SPONSORSHIP} FROM treasury_sponsorships
WHERE project_id = $1 AND ($2::bigint IS NULL OR sponsor_id = $2) ORDER BY id
"""


def _terms(row: asyncpg.Record) -> Terms:
    data = TermsInput(
        row["title"],
        row["version"],
        row["body"],
        row["no_ownership"],
        row["no_exclusive_license"],
        row["no_access_restriction"],
        row["no_roadmap_control"],
        row["no_votes_bought"],
    )
    return Terms(row["id"], data, row["recorded_at"])


def _sponsor(row: asyncpg.Record) -> Sponsor:
    return Sponsor(
        row["id"],
        row["organisation_id"],
        row["contributor_id"],
        row["name"],
        row["recorded_at"],
        row["anonymous"],
    )


def _sponsorship(row: asyncpg.Record) -> Sponsorship:
    amount = Money(row["amount"], row["currency"]) if row["amount"] is not None else None
    return Sponsorship(
        row["id"],
        row["sponsor_id"],
        row["kind"],
        amount,
        row["in_kind_description"],
        row["period_start"],
        row["period_end"],
        row["recurrence"],
        row["earmark"],
        row["terms_id"],
        row["non_commons"],
        row["non_commons_reason"],
        row["actor"],
        row["recorded_at"],
    )


async def record_terms(
    conn: asyncpg.Connection, project_id: int, data: TermsInput, actor: str
) -> Terms:
    """Store a terms text (idempotent on its SHA-256); a title and version already
    pinned to another text is a Conflict."""
    data = data.validated()
    digest = data.digest
    row = await conn.fetchrow(
        _INSERT_TERMS,
        project_id,
        data.title,
        data.version,
        data.body,
        digest,
        *(getattr(data, flag) for flag in TERMS_FLAGS),
    )
    if row is not None:
        terms = _terms(row)
        event = TermsRecorded(
            terms=terms.id,
            title=data.title,
            version=data.version,
            sha256=digest.hex(),
            **{flag: getattr(data, flag) for flag in TERMS_FLAGS},
        )
        await append_event(conn, project_id, event, actor)
        return terms
    for existing in map(
        _terms, await conn.fetch(_TERMS_BY_KEY, project_id, digest, data.title, data.version)
    ):
        if existing.terms == data:
            return existing
    raise Conflict(
        f"terms {data.title!r} version {data.version!r} are pinned to another text "
        "or this text was recorded with other flags or another name",
        ConflictCode.TERMS_PINNED,
    )


async def load_terms(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, ids: list[int]
) -> list[Terms | None]:
    """Terms by id, in key order."""
    found = {r["id"]: _terms(r) for r in await conn.fetch(_TERMS_BY_IDS, project_id, ids)}
    return [found.get(i) for i in ids]


async def record_sponsor(
    conn: asyncpg.Connection,
    project_id: int,
    *,
    organisation: str | None,
    contributor_id: int | None,
    actor: str,
    anonymous: bool = False,
) -> tuple[Sponsor, bool]:
    """The project's sponsor for an organisation (by name, created if new) or a
    contributor, anonymous or not; idempotent, with ``True`` when it was recorded now
    (recording it again with the other anonymity is a Conflict)."""
    if (organisation is None) == (contributor_id is None):
        raise InvalidInput("name exactly one of organisation or contributor", "organisation")
    organisation_id = None
    if organisation is not None:
        name = check_text(organisation, "organisation", 200).strip()
        organisation_id = (await people.ensure_organisation(conn, name)).id
    else:
        assert contributor_id is not None
        await people.get_contributor(conn, contributor_id)
    sponsor_id = await conn.fetchval(
        _INSERT_SPONSOR, project_id, organisation_id, contributor_id, anonymous
    )
    created = sponsor_id is not None
    if not created:
        sponsor_id = await conn.fetchval(
            "SELECT id FROM treasury_sponsors WHERE project_id = $1 AND "
            "(organisation_id = $2 OR contributor_id = $3)",
            project_id,
            organisation_id,
            contributor_id,
        )
    sponsor = await get_sponsor(conn, project_id, sponsor_id)
    if sponsor.anonymous != anonymous:
        raise Conflict(
            f"sponsor {sponsor.id} is recorded as {'' if sponsor.anonymous else 'not '}anonymous",
            ConflictCode.ALREADY_EXISTS,
        )
    if created:
        event = SponsorRecorded(
            sponsor=sponsor.id,
            organisation=None if anonymous else sponsor.organisation_id,
            contributor=None if anonymous else sponsor.contributor_id,
            name=(
                sponsor.public_name if anonymous or sponsor.organisation_id is not None else None
            ),
            anonymous=anonymous,
        )
        await append_event(conn, project_id, event, actor)
    return sponsor, created


async def get_sponsor(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, sponsor_id: int
) -> Sponsor:
    """One sponsor of the project; NotFound otherwise."""
    row = await conn.fetchrow(_SPONSORS + " AND s.id = $2", project_id, sponsor_id)
    if row is None:
        raise NotFound(f"no sponsor {sponsor_id} in this project")
    return _sponsor(row)


async def list_sponsors(conn: asyncpg.Connection | asyncpg.Pool, project_id: int) -> list[Sponsor]:
    """The project's sponsors, first recorded first."""
    return [_sponsor(r) for r in await conn.fetch(_SPONSORS + " ORDER BY s.id", project_id)]


async def record_sponsorship(
    conn: asyncpg.Connection,
    project_id: int,
    data: NewSponsorship,
    terms: TermsInput,
    *,
    non_commons_reason: str | None,
    actor: str,
) -> tuple[Sponsorship, Terms]:
    """Record a sponsorship under its terms; non-commons terms need an explicit reason."""
    data = data.validated()
    await get_sponsor(conn, project_id, data.sponsor_id)
    claims = terms.validated().claims()
    if non_commons_reason is not None:
        check_text(non_commons_reason, "nonCommonsReason", 2000)
    elif claims:
        raise NonCommonsTerms(
            f"the terms do not give {', '.join(claims)}; record it as non-commons funding "
            "with a reason to accept it"
        )
    stored_terms = await record_terms(conn, project_id, terms, actor)
    amount = data.amount
    row = await conn.fetchrow(
        _INSERT_SPONSORSHIP,
        project_id,
        data.sponsor_id,
        data.kind,
        amount.minor if amount else None,
        amount.currency if amount else None,
        data.in_kind_description,
        data.period_start,
        data.period_end,
        data.recurrence,
        data.earmark,
        stored_terms.id,
        non_commons_reason is not None,
        non_commons_reason,
        actor,
    )
    sponsorship = _sponsorship(row)
    event = SponsorshipRecorded(
        sponsorship=sponsorship.id,
        sponsor=data.sponsor_id,
        kind=data.kind,
        currency=amount.currency if amount else None,
        amount=amount.decimal if amount else None,
        in_kind_description=data.in_kind_description,
        period_start=data.period_start.isoformat() if data.period_start else None,
        period_end=data.period_end.isoformat() if data.period_end else None,
        recurrence=data.recurrence,
        earmark=data.earmark,
        terms_sha256=terms.digest.hex(),
        non_commons=non_commons_reason is not None,
        non_commons_reason=non_commons_reason,
    )
    await append_event(conn, project_id, event, actor)
    return sponsorship, stored_terms


async def list_sponsorships(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, sponsor_id: int | None = None
) -> list[Sponsorship]:
    """The project's sponsorships (of one sponsor when given), oldest first."""
    return [_sponsorship(r) for r in await conn.fetch(_SPONSORSHIPS, project_id, sponsor_id)]


async def load_sponsorships(
    pool: asyncpg.Pool, keys: list[tuple[int, int]]
) -> list[list[Sponsorship]]:
    """Sponsorships of each (project id, sponsor id), in key order."""
    found: dict[tuple[int, int], list[Sponsorship]] = {k: [] for k in keys}
    rows = await pool.fetch(
        f"SELECT project_id, {_SPONSORSHIP} FROM treasury_sponsorships "
        "WHERE (project_id, sponsor_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[])) "
        "ORDER BY id",
        [p for p, _ in keys],
        [s for _, s in keys],
    )
    for row in rows:
        found[(row["project_id"], row["sponsor_id"])].append(_sponsorship(row))
    return [found[k] for k in keys]


async def get_sponsorship(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, sponsorship_id: int
) -> Sponsorship:
    """One sponsorship; NotFound otherwise."""
    row = await conn.fetchrow(
        f"SELECT {_SPONSORSHIP} FROM treasury_sponsorships WHERE project_id = $1 AND id = $2",
        project_id,
        sponsorship_id,
    )
    if row is None:
        raise NotFound(f"no sponsorship {sponsorship_id} in this project")
    return _sponsorship(row)
