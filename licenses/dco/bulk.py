"""A history import's sign-offs settled before its batch is written, so that the new
grants are encoded while the batch's contributions are copied, then written after."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from ledger.register.bulk.encode import Cursor
from licenses.dco.copy import Encoded, chain_grants, encode_grants, grant_numbers, write_grants
from licenses.dco.settle import GrantWriter, settled
from licenses.dco.work import Signed
from licenses.models import AgreementText


@dataclass(slots=True)
class Prepared:
    """A bulk batch's sign-offs settled before its contributions are written: what to
    withdraw and extend, and the new grants' terms and numbers, so that encoding the
    new grants (CPU only) can run while the contributions are copied."""

    writer: GrantWriter
    texts: list[AgreementText]
    outbound: str | None
    ids: list[int]

    async def encode(self, after: Cursor, now: datetime, step: int = 64) -> Encoded:
        """The new grants encoded, their events chained ``after`` the batch's
        contributions' events and recorded at ``now`` unless grants are also to be
        withdrawn or extended (their events come first, so these are chained when
        written); the event loop runs every ``step`` grants."""
        writer = self.writer
        encoded = await encode_grants(
            writer.project_id, writer.actor, writer.new, self.texts, self.outbound, self.ids,
            step=step,
        )  # fmt: skip
        if encoded.ids and not writer.changing:
            await asyncio.sleep(0)
            chain_grants(writer.project_id, writer.actor, encoded, after, now)
        return encoded

    async def write(self, conn: asyncpg.Connection, encoded: Encoded) -> int:
        """Write what was settled, once the contributions are in (caller's transaction,
        holding the journal head); how many grants were new."""
        await self.writer.changes()
        return await write_grants(conn, self.writer.project_id, self.writer.actor, encoded)


async def prepare_signoffs(
    conn: asyncpg.Connection, project_id: int, work: Sequence[Signed], actor: str
) -> Prepared | None:
    """Settle the sign-offs of contributions about to be loaded in bulk (numbered,
    not yet written; caller's transaction): the DCO agreement is made first when
    needed, and the new grants get their numbers. None when nothing is to change."""
    writer = await settled(conn, project_id, work, actor)
    if writer is None or not (writer.new or writer.changing):
        return None
    texts: list[AgreementText] = []
    outbound: str | None = None
    ids: list[int] = []
    if writer.new:
        texts, outbound = await writer.terms()
        ids = await grant_numbers(conn, len(writer.new))
    return Prepared(writer, texts, outbound, ids)
