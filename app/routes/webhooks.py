"""``POST /webhooks/{forge}/{project_slug}`` and the embedded inbox worker service.

The handler reads the raw body and hands it to ``intake.receive.Receiver``: 202 once
the delivery is durably stored, 200 for a duplicate, a JSON reason for every refusal.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from litestar import Request, Response, post
from litestar.exceptions import HTTPException
from litestar.params import FromPath

from app.runtime import Runtime
from app.settings import Settings
from intake.worker import Worker, WorkerConfig


@post("/webhooks/{forge:str}/{project_slug:str}", status_code=202)
async def receive_webhook(
    request: Request[Any, Any, Any], forge: FromPath[str], project_slug: FromPath[str]
) -> Response[dict[str, Any]]:
    """Verify a forge's delivery on its raw body and store it before answering."""
    runtime: Runtime = request.app.state.runtime
    try:
        body = await request.body()
    except HTTPException as exc:
        if exc.status_code != 413:
            raise
        limit = runtime.settings.webhook_max_body
        return Response(
            {"error": "too_large", "message": f"the body is over {limit} bytes"}, status_code=413
        )
    # ASGI header names are lower case already: one plain dict, read many times below
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in request.scope["headers"]}
    answer = await runtime.receiver.receive(forge, project_slug, body, headers)
    return Response(answer.body, status_code=answer.status)


def worker_config(settings: Settings) -> WorkerConfig:
    """The worker's retry policy from the settings."""
    return WorkerConfig(
        max_attempts=settings.worker_max_attempts,
        backoff_seconds=float(settings.worker_backoff),
        poll_seconds=float(settings.worker_poll),
        retention_days=settings.inbox_retention_days,
    )


@contextlib.asynccontextmanager
async def inbox_worker(runtime: Runtime) -> AsyncIterator[None]:
    """Run one inbox worker beside the app unless ``COMMONS_RUN_WORKER`` is false."""
    if not runtime.settings.run_worker:
        yield
        return
    worker = Worker(runtime.pool, runtime.database_url, worker_config(runtime.settings))
    runtime.worker = worker
    task = asyncio.create_task(worker.run(), name="inbox-worker")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
