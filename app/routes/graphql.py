"""GraphQL over HTTP (and websockets), plus the dashboards' persisted operations.

``POST /graphql/persisted/{name}`` runs ``graphql/operations/{name}.graphql`` with
the JSON body's ``variables``; ``GET`` takes them as a ``variables`` query parameter
and answers ``If-None-Match`` (``app.persisted.service``); ``GET /graphql/persisted``
lists them. A spent query budget is answered 429 with ``Retry-After``; while the
database is unavailable a persisted operation answers 503 with the reason.
"""

from __future__ import annotations

import json
import time
from typing import Any

from cross_web import HTTPException as StrawberryHTTPException
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath, FromQuery
from strawberry.litestar import make_graphql_controller

from app.budget import client_key
from app.context import context_for, graphql_context, principal_from
from app.persisted.service import RateLimited
from app.persisted.service import Request as PersistedRequest
from app.replica import HEADER, parse_heads
from app.runtime import Runtime
from app.settings import Settings


def graphql_controller(settings: Settings, schema: Any) -> type[Controller]:
    """The /graphql controller with the instance's IDE and body limit."""
    controller = make_graphql_controller(
        schema,
        path="/graphql",
        graphql_ide="graphiql" if settings.development else None,
        context_getter=graphql_context,
    )
    controller.request_max_body_size = settings.max_body
    controller.exception_handlers = {RecursionError: _too_deep}
    controller.decode_json = _decode_json  # type: ignore[assignment,method-assign]
    return controller


def _decode_json(_: Any, data: str | bytes) -> object:
    """JSON of a request body; bytes that are not UTF-8 JSON, JSON nested beyond the
    parser's reach, or JSON that is not an object (or a batch list) are the client's
    malformed body (400), not a server fault."""
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, RecursionError) as exc:
        raise json.JSONDecodeError(f"not a JSON body: {type(exc).__name__}", "", 0) from None
    if not isinstance(value, dict | list):
        raise StrawberryHTTPException(400, "The request body must be a JSON object.")
    return value


def _too_deep(_: Request[Any, Any, Any], __: RecursionError) -> Response[dict[str, Any]]:
    """A body nested beyond what the JSON parser recurses through is bad input."""
    return Response(
        {"status_code": 400, "detail": "request body nests too deeply"}, status_code=400
    )


async def _run_persisted(
    request: Request[Any, Any, Any], name: str, variables: Any, conditional: bool
) -> Response[bytes]:
    runtime: Runtime = request.app.state.runtime
    operation = runtime.persisted.operations.get(name)
    if operation is None:
        raise NotFoundException(detail=f"no persisted operation {name!r}")
    if variables is not None and not isinstance(variables, dict):
        raise HTTPException(status_code=400, detail="variables must be a JSON object")
    principal = principal_from(runtime, request.headers.get("authorization"))
    asked = PersistedRequest(
        name=name,
        variables=variables or {},
        principal=principal,
        client=client_key(principal, request.client.host if request.client else None),
        if_none_match=request.headers.get("if-none-match") if conditional else None,
        revalidate="no-cache" in request.headers.get("cache-control", "").lower(),
    )
    try:
        answer = await runtime.persisted.answer(
            operation,
            asked,
            lambda: context_for(runtime, principal, parse_heads(request.headers.get(HEADER))),
        )
    except RateLimited as exc:
        wait = max(1, exc.budget.reset_at - int(time.time()))
        return Response(
            json.dumps(
                {"error": "rate_limited", "message": "the query budget of this window is spent"}
            ).encode(),
            status_code=429,
            media_type=MediaType.JSON,
            headers={**exc.budget.headers(), "Retry-After": str(wait)},
        )
    return Response(
        answer.body, status_code=answer.status, media_type=MediaType.JSON, headers=answer.headers
    )


async def _body(request: Request[Any, Any, Any]) -> bytes:
    """The request body, refused with 413 past the instance's GraphQL body limit (the
    controller is registered before the settings exist, so the limit is read here)."""
    runtime: Runtime = request.app.state.runtime
    limit = runtime.settings.max_body
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(status_code=413, detail="Request Entity Too Large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(status_code=413, detail="Request Entity Too Large")
        chunks.append(chunk)
    return b"".join(chunks)


class PersistedController(Controller):
    path = "/graphql/persisted"

    @get("/", sync_to_thread=False)
    def listing(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """Every persisted operation with its description, variables and cost."""
        runtime: Runtime = request.app.state.runtime
        return {"operations": [op.public() for op in runtime.persisted.operations.values()]}

    @post("/{name:str}", status_code=200)
    async def run_post(
        self, request: Request[Any, Any, Any], name: FromPath[str]
    ) -> Response[bytes]:
        raw = await _body(request)
        try:
            payload = json.loads(raw) if raw else {}
        except (ValueError, RecursionError):
            raise HTTPException(status_code=400, detail="body must be JSON") from None
        variables = payload.get("variables") if isinstance(payload, dict) else None
        return await _run_persisted(request, name, variables, conditional=False)

    @get("/{name:str}")
    async def run_get(
        self,
        request: Request[Any, Any, Any],
        name: FromPath[str],
        variables: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        try:
            parsed = json.loads(variables) if variables else None
        except (ValueError, RecursionError):
            raise HTTPException(status_code=400, detail="variables must be JSON") from None
        return await _run_persisted(request, name, parsed, conditional=True)
