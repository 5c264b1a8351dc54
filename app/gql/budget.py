"""Admission on ``POST /graphql``: each valid operation is charged its cost
(``app.gql.limits``' measure) to the caller's budget (``app.budget``) and, when it is
expensive, waits for its turn in the heavy lane (``app.lanes``) before it executes.

An operation the budget cannot cover is refused before it runs: ``429`` with
``Retry-After``, a ``RATE_LIMITED`` error saying when to retry, and the budget in
``extensions.rateLimit``. A caller whose budget cannot cover even the cheapest query is
refused the same way before its document is read (``app.budget.spent_answer``, raised
by the request's context). Every answer carries ``X-RateLimit-*`` headers and
``X-GraphQL-Cost``.

(Persisted operations are admitted by ``app.persisted.service``, which also reports
the budget in every answer's ``extensions``.)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from app.budget import RateLimiter, client_key, refusal
from app.gql.limits import ShapeMeter
from app.lanes import Lane
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    ValidationContext,
)
from ledger.kernel.context import Loaders

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


def query_budget(limiter: RateLimiter, lane: Lane | None = None) -> type[SchemaExtension]:
    """A schema extension charging every valid operation to ``limiter`` as it starts
    to execute (a refused one is answered without executing) and giving queries that
    cost more than the lane's threshold a turn in ``lane`` first."""
    measured: OrderedDict[tuple[str, str | None], int] = OrderedDict()

    class QueryBudget(SchemaExtension):
        refused: dict[str, Any] | None = None

        def _cost(self) -> int:
            ctx = self.execution_context
            key = (ctx.query or "", ctx.operation_name)
            cost = measured.get(key)
            if cost is None:
                assert ctx.graphql_document is not None
                cost = operation_cost(ctx.schema._schema, ctx.graphql_document, ctx.operation_name)
                measured[key] = cost
                if len(measured) > _MEASURED:
                    measured.popitem(last=False)
            return cost

        async def on_execute(self) -> AsyncIterator[None]:
            ctx = self.execution_context
            if ctx.graphql_document is None:
                yield
                return
            cost = self._cost()
            budget = limiter.charge(client_of(ctx.context), cost)
            response = getattr(ctx.context, "response", None)
            if response is not None:
                response.headers.update({**budget.headers(), "X-GraphQL-Cost": str(cost)})
            if not budget.allowed:
                if response is not None:
                    response.status_code = 429
                self.refused = {"rateLimit": budget.extension()}
                ctx.result = ExecutionResult(data=None, errors=[refusal(budget, cost)])
                yield
                return
            if (
                lane is None
                or ctx.operation_type is not OperationType.QUERY
                or not lane.takes(cost)
            ):
                yield
                return
            async with lane.turn(ctx.context.pool) as pool:
                if pool is not ctx.context.pool:
                    ctx.context.pool = pool
                    ctx.context.loaders = Loaders(pool)
                yield

        def get_results(self) -> dict[str, Any]:
            return self.refused or {}

    return QueryBudget
