"""Stored Merkle subtrees of each journal, the proofs served from them, and signed tree heads.

``extend_tree`` hashes the events after the last covered one and stores every new
complete aligned subtree (``merkle_nodes``); a proof then reads its O(log n) nodes
in one query and never rereads the journal. A signed tree head is a compact JWS
(EdDSA, the instance's tree-head key, ``kid`` and ``typ: tree-head+jws`` in the
header) over the RFC 8785 form of ``{typ, project, project_id, tree_size, root_hash,
timestamp}``; one is kept per published size (``tree_heads``, append-only). The
background publisher (``ledger.journal.publisher``) keeps them current, so readers
take the stored head (``latest_head``) and the stored tree's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from ledger.journal import merkle
from ledger.journal.canonical import timestamp
from ledger.journal.chain import event_document, leaf_hash
from ledger.journal.jws import sign_payload
from ledger.journal.keys import TREE_HEADS, KeyRing
from ledger.kernel.errors import InvalidInput, NotFound

HEAD_TYPE = "commons-tree-head/1"
CHUNK = 1_000
"""Events hashed between two awaits: a catch-up over a long journal holds the event loop
a few milliseconds at a time, never for the whole backlog."""

_STATE = """
WITH made AS (
    INSERT INTO merkle_state (project_id) VALUES ($1) ON CONFLICT (project_id) DO NOTHING
)
SELECT 1
"""
_LOCK = "SELECT size FROM merkle_state WHERE project_id = $1 FOR UPDATE"
_SIZE = "SELECT coalesce((SELECT size FROM merkle_state WHERE project_id = $1), 0)"
_EVENTS = """
SELECT seq, type, version, body, actor, recorded_at FROM journal_events
WHERE project_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
"""
_NODES = """
SELECT n.level, n.idx, n.hash
FROM unnest($2::smallint[], $3::bigint[]) AS w(level, idx)
JOIN merkle_nodes n ON n.project_id = $1 AND n.level = w.level AND n.idx = w.idx
"""
_HEAD_COLUMNS = "project_id, size, root, signed_at, kid, jws"
_LATEST = f"""
SELECT {_HEAD_COLUMNS} FROM tree_heads WHERE project_id = $1 ORDER BY size DESC LIMIT 1
"""
_AT_SIZE = f"SELECT {_HEAD_COLUMNS} FROM tree_heads WHERE project_id = $1 AND size = $2"
_INSERT_HEAD = f"""
INSERT INTO tree_heads ({_HEAD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
RETURNING {_HEAD_COLUMNS}
"""


@dataclass(frozen=True, slots=True)
class SignedTreeHead:
    """A published tree head and its JWS."""

    project_id: int
    size: int
    root: bytes
    signed_at: datetime
    kid: str
    jws: str

    def public(self) -> dict[str, Any]:
        """The JSON form served over HTTP and embedded in reports."""
        return {
            "tree_size": self.size,
            "root_hash": self.root.hex(),
            "timestamp": timestamp(self.signed_at),
            "kid": self.kid,
            "jws": self.jws,
        }


def _head(row: asyncpg.Record) -> SignedTreeHead:
    return SignedTreeHead(
        row["project_id"], row["size"], bytes(row["root"]), row["signed_at"], row["kid"], row["jws"]
    )


async def covered_size(conn: asyncpg.Connection | asyncpg.Pool, project_id: int) -> int:
    """How many journal events the stored tree covers."""
    return int(await conn.fetchval(_SIZE, project_id))


async def extend_tree(conn: asyncpg.Connection, project_id: int, chunk: int = CHUNK) -> int:
    """Hash events after the covered size into stored subtrees, ``chunk`` events between
    two awaits; the new size (own transaction)."""
    async with conn.transaction():
        await conn.execute(_STATE, project_id)
        size = int(await conn.fetchval(_LOCK, project_id))
        frontier = await _fetch(conn, project_id, merkle.subtrees(0, size) if size else [])
        while True:
            rows = await conn.fetch(_EVENTS, project_id, size, chunk)
            if not rows:
                break
            leaves = [
                leaf_hash(
                    event_document(
                        project_id,
                        r["seq"],
                        r["type"],
                        r["version"],
                        r["body"],
                        r["actor"],
                        r["recorded_at"],
                    )
                )
                for r in rows
            ]
            size, frontier = await _store(conn, project_id, size, leaves, frontier)
        await conn.execute(
            "UPDATE merkle_state SET size = $2 WHERE project_id = $1", project_id, size
        )
    return size


async def _store(
    conn: asyncpg.Connection,
    project_id: int,
    old: int,
    leaves: list[bytes],
    frontier: dict[merkle.Subtree, bytes],
) -> tuple[int, dict[merkle.Subtree, bytes]]:
    """Store the subtrees ``leaves`` complete after the tree of ``old`` events, whose
    ``frontier`` (its root's subtrees) is given; the new size and its frontier."""
    new = old + len(leaves)
    known = dict(frontier)
    fresh: dict[merkle.Subtree, bytes] = {(0, old + i): h for i, h in enumerate(leaves)}
    known.update(fresh)
    level = 1
    while (1 << level) <= new:
        for i in range(old >> level, new >> level):
            digest = merkle.node(known[(level - 1, 2 * i)], known[(level - 1, 2 * i + 1)])
            known[(level, i)] = fresh[(level, i)] = digest
        level += 1
    await conn.copy_records_to_table(
        "merkle_nodes",
        records=[(project_id, lv, idx, h) for (lv, idx), h in fresh.items()],
        columns=["project_id", "level", "idx", "hash"],
    )
    return new, {s: known[s] for s in merkle.subtrees(0, new)}


async def _fetch(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, wanted: Sequence[merkle.Subtree]
) -> dict[merkle.Subtree, bytes]:
    if not wanted:
        return {}
    rows = await conn.fetch(
        _NODES, project_id, [lv for lv, _ in wanted], [idx for _, idx in wanted]
    )
    found = {(r["level"], r["idx"]): bytes(r["hash"]) for r in rows}
    if len(found) != len(set(wanted)):
        raise NotFound("the stored tree is missing nodes for this size")
    return found


def _root_of(size: int, nodes: dict[merkle.Subtree, bytes]) -> bytes:
    if size == 0:
        return merkle.EMPTY_ROOT
    return merkle.fold([nodes[s] for s in merkle.subtrees(0, size)])


def _check_size(size: int, covered: int, field: str) -> None:
    if size < 0:
        raise InvalidInput(f"{field} must not be negative", field)
    if size > covered:
        raise InvalidInput(f"{field} {size} exceeds the journal's {covered} events", field)


async def tree_root(conn: asyncpg.Connection | asyncpg.Pool, project_id: int, size: int) -> bytes:
    """MTH of the first ``size`` events, from stored subtrees."""
    _check_size(size, await covered_size(conn, project_id), "size")
    wanted = merkle.subtrees(0, size) if size else []
    return _root_of(size, await _fetch(conn, project_id, wanted))


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """Event ``seq`` (leaf ``seq - 1``) is in the tree of ``tree_size`` events."""

    seq: int
    tree_size: int
    leaf_hash: bytes
    path: list[bytes]
    root: bytes

    def public(self) -> dict[str, Any]:
        """JSON form (hex hashes)."""
        return {
            "seq": self.seq,
            "leaf_index": self.seq - 1,
            "tree_size": self.tree_size,
            "leaf_hash": self.leaf_hash.hex(),
            "path": [h.hex() for h in self.path],
            "root_hash": self.root.hex(),
        }


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """The tree of ``old`` events is a prefix of the tree of ``new`` events."""

    old: int
    new: int
    old_root: bytes
    new_root: bytes
    path: list[bytes]

    def public(self) -> dict[str, Any]:
        """JSON form (hex hashes)."""
        return {
            "from_size": self.old,
            "to_size": self.new,
            "from_root": self.old_root.hex(),
            "to_root": self.new_root.hex(),
            "path": [h.hex() for h in self.path],
        }


async def inclusion(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, seq: int, size: int
) -> InclusionProof:
    """The inclusion proof of event ``seq`` in the tree of ``size`` events (one query)."""
    _check_size(size, await covered_size(conn, project_id), "size")
    if not 1 <= seq <= size:
        raise InvalidInput(f"seq must be between 1 and the tree size {size}", "seq")
    plan = merkle.inclusion_plan(seq - 1, size)
    wanted = [(0, seq - 1), *merkle.nodes_needed(plan), *merkle.subtrees(0, size)]
    nodes = await _fetch(conn, project_id, list(dict.fromkeys(wanted)))
    path = merkle.resolve(plan, nodes.__getitem__)
    return InclusionProof(seq, size, nodes[(0, seq - 1)], path, _root_of(size, nodes))


async def consistency(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int, old: int, new: int
) -> ConsistencyProof:
    """The consistency proof between two tree sizes (one query)."""
    _check_size(new, await covered_size(conn, project_id), "to")
    if not 0 <= old <= new:
        raise InvalidInput("from must be between 0 and to", "from")
    plan = merkle.consistency_plan(old, new)
    wanted = [
        *merkle.nodes_needed(plan),
        *(merkle.subtrees(0, old) if old else []),
        *(merkle.subtrees(0, new) if new else []),
    ]
    nodes = await _fetch(conn, project_id, list(dict.fromkeys(wanted)))
    path = merkle.resolve(plan, nodes.__getitem__)
    return ConsistencyProof(old, new, _root_of(old, nodes), _root_of(new, nodes), path)


async def latest_head(
    conn: asyncpg.Connection | asyncpg.Pool, project_id: int
) -> SignedTreeHead | None:
    """The newest signed tree head, or None before the first."""
    row = await conn.fetchrow(_LATEST, project_id)
    return _head(row) if row else None


async def publish_head(
    conn: asyncpg.Connection, project_id: int, slug: str, ring: KeyRing
) -> SignedTreeHead:
    """Extend the tree and return the signed head of its current size, signed by the
    tree-head ring ``ring`` once per size by one caller in any process (the tree's state
    row stays locked until the head is stored: a concurrent caller waits, then returns
    that head)."""
    if ring.purpose != TREE_HEADS:
        raise ValueError(f"tree heads are signed by the tree-head keys, not {ring.purpose.name}")
    async with conn.transaction():
        size = await extend_tree(conn, project_id)
        row = await conn.fetchrow(_AT_SIZE, project_id, size)
        if row is not None:
            return _head(row)
        root = await tree_root(conn, project_id, size)
        now = await conn.fetchval("SELECT date_trunc('milliseconds', clock_timestamp())")
        payload = head_payload(project_id, slug, size, root, now)
        token = sign_payload(ring, payload)
        row = await conn.fetchrow(_INSERT_HEAD, project_id, size, root, now, ring.active.kid, token)
        if row is None:  # signed concurrently by another request: keep the first
            row = await conn.fetchrow(_AT_SIZE, project_id, size)
        return _head(row)


def head_payload(
    project_id: int, slug: str, size: int, root: bytes, at: datetime
) -> dict[str, Any]:
    """The signed statement of a tree head."""
    return {
        "typ": HEAD_TYPE,
        "project": slug,
        "project_id": project_id,
        "tree_size": size,
        "root_hash": root.hex(),
        "timestamp": timestamp(at),
    }
