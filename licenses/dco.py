"""DCO grants from the ``Signed-off-by:`` trailers of commits that intake records.

A sign-off becomes a DCO grant scoped to its contribution when the signer is the
contribution's contributor (the same merged person), or the signer's email belongs to
one of that person's identities. Idempotent on project + commit + the signer's email
pseudonym (``dco:<sha>:<pseudonym>``): replays and re-imports add nothing. The grant's
private evidence names the signer by contributor number; the trailer's name and email
are never stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import asyncpg

from ledger.journal.chain import append_events
from ledger.journal.events.licenses import GrantExtended
from ledger.kernel.errors import InvalidInput
from ledger.register.models import Contribution
from licenses import grants
from licenses.agreements import ensure_dco, list_agreements
from licenses.models import DCO_RIGHTS, AgreementText, NewGrant, check_commit

_PEOPLE = """
SELECT c.id, coalesce(c.merged_into, c.id) AS person FROM contributors c
WHERE c.id = any($1::bigint[])
"""
_EMAILS = """
SELECT DISTINCT c.id AS contributor_id, lower(i.email) AS email
FROM unnest($1::bigint[]) AS c(id)
JOIN contributors me ON me.id = c.id
JOIN contributors other ON coalesce(other.merged_into, other.id) = coalesce(me.merged_into, me.id)
JOIN identities i ON i.contributor_id = other.id
WHERE i.email IS NOT NULL
"""
_OUTBOUND = "SELECT outbound_license FROM projects WHERE id = $1"
_IDS = "SELECT natural_key, id FROM grants WHERE project_id = $1 AND natural_key = any($2::text[])"
_LINK_NEW = """
INSERT INTO grant_contributions (project_id, grant_id, contribution_id)
SELECT $1, * FROM unnest($2::bigint[], $3::bigint[]) ON CONFLICT DO NOTHING
RETURNING grant_id, contribution_id
"""


@dataclass(frozen=True, slots=True)
class SignOff:
    """One ``Signed-off-by:`` trailer: the signer's contributor number and the keyed
    pseudonym of their email (the address itself only while the commit is handled)."""

    contributor_id: int
    pseudonym: str
    email: str


@dataclass(frozen=True, slots=True)
class Signed:
    """A recorded commit and the sign-offs its message carries."""

    contribution: Contribution
    commit: str
    signoffs: tuple[SignOff, ...]


def _text_for(texts: list[AgreementText], when: Any) -> AgreementText:
    in_force = [t for t in texts if t.effective_from <= when]
    return in_force[-1] if in_force else texts[0]


async def _matching(
    conn: asyncpg.Connection, signed: Sequence[Signed]
) -> list[tuple[Signed, SignOff]]:
    """The sign-offs made by the contribution's own contributor."""
    ids = {s.contribution.contributor_id for s in signed}
    ids |= {o.contributor_id for s in signed for o in s.signoffs}
    person = {r["id"]: r["person"] for r in await conn.fetch(_PEOPLE, list(ids))}
    rows = await conn.fetch(_EMAILS, list({s.contribution.contributor_id for s in signed}))
    emails = {(r["contributor_id"], r["email"]) for r in rows}
    found = []
    for item in signed:
        author = item.contribution.contributor_id
        for signoff in item.signoffs:
            same = person.get(signoff.contributor_id) == person.get(author)
            if same or (author, signoff.email.lower()) in emails:
                found.append((item, signoff))
    return found


async def record_signoffs(
    conn: asyncpg.Connection, project_id: int, signed: Sequence[Signed], actor: str
) -> int:
    """Turn the contributors' own sign-offs into DCO grants (caller's transaction); how
    many were new."""
    wanted = []
    for item in signed:
        try:
            commit = check_commit(item.commit)
        except InvalidInput:
            continue
        if commit is not None:
            wanted.append(replace(item, commit=commit))
    matched = await _matching(conn, wanted) if wanted else []
    if not matched:
        return 0
    await ensure_dco(conn, project_id, actor)
    texts = await list_agreements(conn, project_id, "dco")
    outbound = await conn.fetchval(_OUTBOUND, project_id)
    by_key: dict[str, tuple[NewGrant, bytes]] = {}
    links: list[tuple[str, int]] = []
    for item, signoff in matched:
        contribution, sha = item.contribution, item.commit
        key = f"dco:{sha}:{signoff.pseudonym}"
        links.append((key, contribution.id))
        if key in by_key:
            grant, digest = by_key[key]
            ids = (*grant.contribution_ids, contribution.id)
            by_key[key] = (replace(grant, contribution_ids=tuple(sorted(set(ids)))), digest)
            continue
        text = _text_for(texts, contribution.occurred_at)
        delivery = contribution.metadata.get("delivery")
        grant = NewGrant(
            natural_key=key,
            instrument="dco",
            grantee="public",
            license_expression=outbound,
            rights=DCO_RIGHTS,
            patent_grant=False,
            irrevocable=True,
            royalty_free=True,
            effective_at=contribution.occurred_at,
            grantor_contributor_id=contribution.contributor_id,
            agreement_version=text.version,
            contribution_ids=(contribution.id,),
            commit_sha=sha,
            signature_method="signed-off-by trailer",
            delivery_id=delivery[:255] if isinstance(delivery, str) and delivery else None,
            evidence={"trailer": "Signed-off-by", "signed_off_by": signoff.contributor_id},
        )
        by_key[key] = (grant, text.sha256)
    created = await grants.insert_grants(conn, project_id, list(by_key.values()), actor)
    await _link_existing(
        conn, project_id, [link for link in links if link[0] not in created], actor
    )
    return len(created)


async def _link_existing(
    conn: asyncpg.Connection, project_id: int, links: list[tuple[str, int]], actor: str
) -> None:
    """Link contributions to DCO grants recorded before (same commit and email)."""
    if not links:
        return
    ids = dict(await conn.fetch(_IDS, project_id, list({k for k, _ in links})))
    pairs = [(ids[k], c) for k, c in links if k in ids]
    rows = await conn.fetch(_LINK_NEW, project_id, [g for g, _ in pairs], [c for _, c in pairs])
    added: dict[int, list[int]] = {}
    for row in rows:
        added.setdefault(row["grant_id"], []).append(row["contribution_id"])
    events = [
        (GrantExtended(grant_id=g, contribution_ids=tuple(sorted(c))), actor)
        for g, c in sorted(added.items())
    ]
    await append_events(conn, project_id, events)
