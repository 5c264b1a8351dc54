"""Receiving a webhook: route, verify, parse, store first (no web framework here).

``Receiver.receive`` answers 202 once the delivery is durably in the inbox
(``ignored``, with its reason, when no rule maps its event or it comes from a
repository the project does not list), 200 for a delivery key seen before, and
refuses (writing nothing) with 404 / 413 / 401 / 400. A database that cannot be
reached is never a 2xx: its error goes up to the caller's boundary (503 over HTTP, by
``ledger.kernel.boundary``), and the pool drops its connections so the next delivery
reconnects.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg

from intake import inbox
from intake.body import decode_payload, signed_bytes
from intake.connections import Target, find_target
from intake.forges import FORGES, Forge
from intake.mapping import NO_RULES, is_relevant
from intake.scope import out_of_scope
from intake.verify import Refused, delivery_key, event_name, verify
from ledger.kernel.boundary import is_outage


@dataclass(frozen=True, slots=True)
class Answer:
    """The HTTP status and JSON body for a delivery."""

    status: int
    body: dict[str, Any]


class TargetCache:
    """Project ids and active secrets per (slug, forge), kept for ``ttl`` seconds.

    A stale entry is harmless: the insert re-checks that the secret is still active,
    and a signature that matches no cached secret triggers one fresh lookup.
    """

    def __init__(self, ttl: float = 5.0) -> None:
        self.ttl = ttl
        self._entries: dict[tuple[str, str], tuple[float, Target | None]] = {}

    async def get(
        self, pool: asyncpg.Pool, slug: str, forge: str, fresh: bool = False
    ) -> Target | None:
        """The target, from the cache unless ``fresh`` or expired."""
        now = time.monotonic()
        hit = self._entries.get((slug, forge))
        if hit is not None and not fresh and now - hit[0] < self.ttl:
            return hit[1]
        target = await find_target(pool, slug, forge)
        self._entries[(slug, forge)] = (now, target)
        return target

    def clear(self) -> None:
        """Forget everything (after a secret changed in this process)."""
        self._entries.clear()


class GroupCommit:
    """Stores deliveries in shared commits: while ``parallel`` batches are being
    committed, new arrivals queue up and go together in the next statement (no added
    wait; one fsync for many deliveries). Every caller learns its own row's outcome,
    or its batch's error."""

    def __init__(self, pool: asyncpg.Pool, max_batch: int = 64, parallel: int = 2) -> None:
        self.pool = pool
        self.max_batch = max_batch
        self.parallel = parallel
        self._queue: list[tuple[inbox.NewDelivery, asyncio.Future[inbox.Stored]]] = []
        self._flushers: set[asyncio.Task[None]] = set()

    async def store(self, delivery: inbox.NewDelivery) -> inbox.Stored:
        """Store one delivery with whatever else is waiting; its outcome once durable."""
        future: asyncio.Future[inbox.Stored] = asyncio.get_running_loop().create_future()
        self._queue.append((delivery, future))
        if len(self._flushers) < self.parallel:
            task = asyncio.create_task(self._flush())
            self._flushers.add(task)
            task.add_done_callback(self._flushers.discard)
        return await future

    async def _flush(self) -> None:
        while self._queue:
            batch = self._queue[: self.max_batch]
            del self._queue[: self.max_batch]
            try:
                results = await inbox.store_many(self.pool, [d for d, _ in batch])
            except Exception as exc:  # every waiter of this batch gets the error
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)


def _refusal(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"error": code, "message": message})


class Receiver:
    """Verifies and stores deliveries for one running instance."""

    def __init__(self, pool: asyncpg.Pool, max_body: int) -> None:
        self.pool = pool
        self.max_body = max_body
        self.targets = TargetCache()
        self.commits = GroupCommit(pool)

    async def receive(
        self, forge_name: str, slug: str, body: bytes, headers: Mapping[str, str]
    ) -> Answer:
        """Verify and store one delivery; the answer to give the forge."""
        forge = FORGES.get(forge_name)
        if forge is None:
            return _refusal(404, "unknown_forge", f"no forge {forge_name!r}")
        if len(body) > self.max_body:
            return _refusal(413, "too_large", f"the body is over {self.max_body} bytes")
        try:
            return await self._receive(forge, slug, body, headers)
        except Refused as exc:
            return _refusal(exc.status, exc.code, exc.message)
        except Exception as exc:
            if is_outage(exc):
                await self.pool.expire_connections()  # reconnect, rather than reuse dead ones
            raise

    async def _target(self, forge: Forge, slug: str, fresh: bool) -> Target:
        target = await self.targets.get(self.pool, slug, forge.name, fresh)
        if target is None:
            raise Refused(404, "unknown_project", f"no project {slug!r}")
        if not target.connected:
            raise Refused(404, "not_connected", f"project {slug!r} has no {forge.name} connection")
        return target

    async def _receive(
        self, forge: Forge, slug: str, body: bytes, headers: Mapping[str, str]
    ) -> Answer:
        target = await self._target(forge, slug, False)
        signed = signed_bytes(forge, body, headers)
        try:
            secret_id = verify(forge, target.secrets, signed, headers)
        except Refused as exc:
            if exc.status != 401:
                raise
            target = await self._target(forge, slug, True)
            secret_id = verify(forge, target.secrets, signed, headers)
        payload = decode_payload(body, headers)
        key = delivery_key(forge, headers)
        event = event_name(forge, headers, payload)
        kept = {h: v for h in forge.kept_headers if (v := headers.get(h))}
        relevant = is_relevant(forge.name, forge.rule_event(event, kept))
        reason = out_of_scope(target.repositories, forge.name, payload) if relevant else NO_RULES
        stored = await self.commits.store(
            inbox.NewDelivery(
                target.project_id, forge.name, secret_id, event, key, kept, body, reason
            )
        )
        if not stored.active:
            self.targets.clear()
            raise Refused(401, "retired_secret", "the secret that signed this was retired")
        if stored.id is None:
            return Answer(200, {"status": "duplicate", "delivery": key})
        if reason is None:
            return Answer(202, {"status": "accepted", "delivery": key, "id": stored.id})
        return Answer(
            202, {"status": "ignored", "reason": reason, "delivery": key, "id": stored.id}
        )
