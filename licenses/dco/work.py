"""What a DCO grant is made of: the signed work of contributions, who signed each
commit, and the grants already recorded for those commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import asyncpg

from ledger.kernel.errors import InvalidInput
from licenses.models import check_commit

_PEOPLE = """
SELECT id, coalesce(merged_into, id) AS person FROM contributors WHERE id = any($1::bigint[])
"""
_GRANTS = """
SELECT g.id, g.commit_sha, (g.evidence->>'signed_off_by')::bigint AS signer,
    g.withdrawn_at, g.effective_at,
    array(SELECT gc.contribution_id FROM grant_contributions gc
          WHERE gc.project_id = g.project_id AND gc.grant_id = g.id) AS linked
FROM grants g
WHERE g.project_id = $1 AND g.instrument = 'dco' AND g.commit_sha = any($2::text[])
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
class Stored:
    """A DCO grant already recorded for a commit and signer."""

    id: int
    linked: set[int]
    withdrawn: bool
    effective_at: datetime


def commit_of(c: Signed) -> str | None:
    """The commit a contribution's metadata names, when it is a well-formed sha."""
    value = c.metadata.get("commit")
    try:
        return check_commit(value) if isinstance(value, str) else None
    except InvalidInput:
        return None


def signers_of(c: Signed) -> list[int]:
    """The contributor numbers of a contribution's signers."""
    found = c.metadata.get("signoffs")
    return [s for s in found if isinstance(s, int)] if isinstance(found, list) else []


async def wanted_pairs(
    conn: asyncpg.Connection, work: Sequence[Signed]
) -> dict[Pair, list[Signed]]:
    """The contributions each (commit, signer) should cover: the signer's own work."""
    marked = [
        (c, sha, signers) for c in work if (sha := commit_of(c)) and (signers := signers_of(c))
    ]
    ids = {c.contributor_id for c, _, _ in marked} | {s for _, _, found in marked for s in found}
    person = dict(await conn.fetch(_PEOPLE, list(ids))) if ids else {}
    wanted: dict[Pair, list[Signed]] = defaultdict(list)
    for c, sha, signers in marked:
        own = person.get(c.contributor_id)
        if own is None:
            continue
        for signer in signers:
            if person.get(signer) == own:
                wanted[(sha, signer)].append(c)
    return wanted


async def stored_grants(
    conn: asyncpg.Connection, project_id: int, shas: set[str]
) -> dict[Pair, list[Stored]]:
    """The project's DCO grants of these commits, by (commit, signer)."""
    found: dict[Pair, list[Stored]] = defaultdict(list)
    if not shas:
        return found
    for r in await conn.fetch(_GRANTS, project_id, sorted(shas)):
        if r["signer"] is not None:
            grant = Stored(
                r["id"], set(r["linked"]), r["withdrawn_at"] is not None, r["effective_at"]
            )
            found[(r["commit_sha"], r["signer"])].append(grant)
    return found


def work_of(row: asyncpg.Record) -> Work:
    """A stored contribution as far as its sign-offs need it."""
    return Work(row["id"], row["contributor_id"], row["occurred_at"], row["metadata"])
