"""The typed errors of mutation unions: ``XSuccess | ValidationError | NotFoundError |
ConflictError | ForbiddenError``; ``mutation_error`` turns a CommonsError into its type.

Every typed error implements the ``Error`` interface: ``message``, ``code`` and
``field``, so a client can read any of them alike. ``code`` is the ``ErrorCode`` enum:
``invalid_input``, ``not_found``, ``forbidden`` and every refusal code of
``ConflictCode``; its names are the codes themselves (the strings HTTP answers
carry), each described by its meaning."""

from __future__ import annotations

from enum import Enum
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

_GENERIC = {
    InvalidInput.code: "the input is malformed; `field` names where",
    NotFound.code: "a referenced record does not exist",
    Forbidden.code: "the caller lacks the role this change needs",
}
_MEANINGS = {**_GENERIC, **{code.value: code.meaning for code in ConflictCode}}
ErrorCode = Enum("ErrorCode", {code: code for code in _MEANINGS})  # type: ignore[misc]
"""Every code a typed error may carry (the generic kinds, then the refusals)."""


def _error_codes() -> None:
    """Register ``ErrorCode`` as a GraphQL enum whose values carry their meanings."""
    registered: Any = strawberry.enum(
        ErrorCode,
        description="Why a request was refused: the error's kind, or for a conflict the "
        "refusal code from the closed list.",
        graphql_name_from="value",
    )
    definition = registered.__strawberry_definition__
    assert isinstance(definition, StrawberryEnumDefinition)
    for value in definition.values:
        value.description = _MEANINGS[value.value]


_error_codes()


@strawberry.interface(description="What every typed error says: what, which code, where.")
class Error:
    message: str = strawberry.field(description="What went wrong, for people.")
    code: ErrorCode = strawberry.field(description="What went wrong, for programs.")
    field: str | None = strawberry.field(
        description="The input field at fault (a dotted path), when one is."
    )


@strawberry.type(description="The input is malformed; `field` names where.")
class ValidationError(Error):
    field: str = strawberry.field(description="The input field at fault (a dotted path).")


@strawberry.type(description="A referenced record does not exist.")
class NotFoundError(Error):
    pass


@strawberry.type(description="The request contradicts a stored fact; `code` says which.")
class ConflictError(Error):
    pass


@strawberry.type(description="The caller lacks the role this change needs.")
class ForbiddenError(Error):
    pass


MutationError = ValidationError | NotFoundError | ConflictError | ForbiddenError


def validation_error(message: str, field: str) -> ValidationError:
    """A ValidationError about ``field``."""
    return ValidationError(message=message, code=ErrorCode(InvalidInput.code), field=field)


def mutation_error(exc: CommonsError) -> MutationError:
    """The GraphQL error type for a domain error (others, such as Unavailable, are re-raised)."""
    if isinstance(exc, InvalidInput):
        return validation_error(exc.message, exc.field)
    if isinstance(exc, NotFound):
        return NotFoundError(message=exc.message, code=ErrorCode(exc.code), field=None)
    if isinstance(exc, Conflict):
        return ConflictError(message=exc.message, code=ErrorCode(exc.code.value), field=None)
    if isinstance(exc, Forbidden):
        return ForbiddenError(message=exc.message, code=ErrorCode(exc.code), field=None)
    raise exc
