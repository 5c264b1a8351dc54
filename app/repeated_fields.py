"""Refusing documents that repeat one field so often that checking them would not end
in time, with a reason.

GraphQL lets a selection ask for the same field twice; validation then compares every
pair of fields answering under the same name, and the fields below them once merged,
so ``{ name name ... }`` a thousand times costs a million comparisons. graphql-core
stops such a document with a bare "Validation aborted."; this rule refuses it first and
says which field repeats, counting as that comparison does: per response name, over the
merged selections of the fields above (fragments expanded, each once per merged
selection, a fragment inside itself skipped). The work counted is the sum of the
squares of the repeat counts; a document over ``budget`` is refused. The count runs
only on documents within the depth and cost limits, so it never expands more fields
than the cost limit allows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from graphql.validation.validate import ValidationAbortedError

from app.gql.limits import ShapeMeter
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

BUDGET = 10_000


@dataclass(frozen=True, slots=True)
class Repeats:
    """The comparison work of merged selections and their most repeated field."""

    work: int = 0
    field: str = ""
    times: int = 0

    def add(self, other: Repeats) -> Repeats:
        worst = other if other.times > self.times else self
        return Repeats(self.work + other.work, worst.field, worst.times)


class RepeatCounter:
    """Counts repeated fields of one document."""

    def __init__(self, context: ValidationContext) -> None:
        self.context = context

    def count(self, merged: list[SelectionSetNode], path: frozenset[str] = frozenset()) -> Repeats:
        """The work and worst repeat of selections merged under one response name."""
        by_key: dict[str, list[SelectionSetNode | None]] = defaultdict(list)
        expanded: set[str] = set()

        def collect(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    key = (selection.alias or selection.name).value
                    by_key[key].append(selection.selection_set)
                elif isinstance(selection, InlineFragmentNode):
                    collect(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    definition = self.context.get_fragment(name)
                    if definition is None or name in expanded or name in path:
                        continue
                    expanded.add(name)
                    collect(definition.selection_set)

        for selection_set in merged:
            collect(selection_set)
        found = Repeats()
        below = path | expanded
        for key, selections in by_key.items():
            times = len(selections)
            found = found.add(Repeats(times * times if times > 1 else 0, key, times))
            children = [s for s in selections if s is not None]
            if children:
                found = found.add(self.count(children, below))
        return found


def repeat_limit(max_depth: int, max_cost: int, budget: int = BUDGET) -> type[ValidationRule]:
    """A validation rule refusing a document whose repeated fields cost more than
    ``budget`` to compare, naming the most repeated one (``DUPLICATED_FIELDS``)."""

    class RepeatLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.meter = ShapeMeter(context)
            self.counter = RepeatCounter(context)

        def _check(self, selection_set: SelectionSetNode, path: frozenset[str]) -> None:
            shape = self.meter.measure(selection_set)
            if shape.depth > max_depth or shape.cost > max_cost:
                return  # refused by the shape limit; counting could expand too much
            found = self.counter.count([selection_set], path)
            if found.work > budget:
                raise ValidationAbortedError(
                    f"Query repeats the field {found.field!r} {found.times} times in one "
                    "selection (counting the selections it merges with); ask for each "
                    "field once.",
                    extensions={
                        "code": "DUPLICATED_FIELDS",
                        "field": found.field,
                        "times": found.times,
                    },
                )

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            self._check(node.selection_set, frozenset())

        def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
            self._check(node.selection_set, frozenset({node.name.value}))

    return RepeatLimit
