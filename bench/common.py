"""Shared set-up for benchmarks: a throwaway PostgreSQL, migrated, timing helpers and the
CPU time of the server's processes."""

from __future__ import annotations

import os
import socket
import statistics
import tempfile
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from app import database


@contextmanager
def scratch_database() -> Iterator[str]:
    """DATABASE_URL when set, else an embedded server in a temporary folder, set up as
    the service sets up its own; migrated."""
    url = os.environ.get("DATABASE_URL")
    if url:
        database.migrate(url)
        yield url
        return
    server = database.embedded_server(Path(tempfile.mkdtemp(prefix="commons-bench-")), "delete")
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


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """User and system CPU seconds spent so far by ``processes`` (gone ones count 0)."""
    total = 0.0
    for p in processes:
        try:
            times = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def postgres_processes(url: str) -> list[psutil.Process]:
    """The PostgreSQL server's processes (the embedded one's postmaster and children;
    none for a server this machine cannot see)."""
    host = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("host", [""])[0]
    pid_file = Path(host) / "postmaster.pid"
    if not host or not pid_file.exists():
        return []
    postmaster = psutil.Process(int(pid_file.read_text().split()[0]))
    return [postmaster, *postmaster.children(recursive=True)]
