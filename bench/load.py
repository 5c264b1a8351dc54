"""A lean HTTP/1.1 load generator for the read benchmarks: keep-alive connections on
raw asyncio streams, one request in flight per connection, the request bytes built
once; it costs far less than an HTTP client library, so the server, not the
generator, is what the figures measure (both share the machine's cores). The CPU the
server and the database use per request is read from ``/proc``: unlike rates, it hardly
moves with other work on the machine."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Run:
    """Requests/s and latencies (ms) of one load, and the status codes seen."""

    rate: float
    latencies: list[float]
    statuses: dict[int, int]


def request(path: str, headers: dict[str, str] | None = None) -> bytes:
    """The bytes of a keep-alive GET of ``path`` on 127.0.0.1."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


async def load(port: int, raw: bytes, requests: int, connections: int) -> Run:
    """Send ``requests`` copies of ``raw`` over ``connections`` keep-alive connections."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    remaining = iter(range(requests))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for _ in remaining:
                started = time.perf_counter()
                status = await _one(reader, writer, raw)
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return Run(requests / (time.perf_counter() - started), latencies, statuses)


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes ``pids`` have used (those still running)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def children(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (a postmaster's backends)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{parent}\n" in text:
            found.append(int(status.parent.name))
    return found


def parent_of(pid: int) -> int | None:
    """The parent of process ``pid`` (None when it is not on this machine)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return next(
        (int(line.split()[1]) for line in text.splitlines() if line.startswith("PPid:")), None
    )
