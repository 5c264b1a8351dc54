"""The query budget on ``POST /graphql``: each valid operation is charged its cost
(``app.gql.limits``' measure) to the caller's budget (``app.budget``); an operation
the budget cannot cover is refused before it runs with a ``RATE_LIMITED`` error,
and every answer carries ``X-RateLimit-*`` headers and ``X-GraphQL-Cost``.

(Persisted operations are charged in ``app.persisted.service``, which also reports
the budget in the answer's ``extensions``.)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

from app.budget import RateLimiter, client_key
from app.gql.limits import ShapeMeter
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    ValidationContext,
)

_MEASURED = 512


def operation_cost(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> int:
    """The estimated cost of the operation a request runs (0 when there is none)."""
    context = ValidationContext(schema, document, TypeInfo(schema), lambda _: None)
    meter = ShapeMeter(context)
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            operation_name is None
            or (definition.name is not None and definition.name.value == operation_name)
        ):
            return meter.measure(definition.selection_set).cost
    return 0


def client_of(context: Any) -> str:
    """The budget a GraphQL request's context spends (``app.budget.client_key``)."""
    client = getattr(getattr(context, "request", None), "client", None)
    return client_key(context.principal, client.host if client else None)


def query_budget(limiter: RateLimiter) -> type[SchemaExtension]:
    """A schema extension charging every valid operation to ``limiter`` as it starts
    to execute (a refused one is answered without executing)."""
    measured: OrderedDict[tuple[str, str | None], int] = OrderedDict()

    class QueryBudget(SchemaExtension):
        def on_execute(self) -> Iterator[None]:
            ctx = self.execution_context
            if ctx.graphql_document is None:
                yield
                return
            key = (ctx.query or "", ctx.operation_name)
            cost = measured.get(key)
            if cost is None:
                cost = operation_cost(ctx.schema._schema, ctx.graphql_document, ctx.operation_name)
                measured[key] = cost
                if len(measured) > _MEASURED:
                    measured.popitem(last=False)
            budget = limiter.charge(client_of(ctx.context), cost)
            response = getattr(ctx.context, "response", None)
            if response is not None:
                response.headers.update({**budget.headers(), "X-GraphQL-Cost": str(cost)})
            if not budget.allowed:
                refusal = GraphQLError(
                    f"The query budget of this window is spent ({budget.used} of "
                    f"{budget.limit}); it resets at {budget.reset_at}.",
                    extensions={"code": "RATE_LIMITED", "cost": cost},
                )
                ctx.result = ExecutionResult(data=None, errors=[refusal])
            yield

    return QueryBudget
