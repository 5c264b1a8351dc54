"""Checking a journal one event at a time as a verifier reads it, in flat memory.

A ``Feed`` takes event documents in order (from a report's embedded events, or lines of
the instance's JSON Lines export ``/projects/{slug}/journal.jsonl``, each
``{"document": ..., "hash": ..., "prev_hash": ...}``) and holds each one to the format:
exactly the seven document keys, this project, the next ``seq``; for export lines also
the hash chain (``hash = SHA-256(prev_hash || RFC 8785 document)`` from 32 zero bytes).
Every document's leaf hash goes into a Merkle ``Frontier``, so the root of any prefix
is known without keeping the events; each body is decoded by the journal's catalogue
and handed back as its typed event. ``FeedError`` says what is wrong with which event.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from ledger.journal import merkle
from ledger.journal.canonical import GENESIS_HASH, canonical_json
from ledger.journal.events import Event, EventError, decode

KEYS = frozenset({"project_id", "seq", "type", "v", "body", "actor", "recorded_at"})


class FeedError(ValueError):
    """An event breaks the format, the chain, the order or the catalogue."""


class Feed:
    """The running state of a verifier reading one project's journal from seq 1."""

    def __init__(self, project_id: int, watch: dict[int, dict[str, Any]] | None = None) -> None:
        self.project_id = project_id
        self.frontier = merkle.Frontier()
        self.prev_hash = GENESIS_HASH
        self.watch = watch or {}
        """Documents expected at some seqs (a report's sample events)."""
        self.roots: dict[int, bytes] = {}
        self.root_at: set[int] = set()
        """Sizes whose root to keep (an older report's tree size)."""
        self.recorded_at = ""
        self.actor = ""
        """The journal time and actor of the last event taken."""

    @property
    def size(self) -> int:
        return self.frontier.size

    def document(self, document: Any) -> Event:
        """Check and take the next event document; its decoded body."""
        canonical = self._check(document)
        self._leaf(canonical)
        return self._decode(document)

    def line(self, raw: bytes) -> Event:
        """Check and take the next line of a journal export; its decoded body."""
        try:
            item = orjson.loads(raw)
            document, digest, prev = item["document"], item["hash"], item["prev_hash"]
            if set(item) != {"document", "hash", "prev_hash"}:
                raise KeyError("unexpected keys")
            digest_bytes, prev_bytes = bytes.fromhex(digest), bytes.fromhex(prev)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise FeedError(f"line {self.size + 1} is not an export line: {exc}") from None
        canonical = self._check(document)
        if prev_bytes != self.prev_hash:
            raise FeedError(f"event {self.size + 1}: prev_hash is not the previous event's hash")
        if hashlib.sha256(prev_bytes + canonical).digest() != digest_bytes:
            raise FeedError(f"event {self.size + 1}: hash does not match its document")
        self.prev_hash = digest_bytes
        self._leaf(canonical)
        return self._decode(document)

    def _check(self, document: Any) -> bytes:
        seq = self.size + 1
        if not isinstance(document, dict) or set(document) != KEYS:
            raise FeedError(f"event {seq} is not an event document")
        if document["seq"] != seq or document["project_id"] != self.project_id:
            raise FeedError(f"expected event {seq} of project {self.project_id}")
        expected = self.watch.get(seq)
        if expected is not None and expected != document:
            raise FeedError(f"event {seq} differs from the report's sample of it")
        self.recorded_at, self.actor = str(document["recorded_at"]), str(document["actor"])
        return canonical_json(document)

    def _leaf(self, canonical: bytes) -> None:
        self.frontier.add(hashlib.sha256(b"\x00" + canonical).digest())
        if self.frontier.size in self.root_at:
            self.roots[self.frontier.size] = self.frontier.root()

    def _decode(self, document: dict[str, Any]) -> Event:
        try:
            return decode(document["type"], document["body"], document["v"])
        except EventError as exc:
            raise FeedError(f"event {document['seq']}: {exc}") from None
