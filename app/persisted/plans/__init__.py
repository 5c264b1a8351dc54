"""Execution plans: a persisted operation answered by batched statements and a direct
projection into its response, without GraphQL's per-field execution.

GraphQL executes a dashboard view field by field (~1 ms of resolvers for an overview
on this hardware, whatever the data); a plan runs one statement per area and builds
the same ``data`` directly. A plan is pinned to the SHA-256 of the document it was
written for: when the document changes, the plan is not used (the operation is
executed as GraphQL) until the plan is brought up to date, and a test fails until
then. Another test holds each plan's answers equal to GraphQL's on the same data.
A plan answers only the variables it knows; anything else (a missing or malformed
variable, an id of the wrong type) goes to GraphQL, which answers its typed error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg

from app.persisted.plans import overview, profile

Run = Callable[[asyncpg.Pool, dict[str, Any]], Awaitable[dict[str, Any] | None]]
"""(pool, variables) -> the answer's ``data``, or None to execute the operation as GraphQL."""


@dataclass(frozen=True, slots=True)
class Plan:
    operation: str
    digest: str
    """SHA-256 of the document text the plan answers."""
    run: Run


PLANS: dict[str, Plan] = {
    plan.operation: plan
    for plan in (
        Plan("ProjectOverview", overview.DIGEST, overview.run),
        Plan("ContributorProfile", profile.DIGEST, profile.run),
    )
}
