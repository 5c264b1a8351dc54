"""Answering a persisted operation: budget, entity tag, cache, execution.

1. The caller's budget is charged the operation's cost (429 when it is spent).
2. An operation reading one project (``$slug``) is a function of that project's
   journal head and of the viewer (``cache.viewer``): its weak ``ETag`` is computed
   from those alone, so ``If-None-Match`` is answered 304 at once, and an answer
   computed at the current head is served from the cache without executing anything
   (``Cache-Control: no-cache`` on the request skips the cache, not the ETag).
3. Otherwise the operation's execution plan answers it (``app.persisted.plans``),
   or the parsed, validated document is executed directly by graphql-core (no
   parsing, validation or schema extensions per request); its errors pass the same
   boundary as every GraphQL answer, and an outage is raised for HTTP to answer 503.

The body is ``{"data": ..., "errors": ..., "extensions": {"cost": ..., "rateLimit": ...}}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson

from app.budget import Budget, RateLimiter
from app.gql.errors import answer_errors
from app.persisted import cache as answers
from app.persisted.catalogue import Operation, catalogue, load_operations
from app.persisted.heads import JournalHeads
from app.persisted.plans import PLANS, Plan
from app.settings import Settings
from graphql import ExecutionResult, GraphQLSchema, execute
from ledger.kernel.boundary import translate
from ledger.kernel.errors import Unavailable
from ledger.kernel.principal import Principal


@dataclass(frozen=True, slots=True)
class Request:
    """What of an HTTP request a persisted answer depends on."""

    name: str
    variables: dict[str, Any]
    principal: Principal
    client: str
    if_none_match: str | None = None
    revalidate: bool = False
    """The client asked for an answer from the origin (``Cache-Control: no-cache``)."""


@dataclass(slots=True)
class Answer:
    """Status, JSON body and headers of one persisted answer."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class RateLimited(Exception):
    """The caller's budget cannot cover the operation until ``budget.reset_at``."""

    def __init__(self, budget: Budget) -> None:
        super().__init__("rate limit exceeded")
        self.budget = budget


def _result_body(result: ExecutionResult) -> tuple[bytes, bool]:
    """The JSON of a result and whether it holds errors (an outage is raised)."""
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        errors = answer_errors(list(result.errors))
        for error in errors:
            if isinstance(error.original_error, Unavailable):
                raise error.original_error
        body["errors"] = [e.formatted for e in errors]
    return orjson.dumps(body), bool(result.errors)


async def _planned(plan: Plan, variables: dict[str, Any], pool: asyncpg.Pool) -> Any:
    """The plan's ``data``; None to execute as GraphQL (the plan declines the variables,
    or meets an expected error, which GraphQL then answers as its typed error)."""
    try:
        return await plan.run(pool, variables)
    except Exception as exc:
        known = translate(exc)
        if known is None or isinstance(known, Unavailable):
            raise
        return None


class Persisted:
    """The catalogue and everything answering it in this process."""

    def __init__(
        self,
        operations: dict[str, Operation],
        schema: GraphQLSchema,
        heads: JournalHeads,
        cache: answers.ResponseCache,
        limiter: RateLimiter,
        max_cost: int,
        pool: asyncpg.Pool,
        plans: Mapping[str, Plan],
    ) -> None:
        self.operations = operations
        self.pool = pool
        self.plans = plans
        """Execution plans by operation, used while pinned to the operation's document."""
        self.schema = schema
        self.heads = heads
        self.cache = cache
        self.limiter = limiter
        self.max_cost = max_cost
        self.executed = 0
        """Operations executed (not answered from the cache) since the start."""
        self.planned = 0
        """Of those, the ones an execution plan answered."""

    async def execute(
        self, operation: Operation, variables: dict[str, Any], context: Any
    ) -> tuple[bytes, bool]:
        """The ``{"data": ..., "errors": ...}`` JSON of one execution, and whether it
        holds errors: by the operation's plan when it has one for these variables, else
        by graphql-core."""
        self.executed += 1
        plan = self.plans.get(operation.name)
        if plan is not None and plan.digest == operation.digest:
            data = await _planned(plan, variables, self.pool)
            if data is not None:
                self.planned += 1
                return orjson.dumps({"data": data}), False
        result = execute(
            self.schema, operation.document, context_value=context, variable_values=variables
        )
        if not isinstance(result, ExecutionResult):
            result = await result
        return _result_body(result)

    def _extensions(self, operation: Operation, budget: Budget) -> bytes:
        ext: dict[str, Any] = {"cost": {"requested": operation.cost, "limit": self.max_cost}}
        limit = budget.extension()
        if limit is not None:
            ext["rateLimit"] = limit
        return orjson.dumps(ext)

    async def answer(
        self, operation: Operation, request: Request, context: Callable[[], Any]
    ) -> Answer:
        """Answer one request (``context`` builds a fresh GraphQL context if needed)."""
        budget = self.limiter.charge(request.client, operation.cost)
        if not budget.allowed:
            raise RateLimited(budget)
        headers = budget.headers()
        slug = request.variables.get(operation.project_variable or "")
        head = await self.heads.head(slug) if isinstance(slug, str) else None
        status = "bypass"
        if head is None:
            headers["Cache-Control"] = "no-store"
            body, _ = await self.execute(operation, request.variables, context())
        else:
            project_id, seq = head
            seen_by = answers.viewer(request.principal, slug)  # type: ignore[arg-type]
            variables = orjson.dumps(request.variables, option=orjson.OPT_SORT_KEYS).decode()
            tag = answers.etag(operation.digest, variables, project_id, seq, seen_by)
            scope = "public" if request.principal.anonymous else "private"
            headers |= {"ETag": tag, "Cache-Control": f"{scope}, no-cache", "Vary": "Authorization"}
            if answers.matches(request.if_none_match, tag):
                return Answer(304, b"", headers)
            key: answers.Key = (operation.name, variables, seen_by)
            cached = None if request.revalidate else self.cache.get(key, seq)
            if cached is not None:
                body, status = cached.body, "hit"
            else:
                body, failed = await self.execute(operation, request.variables, context())
                status = "miss"
                if not failed:
                    self.cache.put(key, answers.Cached(seq, tag, body))
        headers["X-Cache"] = status
        return Answer(
            200, body[:-1] + b',"extensions":' + self._extensions(operation, budget) + b"}", headers
        )


def persisted(
    schema: GraphQLSchema, pool: asyncpg.Pool, url: str, limiter: RateLimiter, settings: Settings
) -> Persisted:
    """The catalogue of ``graphql/operations/``, checked against ``schema``, and what
    answers it in this process."""
    return Persisted(
        catalogue(load_operations(), schema),
        schema,
        JournalHeads(pool, url),
        answers.ResponseCache(settings.response_cache),
        limiter,
        settings.max_cost,
        pool,
        PLANS,
    )
