"""Where a benchmark's time goes: wall time and the CPU of the benchmarking process, of
the PostgreSQL server's processes (the backends serving connections apart from its
background work: checkpointer, WAL writer, I/O workers, autovacuum; and those that
ended meanwhile, such as the parallel workers of an index build) and of the whole
machine (other work sharing its cores included), between marks."""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.common import cpu_seconds, postgres_processes

# Title prefixes of a server's processes that serve no connection.
_BACKGROUND = (
    "postgres: checkpointer", "postgres: background writer", "postgres: walwriter",
    "postgres: io worker", "postgres: autovacuum", "postgres: logical replication",
    "postgres: walsender", "postgres: archiver",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Spent:
    """Wall and CPU seconds of one stretch: this process's, the server's backends'
    (``connections``), background processes' and processes' that ended during it
    (``ended``: parallel workers, autovacuum workers; each 0 for a server this machine
    cannot see), and the machine's."""

    wall: float
    loader: float
    connections: float
    background: float
    machine: float
    ended: float = 0.0


def _role(process: psutil.Process) -> str:
    try:
        title = " ".join(process.cmdline())
    except psutil.NoSuchProcess:
        return "background"
    if title.startswith(_BACKGROUND) or not title.startswith("postgres: "):
        return "background"  # the postmaster's own command line is its binary's path
    return "connections"


def _reaped(processes: list[psutil.Process]) -> float:
    """CPU seconds of the server's processes that have ended: the postmaster (first of
    ``processes``) waits for every child it started, which adds their CPU to its own
    children's times."""
    if not processes:
        return 0.0
    try:
        times = processes[0].cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return times.children_user + times.children_system


class Clock:
    """Marks of a run; the server's processes are looked up at each mark (one started
    meanwhile counts from its start)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.marks: list[tuple[float, float, dict[int, tuple[str, float]], float, float]] = []

    def mark(self) -> None:
        own = resource.getrusage(resource.RUSAGE_SELF)
        processes = postgres_processes(self.url)
        server = {p.pid: (_role(p), cpu_seconds([p])) for p in processes}
        machine = psutil.cpu_times()
        busy = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
        self.marks.append(
            (time.perf_counter(), own.ru_utime + own.ru_stime, server, busy, _reaped(processes))
        )

    def between(self, a: int, b: int) -> Spent:
        """What was spent from mark ``a`` to mark ``b``."""
        (w0, l0, s0, m0, e0), (w1, l1, s1, m1, e1) = self.marks[a], self.marks[b]
        spent = {"connections": 0.0, "background": 0.0}
        for pid, (role, seconds) in s1.items():
            spent[role] += seconds - s0.get(pid, (role, 0.0))[1]
        # A process seen at mark a that ended since: its time before a is not this stretch's.
        before = sum(seconds for pid, (_, seconds) in s0.items() if pid not in s1)
        return Spent(
            w1 - w0, l1 - l0, spent["connections"], spent["background"], m1 - m0, e1 - e0 - before
        )


def reset_peak_memory() -> None:
    """Start this process's peak resident memory afresh (Linux; elsewhere a no-op)."""
    refs = Path("/proc/self/clear_refs")
    if refs.exists():
        refs.write_text("5")


def peak_memory_mib() -> float:
    """This process's peak resident memory since the last reset (Linux), else over its life."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
