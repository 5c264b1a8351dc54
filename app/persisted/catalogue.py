"""The catalogue of persisted operations: each ``graphql/operations/*.graphql`` parsed,
validated against the schema and measured once, when the instance starts.

A persisted operation is one named query (never a mutation or a subscription). Its
leading ``#`` lines are its description; its variables, their types and defaults are
published at ``GET /graphql/persisted``; ``cost`` is the query limits' estimate
(``app.gql.limits``), charged against the caller's budget on every request. An
operation with a ``$slug: String!`` variable reads one project, so its answers are a
function of that project's journal head (and may be cached by it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.gql.limits import ShapeMeter
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    ValidationContext,
    parse,
    print_ast,
    validate,
    value_from_ast_untyped,
)

PROJECT_VARIABLE = "slug"
OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations"


def load_operations(folder: Path = OPERATIONS) -> dict[str, str]:
    """Every persisted operation's document by file stem."""
    return {p.stem: p.read_text() for p in sorted(folder.glob("*.graphql"))}


class CatalogueError(ValueError):
    """A persisted operation that the instance refuses to start with."""


@dataclass(frozen=True, slots=True)
class Variable:
    """One variable of a persisted operation, as published."""

    name: str
    type: str
    default: Any
    required: bool

    def public(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "required": self.required,
        }


@dataclass(frozen=True, slots=True)
class Operation:
    """A parsed, validated, measured persisted query."""

    name: str
    text: str
    document: DocumentNode
    description: str
    variables: tuple[Variable, ...]
    cost: int
    digest: str
    """Hex SHA-256 of the document text: what an ETag and an execution plan pin."""

    @property
    def project_variable(self) -> str | None:
        """The variable naming the one project this operation reads, if any."""
        return PROJECT_VARIABLE if any(v.name == PROJECT_VARIABLE for v in self.variables) else None

    def public(self) -> dict[str, Any]:
        """The listing entry of ``GET /graphql/persisted``."""
        return {
            "name": self.name,
            "description": self.description,
            "variables": [v.public() for v in self.variables],
            "cost": self.cost,
            "get": f"/graphql/persisted/{self.name}?variables=<JSON object>",
            "document": self.text,
        }


def _description(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines)


def _cost(schema: GraphQLSchema, document: DocumentNode, node: OperationDefinitionNode) -> int:
    errors: list[GraphQLError] = []
    context = ValidationContext(schema, document, TypeInfo(schema), errors.append)
    return ShapeMeter(context).measure(node.selection_set).cost


def operation(name: str, text: str, schema: GraphQLSchema) -> Operation:
    """One persisted operation, checked; CatalogueError says what is wrong with it."""
    try:
        document = parse(text)
    except GraphQLError as exc:
        raise CatalogueError(f"{name}: {exc.message}") from None
    problems = validate(schema, document)
    if problems:
        raise CatalogueError(f"{name}: {problems[0].message}")
    nodes = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(nodes) != 1 or nodes[0].name is None or nodes[0].name.value != name:
        raise CatalogueError(f"{name}: a persisted file holds one operation named as the file")
    node = nodes[0]
    if node.operation is not OperationType.QUERY:
        raise CatalogueError(f"{name}: persisted operations are queries")
    variables = tuple(
        Variable(
            name=d.variable.name.value,
            type=print_ast(d.type),
            default=value_from_ast_untyped(d.default_value) if d.default_value else None,
            required=print_ast(d.type).endswith("!") and d.default_value is None,
        )
        for d in node.variable_definitions or ()
    )
    return Operation(
        name=name,
        text=text,
        document=document,
        description=_description(text),
        variables=variables,
        cost=_cost(schema, document, node),
        digest=hashlib.sha256(text.encode()).hexdigest(),
    )


def catalogue(texts: Mapping[str, str], schema: GraphQLSchema) -> dict[str, Operation]:
    """Every persisted operation by name (``texts``: name -> document)."""
    return {name: operation(name, text, schema) for name, text in texts.items()}
