"""Answering a persisted operation: budget, entity tag, cache, execution.

1. The caller's budget is charged the operation's cost (``RateLimited`` when it is
   spent: HTTP answers 429).
2. An operation reading one project (``$slug``) is a function of that project's
   journal head and of the viewer (``cache.viewer``): its weak ``ETag`` is computed
   from those alone, so ``If-None-Match`` is answered 304 at once, and an answer
   computed at the current head is served from the cache without executing anything
   (``Cache-Control: no-cache`` on the request skips the cache, not the ETag).
3. Otherwise the operation's execution plan answers it (``app.persisted.plans``: one
   statement), or the parsed, validated document is executed directly by graphql-core
   (no parsing, validation or schema extensions per request; an operation costing
   more than the heavy lane's threshold waits for its turn there, ``app.lanes``); its
   errors pass the same boundary as every GraphQL answer, and an outage is raised for
   HTTP to answer 503.

The body is ``{"data": ..., "errors": ..., "extensions": {"cost": ..., "rateLimit": ...}}``.
The cache keeps the bytes of ``data`` (and ``errors``) and the headers that go with
them, already encoded; only the budget's part is written per request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from app.budget import Budget, RateLimiter, refusal
from app.gql.errors import answer_errors
from app.lanes import Lane
from app.persisted import cache as answers
from app.persisted.catalogue import Operation, catalogue, load_operations
from app.persisted.heads import JournalHeads
from app.persisted.plans import PLANS, Plan
from app.settings import Settings
from graphql import ExecutionResult, GraphQLSchema, execute
from ledger.kernel.boundary import translate
from ledger.kernel.context import Loaders
from ledger.kernel.errors import Unavailable
from ledger.kernel.principal import Principal

Headers = list[tuple[bytes, bytes]]
_NO_STORE: Headers = [(b"cache-control", b"no-store"), (b"x-cache", b"bypass")]


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


@dataclass(frozen=True, slots=True)
class Answer:
    """Status, JSON body and (encoded) headers of one persisted answer."""

    status: int
    body: bytes
    headers: Headers
    seq: int | None = None
    """The journal head the answer is at, for an operation about one project."""


class RateLimited(Exception):
    """The caller's budget cannot cover the operation (``budget.retry_after``)."""

    def __init__(self, budget: Budget, body: bytes) -> None:
        super().__init__("rate limit exceeded")
        self.budget = budget
        self.body = body
        """The GraphQL answer of the refusal: a ``RATE_LIMITED`` error and the budget."""


def budget_headers(budget: Budget) -> Headers:
    """``budget.headers()`` encoded."""
    return [(k.lower().encode(), v.encode()) for k, v in budget.headers().items()]


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


async def _planned(plan: Plan, variables: dict[str, Any], pool: asyncpg.Pool) -> bytes | None:
    """The plan's answer; None to execute as GraphQL (the plan declines the variables,
    or meets an expected error, which GraphQL then answers as its typed error)."""
    try:
        return await plan.answer(pool, variables)
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
        lane: Lane,
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
        self.lane = lane
        self.executed = 0
        """Operations executed (not answered from the cache) since the start."""
        self.planned = 0
        """Of those, the ones an execution plan answered."""
        self._costs = {
            name: orjson.dumps({"requested": op.cost, "limit": max_cost})
            for name, op in operations.items()
        }

    async def execute(
        self, operation: Operation, variables: dict[str, Any], context: Any
    ) -> tuple[bytes, bool]:
        """The ``{"data": ..., "errors": ...}`` JSON of one execution, and whether it
        holds errors: by the operation's plan when it has one for these variables, else
        by graphql-core (in the heavy lane when the operation costs enough)."""
        self.executed += 1
        plan = self.plans.get(operation.name)
        if plan is not None and plan.digest == operation.digest:
            body = await _planned(plan, variables, self.pool)
            if body is not None:
                self.planned += 1
                return body, False
        if not self.lane.takes(operation.cost):
            return await self._graphql(operation, variables, context)
        async with self.lane.turn(context.pool) as pool:
            if pool is not context.pool:
                context.pool = pool
                context.loaders = Loaders(pool)
            return await self._graphql(operation, variables, context)

    async def _graphql(
        self, operation: Operation, variables: dict[str, Any], context: Any
    ) -> tuple[bytes, bool]:
        result = execute(
            self.schema, operation.document, context_value=context, variable_values=variables
        )
        if not isinstance(result, ExecutionResult):
            result = await result
        return _result_body(result)

    def _extensions(self, operation: Operation, budget: Budget) -> bytes:
        """``,"extensions":{...}}``: what closes an answer's body."""
        limit = budget.extension()
        rate = b',"rateLimit":' + orjson.dumps(limit) if limit is not None else b""
        return b',"extensions":{"cost":' + self._costs[operation.name] + rate + b"}}"

    def _refused(self, operation: Operation, budget: Budget) -> RateLimited:
        error = refusal(budget, operation.cost).formatted
        body = b'{"data":null,"errors":' + orjson.dumps([error])
        return RateLimited(budget, body + self._extensions(operation, budget))

    async def answer(
        self, operation: Operation, request: Request, context: Callable[[], Any]
    ) -> Answer:
        """Answer one request (``context`` builds a fresh GraphQL context if needed)."""
        budget = self.limiter.charge(request.client, operation.cost)
        if not budget.allowed:
            raise self._refused(operation, budget)
        slug = request.variables.get(operation.project_variable or "")
        head = await self.heads.head(slug) if isinstance(slug, str) else None
        if head is None:
            body, _ = await self.execute(operation, request.variables, context())
            return self._answer(200, body, operation, budget, _NO_STORE)
        project_id, seq = head
        seen_by = answers.viewer(request.principal, slug)  # type: ignore[arg-type]
        variables = orjson.dumps(request.variables, option=orjson.OPT_SORT_KEYS).decode()
        key: answers.Key = (operation.name, variables, seen_by)
        cached = None if request.revalidate else self.cache.get(key, seq)
        if cached is None:
            tag = answers.etag(operation.digest, variables, project_id, seq, seen_by)
            kept = answers.entity_headers(tag, request.principal.anonymous)
        else:
            tag, kept = cached.etag, cached.headers
        if answers.matches(request.if_none_match, tag):
            return Answer(304, b"", budget_headers(budget) + kept, seq)
        if cached is not None:
            return self._answer(200, cached.body, operation, budget, [*kept, answers.HIT], seq)
        body, failed = await self.execute(operation, request.variables, context())
        if not failed:
            self.cache.put(key, answers.Cached(seq, tag, body, kept))
        return self._answer(200, body, operation, budget, [*kept, answers.MISS], seq)

    def _answer(
        self,
        status: int,
        body: bytes,
        operation: Operation,
        budget: Budget,
        headers: Headers,
        seq: int | None = None,
    ) -> Answer:
        full = body[:-1] + self._extensions(operation, budget)
        return Answer(status, full, budget_headers(budget) + headers, seq)


def persisted(
    schema: GraphQLSchema,
    pool: asyncpg.Pool,
    url: str,
    limiter: RateLimiter,
    lane: Lane,
    settings: Settings,
) -> Persisted:
    """The catalogue of ``graphql/operations/``, checked against ``schema``, and what
    answers it in this process."""
    return Persisted(
        catalogue(load_operations(), schema),
        schema,
        JournalHeads(pool, url),
        answers.ResponseCache(settings.response_cache),
        limiter,
        lane,
        settings.max_cost,
        pool,
        PLANS,
    )
