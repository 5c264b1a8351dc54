"""Which database a GraphQL operation reads: a query on the read replica (once it has
replayed the journal heads the client sent), a mutation or subscription on the primary,
reads inside it included. A query the replica failed (it went away mid-way) is
answered again on the primary: it only reads, so running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from app.context import AppContext
from app.gql_errors import Schema
from ledger.kernel.boundary import is_outage
from ledger.kernel.context import Loaders


class ReadRouting(SchemaExtension):
    """Points a query's context at the read pool before it runs."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if (
            isinstance(context, AppContext)
            and context.replica is not None
            and self.execution_context.operation_type is OperationType.QUERY
        ):
            pool = await context.replica.reader_for(context.journal_heads)
            if pool is not context.pool:
                context.pool = pool
                context.loaders = Loaders(pool)
        yield


def _replica_failed(result: ExecutionResult) -> bool:
    return any(
        e.original_error is not None and is_outage(e.original_error) for e in result.errors or []
    )


class RoutedSchema(Schema):
    """The schema whose queries the replica failed are answered on the primary."""

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """Run the operation; once more on the primary when it read on a replica that
        did not answer."""
        result = await super().execute(
            query, variable_values, context_value, root_value, operation_name,
            allowed_operation_types, operation_extensions,
        )  # fmt: skip
        if not (
            isinstance(context_value, AppContext)
            and context_value.replica is not None
            and context_value.pool is not context_value.primary
            and _replica_failed(result)
        ):
            return result
        failure = next(e.original_error for e in result.errors or [] if e.original_error)
        context_value.replica.failed(failure)
        context_value.pool = context_value.primary
        context_value.loaders = Loaders(context_value.primary)
        return await super().execute(
            query, variable_values, context_value, root_value, operation_name,
            allowed_operation_types, operation_extensions,
        )  # fmt: skip
