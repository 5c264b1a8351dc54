"""The HTTP error boundary: what a route raises (webhooks, persisted operations,
reports, proofs, the treasury CSV) is answered here, once, by the kernel's table
(``ledger.kernel.boundary``).

    InvalidInput 400   Forbidden 403   NotFound 404   Conflict 409   Unavailable 503

The body is ``{"error": code, "message": ..., "field": ...}`` (``field`` only for
invalid input); a 503 also says ``Retry-After`` and is logged as one warning line,
without a stack trace. Whatever the table does not know is left to Litestar: a 500.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from litestar import MediaType, Request, Response
from litestar.types import ExceptionHandlersMap

from ledger.kernel.boundary import TYPES, translate
from ledger.kernel.errors import (
    CommonsError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Unavailable,
)

log = logging.getLogger("commons.http")

STATUS: Final[tuple[tuple[type[CommonsError], int], ...]] = (
    (InvalidInput, 400),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    (Unavailable, 503),
)
RETRY_AFTER_SECONDS = 1


def error_response(error: CommonsError) -> Response[dict[str, str]]:
    """The status and JSON reason of a package error."""
    status = next((s for kind, s in STATUS if isinstance(error, kind)), 400)
    body = {"error": str(error.code), "message": error.message}
    if isinstance(error, InvalidInput) and error.field:
        body["field"] = error.field
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else None
    return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)


def _answer(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, str]]:
    error = translate(exc)
    assert error is not None  # only the table's own types are dispatched here
    if isinstance(error, Unavailable) and error is not exc:
        log.warning(
            "database unavailable for %s: %s: %s", request.url.path, type(exc).__name__, exc
        )
    return error_response(error)


def handlers() -> ExceptionHandlersMap:
    """Litestar's exception handlers: every type the table knows, answered by it."""
    return {kind: _answer for kind in TYPES if issubclass(kind, Exception)}
