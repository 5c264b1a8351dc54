"""The typed errors of mutation unions: ``XSuccess | ValidationError | NotFoundError |
ConflictError | ForbiddenError``; ``mutation_error`` turns a CommonsError into its type.

``ConflictError.code`` is the GraphQL enum of ``ConflictCode``: its names are the codes
themselves (the strings HTTP answers carry), each described by its meaning."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types.enum import StrawberryEnumDefinition

from ledger.kernel.errors import (
    CommonsError,
    Conflict,
    ConflictCode,
    Forbidden,
    InvalidInput,
    NotFound,
)


def _conflict_codes() -> None:
    """Register ``ConflictCode`` as a GraphQL enum whose values carry their meanings."""
    registered: Any = strawberry.enum(
        ConflictCode,
        description="Why a request contradicts a stored fact (the closed list of refusals).",
        graphql_name_from="value",
    )
    definition = registered.__strawberry_definition__
    assert isinstance(definition, StrawberryEnumDefinition)
    for member, value in zip(ConflictCode, definition.values, strict=True):
        value.description = member.meaning


_conflict_codes()


@strawberry.type(description="The input is malformed; `field` names where.")
class ValidationError:
    message: str
    field: str


@strawberry.type(description="A referenced record does not exist.")
class NotFoundError:
    message: str


@strawberry.type(description="The request contradicts a stored fact; `code` says which.")
class ConflictError:
    message: str
    code: ConflictCode


@strawberry.type(description="The caller lacks the role this change needs.")
class ForbiddenError:
    message: str


MutationError = ValidationError | NotFoundError | ConflictError | ForbiddenError


def mutation_error(exc: CommonsError) -> MutationError:
    """The GraphQL error type for a domain error (others, such as Unavailable, are re-raised)."""
    if isinstance(exc, InvalidInput):
        return ValidationError(message=exc.message, field=exc.field)
    if isinstance(exc, NotFound):
        return NotFoundError(message=exc.message)
    if isinstance(exc, Conflict):
        return ConflictError(message=exc.message, code=exc.code)
    if isinstance(exc, Forbidden):
        return ForbiddenError(message=exc.message)
    raise exc
