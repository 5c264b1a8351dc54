"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from app.database import current_revision, head_revision
from app.runtime import Runtime
from ledger.kernel.boundary import is_outage


@get("/healthz", sync_to_thread=False)
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@get("/readyz")
async def readyz(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """The database answers and is migrated to this code's head; with a read replica,
    its lag at the last check (reads fall back to the primary while it is away, so it
    never makes the instance unready)."""
    runtime: Runtime = request.app.state.runtime
    try:
        async with runtime.pool.acquire(timeout=2) as conn:
            revision = await current_revision(conn)
    except Exception as exc:
        if not is_outage(exc):
            raise
        return Response({"status": "unavailable", "reason": type(exc).__name__}, status_code=503)
    if revision != head_revision():
        return Response(
            {"status": "not migrated", "revision": str(revision), "head": head_revision()},
            status_code=503,
        )
    body: dict[str, Any] = {"status": "ready", "revision": revision}
    if runtime.replica is not None:
        body["replica"] = runtime.replica.status()
    return Response(body)
