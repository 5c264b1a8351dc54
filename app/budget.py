"""Each client's query budget: the cost of its queries per fixed window, per process.

A client is its token's subject, or its address when anonymous. Every query is
charged its estimated cost (``app.gql.limits``: the same measure the cost limit
uses); a query that would go past the budget is refused until the window resets,
and every answer says where the budget stands (``extensions.rateLimit`` of
persisted operations, ``X-RateLimit-*`` headers everywhere). Windows are aligned to
the clock (``resetAt`` is the same for every client). The count is this process's
own: with N workers a client may spend up to N budgets.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ledger.kernel.principal import Principal

MAX_CLIENTS = 100_000


def client_key(principal: Principal, address: str | None) -> str:
    """Whose budget a request spends: its token's (by pseudonym), else its address's."""
    if not principal.anonymous:
        return f"token:{principal.pseudonym or principal.subject}"
    return f"address:{address or 'unknown'}"


@functools.lru_cache(maxsize=8)
def _instant(epoch: int) -> str:
    """RFC 3339 UTC of an epoch second (a window's end, the same for every client)."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Budget:
    """Where a client's budget stands after a charge."""

    limit: int
    used: int
    reset_at: int
    allowed: bool

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

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
        """``X-RateLimit-*`` headers, as GitHub's API sends them."""
        if self.limit == 0:
            return {}
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Used": str(self.used),
            "X-RateLimit-Reset": str(self.reset_at),
        }


class RateLimiter:
    """Fixed-window budgets of ``limit`` cost per ``window`` seconds (0: unlimited)."""

    def __init__(self, limit: int, window: int, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._spent: dict[str, tuple[int, int]] = {}

    def charge(self, client: str, cost: int) -> Budget:
        """Charge ``cost`` to ``client``; ``allowed`` is False (and nothing is charged)
        when the budget cannot cover it."""
        now = self._clock()
        index = int(now // self.window)
        reset_at = (index + 1) * self.window
        if self.limit == 0:
            return Budget(0, 0, reset_at, True)
        window, used = self._spent.get(client, (index, 0))
        if window != index:
            used = 0
        if used + cost > self.limit:
            return Budget(self.limit, used, reset_at, False)
        if len(self._spent) >= MAX_CLIENTS and client not in self._spent:
            self._spent = {k: v for k, v in self._spent.items() if v[0] == index}
        self._spent[client] = (index, used + cost)
        return Budget(self.limit, used + cost, reset_at, True)
