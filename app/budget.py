"""Each client's query budget: a token bucket of query cost, per process.

A client is its token's subject, or its address when anonymous. Its bucket holds up to
``limit`` cost and refills continuously at ``limit / window`` per second, so a client
may spend ``limit`` at once and then ``limit`` per window. Every query is charged its
estimated cost (``app.gql.limits``: the same measure the cost limit uses); a query the
bucket cannot cover is refused, charged nothing, and told when it could run
(``retry_after``), and every answer says where the budget stands
(``extensions.rateLimit``, ``X-RateLimit-*`` headers: ``Reset`` is when the bucket is
full again; a refusal is a ``RATE_LIMITED`` GraphQL error, ``refusal``). The count is
this process's own: with N workers a client may spend up to N budgets.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLError
from ledger.kernel.principal import Principal

MAX_CLIENTS = 100_000


def client_key(principal: Principal, address: str | None) -> str:
    """Whose budget a request spends: its token's (by pseudonym), else its address's."""
    if not principal.anonymous:
        return f"token:{principal.pseudonym or principal.subject}"
    return f"address:{address or 'unknown'}"


@functools.lru_cache(maxsize=1024)
def _instant(epoch: int) -> str:
    """RFC 3339 UTC of an epoch second (a busy client's are near one another)."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Budget:
    """Where a client's budget stands after a charge (or a refusal)."""

    limit: int
    remaining: int
    reset_at: int
    """Epoch second at which the bucket is full again."""
    allowed: bool
    retry_after: int = 0
    """Seconds until a refused charge could be covered (0 when it was allowed)."""

    @property
    def used(self) -> int:
        return self.limit - self.remaining

    def extension(self) -> dict[str, Any] | None:
        """The ``rateLimit`` member of a response's extensions (None: no limit)."""
        if self.limit == 0:
            return None
        return {
            "limit": self.limit,
            "used": self.used,
            "remaining": self.remaining,
            "resetAt": _instant(self.reset_at),
        }

    def headers(self) -> dict[str, str]:
        """``X-RateLimit-*`` headers, as GitHub's API sends them (and ``Retry-After``
        on a refusal)."""
        if self.limit == 0:
            return {}
        found = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Used": str(self.used),
            "X-RateLimit-Reset": str(self.reset_at),
        }
        if not self.allowed:
            found["Retry-After"] = str(self.retry_after)
        return found


class RateLimiter:
    """Buckets of ``limit`` cost refilled over ``window`` seconds (``limit`` 0: none)."""

    def __init__(self, limit: int, window: int, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.window = window
        self.rate = limit / window
        """Cost a bucket regains per second."""
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        """client -> (tokens, when they were counted)."""

    def _tokens(self, client: str, now: float) -> float:
        tokens, at = self._buckets.get(client, (self.limit, now))
        return min(float(self.limit), tokens + (now - at) * self.rate)

    def _budget(self, tokens: float, now: float, allowed: bool, wait: float = 0) -> Budget:
        remaining = int(tokens)
        full_at = now + (self.limit - tokens) / self.rate
        return Budget(self.limit, remaining, math.ceil(full_at), allowed, math.ceil(wait))

    def charge(self, client: str, cost: int) -> Budget:
        """Charge ``cost`` to ``client``; ``allowed`` is False (and nothing is charged)
        when the bucket cannot cover it."""
        if self.limit == 0:
            return Budget(0, 0, 0, True)
        now = self._clock()
        tokens = self._tokens(client, now)
        if cost > tokens:
            wait = (cost - tokens) / self.rate if cost <= self.limit else self.window
            return self._budget(tokens, now, False, max(1.0, wait))
        if len(self._buckets) >= MAX_CLIENTS and client not in self._buckets:
            self._forget_full(now)
        self._buckets[client] = (tokens - cost, now)
        return self._budget(tokens - cost, now, True)

    def spent(self, client: str) -> Budget | None:
        """The client's refusal when its bucket cannot cover even the cheapest query
        (cost 1), so it can be refused before its query is read; else None."""
        if self.limit == 0 or client not in self._buckets:
            return None
        now = self._clock()
        tokens = self._tokens(client, now)
        if tokens >= 1:
            return None
        return self._budget(tokens, now, False, max(1.0, (1 - tokens) / self.rate))

    def _forget_full(self, now: float) -> None:
        """Drop the buckets that have refilled (they are what a new client gets); if
        that is not enough, the oldest tenth (memory is bounded, at the price of
        leniency towards those clients)."""
        kept = {k: v for k, v in self._buckets.items() if self._tokens(k, now) < self.limit}
        if len(kept) >= MAX_CLIENTS:
            kept = dict(list(kept.items())[MAX_CLIENTS // 10 :])
        self._buckets = kept


def refusal(budget: Budget, cost: int) -> GraphQLError:
    """The typed error of a query the budget cannot cover."""
    when = (
        "more than the whole budget"
        if cost > budget.limit
        else f"{budget.remaining} of {budget.limit} remain; retry in {budget.retry_after} s"
    )
    return GraphQLError(
        f"The query budget is spent: this query costs {cost}, {when}.",
        extensions={"code": "RATE_LIMITED", "cost": cost, "retryAfter": budget.retry_after},
    )


def spent_answer(budget: Budget) -> dict[str, Any]:
    """The body of a refusal made before a query was read (its cost is unknown, and
    more than what remains)."""
    error = refusal(budget, 1).formatted
    error["extensions"].pop("cost")
    error["message"] = (
        f"The query budget is spent ({budget.remaining} of {budget.limit} remain); "
        f"retry in {budget.retry_after} s."
    )
    return {"data": None, "errors": [error], "extensions": {"rateLimit": budget.extension()}}
