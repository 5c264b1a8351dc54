"""HTTP for the public, verifiable side: the key set, signed tree heads, Merkle proofs
and transparency reports (read on the read replica where it has what they need)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import asyncpg
from litestar import Controller, Request, Response, get
from litestar.params import FromPath, FromQuery, QueryParameter

from app.replica import HEADER, parse_heads
from app.runtime import Runtime
from reports import journal_proofs, service

T = TypeVar("T")


def _runtime(request: Request[Any, Any, Any]) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def _read(request: Request[Any, Any, Any], work: Callable[[asyncpg.Pool], Awaitable[T]]) -> T:
    """``work`` on the read pool, one that has the journal heads the client saw."""
    heads = parse_heads(request.headers.get(HEADER))
    return await _runtime(request).read(work, heads)


@get("/.well-known/jwks.json", sync_to_thread=False)
def jwks(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """Every public key of the instance, old ones kept after rotation."""
    return _runtime(request).ring.jwks()


class ProofsController(Controller):
    path = "/projects/{slug:str}"

    @get("/tree-head")
    async def tree_head(
        self, request: Request[Any, Any, Any], slug: FromPath[str]
    ) -> dict[str, Any]:
        """The signed tree head covering the project's whole journal."""
        runtime = _runtime(request)
        project, head = await _read(
            request,
            lambda reader: journal_proofs.current_head(runtime.pool, slug, runtime.ring, reader),
        )
        return {"project": project.slug, **head.public()}

    @get("/proofs/inclusion")
    async def inclusion(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        seq: FromQuery[int],
        size: FromQuery[int | None] = None,
    ) -> dict[str, Any]:
        """RFC 9162 inclusion proof of event ``seq`` in the tree of ``size`` events."""
        runtime = _runtime(request)
        proof = await _read(
            request, lambda reader: journal_proofs.inclusion(runtime.pool, slug, seq, size, reader)
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
        runtime = _runtime(request)
        proof = await _read(
            request,
            lambda reader: journal_proofs.consistency(runtime.pool, slug, from_, to, reader),
        )
        return proof.public()


@get("/projects/{slug:str}/reports/{name:str}")
async def report(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    name: FromPath[str],
    table: FromQuery[str | None] = None,
) -> Response[bytes]:
    """The report of a period: ``2026-Q3.json`` (signed), ``.html``, ``.md`` or ``.csv``
    (``?table=contributions|funding|ballots``)."""
    runtime = _runtime(request)
    label, fmt = service.split_name(name)
    body = await _read(
        request,
        lambda reader: service.produce(
            runtime.pool, runtime.ring, slug, label, fmt, table, reader=reader
        ),
    )
    return Response(body, media_type=service.FORMATS[fmt])
