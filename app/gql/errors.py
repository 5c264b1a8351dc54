"""The GraphQL error boundary: every error of a query, mutation or subscription result
passes the kernel's table (``ledger.kernel.boundary``) once, here.

- An error the table knows is answered with its message and ``extensions.code``
  (``unavailable``, ``invalid_input``, ``not_found``...); an outage is logged as one
  warning line per operation, without a stack trace.
- A request-level error (syntax, validation, variable coercion) stays as it is.
- Anything else is a bug: it is answered "Unexpected error (id ...)" with code
  ``INTERNAL`` and logged with its stack trace under the same id.

``Schema`` drops Strawberry's default log of every error (expected ones included,
each with a stack trace): this boundary logs what deserves a log.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import strawberry
from strawberry.extensions import MaskErrors

from graphql import GraphQLError
from ledger.kernel.boundary import translate
from ledger.kernel.errors import CommonsError, Unavailable

log = logging.getLogger("commons.graphql")

# What a request-level error (no path) may carry without being a fault of ours.
_REQUEST_ERRORS: tuple[type[Exception], ...] = (GraphQLError, ValueError, TypeError)


def _answered(error: GraphQLError, known: CommonsError) -> GraphQLError:
    return GraphQLError(
        message=known.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=known,
        extensions={**(error.extensions or {}), "code": str(known.code)},
    )


class ErrorBoundary(MaskErrors):
    """Answers known errors by the kernel's table and hides bugs behind an id."""

    def __init__(self) -> None:
        super().__init__(error_message="Unexpected error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        error_id = uuid.uuid4().hex
        log.error("unexpected GraphQL error %s", error_id, exc_info=error.original_error)
        return GraphQLError(
            message=f"Unexpected error (id {error_id}).",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL", "errorId": error_id},
        )

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        out = []
        outages: list[str] = []
        for error in errors:
            original = error.original_error
            known = translate(original) if original is not None else None
            if known is not None:
                if isinstance(known, Unavailable) and original is not known:
                    outages.append(f"{type(original).__name__}: {original}")
                out.append(_answered(error, known))
            elif original is None or (error.path is None and isinstance(original, _REQUEST_ERRORS)):
                out.append(error)
            else:
                out.append(self.anonymise_error(error))
        if outages:
            log.warning("database unavailable: %s", "; ".join(dict.fromkeys(outages)))
        return out


def answer_errors(errors: list[GraphQLError]) -> list[GraphQLError]:
    """The errors of a result as the boundary answers them, for results executed
    without the schema's extensions (persisted operations)."""
    return ErrorBoundary()._process_errors(errors)


class Schema(strawberry.Schema):
    """The Strawberry schema without its default error log (``ErrorBoundary`` logs)."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Log nothing here: expected errors are answers, and bugs are logged by the
        boundary together with the id their answer shows."""
