"""The query budget: fixed windows aligned to the clock, refusals that charge nothing."""

from __future__ import annotations

from app.budget import RateLimiter


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_client_spends_its_budget_then_is_refused_until_the_window_resets() -> None:
    clock = Clock(7_200.5)
    limiter = RateLimiter(100, 3600, clock)
    assert [limiter.charge("a", 40).allowed for _ in range(3)] == [True, True, False]
    refused = limiter.charge("a", 40)
    assert (refused.used, refused.remaining, refused.reset_at) == (80, 20, 10_800)
    assert limiter.charge("a", 20).allowed
    clock.now = 10_800.0
    fresh = limiter.charge("a", 40)
    assert (fresh.allowed, fresh.used, fresh.reset_at) == (True, 40, 14_400)


def test_clients_have_budgets_of_their_own() -> None:
    limiter = RateLimiter(10, 60, Clock(0))
    assert limiter.charge("a", 10).allowed
    assert not limiter.charge("a", 1).allowed
    assert limiter.charge("b", 10).allowed


def test_the_budget_is_published_in_extensions_and_headers() -> None:
    budget = RateLimiter(1000, 3600, Clock(0)).charge("a", 25)
    assert budget.extension() == {
        "limit": 1000,
        "used": 25,
        "remaining": 975,
        "resetAt": "1970-01-01T01:00:00Z",
    }
    assert budget.headers() == {
        "X-RateLimit-Limit": "1000",
        "X-RateLimit-Remaining": "975",
        "X-RateLimit-Used": "25",
        "X-RateLimit-Reset": "3600",
    }


def test_a_zero_limit_means_no_budget_at_all() -> None:
    budget = RateLimiter(0, 3600, Clock(0)).charge("a", 10**9)
    assert budget.allowed
    assert budget.extension() is None
    assert budget.headers() == {}
