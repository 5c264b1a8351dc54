"""DCO grants from ``Signed-off-by:`` trailers that intake records on contributions.

A sign-off becomes a DCO grant scoped to its contribution when its email belongs to
the contribution's contributor (any identity of the same merged person). Idempotent on
project + commit + email: replays and re-imports add nothing.
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
    """One ``Signed-off-by:`` trailer of a commit."""

    name: str
    email: str

    @property
    def trailer(self) -> str:
        return f"Signed-off-by: {self.name} <{self.email}>"


def signoffs_of(metadata: dict[str, Any]) -> tuple[str | None, list[SignOff]]:
    """The commit sha and well-formed sign-offs a contribution's metadata carries."""
    raw_commit = metadata.get("commit")
    raw = metadata.get("signoffs")
    if not isinstance(raw_commit, str) or not isinstance(raw, list):
        return None, []
    try:
        commit = check_commit(raw_commit)
    except InvalidInput:
        return None, []
    found = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        name, email = item.get("name"), item.get("email")
        if isinstance(email, str) and "@" in email and len(email) <= 320:
            found.append(SignOff(name if isinstance(name, str) else "", email.strip().lower()))
    return commit, found


def _text_for(texts: list[AgreementText], when: Any) -> AgreementText:
    in_force = [t for t in texts if t.effective_from <= when]
    return in_force[-1] if in_force else texts[0]


async def record_signoffs(
    conn: asyncpg.Connection, project_id: int, contributions: Sequence[Contribution], actor: str
) -> int:
    """Turn matching sign-offs into DCO grants (caller's transaction); how many were new."""
    wanted: list[tuple[Contribution, str, SignOff]] = []
    for contribution in contributions:
        commit, signoffs = signoffs_of(contribution.metadata)
        wanted += [(contribution, commit, s) for s in signoffs if commit]
    if not wanted:
        return 0
    rows = await conn.fetch(_EMAILS, list({c.contributor_id for c, _, _ in wanted}))
    emails = {(r["contributor_id"], r["email"]) for r in rows}
    matched = [(c, sha, s) for c, sha, s in wanted if (c.contributor_id, s.email) in emails]
    if not matched:
        return 0
    await ensure_dco(conn, project_id, actor)
    texts = await list_agreements(conn, project_id, "dco")
    outbound = await conn.fetchval(_OUTBOUND, project_id)
    by_key: dict[str, tuple[NewGrant, bytes]] = {}
    links: list[tuple[str, int]] = []
    for contribution, sha, signoff in matched:
        key = f"dco:{sha}:{signoff.email}"
        links.append((key, contribution.id))
        if key in by_key:
            grant, digest = by_key[key]
            ids = (*grant.contribution_ids, contribution.id)
            by_key[key] = (replace(grant, contribution_ids=tuple(sorted(set(ids)))), digest)
            continue
        text = _text_for(texts, contribution.occurred_at)
        metadata = contribution.metadata
        delivery = metadata.get("delivery_id") or metadata.get("delivery")
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
            evidence={"trailer": signoff.trailer, "name": signoff.name, "email": signoff.email},
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
