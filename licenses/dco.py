"""DCO grants from the ``Signed-off-by:`` trailers of commits that intake records.

Every contribution of a commit (its author's and each co-author's) carries the
commit's signers by contributor number (metadata ``signoffs``). A sign-off is a DCO
grant of the contribution whose contributor is the signer, merges included: the
author's own sign-off covers the author's work, a co-author's own covers theirs, and
a sign-off made under another email of the same (merged) person counts as theirs.

Grants are a function of these records, not of the order things happened in:
``record_signoffs`` adds what new contributions earn, and ``reconcile`` recomputes
the grants of the contributions of people who were merged or unmerged: a grant
that now covers work that is not its signer's is withdrawn from its start (so it
covers nothing) and recorded again over what it still rightly covers; a grant a
merge makes right is recorded or extended. Every change is journaled.

One grant per commit and signer: natural key ``dco:<sha>:<signer number>``, then
``:<n>`` for the n-th recording after withdrawals. Replays and re-imports add nothing.
The grant's private evidence names the signer by contributor number; the trailer's
name and email are never stored.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import asyncpg

from ledger.journal.canonical import timestamp
from ledger.journal.chain import append_events
from ledger.journal.events.licenses import GrantExtended, GrantWithdrawn
from ledger.kernel.errors import InvalidInput
from licenses import grants
from licenses.agreements import ensure_dco, list_agreements
from licenses.dco_copy import copy_grants
from licenses.models import DCO_RIGHTS, AgreementText, NewGrant, check_commit

UNMERGED = "the signer is no longer the contributor of this work (identities unmerged)"
_PEOPLE = """
SELECT id, coalesce(merged_into, id) AS person FROM contributors WHERE id = any($1::bigint[])
"""
_OUTBOUND = "SELECT outbound_license FROM projects WHERE id = $1"
_GRANTS = """
SELECT g.id, g.commit_sha, (g.evidence->>'signed_off_by')::bigint AS signer,
    g.withdrawn_at, g.effective_at,
    array(SELECT gc.contribution_id FROM grant_contributions gc
          WHERE gc.project_id = g.project_id AND gc.grant_id = g.id) AS linked
FROM grants g
WHERE g.project_id = $1 AND g.instrument = 'dco' AND g.commit_sha = any($2::text[])
"""
_LINK = """
INSERT INTO grant_contributions (project_id, grant_id, contribution_id)
SELECT $1, * FROM unnest($2::bigint[], $3::bigint[]) ON CONFLICT DO NOTHING
"""
_WITHDRAW = """
UPDATE grants SET withdrawn_at = effective_at, withdrawal_reason = $3
WHERE project_id = $1 AND id = $2 AND withdrawn_at IS NULL
"""
_SIGNED_WORK = """
SELECT id, contributor_id, occurred_at, metadata FROM contributions
WHERE project_id = $1 AND contributor_id = any($2::bigint[]) AND metadata ? 'signoffs'
"""
_BY_IDS = """
SELECT id, contributor_id, occurred_at, metadata FROM contributions
WHERE project_id = $1 AND id = any($2::bigint[])
"""

Pair = tuple[str, int]  # (commit sha, signer number)


class Signed(Protocol):
    """What a grant needs of a contribution (a register ``Contribution``, or a ``Work``)."""

    @property
    def id(self) -> int: ...

    @property
    def contributor_id(self) -> int: ...

    @property
    def occurred_at(self) -> datetime: ...

    @property
    def metadata(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Work:
    """A contribution just loaded in bulk, as far as its sign-offs need it."""

    id: int
    contributor_id: int
    occurred_at: datetime
    metadata: dict[str, Any]


@dataclass(slots=True)
class _Stored:
    """A DCO grant already recorded for a commit and signer."""

    id: int
    linked: set[int]
    withdrawn: bool
    effective_at: datetime


def _commit(c: Signed) -> str | None:
    value = c.metadata.get("commit")
    try:
        return check_commit(value) if isinstance(value, str) else None
    except InvalidInput:
        return None


def _signers(c: Signed) -> list[int]:
    found = c.metadata.get("signoffs")
    return [s for s in found if isinstance(s, int)] if isinstance(found, list) else []


async def _wanted(conn: asyncpg.Connection, work: Sequence[Signed]) -> dict[Pair, list[Signed]]:
    """The contributions each (commit, signer) should cover: the signer's own work."""
    ids = {c.contributor_id for c in work} | {s for c in work for s in _signers(c)}
    person = dict(await conn.fetch(_PEOPLE, list(ids))) if ids else {}
    wanted: dict[Pair, list[Signed]] = defaultdict(list)
    for c in work:
        sha = _commit(c)
        for signer in _signers(c) if sha else []:
            if person.get(signer) is not None and person.get(signer) == person.get(
                c.contributor_id
            ):
                wanted[(sha or "", signer)].append(c)
    return wanted


async def _stored(
    conn: asyncpg.Connection, project_id: int, shas: set[str]
) -> dict[Pair, list[_Stored]]:
    found: dict[Pair, list[_Stored]] = defaultdict(list)
    if not shas:
        return found
    for r in await conn.fetch(_GRANTS, project_id, sorted(shas)):
        if r["signer"] is not None:
            grant = _Stored(
                r["id"], set(r["linked"]), r["withdrawn_at"] is not None, r["effective_at"]
            )
            found[(r["commit_sha"], r["signer"])].append(grant)
    return found


class _Writer:
    """Collects the grants to record, extend and withdraw, then writes them."""

    def __init__(
        self, conn: asyncpg.Connection, project_id: int, actor: str, bulk: bool = False
    ) -> None:
        self.conn, self.project_id, self.actor, self.bulk = conn, project_id, actor, bulk
        self.new: list[tuple[Pair, int, list[Signed]]] = []
        self.extend: dict[int, set[int]] = {}
        self.withdraw: list[tuple[int, datetime]] = []

    async def write(self) -> int:
        if self.withdraw:
            events: list[tuple[GrantWithdrawn, str]] = []
            for grant_id, at in self.withdraw:
                await self.conn.execute(_WITHDRAW, self.project_id, grant_id, UNMERGED)
                event = GrantWithdrawn(
                    grant_id=grant_id, withdrawn_at=timestamp(at), reason=UNMERGED
                )
                events.append((event, self.actor))
            await append_events(self.conn, self.project_id, events)
        if self.extend:
            pairs = [(g, c) for g, ids in sorted(self.extend.items()) for c in sorted(ids)]
            await self.conn.execute(
                _LINK, self.project_id, [g for g, _ in pairs], [c for _, c in pairs]
            )
            extended = [
                (GrantExtended(grant_id=g, contribution_ids=tuple(sorted(c))), self.actor)
                for g, c in sorted(self.extend.items())
            ]
            await append_events(self.conn, self.project_id, extended)
        return await self._record() if self.new else 0

    async def _record(self) -> int:
        await ensure_dco(self.conn, self.project_id, self.actor)
        texts = await list_agreements(self.conn, self.project_id, "dco")
        outbound = await self.conn.fetchval(_OUTBOUND, self.project_id)
        made = [_grant(pair, n, work, texts, outbound) for pair, n, work in self.new]
        if self.bulk:  # keys found new under the journal head the caller holds
            return await copy_grants(self.conn, self.project_id, made, self.actor)
        created = await grants.insert_grants(self.conn, self.project_id, made, self.actor)
        return len(created)


def _grant(
    pair: Pair, n: int, work: list[Signed], texts: list[AgreementText], outbound: Any
) -> tuple[NewGrant, bytes]:
    (sha, signer), first = pair, work[0]
    in_force = [t for t in texts if t.effective_from <= first.occurred_at]
    text = in_force[-1] if in_force else texts[0]
    delivery = first.metadata.get("delivery")
    grant = NewGrant(
        natural_key=f"dco:{sha}:{signer}" + (f":{n}" if n > 1 else ""),
        instrument="dco",
        grantee="public",
        license_expression=outbound,
        rights=DCO_RIGHTS,
        patent_grant=False,
        irrevocable=True,
        royalty_free=True,
        effective_at=first.occurred_at,
        grantor_contributor_id=first.contributor_id,
        agreement_version=text.version,
        contribution_ids=tuple(sorted({c.id for c in work})),
        commit_sha=sha,
        signature_method="signed-off-by trailer",
        delivery_id=delivery[:255] if isinstance(delivery, str) and delivery else None,
        evidence={"trailer": "Signed-off-by", "signed_off_by": signer},
    )
    return grant, text.sha256


def _settle(
    writer: _Writer,
    pair: Pair,
    wanted: list[Signed],
    stored: list[_Stored],
    seen: set[int],
    by_id: dict[int, Signed],
) -> None:
    """What one (commit, signer) needs: ``seen`` are the contributions whose coverage
    was recomputed (the others keep what they have)."""
    want = {c.id for c in wanted}
    standing = [g for g in stored if not g.withdrawn]
    if not standing:
        if want:
            writer.new.append((pair, len(stored) + 1, wanted))
        return
    grant = standing[0]
    wrong = (grant.linked & seen) - want
    if not wrong:
        if want - grant.linked:
            writer.extend[grant.id] = want - grant.linked
        return
    writer.withdraw.append((grant.id, grant.effective_at))
    keep = (grant.linked - seen) | want
    work = [by_id[i] for i in sorted(keep) if i in by_id]
    if work:
        writer.new.append((pair, len(stored) + 1, work))


async def record_signoffs(
    conn: asyncpg.Connection,
    project_id: int,
    work: Sequence[Signed],
    actor: str,
    *,
    bulk: bool = False,
) -> int:
    """Turn the sign-offs newly recorded contributions carry into DCO grants of their
    signers' own work (caller's transaction); how many grants were new. ``bulk``
    (a history import holding the journal head) writes new grants by COPY."""
    signed = [c for c in work if _signers(c) and _commit(c)]
    if not signed:
        return 0
    wanted = await _wanted(conn, signed)
    stored = await _stored(conn, project_id, {sha for sha, _ in wanted})
    writer = _Writer(conn, project_id, actor, bulk)
    by_id = {c.id: c for c in signed}
    for pair, items in wanted.items():
        _settle(writer, pair, items, stored.get(pair, []), set(), by_id)
    return await writer.write()


async def reconcile(
    conn: asyncpg.Connection, project_id: int, contributor_ids: Sequence[int], actor: str
) -> int:
    """Recompute the DCO grants of these contributors' signed work in the project after
    their identities were merged or unmerged (caller's transaction); grants recorded."""
    rows = await conn.fetch(_SIGNED_WORK, project_id, list(contributor_ids))
    signed: list[Signed] = [w for w in map(_work, rows) if _commit(w)]
    if not signed:
        return 0
    wanted = await _wanted(conn, signed)
    shas = {sha for c in signed if (sha := _commit(c))}
    stored = await _stored(conn, project_id, shas)
    seen = {c.id for c in signed}
    by_id = {c.id: c for c in signed}
    outside = {i for items in stored.values() for g in items for i in g.linked} - seen
    if outside:  # work a standing grant covers beyond these contributors keeps its cover
        for row in await conn.fetch(_BY_IDS, project_id, sorted(outside)):
            by_id[row["id"]] = _work(row)
    writer = _Writer(conn, project_id, actor)
    for pair in sorted(set(wanted) | set(stored)):
        _settle(writer, pair, wanted.get(pair, []), stored.get(pair, []), seen, by_id)
    return await writer.write()


def _work(row: asyncpg.Record) -> Work:
    return Work(row["id"], row["contributor_id"], row["occurred_at"], row["metadata"])
