"""The GraphQL schema: each domain's Query and Mutation merged, with the limits,
caches and masking every request goes through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import strawberry
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from app.gql_limits import MaskUnexpectedErrors, cost_limit, directive_limit
from app.settings import Settings
from ledger import gql as ledger_gql
from ledger.gql_common import Node, parse_global_id
from ledger.gql_types import Info
from reports import gql as reports_gql

NodeResolver = Callable[[Info, list[str]], Awaitable[Any]]

QUERIES: tuple[type, ...] = (ledger_gql.Query, reports_gql.Query)
MUTATIONS: tuple[type, ...] = (ledger_gql.Mutation,)
SUBSCRIPTIONS: tuple[type, ...] = ()
NODES: dict[str, NodeResolver] = {**ledger_gql.NODES}


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        type_name, parts = parse_global_id(id)
        resolve = NODES.get(type_name)
        return await resolve(info, parts) if resolve else None


def extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Limits, caches and masking, in the order they apply (a fresh instance per
    request; the parser and validation caches are shared at module level)."""
    rules: list[type[ASTValidationRule]] = [
        cost_limit(settings.max_cost),
        directive_limit(settings.max_directives),
    ]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return [
        partial(ParserCache, maxsize=512),
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(QueryDepthLimiter, max_depth=settings.max_depth),
        partial(MaxAliasesLimiter, max_alias_count=settings.max_aliases),
        partial(AddValidationRules, rules),
        partial(ValidationCache, maxsize=512),
        MaskUnexpectedErrors,
    ]


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with this instance's limits."""
    query = merge_types("Query", (NodeQuery, *QUERIES))
    mutation = merge_types("Mutation", MUTATIONS)
    subscription = merge_types("Subscription", SUBSCRIPTIONS) if SUBSCRIPTIONS else None
    return strawberry.Schema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        extensions=extensions(settings),
        config=StrawberryConfig(disable_field_suggestions=not settings.development),
    )


def sdl() -> str:
    """The schema's SDL (limits do not change it)."""
    from app.settings import Settings as _Settings

    return build_schema(_Settings.from_env({})).as_str() + "\n"
