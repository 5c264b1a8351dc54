"""Limits on GraphQL documents that Strawberry does not ship (or ships in a form that
costs exponential time on nested fragments).

Depth, aliases and cost are measured on the document with fragments expanded, each
fragment measured once (so ``...A ...A`` chains cannot make validation slow), and
the estimate is the same however the document is written:

- depth: nesting of fields with selections (introspection fields do not count);
- aliases: aliased fields, counted once per place a fragment is spread;
- cost: every field costs 1; a field given ``first: N`` multiplies the cost of its
  page (``edges`` and ``nodes``; what is asked once per connection, such as
  ``totalCount`` and ``pageInfo``, is not multiplied) by N (a variable counts as the
  largest page, 100, since validation is cached per document); a connection read
  without ``first`` (it selects ``edges`` or ``nodes``, directly or through fragments)
  counts as the default page, 20; a field whose work grows with the data costs what
  ``app.field_prices`` says (an added weight, and an unpaged list's assumed size as the
  multiplier of its selection).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.field_prices import PRICES, Price
from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
)
from ledger.kernel.paging import DEFAULT_PAGE, MAX_PAGE

_PAGE_FIELDS = frozenset({"edges", "nodes"})
_UNPRICED = Price()


@dataclass(frozen=True, slots=True)
class Shape:
    """What a selection set amounts to once its fragments are expanded."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0
    names: frozenset[str] = frozenset()
    paged: int = 0
    """The part of ``cost`` under ``edges`` and ``nodes`` (what a page multiplies)."""


class ShapeMeter:
    """Measures selection sets of one document, each named fragment once."""

    def __init__(self, context: ValidationContext) -> None:
        self.context = context
        self._fragments: dict[str, Shape] = {}
        self._open: set[str] = set()

    def fragment(self, name: str) -> Shape:
        """The shape of a named fragment (empty when unknown or cyclic: other rules
        report those)."""
        known = self._fragments.get(name)
        if known is not None:
            return known
        definition = self.context.get_fragment(name)
        if definition is None or name in self._open:
            return Shape()
        self._open.add(name)
        try:
            shape = self.measure(
                definition.selection_set, self._type(definition.type_condition.name.value)
            )
        finally:
            self._open.discard(name)
        self._fragments[name] = shape
        return shape

    def measure(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None = None
    ) -> Shape:
        """Depth, aliases, cost and directly selected field names of a selection set on
        ``parent`` (fields of an unknown type are priced as ordinary fields)."""
        if selection_set is None:
            return Shape()
        depth = aliases = cost = paged = 0
        names: set[str] = set()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                price, child = self._field(parent, name)
                inner = self.measure(selection.selection_set, child)
                names.add(name)
                if selection.selection_set is not None and not name.startswith("__"):
                    depth = max(depth, 1 + inner.depth)
                aliases += inner.aliases + (1 if selection.alias else 0)
                field_cost = 1 + price.weight + _selection_cost(selection, inner, price)
                cost += field_cost
                paged += field_cost if name in _PAGE_FIELDS else 0
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.measure(
                    selection.selection_set,
                    self._type(condition.name.value) if condition else parent,
                )
            elif isinstance(selection, FragmentSpreadNode):
                inner = self.fragment(selection.name.value)
            else:  # pragma: no cover - the grammar has no other selections
                continue
            depth = max(depth, inner.depth)
            aliases += inner.aliases
            cost += inner.cost
            paged += inner.paged
            names |= inner.names
        return Shape(depth, aliases, cost, frozenset(names), paged)

    def _type(self, name: str) -> GraphQLNamedType | None:
        return self.context.schema.get_type(name)

    def _field(
        self, parent: GraphQLNamedType | None, name: str
    ) -> tuple[Price, GraphQLNamedType | None]:
        """The field's price and the type its selection is on (None when unknown)."""
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return _UNPRICED, None
        definition = parent.fields.get(name)
        if definition is None:
            return _UNPRICED, None
        return PRICES.get(f"{parent.name}.{name}", _UNPRICED), get_named_type(definition.type)


def _selection_cost(field: FieldNode, inner: Shape, price: Price) -> int:
    """A connection's page times its size plus what it answers once; any other
    selection times the field's assumed list size."""
    first = _first(field)
    if first is None and not inner.names & _PAGE_FIELDS:
        return price.size * inner.cost
    return (first or DEFAULT_PAGE) * inner.paged + inner.cost - inner.paged


def _first(field: FieldNode) -> int | None:
    for argument in field.arguments or ():
        if argument.name.value == "first":
            if isinstance(argument.value, IntValueNode):
                return max(1, min(int(argument.value.value), MAX_PAGE))
            if isinstance(argument.value, VariableNode):
                return MAX_PAGE
    return None


def shape_limit(max_depth: int, max_aliases: int, max_cost: int) -> type[ValidationRule]:
    """A validation rule refusing operations deeper, more aliased or costlier than allowed."""

    class ShapeLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.meter = ShapeMeter(context)

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            root = self.context.schema.get_root_type(node.operation)
            shape = self.meter.measure(node.selection_set, root)
            checks = (
                (shape.depth, max_depth, "depth", "QUERY_TOO_DEEP"),
                (shape.aliases, max_aliases, "aliases", "TOO_MANY_ALIASES"),
                (shape.cost, max_cost, "cost", "QUERY_TOO_COSTLY"),
            )
            for value, limit, what, code in checks:
                if value > limit:
                    self.report_error(
                        GraphQLError(
                            f"Query {what} {value} exceeds the limit of {limit}.",
                            node,
                            extensions={"code": code, what: value},
                        )
                    )

    return ShapeLimit


def directive_limit(max_directives: int) -> type[ValidationRule]:
    """A validation rule refusing documents with more than ``max_directives`` directives."""

    class DirectiveLimit(ValidationRule):
        count = 0

        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            self.count += 1
            if self.count == max_directives + 1:
                self.report_error(
                    GraphQLError(
                        f"More than {max_directives} directives in one document.",
                        node,
                        extensions={"code": "TOO_MANY_DIRECTIVES"},
                    )
                )

    return DirectiveLimit
