"""Answers of persisted operations kept in this process, each for one journal head.

An answer is keyed by (operation, variables, viewer) and stamped with the head it
was computed at; it is served only while its project's head is still that one, so
a write anywhere (this process, another worker, the CLI) makes it unreachable at
once. ``etag`` is the same function of (operation, variables, head, viewer), so a
client's ``If-None-Match`` is answered 304 without computing anything.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from ledger.kernel.principal import Principal

Key = tuple[str, str, str]
"""(operation name, canonical JSON of the variables, viewer)."""
Headers = list[tuple[bytes, bytes]]
HIT = (b"x-cache", b"hit")
MISS = (b"x-cache", b"miss")


def viewer(principal: Principal, slug: str) -> str:
    """What of the caller an answer about project ``slug`` may depend on: its role
    there and the contributor it votes as (``myBallot``)."""
    if principal.anonymous:
        return "anonymous"
    role = "admin" if principal.admin else principal.roles.get(slug, "reader")
    if principal.contributor_id is not None:
        return f"{role}:contributor:{principal.contributor_id}"
    return role


def etag(digest: str, variables: str, project_id: int, seq: int, seen_by: str) -> str:
    """A weak entity tag of one answer (weak: ``extensions`` differ between requests)."""
    material = "\0".join((digest, variables, seen_by)).encode()
    return f'W/"{project_id}.{seq}.{hashlib.sha256(material).hexdigest()[:24]}"'


def entity_headers(tag: str, anonymous: bool) -> Headers:
    """The headers of an answer at one head, encoded: its tag and how it may be kept
    (by anyone for an anonymous reader, else by the reader only; always revalidated)."""
    scope = b"public" if anonymous else b"private"
    return [
        (b"etag", tag.encode()),
        (b"cache-control", scope + b", no-cache"),
        (b"vary", b"Authorization"),
    ]


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``tag`` (weak comparison, RFC 9110)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    opaque = tag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == opaque for t in if_none_match.split(","))


@dataclass(frozen=True, slots=True)
class Cached:
    """One answer (``{"data": ...}`` as JSON), the head it holds for and its headers."""

    seq: int
    etag: str
    body: bytes
    headers: Headers


class ResponseCache:
    """At most ``size`` answers, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Key, Cached] = OrderedDict()

    def get(self, key: Key, seq: int) -> Cached | None:
        """The answer for ``key`` if it was computed at head ``seq``."""
        found = self._entries.get(key)
        if found is None or found.seq != seq:
            return None
        self._entries.move_to_end(key)
        return found

    def put(self, key: Key, entry: Cached) -> None:
        """Keep ``entry``, unless an answer of a newer head is kept already."""
        if self.size == 0:
            return
        known = self._entries.get(key)
        if known is not None and known.seq > entry.seq:
            return
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
