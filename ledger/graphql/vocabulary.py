"""Enums of fixed vocabularies whose wire form stays the stored word: ``vocabulary``
registers a StrEnum whose GraphQL names are its values (``general``, ``debit``), so a
field typed by it answers exactly the string it answered as ``String`` before (and a
stored word serialises as its member)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

import strawberry
from strawberry.types.enum import StrawberryEnumDefinition

E = TypeVar("E", bound=type[StrEnum])


def vocabulary(description: str, meanings: dict[str, str]) -> Any:
    """A class decorator registering an Enum as a GraphQL enum named by its values,
    each value described by ``meanings``."""

    def register(cls: E) -> E:
        registered: Any = strawberry.enum(cls, description=description, graphql_name_from="value")
        definition = registered.__strawberry_definition__
        assert isinstance(definition, StrawberryEnumDefinition)
        for value in definition.values:
            value.description = meanings[value.value]
        return cls

    return register
