"""Queries that select every field of the public schema: one query per root field,
every field below it whose arguments can be given (required ones get a value by name,
else by type), down to a depth, never entering a type already on the path; a
connection is asked for its first few nodes. Plus the hunt itself: every string of an
answer (keys and values, error messages included) checked for an email address, an
IP address, a known personal value or a fragment of a raw payload.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import Any

from graphql.pyutils import Undefined

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)
from ledger.kernel.personal import kind_of

PAGE = 3
CURSOR_KEYS = frozenset({"cursor", "startCursor", "endCursor"})


class Walker:
    """Builds the selections; ``values`` gives a required argument by its name."""

    def __init__(self, schema: GraphQLSchema, values: dict[str, str], depth: int = 7) -> None:
        self.schema = schema
        self.values = values
        self.depth = depth

    def _argument(self, name: str, arg: GraphQLArgument) -> str | None:
        if name == "first":
            return str(PAGE)
        if not isinstance(arg.type, GraphQLNonNull) or arg.default_value is not Undefined:
            return ""
        if name in self.values:
            return self.values[name]
        named = get_named_type(arg.type)
        if isinstance(named, GraphQLEnumType):
            return str(next(iter(named.values)))
        if isinstance(named, GraphQLInputObjectType) or isinstance(arg.type.of_type, GraphQLList):
            return None
        return {"Int": "1", "Boolean": "true"}.get(named.name, '"aurora"')

    def arguments(self, field: GraphQLField) -> str | None:
        """The field's arguments as written in a query; None when one cannot be given."""
        given = []
        for name, arg in field.args.items():
            value = self._argument(name, arg)
            if value is None:
                return None
            if value:
                given.append(f"{name}: {value}")
        return f"({', '.join(given)})" if given else ""

    def selection(self, type_: Any, depth: int, path: frozenset[str] = frozenset()) -> str | None:
        """A selection of every reachable field of ``type_`` ('' for a leaf)."""
        named: GraphQLNamedType = get_named_type(type_)
        if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
            return ""
        if depth == 0 or named.name in path:
            return None
        inner = path | {named.name}
        if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
            parts = []
            for possible in self.schema.get_possible_types(named):
                chosen = self.selection(possible, depth, path)
                if chosen:
                    parts.append(f"... on {possible.name} {chosen}")
            return "{ __typename " + " ".join(parts) + " }"
        assert isinstance(named, GraphQLObjectType)
        parts = []
        for name, field in named.fields.items():
            args = self.arguments(field)
            chosen = self.selection(field.type, depth - 1, inner) if args is not None else None
            if chosen is not None:
                parts.append(f"{name}{args} {chosen}")
        return "{ __typename " + " ".join(parts) + " }" if parts else None

    def root_queries(self) -> Iterator[tuple[str, str]]:
        """(root field, query) for every root field of the query type but ``node``
        (walked by ``node_query`` for the ids seen)."""
        query = self.schema.query_type
        assert query is not None
        for name, field in query.fields.items():
            if name == "node":
                continue
            args = self.arguments(field)
            chosen = self.selection(field.type, self.depth) if args is not None else None
            if chosen is not None:
                yield name, f"{{ {name}{args} {chosen} }}"

    def node_query(self, global_id: str, type_name: str) -> str:
        """``node(id)`` with every field of the type the id names."""
        chosen = self.selection(self.schema.get_type(type_name), self.depth - 2)
        return f'{{ node(id: "{global_id}") {{ ... on {type_name} {chosen} }} }}'


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (path, text) of a JSON value: keys and strings."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", str(key)
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")


def unbase64(text: str) -> str | None:
    """The text a cursor or global id encodes, or None when it is not base64."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return raw.decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


class Hunt:
    """What must never show on a public surface, and what was found there."""

    def __init__(self, personal: list[str], payload_fragments: list[str]) -> None:
        self.personal = [p.lower() for p in personal]
        self.fragments = payload_fragments
        self.found: list[str] = []
        self.checked = 0

    def text(self, surface: str, text: str) -> None:
        """Look through one text of a surface."""
        self.checked += 1
        lowered = text.lower()
        kind = kind_of(text)
        if kind:
            self.found.append(f"{surface}: {kind} in {text[:200]!r}")
        for value in self.personal:
            if value in lowered:
                self.found.append(f"{surface}: personal value {value!r}")
        for fragment in self.fragments:
            if fragment in text:
                self.found.append(f"{surface}: raw payload fragment {fragment!r}")

    def json(self, surface: str, value: Any) -> None:
        """Look through every string of a JSON answer, cursors and global ids decoded."""
        for path, text in strings(value):
            self.text(f"{surface}{path}", text)
            key = path.rsplit(".", 1)[-1]
            if key in CURSOR_KEYS or key == "id":
                decoded = unbase64(text)
                if decoded is not None:
                    self.text(f"{surface}{path} (decoded)", decoded)
