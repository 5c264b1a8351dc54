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
