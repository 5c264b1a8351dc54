"""Execution plans: a persisted operation answered by one SQL statement that writes its
``data`` as JSON in PostgreSQL, without GraphQL's per-field execution.

GraphQL executes a dashboard view field by field, through resolvers, loaders and
extensions; a plan asks the database once (``projection`` builds the statement's JSON
value for value as GraphQL writes it) and completes in Python only what Python
defines (global ids, explanations, enum names: the plan's ``finish``). The answer is
written compactly by ``orjson``, so its bytes are those GraphQL's execution answers.

A plan is pinned to the SHA-256 of the document it was written for: when the document
changes, the plan is not used (the operation is executed as GraphQL) until the plan is
brought up to date, and a test fails until then. Another test holds each plan's
answers byte for byte equal to GraphQL's on the same data. A plan answers only the
variables it knows (``arguments`` returns None otherwise: a missing or malformed
variable, an id of another type), and GraphQL answers those with its typed error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from app.persisted.plans import overview, profile

INT64 = 2**63
"""Numbers a plan passes as ``bigint``; others go to GraphQL."""


@dataclass(frozen=True, slots=True)
class Plan:
    operation: str
    digest: str
    """SHA-256 of the document text the plan answers."""
    statement: str
    """One statement answering the operation's ``data`` as JSON text (NULL: the
    data is of the kind ``fallback`` answers)."""
    arguments: Callable[[dict[str, Any]], tuple[Any, ...] | None]
    """The statement's parameters for some variables, or None to execute as GraphQL."""
    finish: Callable[[dict[str, Any]], None]
    """Completes the ``data`` in place with what is defined in Python."""
    fallback: str | None = None
    """The statement, with the same parameters, answering where ``statement`` answers
    NULL: a branch the common case never takes stays out of its plan."""

    async def answer(self, pool: asyncpg.Pool, variables: dict[str, Any]) -> bytes | None:
        """The ``{"data": ...}`` JSON of the operation for ``variables`` (None: the plan
        leaves them to GraphQL)."""
        args = self.arguments(variables)
        if args is None or any(isinstance(a, int) and not -INT64 <= a < INT64 for a in args):
            return None
        text = await pool.fetchval(self.statement, *args)
        if text is None and self.fallback is not None:
            text = await pool.fetchval(self.fallback, *args)
        data = orjson.loads(text)
        self.finish(data)
        return orjson.dumps({"data": data})


PLANS: dict[str, Plan] = {
    plan.operation: plan
    for plan in (
        Plan(
            "ProjectOverview",
            overview.DIGEST,
            overview.STATEMENT,
            overview.arguments,
            overview.finish,
        ),
        Plan(
            "ContributorProfile",
            profile.DIGEST,
            profile.STATEMENT,
            profile.arguments,
            profile.finish,
            profile.GRANTED,
        ),
    )
}
