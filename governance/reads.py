"""Reads of votes for dashboards: proposals in either order (by number, or by closing
time for deadlines) paged both ways, and one contributor's part in the project's
decisions (public ballots cast, delegations given and received).

Secret ballots are never attributed to anyone here: only ballots of proposals that
are not secret are counted or listed as a voter's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from governance.models import Proposal
from governance.store import _COLUMNS, _proposal
from ledger.kernel.paging import Page, Slice, cursor_int, cursor_time, slice_page

ORDERS = ("number", "closes_at")
_READ = f"""
SELECT {_COLUMNS} FROM proposals
WHERE project_id = $1 AND ($2::text IS NULL OR state = $2)
  AND ($3::{{type}} IS NULL OR ({{key}}) {{cmp}} ($3, $4))
ORDER BY {{order}} LIMIT $5
"""
_KEYS = {"number": ("id", "bigint"), "closes_at": ("closes_at, id", "timestamptz")}


def _statement(order: str, descending: bool) -> str:
    key, type_ = _KEYS[order]
    direction = "DESC" if descending else "ASC"
    return _READ.format(
        type=type_,
        key=key if order == "closes_at" else "id, id",
        cmp="<" if descending else ">",
        order=", ".join(f"{k.strip()} {direction}" for k in key.split(",")),
    )


_PAGES = {(o, d): _statement(o, d) for o in ORDERS for d in (True, False)}
_COUNT = "SELECT count(*) FROM proposals WHERE project_id = $1 AND ($2::text IS NULL OR state = $2)"
# A contributor's part, in one statement: their latest $3 public ballots, how many they
# cast, and the delegations they gave or received.
_PART = """
SELECT
    ARRAY(SELECT row(p.id, p.title, p.kind, p.state, p.outcome, p.closes_at, b.cast_at)
          FROM ballots b JOIN proposals p ON p.project_id = b.project_id AND p.id = b.proposal_id
          WHERE b.project_id = $1 AND b.voter_id = $2 AND NOT p.secret
          ORDER BY b.cast_at DESC, p.id DESC LIMIT $3) AS ballots,
    (SELECT count(*) FROM ballots b
     JOIN proposals p ON p.project_id = b.project_id AND p.id = b.proposal_id
     WHERE b.project_id = $1 AND b.voter_id = $2 AND NOT p.secret) AS cast,
    ARRAY(SELECT row(delegator_id, scope, delegate_id) FROM delegations
          WHERE project_id = $1 AND (delegator_id = $2 OR delegate_id = $2)
          ORDER BY delegator_id, scope) AS delegations
"""
# The open proposals by deadline (as ``proposals_page`` orders by closing time), and
# how many are open, in one statement.
_DUE = """
SELECT ARRAY(SELECT row(id, title, kind, closes_at) FROM proposals
             WHERE project_id = $1 AND state = 'open' ORDER BY closes_at, id LIMIT $2) AS due,
    (SELECT count(*) FROM proposals WHERE project_id = $1 AND state = 'open') AS open
"""


@dataclass(frozen=True, slots=True)
class CastBallot:
    """A public ballot a contributor cast, and the proposal it was cast on."""

    proposal: int
    title: str
    kind: str
    state: str
    outcome: str | None
    closes_at: datetime
    cast_at: datetime


@dataclass(frozen=True, slots=True)
class StandingDelegation:
    delegator: int
    scope: str
    delegate: int


def _cursor(order: str, key: list[Any]) -> tuple[Any, int]:
    if order == "closes_at":
        return cursor_time(key[0]), cursor_int(key[1])
    return cursor_int(key[0]), cursor_int(key[1])


def _key(order: str) -> Any:
    if order == "closes_at":
        return lambda p: (p.closes_at.isoformat(), p.id)
    return lambda p: (p.id, p.id)


async def proposals_page(
    conn: asyncpg.Connection | asyncpg.Pool,
    project_id: int,
    state: str | None,
    window: Slice,
    order: str = "number",
    descending: bool = True,
) -> Page[Proposal]:
    """Proposals (of one state, if given) by number or closing time, and their count."""
    assert order in ORDERS
    first, second = _cursor(order, window.key) if window.key else (None, None)
    rows = await conn.fetch(
        _PAGES[(order, window.descending(descending))],
        project_id,
        state,
        first,
        second,
        window.size + 1,
    )
    total = await conn.fetchval(_COUNT, project_id, state)
    return slice_page([_proposal(r) for r in rows], window, total, _key(order))


@dataclass(frozen=True, slots=True)
class Part:
    """A contributor's part in the project's decisions."""

    ballots: list[CastBallot]
    cast: int
    """Public ballots cast in all."""
    delegations: list[StandingDelegation]


@dataclass(frozen=True, slots=True)
class Due:
    """An open proposal and its deadline."""

    number: int
    title: str
    kind: str
    closes_at: datetime


async def part_of(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, contributor: int, limit: int
) -> Part:
    """The contributor's latest ``limit`` public ballots (newest first), how many they
    cast, and the delegations they gave or received (delegations are public)."""
    row = await conn.fetchrow(_PART, project_id, contributor, limit)
    assert row is not None  # a SELECT without FROM answers one row
    return Part(
        ballots=[CastBallot(*b) for b in row["ballots"]],
        cast=row["cast"],
        delegations=[StandingDelegation(*d) for d in row["delegations"]],
    )


async def due(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, limit: int
) -> tuple[list[Due], int]:
    """The first ``limit`` open proposals by deadline, and how many are open."""
    row = await conn.fetchrow(_DUE, project_id, limit)
    assert row is not None
    return [Due(*d) for d in row["due"]], row["open"]
