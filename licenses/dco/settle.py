"""Settling one (commit, signer): whether its grant is recorded, extended, or withdrawn
and recorded again; and the writer that journals what the settlement found."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from ledger.journal.canonical import timestamp
from ledger.journal.chain import append_events
from ledger.journal.events.licenses import GrantExtended, GrantWithdrawn
from licenses import grants
from licenses.agreements import ensure_dco, list_agreements
from licenses.dco.work import (
    Pair,
    Signed,
    Stored,
    stored_grants,
    wanted_pairs,
)
from licenses.models import DCO_RIGHTS, AgreementText, NewGrant

UNMERGED = "the signer is no longer the contributor of this work (identities unmerged)"
OUTBOUND = "SELECT outbound_license FROM projects WHERE id = $1"
_LINK = """
INSERT INTO grant_contributions (project_id, grant_id, contribution_id)
SELECT $1, * FROM unnest($2::bigint[], $3::bigint[]) ON CONFLICT DO NOTHING
"""
_WITHDRAW = """
UPDATE grants SET withdrawn_at = effective_at, withdrawal_reason = $3
WHERE project_id = $1 AND id = $2 AND withdrawn_at IS NULL
"""


class GrantWriter:
    """Collects the grants to record, extend and withdraw, then writes them."""

    def __init__(self, conn: asyncpg.Connection, project_id: int, actor: str) -> None:
        self.conn, self.project_id, self.actor = conn, project_id, actor
        self.new: list[tuple[Pair, int, list[Signed]]] = []
        self.extend: dict[int, set[int]] = {}
        self.withdraw: list[tuple[int, datetime]] = []

    @property
    def changing(self) -> bool:
        """Whether standing grants are to be withdrawn or extended (journaled before
        any new grant)."""
        return bool(self.withdraw or self.extend)

    async def write(self) -> int:
        """Write everything the settlement found; how many grants were new."""
        await self.changes()
        return await self._record() if self.new else 0

    async def changes(self) -> None:
        """Withdraw and extend what the settlement found (the new grants aside)."""
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

    async def terms(self) -> tuple[list[AgreementText], str | None]:
        """The DCO texts (publishing DCO 1.1 first when the project has none) and the
        project's outbound license, which the new grants are made under."""
        await ensure_dco(self.conn, self.project_id, self.actor)
        texts = await list_agreements(self.conn, self.project_id, "dco")
        return texts, await self.conn.fetchval(OUTBOUND, self.project_id)

    async def _record(self) -> int:
        texts, outbound = await self.terms()
        made = [new_grant(pair, n, work, texts, outbound) for pair, n, work in self.new]
        created = await grants.insert_grants(self.conn, self.project_id, made, self.actor)
        return len(created)


async def settled(
    conn: asyncpg.Connection, project_id: int, work: Sequence[Signed], actor: str
) -> GrantWriter | None:
    """What newly recorded (or about to be loaded) contributions' sign-offs change,
    settled pair by pair (caller's transaction); None when none is signed."""
    signed = [c for c in work if c.metadata.get("signoffs")]  # wanted_pairs checks them
    if not signed:
        return None
    wanted = await wanted_pairs(conn, signed)
    stored = await stored_grants(conn, project_id, {sha for sha, _ in wanted})
    writer = GrantWriter(conn, project_id, actor)
    by_id = {c.id: c for c in signed}
    for pair, items in wanted.items():
        settle(writer, pair, items, stored.get(pair, []), set(), by_id)
    return writer


def new_grant(
    pair: Pair, n: int, work: list[Signed], texts: list[AgreementText], outbound: Any
) -> tuple[NewGrant, bytes]:
    (sha, signer), first = pair, work[0]
    text = in_force(texts, first.occurred_at)
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


def in_force(texts: list[AgreementText], at: datetime) -> AgreementText:
    """The newest of the texts in force at ``at`` (the first text before any was)."""
    if len(texts) == 1:  # a history's grants are made under the one text it has
        return texts[0]
    found = [t for t in texts if t.effective_from <= at]
    return found[-1] if found else texts[0]


def settle(
    writer: GrantWriter,
    pair: Pair,
    wanted: list[Signed],
    stored: list[Stored],
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
