"""The dashboards' persisted operations over HTTP.

``GET /graphql/persisted`` lists them; ``POST /graphql/persisted/{name}`` runs
``graphql/operations/{name}.graphql`` with the JSON body's ``variables``; ``GET`` takes
them as a ``variables`` query parameter and answers ``If-None-Match``
(``app.persisted.service``). A spent query budget is answered 429 with ``Retry-After``
and a ``RATE_LIMITED`` GraphQL error; while the database is unavailable an operation
answers 503 with the reason.

This is the API's hot path, so an answer goes out as the bytes the service made: the
headers arrive encoded and nothing is re-serialised (``Raw``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

import orjson
from litestar import Controller, Request, get, post
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath
from litestar.types import ASGIApp, Receive, Scope, Send

from app.budget import client_key
from app.context import context_for, principal_from
from app.persisted.service import Answer, RateLimited, budget_headers
from app.persisted.service import Request as PersistedRequest
from app.replica import HEADER, parse_heads
from app.runtime import Runtime

JSON = (b"content-type", b"application/json")


class Raw:
    """An ASGI answer of a status, encoded headers and a body, sent as they are."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = self.headers
        if self.status != 304:
            headers = [*headers, JSON, (b"content-length", str(len(self.body)).encode())]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": False})


def _asked(scope: Scope) -> tuple[str | None, str | None, bool]:
    """``Authorization``, ``If-None-Match`` and whether ``Cache-Control`` says
    ``no-cache``, in one pass over the request's headers."""
    authorization = if_none_match = None
    revalidate = False
    for name, value in scope["headers"]:
        if name == b"authorization":
            authorization = value.decode("latin-1")
        elif name == b"if-none-match":
            if_none_match = value.decode("latin-1")
        elif name == b"cache-control":
            revalidate = b"no-cache" in value.lower()
    return authorization, if_none_match, revalidate


async def _run(
    request: Request[Any, Any, Any], name: str, variables: Any, conditional: bool
) -> ASGIApp:
    runtime: Runtime = request.app.state.runtime
    operation = runtime.persisted.operations.get(name)
    if operation is None:
        raise NotFoundException(detail=f"no persisted operation {name!r}")
    if variables is not None and not isinstance(variables, dict):
        raise HTTPException(status_code=400, detail="variables must be a JSON object")
    authorization, if_none_match, revalidate = _asked(request.scope)
    principal = principal_from(runtime, authorization)
    client = request.scope.get("client")
    asked = PersistedRequest(
        name=name,
        variables=variables or {},
        principal=principal,
        client=client_key(principal, client[0] if client else None),
        if_none_match=if_none_match if conditional else None,
        revalidate=revalidate,
    )
    try:
        answer: Answer = await runtime.persisted.answer(
            operation,
            asked,
            lambda: context_for(runtime, principal, parse_heads(request.headers.get(HEADER))),
        )
    except RateLimited as exc:
        return Raw(429, budget_headers(exc.budget), exc.body)
    return Raw(answer.status, answer.headers, answer.body)


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


def _variables(query: bytes) -> str | None:
    """The ``variables`` parameter of a query string, decoded (the last one given)."""
    found = None
    for part in query.split(b"&"):
        name, _, value = part.partition(b"=")
        if name == b"variables":
            found = unquote_plus(value.decode("latin-1"))
    return found


def _json(text: str | bytes, what: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        raise HTTPException(status_code=400, detail=f"{what} must be JSON") from None


class PersistedController(Controller):
    path = "/graphql/persisted"

    @get("/", sync_to_thread=False)
    def listing(self, request: Request[Any, Any, Any]) -> dict[str, Any]:
        """Every persisted operation with its description, variables and cost."""
        runtime: Runtime = request.app.state.runtime
        return {"operations": [op.public() for op in runtime.persisted.operations.values()]}

    @post("/{name:str}", status_code=200)
    async def run_post(self, request: Request[Any, Any, Any], name: FromPath[str]) -> ASGIApp:
        raw = await _body(request)
        payload = _json(raw, "body") if raw else {}
        variables = payload.get("variables") if isinstance(payload, dict) else None
        return await _run(request, name, variables, conditional=False)

    @get("/{name:str}")
    async def run_get(self, request: Request[Any, Any, Any], name: FromPath[str]) -> ASGIApp:
        text = _variables(request.scope["query_string"])
        parsed = _json(text, "variables") if text else None
        return await _run(request, name, parsed, conditional=True)
