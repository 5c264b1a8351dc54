"""GraphQL over HTTP (and websockets), plus the dashboards' persisted operations.

``POST /graphql/persisted/{name}`` runs ``graphql/operations/{name}.graphql`` with
the JSON body's ``variables``; ``GET`` takes them as a ``variables`` query parameter.
While the database is unavailable a persisted operation answers 503 with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cross_web import HTTPException as StrawberryHTTPException
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath, FromQuery
from strawberry.litestar import make_graphql_controller

from app.context import context_for, graphql_context, principal_from
from app.replica import HEADER, parse_heads
from app.runtime import Runtime
from app.settings import Settings
from ledger.kernel.errors import Unavailable

OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations"


def load_operations(folder: Path = OPERATIONS) -> dict[str, str]:
    """Every persisted operation by file stem."""
    return {p.stem: p.read_text() for p in sorted(folder.glob("*.graphql"))}


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


async def _run_persisted(request: Request[Any, Any, Any], name: str, variables: Any) -> Any:
    runtime: Runtime = request.app.state.runtime
    document = runtime.operations.get(name)
    if document is None:
        raise NotFoundException(detail=f"no persisted operation {name!r}")
    if variables is not None and not isinstance(variables, dict):
        raise HTTPException(status_code=400, detail="variables must be a JSON object")
    principal = principal_from(runtime, request.headers.get("authorization"))
    context = context_for(runtime, principal, parse_heads(request.headers.get(HEADER)))
    result = await runtime.schema.execute(
        document, variable_values=variables, context_value=context
    )
    errors = result.errors or []
    outage = next(
        (e.original_error for e in errors if isinstance(e.original_error, Unavailable)), None
    )
    if outage is not None:
        raise outage  # a dashboard's GET is answered 503 with the reason, as HTTP does
    body: dict[str, Any] = {"data": result.data}
    if errors:
        body["errors"] = [e.formatted for e in errors]
    return body


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

    @post("/{name:str}", status_code=200)
    async def run_post(self, request: Request[Any, Any, Any], name: FromPath[str]) -> Any:
        raw = await _body(request)
        try:
            payload = json.loads(raw) if raw else {}
        except (ValueError, RecursionError):
            raise HTTPException(status_code=400, detail="body must be JSON") from None
        variables = payload.get("variables") if isinstance(payload, dict) else None
        return await _run_persisted(request, name, variables)

    @get("/{name:str}")
    async def run_get(
        self,
        request: Request[Any, Any, Any],
        name: FromPath[str],
        variables: FromQuery[str | None] = None,
    ) -> Any:
        try:
            parsed = json.loads(variables) if variables else None
        except (ValueError, RecursionError):
            raise HTTPException(status_code=400, detail="variables must be JSON") from None
        return await _run_persisted(request, name, parsed)
