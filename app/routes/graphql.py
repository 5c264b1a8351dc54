"""GraphQL over HTTP (and websockets).

The controller is Strawberry's, with the instance's IDE, body limit and context
(``app.context.graphql_context``, which refuses a caller whose query budget is spent
before its document is read: 429 with ``Retry-After``). Its response template is made
on the event loop: Strawberry's own is made in a worker thread on every request, and
the hop there and back waits up to the interpreter's switch interval (5 ms) whenever
the loop is busy.
(The dashboards' persisted operations are ``app.routes.persisted``.)
"""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException as StrawberryHTTPException
from litestar import Controller, Request, Response
from litestar.background_tasks import BackgroundTasks
from litestar.di import Provide
from strawberry.litestar import make_graphql_controller

from app.context import BudgetSpent, graphql_context
from app.settings import Settings


def graphql_controller(settings: Settings, schema: Any) -> type[Controller]:
    """The /graphql controller with the instance's IDE and body limit."""
    controller = make_graphql_controller(
        schema,
        path="/graphql",
        graphql_ide="graphiql" if settings.development else None,
        context_getter=graphql_context,
    )
    controller.dependencies = {
        **controller.dependencies,
        "response": Provide(_response_template, sync_to_thread=False),
    }
    controller.request_max_body_size = settings.max_body
    controller.exception_handlers = {RecursionError: _too_deep, BudgetSpent: _spent}
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


def _response_template() -> Response[Any]:
    """The response Strawberry fills in (headers, status) and copies into its answer."""
    return Response({}, background=BackgroundTasks([]))


def _spent(_: Request[Any, Any, Any], exc: BudgetSpent) -> Response[bytes]:
    """A caller whose budget is spent, refused before its document is read."""
    return Response(exc.body, status_code=429, media_type="application/json", headers=exc.headers)
