"""HTTP for the journal's public, verifiable side: the key set, the newest signed tree
head, its C2SP checkpoint and verifier key, Merkle proofs and the JSON Lines export.

Everything is answered from stored state: the tree-head publisher keeps heads current.
Heads and proofs are read on the read replica when it has replayed what the client saw
(``app.routes.reading``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Stream

from app.routes.reading import on_reader
from app.runtime import Runtime
from ledger.journal import export
from ledger.register.projects import get_project
from reports import journal_proofs

TEXT = "text/plain; charset=utf-8"


def _runtime(request: Request[Any, Any, Any]) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


@get("/.well-known/jwks.json", sync_to_thread=False)
def jwks(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """Every public key of the instance with what it signs and when it was valid."""
    return _runtime(request).keys.jwks()


class JournalController(Controller):
    path = "/projects/{slug:str}"

    @get("/tree-head")
    async def tree_head(
        self, request: Request[Any, Any, Any], slug: FromPath[str]
    ) -> dict[str, Any]:
        """The project's newest signed tree head."""
        project, head = await on_reader(
            request, lambda reader: journal_proofs.current_head(reader, slug)
        )
        return {"project": project.slug, **head.public()}

    @get("/checkpoint")
    async def checkpoint(
        self, request: Request[Any, Any, Any], slug: FromPath[str]
    ) -> Response[str]:
        """The newest tree head as a C2SP checkpoint (a signed note)."""
        runtime = _runtime(request)
        note = await journal_proofs.checkpoint(
            runtime.pool, slug, runtime.keys.checkpoints, runtime.settings.log_name
        )
        return Response(note, media_type=TEXT)

    @get("/checkpoint/vkey")
    async def vkey(self, request: Request[Any, Any, Any], slug: FromPath[str]) -> Response[str]:
        """The verifier key of the project's checkpoints (``name+id+key``)."""
        runtime = _runtime(request)
        key = await journal_proofs.verifier_key(
            runtime.pool, slug, runtime.keys.checkpoints, runtime.settings.log_name
        )
        return Response(key + "\n", media_type=TEXT)

    @get("/proofs/inclusion")
    async def inclusion(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        seq: FromQuery[int],
        size: FromQuery[int | None] = None,
    ) -> dict[str, Any]:
        """RFC 9162 inclusion proof of event ``seq`` in the tree of ``size`` events."""
        proof = await on_reader(
            request, lambda reader: journal_proofs.inclusion(reader, slug, seq, size)
        )
        return proof.public()

    @get("/proofs/consistency")
    async def consistency(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        from_: Annotated[int, QueryParameter(name="from")],
        to: FromQuery[int | None] = None,
    ) -> dict[str, Any]:
        """RFC 9162 consistency proof between tree sizes ``from`` and ``to``."""
        proof = await on_reader(
            request, lambda reader: journal_proofs.consistency(reader, slug, from_, to)
        )
        return proof.public()

    @get("/journal.jsonl")
    async def journal(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        from_: Annotated[int, QueryParameter(name="from")] = 1,
        to: FromQuery[int | None] = None,
    ) -> Stream:
        """Events ``from`` .. ``to`` (default: all) as JSON Lines, streamed."""
        pool = _runtime(request).pool
        project = await get_project(pool, slug)
        span = await export.plan(pool, project.id, from_, to)

        async def body() -> AsyncIterator[bytes]:
            async with (
                pool.acquire() as conn,
                conn.transaction(isolation="repeatable_read", readonly=True),
            ):
                async for chunk in export.chunks(conn, project.id, span):
                    yield chunk

        return Stream(body(), media_type=export.MEDIA_TYPE)
