"""The GraphQL schema: each domain's Query and Mutation merged, with the limits,
caches, masking and read routing every request goes through."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, Any

import strawberry
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from app.budget import RateLimiter
from app.composition import compose, deprecate_superseded, glossary
from app.gql.budget import query_budget
from app.gql.errors import ErrorBoundary
from app.gql.limits import directive_limit, shape_limit
from app.gql.routing import ReadRouting, RoutedSchema
from app.lanes import Lane, LaneExecution
from app.repeated_fields import repeat_limit
from app.settings import Settings
from governance.gql import root as governance_gql
from intake import erasure_gql, policy_gql
from intake import gql as intake_gql
from ledger.graphql import Info, Node, parse_global_id
from ledger.kernel.errors import InvalidInput
from ledger.kernel.paging import MAX_PAGE
from ledger.register.gql import root as ledger_gql
from ledger.treasury.gql import nodes as treasury_nodes
from ledger.treasury.gql import root as treasury_gql
from licenses.gql import root as licenses_gql
from reports import gql as reports_gql
from reports.critics import gql as critics_gql

NodeResolver = Callable[[Info, list[str]], Awaitable[Any]]

QUERIES: tuple[type, ...] = (
    ledger_gql.Query,
    governance_gql.GovernanceQuery,
    reports_gql.Query,
    critics_gql.Query,
    treasury_gql.TreasuryQuery,
    licenses_gql.Query,
    intake_gql.IntakeQuery,
    policy_gql.IntakePolicyQuery,
)
MUTATIONS: tuple[type, ...] = (
    ledger_gql.Mutation,
    governance_gql.GovernanceMutation,
    treasury_gql.TreasuryMutation,
    licenses_gql.Mutation,
    intake_gql.IntakeMutation,
    erasure_gql.ErasureMutation,
    policy_gql.IntakePolicyMutation,
)
SUBSCRIPTIONS: tuple[type, ...] = (governance_gql.GovernanceSubscription,)
NODES: dict[str, NodeResolver] = {
    **ledger_gql.NODES,
    **governance_gql.NODES,
    **licenses_gql.NODES,
    **treasury_nodes.NODES,
}


async def _node(info: Info, id: str) -> Node | None:
    type_name, parts = parse_global_id(id)
    resolve = NODES.get(type_name)
    found: Node | None = await resolve(info, parts) if resolve else None
    return found


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id.")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The object's global id.")],
    ) -> Node | None:
        return await _node(info, id)

    @strawberry.field(description="Objects by their global ids, in order (null where none).")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description=f"At most {MAX_PAGE} global ids.")
        ],
    ) -> list[Node | None]:
        if len(ids) > MAX_PAGE:
            raise InvalidInput(f"at most {MAX_PAGE} ids at once", "ids")
        return list(await asyncio.gather(*(_node(info, i) for i in ids)))


def extensions(
    settings: Settings, limiter: RateLimiter | None = None, lane: Lane | None = None
) -> list[Callable[[], SchemaExtension]]:
    """Limits, caches, the query budget (with a ``limiter``, and the heavy ``lane``), the
    error boundary and read routing, in the order they apply (a fresh instance per
    request; the parser and validation caches are shared at module level)."""
    rules: list[type[ASTValidationRule]] = [
        shape_limit(settings.max_depth, settings.max_aliases, settings.max_cost),
        directive_limit(settings.max_directives),
        repeat_limit(settings.max_depth, settings.max_cost),
    ]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    budget: list[Callable[[], SchemaExtension]] = [query_budget(limiter, lane)] if limiter else []
    return [
        partial(ParserCache, maxsize=512),
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(AddValidationRules, rules),
        partial(ValidationCache, maxsize=512),
        *budget,
        ErrorBoundary,
        ReadRouting,
    ]


def build_schema(
    settings: Settings, limiter: RateLimiter | None = None, lane: Lane | None = None
) -> strawberry.Schema:
    """The schema with this instance's limits (and query budget, given a ``limiter``;
    the heavy ``lane``), its superseded root fields deprecated and its glossary applied."""
    schema = assemble(settings, limiter, lane)
    deprecate_superseded(schema._schema)
    glossary.document(schema._schema)
    return schema


def assemble(
    settings: Settings, limiter: RateLimiter | None = None, lane: Lane | None = None
) -> strawberry.Schema:
    """Every area's types merged, ``Project`` composed: the schema as the code says it."""
    compose()
    query = merge_types("Query", (NodeQuery, *QUERIES))
    mutation = merge_types("Mutation", MUTATIONS)
    subscription = merge_types("Subscription", SUBSCRIPTIONS) if SUBSCRIPTIONS else None
    return RoutedSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        extensions=extensions(settings, limiter, lane),
        execution_context_class=LaneExecution,
        config=StrawberryConfig(disable_field_suggestions=not settings.development),
    )


def sdl() -> str:
    """The schema's SDL (limits do not change it)."""
    from app.settings import Settings as _Settings

    return build_schema(_Settings.from_env({})).as_str() + "\n"
