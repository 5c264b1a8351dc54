"""``bulk_load``: new contributions with their journal events in the caller's
transaction, by COPY (intake's history import uses it).

The whole load holds the project's journal head from the start, so the chain stays
single and the keys found new stay new; a natural key that is already recorded fails
the load as a whole (nothing is written). For a resumable load committed chunk by
chunk, see ``imports``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from itertools import islice

import asyncpg

from ledger.kernel.errors import InvalidInput, NotFound
from ledger.register.bulk.encode import Cursor, Terms
from ledger.register.bulk.stream import write_batch
from ledger.register.bulk.write import Writer, lock_owners, lock_people
from ledger.register.credit import current_policy
from ledger.register.models import NewContribution
from ledger.register.projects import project_kinds

LOCK_HEAD = """
SELECT seq, hash, clock_timestamp() AS now FROM journal_heads WHERE project_id = $1 FOR UPDATE
"""
MOVE_HEAD = "UPDATE journal_heads SET seq = $2, hash = $3 WHERE project_id = $1"


async def terms_for(
    conn: asyncpg.Connection,
    project_id: int,
    actor: str,
    head: asyncpg.Record | None,
    *,
    tally: bool = True,
) -> tuple[Terms, Cursor]:
    """What a load of the project shares, from its journal head row (``LOCK_HEAD``)."""
    if head is None:
        raise NotFound(f"project {project_id} has no journal")
    terms = Terms(
        project_id,
        actor,
        head["now"],
        await current_policy(conn, project_id),
        await project_kinds(conn, project_id),
        tally,
    )
    return terms, Cursor(head["seq"], bytes(head["hash"]))


async def bulk_load(
    conn: asyncpg.Connection,
    project_id: int,
    items: Iterable[NewContribution],
    actor: str,
    *,
    batch_size: int = 20_000,
    progress: Callable[[int], None] | None = None,
    numbered: list[tuple[int, NewContribution]] | None = None,
    ids: Sequence[int] | None = None,
    rows_done: Callable[[Cursor, datetime], object] | None = None,
) -> int:
    """Load contributions that are all new, with one journal event each (caller's
    transaction); returns how many were loaded, and adds each with the number it got
    to ``numbered`` when given. ``ids``: the numbers they take, in order, reserved
    beforehand (``write.reserve_numbers``); one per contribution. ``rows_done`` is
    called each time a batch's rows are in, while their events are copied, with where
    they end (see ``stream.write_batch``)."""
    terms, cursor = await terms_for(
        conn, project_id, actor, await conn.fetchrow(LOCK_HEAD, project_id)
    )
    writer = await Writer.probe(conn)
    await lock_owners(conn, terms)
    known: dict[int, bool] = {}
    source = iter(items)
    reserved = iter(ids) if ids is not None else None
    loaded = 0
    while batch := list(islice(source, batch_size)):
        unknown = list({i.contributor_id for i in batch} - known.keys())
        if unknown:
            known.update(await lock_people(conn, unknown))
        if reserved is None:
            numbers = await writer.numbers(conn, len(batch))
        else:
            numbers = list(islice(reserved, len(batch)))
            if len(numbers) != len(batch):
                raise InvalidInput("fewer numbers reserved than contributions to load", "ids")
        await write_batch(conn, writer, terms, cursor, batch, numbers, known, rows_done)
        if numbered is not None:
            numbered += zip(numbers, batch, strict=True)
        loaded += len(batch)
        if progress:
            progress(len(batch))
    if reserved is not None and next(reserved, None) is not None:
        raise InvalidInput("more numbers reserved than contributions to load", "ids")
    await conn.execute(MOVE_HEAD, project_id, cursor.seq, cursor.hash)
    return loaded
