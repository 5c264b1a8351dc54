"""Relay pieces: the Node interface, connections of a keyset page, global ids."""

from __future__ import annotations

import base64
import binascii
from typing import Generic, TypeVar

import strawberry

from ledger.kernel.errors import InvalidInput
from ledger.kernel.paging import Page

T = TypeVar("T")


@strawberry.interface(description="An object with a global id, fetchable with `node(id)`.")
class Node:
    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        raise NotImplementedError(f"{type(self).__name__} must define its global id")


@strawberry.type(description="Where a page sits in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More edges follow this page.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last edge: pass it as `after` for the next page."
    )
    has_previous_page: bool = strawberry.field(
        default=False, description="Edges precede this page."
    )
    start_cursor: str | None = strawberry.field(
        default=None,
        description="Cursor of the first edge: pass it as `before` for the previous page.",
    )


@strawberry.type(description="One item of a page and the cursor that resumes after it.")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The item.")
    cursor: str = strawberry.field(description="Opaque position of this item in its list.")


@strawberry.type(description="A page of a list, keyset-paged by opaque cursors.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page with cursors.")
    page_info: PageInfo = strawberry.field(description="How to reach the next or previous page.")
    total_count: int = strawberry.field(description="Items in the whole list (every page).")

    @strawberry.field(description="The nodes of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def connection(page: Page[object], nodes: list[T]) -> Connection[T]:
    """A Relay connection of ``nodes`` (the page's items, converted to GraphQL types)."""
    edges = [Edge(node=n, cursor=c) for n, c in zip(nodes, page.cursors, strict=True)]
    info = PageInfo(
        has_next_page=page.has_next,
        end_cursor=page.cursors[-1] if page.cursors else None,
        has_previous_page=page.has_previous,
        start_cursor=page.cursors[0] if page.cursors else None,
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


def number_of(value: str | int, type_name: str, field: str) -> int:
    """The database number an input names: the number itself, or the global id of a
    ``type_name`` with one key part; InvalidInput (naming ``field``) otherwise."""
    if isinstance(value, int):
        return value
    text = str(value)
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    try:
        kind, parts = parse_global_id(text)
    except InvalidInput:
        raise InvalidInput(f"not a {type_name} number or id", field) from None
    if kind != type_name or len(parts) != 1:
        raise InvalidInput(f"not a {type_name} number or id", field)
    try:
        return int_key(parts[0])
    except InvalidInput:
        raise InvalidInput(f"not a {type_name} number or id", field) from None
