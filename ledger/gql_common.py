"""GraphQL pieces every domain package shares: the typed errors of mutation
unions, Relay connections and global ids.

Mutations return ``XSuccess | ValidationError | NotFoundError | ConflictError |
ForbiddenError``; ``mutation_error`` turns a CommonsError into its GraphQL type.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar, cast

import asyncpg
import strawberry
from strawberry.scalars import JSON
from strawberry.types.nodes import SelectedField

from ledger.context import Context
from ledger.errors import CommonsError, Conflict, Forbidden, InvalidInput, NotFound, Unavailable
from ledger.models import Project
from ledger.paging import Page
from ledger.projects import get_project

T = TypeVar("T")


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
    code: str


@strawberry.type(description="The caller lacks the role this change needs.")
class ForbiddenError:
    message: str


MutationError = ValidationError | NotFoundError | ConflictError | ForbiddenError


def mutation_error(exc: CommonsError) -> MutationError:
    """The GraphQL error type for a domain error (unexpected ones are re-raised)."""
    if isinstance(exc, InvalidInput):
        return ValidationError(message=exc.message, field=exc.field)
    if isinstance(exc, NotFound):
        return NotFoundError(message=exc.message)
    if isinstance(exc, Conflict):
        return ConflictError(message=exc.message, code=exc.code)
    if isinstance(exc, Forbidden):
        return ForbiddenError(message=exc.message)
    raise exc


def database_error(exc: asyncpg.PostgresError) -> CommonsError | None:
    """A domain error for a constraint or data error the stores did not translate."""
    name = getattr(exc, "constraint_name", None) or ""
    if isinstance(exc, asyncpg.PostgresConnectionError | asyncpg.OperatorInterventionError):
        return Unavailable("the database is unavailable; retry")
    if isinstance(exc, asyncpg.UniqueViolationError):
        return Conflict(f"already exists ({name})")
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        return NotFound(f"a referenced record does not exist ({name})")
    if isinstance(exc, asyncpg.CheckViolationError | asyncpg.NotNullViolationError):
        return InvalidInput(f"value refused by rule {name or 'not null'}")
    if isinstance(exc, asyncpg.DataError):
        return InvalidInput(f"value not accepted: {exc.args[0] if exc.args else exc}")
    return None


async def maintained_project(
    conn: asyncpg.Connection | asyncpg.Pool, info: strawberry.Info[Context, None], slug: str
) -> Project:
    """The project ``slug`` after checking the caller maintains it (Forbidden, NotFound)."""
    info.context.principal.require(slug, "maintainer")
    return await get_project(conn, slug)


async def run_mutation(
    info: strawberry.Info[Context, None],
    work: Callable[[asyncpg.Connection], Awaitable[T]],
) -> T | MutationError:
    """Run ``work`` in one connection and one transaction; expected errors roll it
    back and come back as typed results."""
    try:
        pool = info.context.pool
        async with pool.acquire(timeout=info.context.acquire_timeout) as conn, conn.transaction():
            return await work(conn)
    except CommonsError as exc:
        return mutation_error(exc)
    except asyncpg.PostgresError as exc:
        translated = database_error(exc)
        if translated is None:
            raise
        if isinstance(translated, Unavailable):
            raise translated from None
        return mutation_error(translated)
    except (TimeoutError, OSError, asyncpg.InterfaceError) as exc:
        raise Unavailable(f"the database is unavailable ({type(exc).__name__}); retry") from None


@strawberry.interface(description="An object with a global id, fetchable with `node(id)`.")
class Node:
    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        raise NotImplementedError(f"{type(self).__name__} must define its global id")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int

    @strawberry.field(description="The nodes of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def connection(page: Page[object], nodes: list[T]) -> Connection[T]:
    """A Relay connection of ``nodes`` (the page's items, converted to GraphQL types)."""
    edges = [Edge(node=n, cursor=c) for n, c in zip(nodes, page.cursors, strict=True)]
    info = PageInfo(
        has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None
    )
    return Connection(edges=edges, page_info=info, total_count=page.total)


def global_id(type_name: str, *key: int | str) -> strawberry.ID:
    """Opaque global id ``base64(Type:k1:k2)``."""
    raw = ":".join([type_name, *map(str, key)]).encode()
    return strawberry.ID(base64.urlsafe_b64encode(raw).decode().rstrip("="))


def parse_global_id(value: str) -> tuple[str, list[str]]:
    """(type name, key parts) of a global id; InvalidInput when it is not one."""
    try:
        raw = base64.urlsafe_b64decode((value + "=" * (-len(value) % 4)).encode()).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("malformed global id", "id") from None
    type_name, _, rest = raw.partition(":")
    if not type_name or not rest:
        raise InvalidInput("malformed global id", "id")
    return type_name, rest.split(":")


def int_key(part: str) -> int:
    """An integer part of a global id."""
    if not (part.isascii() and part.isdigit()) or len(part) > 18:
        raise InvalidInput("malformed global id", "id")
    return int(part)


def selects(info: strawberry.Info[Any, Any], name: str) -> bool:
    """Whether the current field's selection asks for ``name`` (through fragments too),
    so a resolver can skip work, like a count, nobody reads."""
    pending: list[Any] = list(info.selected_fields)
    while pending:
        selection = pending.pop()
        for child in getattr(selection, "selections", ()):
            if isinstance(child, SelectedField) and child.name == name:
                return True
            pending.append(child)
    return False


def as_json(value: Any) -> JSON:
    """A JSON-compatible value typed as the JSON scalar."""
    return cast(JSON, value)
