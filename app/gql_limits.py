"""Limits on GraphQL documents that Strawberry does not ship (or ships in a form that
costs exponential time on nested fragments).

Depth, aliases and cost are measured on the document with fragments expanded, each
fragment measured once (so ``...A ...A`` chains cannot make validation slow), and
the estimate is the same however the document is written:

- depth: nesting of fields with selections (introspection fields do not count);
- aliases: aliased fields, counted once per place a fragment is spread;
- cost: every field costs 1; a field given ``first: N`` multiplies the cost of its
  selection by N (a variable counts as the largest page, 100, since validation is
  cached per document); a connection read without ``first`` (it selects ``edges``
  or ``nodes``, directly or through fragments) counts as the default page, 20.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DirectiveNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
)
from ledger.kernel.paging import DEFAULT_PAGE, MAX_PAGE

_PAGE_FIELDS = frozenset({"edges", "nodes"})


@dataclass(frozen=True, slots=True)
class Shape:
    """What a selection set amounts to once its fragments are expanded."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0
    names: frozenset[str] = frozenset()


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
            shape = self.measure(definition.selection_set)
        finally:
            self._open.discard(name)
        self._fragments[name] = shape
        return shape

    def measure(self, selection_set: SelectionSetNode | None) -> Shape:
        """Depth, aliases, cost and directly selected field names of a selection set."""
        if selection_set is None:
            return Shape()
        depth = aliases = cost = 0
        names: set[str] = set()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                inner = self.measure(selection.selection_set)
                names.add(selection.name.value)
                if selection.selection_set is not None and not selection.name.value.startswith(
                    "__"
                ):
                    depth = max(depth, 1 + inner.depth)
                aliases += inner.aliases + (1 if selection.alias else 0)
                cost += 1 + _multiplier(selection, inner.names) * inner.cost
                continue
            if isinstance(selection, InlineFragmentNode):
                inner = self.measure(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                inner = self.fragment(selection.name.value)
            else:  # pragma: no cover - the grammar has no other selections
                continue
            depth = max(depth, inner.depth)
            aliases += inner.aliases
            cost += inner.cost
            names |= inner.names
        return Shape(depth, aliases, cost, frozenset(names))


def _multiplier(field: FieldNode, selected: frozenset[str]) -> int:
    for argument in field.arguments or ():
        if argument.name.value == "first":
            if isinstance(argument.value, IntValueNode):
                return max(1, min(int(argument.value.value), MAX_PAGE))
            if isinstance(argument.value, VariableNode):
                return MAX_PAGE
    return DEFAULT_PAGE if selected & _PAGE_FIELDS else 1


def shape_limit(max_depth: int, max_aliases: int, max_cost: int) -> type[ValidationRule]:
    """A validation rule refusing operations deeper, more aliased or costlier than allowed."""

    class ShapeLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.meter = ShapeMeter(context)

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            shape = self.meter.measure(node.selection_set)
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
