"""``create_app``: the Litestar application, built from an environment mapping.

The lifespan starts the embedded PostgreSQL when no ``DATABASE_URL`` is set, applies
migrations, opens the pool (and the read replica's, with ``COMMONS_READ_DATABASE_URL``),
loads the signing keys and starts background services (the inbox worker, the proposal
closer, the tree-head publisher, the checker and the replica's watch).
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

import strawberry
from litestar import Litestar
from litestar.middleware import DefineMiddleware
from litestar.types import ControllerRouterHandler

from app import cors, database, http_errors, replica
from app.auth import TokenService, fetch_external
from app.body_deadline import BodyDeadline
from app.budget import RateLimiter
from app.lanes import Lane
from app.persisted.service import persisted
from app.routes.dashboard import DashboardController, asset
from app.routes.graphql import graphql_controller
from app.routes.health import healthz, readyz
from app.routes.journal import JournalController, jwks
from app.routes.persisted import PersistedController
from app.routes.reports import report
from app.routes.schemas import schema_file
from app.routes.treasury import transactions_csv
from app.routes.webhooks import inbox_worker, receive_webhook
from app.runtime import Runtime
from app.schema import build_schema
from app.security_headers import add_security_headers
from app.settings import Settings
from governance import closer as governance_closer
from intake.receive import Receiver
from ledger.journal import checker, publisher
from ledger.journal import checkpoints as journal_checkpoints
from ledger.journal.keys import load_or_create
from ledger.kernel import pseudonyms
from ledger.treasury import checkpoints as treasury_checkpoints
from licenses.spdx import check

ROUTES: list[ControllerRouterHandler] = [
    healthz,
    readyz,
    PersistedController,
    jwks,
    JournalController,
    schema_file,
    report,
    receive_webhook,
    transactions_csv,
    DashboardController,
    asset,
]

# The public checks the background checker keeps up to date (journal chain, books).
PUBLIC_CHECKS = (journal_checkpoints.CHECK, treasury_checkpoints.CHECK)

# Background services started with the app: each takes the runtime and returns an
# async context manager that runs until the app stops.
SERVICES: list[Callable[[Runtime], AbstractAsyncContextManager[Any]]] = [
    inbox_worker,
    lambda rt: governance_closer.running(rt.pool, rt.settings.run_worker),
    lambda rt: checker.running(
        rt.pool, PUBLIC_CHECKS, rt.settings.run_worker, rt.settings.check_interval
    ),
    lambda rt: publisher.running(
        rt.pool,
        rt.keys.tree_heads,
        publisher.Schedule(rt.settings.head_max_delay, rt.settings.head_max_events),
        rt.settings.head_publisher,
    ),
    lambda rt: replica.checking(rt.replica),
    lambda rt: rt.persisted.heads.running(),
]


async def start_runtime(
    env: Mapping[str, str],
    settings: Settings,
    schema: strawberry.Schema,
    limiter: RateLimiter,
    lane: Lane,
) -> Runtime:
    """Database (embedded if needed), migrations, pools (the heavy ``lane``'s too), keys,
    schema and the persisted operations (charged to ``limiter`` and given turns in
    ``lane``, as the schema's queries are)."""
    url = settings.database_url
    if url is None:
        url = await asyncio.to_thread(database.embedded_url, env)
    await database.ensure_migrated(url)
    pool = await database.create_pool(
        url,
        min_size=settings.pool_min,
        max_size=settings.pool_max,
        command_timeout=settings.command_timeout,
    )
    await lane.open(pool, url, settings.command_timeout)
    reads = None
    if settings.read_database_url:
        # No connection at start: the primary is enough to start, the replica may follow.
        replica_pool = await database.create_pool(
            settings.read_database_url,
            min_size=0,
            max_size=settings.pool_max,
            command_timeout=settings.command_timeout,
        )
        reads = replica.Replica(pool, replica_pool)
    keys = load_or_create(settings.data_dir / "keys")
    external = (
        await asyncio.to_thread(fetch_external, settings.jwks_url) if settings.jwks_url else None
    )
    runtime = Runtime(
        env,
        settings,
        url,
        pool,
        keys,
        TokenService(settings, keys.tokens, external, await pseudonyms.load(pool)),
        schema,
        Receiver(pool, settings.webhook_max_body),
        persisted(schema._schema, pool, url, limiter, lane, settings),
        check,
        replica=reads,
    )
    return runtime


def settle_heap() -> None:
    """Keep what start-up made (schema, catalogue, keys, pools) out of the garbage
    collector's way: a full collection would otherwise walk those ~200,000 objects and
    stop the event loop for tens of milliseconds, for every request in flight. What is
    made later is collected as usual; the app's shutdown undoes this. Only the young
    generations are collected first (start-up's garbage is young): a full collection
    here would walk the whole heap of whatever process hosts the app, once per start."""
    gc.collect(1)
    gc.freeze()


def create_app(env: Mapping[str, str] | None = None) -> Litestar:
    """The application for this environment (``os.environ`` when none is given)."""
    env = dict(os.environ if env is None else env)
    settings = Settings.from_env(env)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        runtime = await start_runtime(env, settings, schema, limiter, lane)
        app.state.runtime = runtime
        try:
            async with AsyncExitStack() as stack:
                for service in SERVICES:
                    await stack.enter_async_context(service(runtime))
                settle_heap()
                yield
        finally:
            gc.unfreeze()
            await lane.close()
            await runtime.pool.close()
            if runtime.replica is not None:
                await runtime.replica.pool.close()

    limiter = RateLimiter(settings.rate_limit, settings.rate_window)
    lane = Lane(settings.heavy_cost, settings.heavy_concurrency, settings.heavy_pool)
    schema = build_schema(settings, limiter, lane)
    return Litestar(
        route_handlers=[*ROUTES, graphql_controller(settings, schema)],
        lifespan=[lifespan],
        exception_handlers=http_errors.handlers(),
        middleware=[
            cors.middleware(settings.cors_origins),
            DefineMiddleware(BodyDeadline, seconds=settings.body_timeout),
        ],
        before_send=[add_security_headers],
        request_max_body_size=settings.webhook_max_body,
        debug=False,
    )
