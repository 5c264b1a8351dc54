"""The per-request GraphQL context: pools (where it reads, the primary), caller, loaders,
settings and the instance's services the resolvers reach (listening URL, webhook
targets, license checker, the read replica)."""

from __future__ import annotations

import asyncpg
import orjson
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException
from litestar.types import Scope
from strawberry.litestar import BaseContext

from app.auth import AuthError
from app.budget import Budget, client_key, spent_answer
from app.replica import HEADER, Replica, parse_heads
from app.runtime import Runtime
from app.settings import Settings
from ledger.kernel.context import Cache, Loaders
from ledger.kernel.license_check import LicenseChecker
from ledger.kernel.principal import ANONYMOUS, Principal


class AppContext(BaseContext, kw_only=True):
    """What every package's resolvers read (``ledger.kernel.context.Context``), filled from
    the runtime."""

    pool: asyncpg.Pool
    primary: asyncpg.Pool
    principal: Principal
    loaders: Loaders
    settings: Settings
    database_url: str
    webhook_targets: Cache
    check_license: LicenseChecker
    acquire_timeout: float = 10.0
    replica: Replica | None = None
    journal_heads: tuple[tuple[str, int], ...] = ()


# RFC 6750 section 3: a refused bearer token is answered with this challenge.
CHALLENGE = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


def principal_from(runtime: Runtime, authorization: str | None) -> Principal:
    """The caller named by an ``Authorization: Bearer`` header; anonymous without one."""
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorizedException(
            detail="Authorization must be 'Bearer <token>'", headers=CHALLENGE
        )
    try:
        return runtime.tokens.verify(token.strip())
    except AuthError as exc:
        raise NotAuthorizedException(detail=str(exc), headers=CHALLENGE) from None


def context_for(
    runtime: Runtime, principal: Principal, journal_heads: tuple[tuple[str, int], ...] = ()
) -> AppContext:
    """A fresh context (new loaders) for one operation, on the primary until the
    operation turns out to be a query (``app.gql.routing``); ``journal_heads`` are the
    heads a read must see (``Commons-Journal-Head``)."""
    return AppContext(
        pool=runtime.pool,
        primary=runtime.pool,
        principal=principal,
        loaders=Loaders(runtime.pool),
        settings=runtime.settings,
        database_url=runtime.database_url,
        webhook_targets=runtime.receiver.targets,
        check_license=runtime.check_license,
        acquire_timeout=runtime.settings.acquire_timeout,
        replica=runtime.replica,
        journal_heads=journal_heads,
    )


class BudgetSpent(Exception):
    """The caller's budget cannot cover even the cheapest query: refused before its
    document is read (``body`` is the GraphQL answer, ``headers`` the budget's)."""

    def __init__(self, budget: Budget) -> None:
        super().__init__("query budget spent")
        self.body = orjson.dumps(spent_answer(budget))
        self.headers = budget.headers()


async def graphql_context(scope: Scope, headers: Headers) -> AppContext:
    """Litestar dependency building the context of a GraphQL request or socket
    (``BudgetSpent`` when the caller of a request has spent its budget)."""
    runtime: Runtime = scope["litestar_app"].state.runtime
    principal = principal_from(runtime, headers.get("authorization"))
    if scope["type"] == ScopeType.HTTP:
        client = scope.get("client")
        key = client_key(principal, client[0] if client else None)
        spent = runtime.persisted.limiter.spent(key)
        if spent is not None:
            raise BudgetSpent(spent)
    return context_for(runtime, principal, parse_heads(headers.get(HEADER)))
