"""GraphQL types of the journal: its events, length, head and verification."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from ledger.graphql import Connection, Info, as_json, connection
from ledger.journal import chain as journal
from ledger.journal import checkpoints
from ledger.journal.chain import JournalEvent as EventModel
from ledger.kernel.errors import NotFound
from ledger.kernel.paging import cursor_int, decode_cursor, make_page, page_size


@strawberry.type(
    description="One event of the project's hash-chained journal. Its fields are exactly "
    "the hashed document `{project_id, seq, type, v, body, actor, recorded_at}` (see "
    "`document`), so the chain can be rehashed from this API alone."
)
class JournalEvent:
    project_id: int = strawberry.field(description="The project's number (`project_id`).")
    seq: int = strawberry.field(description="Place in the chain, from 1.")
    type: str = strawberry.field(description="The event type's name in the catalogue.")
    version: int = strawberry.field(description="The event type's version (`v`).")
    body: JSON = strawberry.field(description="The event, as its type's schema describes.")
    actor: str = strawberry.field(
        description="Who made the change: `contributor:N`, `token:<pseudonym>` or a "
        "system name; never a name or an email."
    )
    recorded_at: str = strawberry.field(
        description="When it was recorded, exactly as hashed (RFC 3339, microseconds, Z)."
    )
    prev_hash: str = strawberry.field(description="Hex SHA-256 of the previous event.")
    hash: str = strawberry.field(description="Hex SHA-256(prev_hash || RFC 8785 document).")
    document: JSON = strawberry.field(
        description="The hashed document itself; its RFC 8785 form is what is hashed."
    )

    @classmethod
    def of(cls, e: EventModel) -> JournalEvent:
        document = e.document()
        return cls(
            project_id=e.project_id,
            seq=e.seq,
            type=e.type,
            version=e.version,
            body=as_json(e.body),
            actor=e.actor,
            recorded_at=document["recorded_at"],
            prev_hash=e.prev_hash.hex(),
            hash=e.hash.hex(),
            document=as_json(document),
        )


@strawberry.type(
    description="How far the chain is verified: every hash recomputed from event 1 "
    "through `checked`, kept up to date as events are appended (and by a background "
    "checker), so reading it costs the same whatever the journal's length."
)
class JournalVerification:
    ok: bool = strawberry.field(description="No event checked so far fails to verify.")
    checked: int = strawberry.field(description="Events verified, from the first.")
    length: int = strawberry.field(description="Events in the chain now.")
    pending: int = strawberry.field(description="Events not checked yet (0 once broken).")
    broken_seq: int | None = strawberry.field(description="First event that does not verify.")
    reason: str
    head_hash: str = strawberry.field(description="Hex hash of the last event verified.")
    checked_at: datetime | None = strawberry.field(
        description="When the checkpoint last moved (null before the first check)."
    )
    full: bool = strawberry.field(description="Whether this is a full recheck made just now.")


@strawberry.type(description="The project's append-only, hash-chained event log.")
class Journal:
    project_id: strawberry.Private[int]

    @strawberry.field(description="Number of events in the chain.")
    async def length(self, info: Info) -> int:
        return (await journal.head(info.context.pool, self.project_id))[0]

    @strawberry.field(description="Hex hash of the last event (zeros when empty).")
    async def head_hash(self, info: Info) -> str:
        return (await journal.head(info.context.pool, self.project_id))[1].hex()

    @strawberry.field(description="Events in order, keyset-paged by sequence number.")
    async def events(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[JournalEvent]:
        size = page_size(first)
        key = decode_cursor(after, 1)
        pool = info.context.pool
        events = await journal.page(
            pool, self.project_id, cursor_int(key[0]) if key else 0, size + 1
        )
        total = (await journal.head(pool, self.project_id))[0]
        page = make_page(events, size, total, lambda e: (e.seq,))
        return connection(page, [JournalEvent.of(e) for e in page.items])

    @strawberry.field(
        description="How far the chain is verified, from its checkpoint. `full: true` "
        "(instance admins) recomputes the whole chain now and records the verdict."
    )
    async def verify(self, info: Info, full: bool = False) -> JournalVerification:
        if full:
            info.context.principal.require_admin()
            async with info.context.pool.acquire() as conn:
                await checkpoints.recheck(conn, self.project_id)
        known = await info.context.loaders.get(checkpoints.load_statuses).load(self.project_id)
        if known is None:
            raise NotFound(f"project {self.project_id} has no journal")
        return JournalVerification(
            ok=known.ok,
            checked=known.checked,
            length=known.length,
            pending=known.pending,
            broken_seq=known.broken_seq,
            reason=known.reason,
            head_hash=known.hash.hex(),
            checked_at=known.checked_at,
            full=full,
        )
