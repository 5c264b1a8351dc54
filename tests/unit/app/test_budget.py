"""The query budget: a token bucket per client, refusals that charge nothing and say
when to come back."""

from __future__ import annotations

from app.budget import MAX_CLIENTS, RateLimiter


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_client_spends_its_bucket_then_is_refused_until_it_refills() -> None:
    clock = Clock(7_200.0)
    limiter = RateLimiter(100, 100, clock)  # 1 a second
    assert [limiter.charge("a", 40).allowed for _ in range(3)] == [True, True, False]
    refused = limiter.charge("a", 40)
    assert (refused.used, refused.remaining, refused.allowed) == (80, 20, False)
    assert refused.retry_after == 20
    assert refused.reset_at == 7_200 + 80
    assert limiter.charge("a", 20).allowed
    clock.now += 39.5
    assert not limiter.charge("a", 40).allowed
    clock.now += 0.5
    again = limiter.charge("a", 40)
    assert (again.allowed, again.remaining) == (True, 0)


def test_a_bucket_never_holds_more_than_its_limit() -> None:
    clock = Clock(0)
    limiter = RateLimiter(100, 10, clock)
    limiter.charge("a", 100)
    clock.now = 1_000_000
    assert limiter.charge("a", 1).remaining == 99


def test_clients_have_buckets_of_their_own() -> None:
    limiter = RateLimiter(10, 60, Clock(0))
    assert limiter.charge("a", 10).allowed
    assert not limiter.charge("a", 1).allowed
    assert limiter.charge("b", 10).allowed


def test_a_spent_bucket_is_known_before_any_query_is_read() -> None:
    clock = Clock(0)
    limiter = RateLimiter(10, 10, clock)
    assert limiter.spent("a") is None  # never seen: a full bucket
    limiter.charge("a", 10)
    spent = limiter.spent("a")
    assert spent is not None
    assert (spent.allowed, spent.remaining, spent.retry_after) == (False, 0, 1)
    clock.now = 1
    assert limiter.spent("a") is None


def test_a_query_dearer_than_the_whole_bucket_is_refused_for_a_window() -> None:
    refused = RateLimiter(10, 60, Clock(0)).charge("a", 11)
    assert (refused.allowed, refused.remaining, refused.retry_after) == (False, 10, 60)


def test_the_budget_is_published_in_extensions_and_headers() -> None:
    limiter = RateLimiter(1000, 3600, Clock(0))
    budget = limiter.charge("a", 25)
    assert budget.extension() == {
        "limit": 1000,
        "used": 25,
        "remaining": 975,
        "resetAt": "1970-01-01T00:01:30Z",
    }
    assert budget.headers() == {
        "X-RateLimit-Limit": "1000",
        "X-RateLimit-Remaining": "975",
        "X-RateLimit-Used": "25",
        "X-RateLimit-Reset": "90",
    }
    refused = limiter.charge("a", 1000)
    assert refused.headers()["Retry-After"] == "90"


def test_a_zero_limit_means_no_budget_at_all() -> None:
    limiter = RateLimiter(0, 3600, Clock(0))
    budget = limiter.charge("a", 10**9)
    assert budget.allowed
    assert budget.extension() is None
    assert budget.headers() == {}
    assert limiter.spent("a") is None


def test_memory_stays_bounded_with_ever_new_clients() -> None:
    limiter = RateLimiter(10, 3600, Clock(0))
    for n in range(MAX_CLIENTS + 5):
        limiter.charge(f"c{n}", 5)
    assert len(limiter._buckets) <= MAX_CLIENTS
    assert not limiter.charge(f"c{MAX_CLIENTS + 4}", 6).allowed  # the newest are kept
