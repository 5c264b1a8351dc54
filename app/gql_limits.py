"""Limits on GraphQL documents that Strawberry does not ship, and error masking.

Cost: every field costs 1; a field given ``first: N`` multiplies the cost of its
selection by N (a variable counts as the largest page, 100; a connection without
``first`` as the default page, 20). Fragments are expanded, so the estimate is the
same however the document is written.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from strawberry.extensions import MaskErrors

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
from ledger.errors import CommonsError
from ledger.paging import DEFAULT_PAGE, MAX_PAGE

log = logging.getLogger("commons.graphql")


def _multiplier(field: FieldNode) -> int:
    for argument in field.arguments or ():
        if argument.name.value == "first":
            if isinstance(argument.value, IntValueNode):
                return max(1, min(int(argument.value.value), MAX_PAGE))
            if isinstance(argument.value, VariableNode):
                return MAX_PAGE
    if field.selection_set and any(
        isinstance(s, FieldNode) and s.name.value in ("edges", "nodes")
        for s in field.selection_set.selections
    ):
        return DEFAULT_PAGE
    return 1


def selection_cost(
    selection_set: SelectionSetNode | None, context: ValidationContext, seen: frozenset[str]
) -> int:
    """Estimated cost of resolving a selection set."""
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            inner = selection_cost(selection.selection_set, context, seen)
            total += 1 + _multiplier(selection) * inner
        elif isinstance(selection, InlineFragmentNode):
            total += selection_cost(selection.selection_set, context, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = context.get_fragment(name)
            if fragment is not None and name not in seen:
                total += selection_cost(fragment.selection_set, context, seen | {name})
    return total


def cost_limit(max_cost: int) -> type[ValidationRule]:
    """A validation rule refusing operations whose estimated cost exceeds ``max_cost``."""

    class CostLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            cost = selection_cost(node.selection_set, self.context, frozenset())
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"Query cost {cost} exceeds the limit of {max_cost}.",
                        node,
                        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost},
                    )
                )

    return CostLimit


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


def _unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, CommonsError)


class MaskUnexpectedErrors(MaskErrors):
    """Hide unexpected errors behind a generic message with an id the log also has;
    domain errors raised in queries keep their message and gain their code."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_unexpected, error_message="Unexpected error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        error_id = uuid.uuid4().hex
        log.error("unexpected GraphQL error %s", error_id, exc_info=error.original_error)
        return GraphQLError(
            message=f"Unexpected error (id {error_id}).",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL", "errorId": error_id},
        )

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        out = super()._process_errors(errors)
        for error in out:
            if isinstance(error.original_error, CommonsError):
                error.extensions = {**(error.extensions or {}), "code": error.original_error.code}
        return out
