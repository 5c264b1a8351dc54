"""Webhook intake under a bounded load: signed 10 KB GitHub push deliveries against
``commons serve`` on 127.0.0.1, beside a bare Litestar route doing only HMAC + one
INSERT, measured in the same run; prints deliveries/s, p50/p99 and the ratio.

    .venv/bin/python -m bench.intake [--small] [--count N] [--concurrency C]

Both servers run the same way (uvicorn, one process, same pool size) on the same
database; the inbox worker is off during the load (it would compete for the same
two cores). Targets: ratio >= 1.0x, p99 <= 25 ms. Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from litestar import Litestar, Request, Response, post
from litestar.params import FromPath

from app import database
from bench.common import percentile, scratch_database

SECRET = "bench-secret-0001"  # noqa: S105 (a throwaway secret for a loopback load)
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def push_body(n: int, size: int = 10_240) -> bytes:
    """A GitHub push payload padded to ``size`` bytes."""
    sha = hashlib.sha1(str(n).encode(), usedforsecurity=False).hexdigest()
    commit = {
        "id": sha,
        "message": f"Change {n}\n\nSigned-off-by: Dev <dev{n % 50}@example.org>",
        "timestamp": "2024-05-01T10:00:00Z",
        "url": f"https://github.com/o/r/commit/{sha}",
        "author": {"name": f"Dev {n % 50}", "email": f"dev{n % 50}@example.org"},
    }
    payload: dict[str, Any] = {"ref": "refs/heads/main", "commits": [commit], "padding": ""}
    raw = json.dumps(payload).encode()
    payload["padding"] = "x" * max(0, size - len(raw))
    return json.dumps(payload).encode()


def _headers(body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "x-github-event": "push",
        "x-github-delivery": str(uuid.uuid4()),
        "x-github-hook-id": "1",
        "x-hub-signature-256": "sha256="
        + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest(),
    }


def bare_app() -> Litestar:
    """The floor: a Litestar route doing only HMAC verification and one INSERT."""
    state: dict[str, Any] = {}

    async def start() -> None:
        state["pool"] = await database.create_pool(os.environ["DATABASE_URL"], max_size=10)
        state["project"] = await state["pool"].fetchval("SELECT id FROM projects")

    async def stop() -> None:
        await state["pool"].close()

    @post("/bare/{slug:str}", status_code=202)
    async def receive(request: Request[Any, Any, Any], slug: FromPath[str]) -> Response[Any]:
        body = await request.body()
        given = request.headers.get("x-hub-signature-256", "").removeprefix("sha256=")
        digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(digest.encode(), given.encode()):
            return Response({"error": "bad_signature"}, status_code=401)
        pool: asyncpg.Pool = state["pool"]
        await pool.execute(
            "INSERT INTO webhook_inbox (project_id, forge, event, delivery_key, headers, body) "
            "VALUES ($1, 'github', 'push', $2, '{}', $3)",
            state["project"],
            "bare:" + request.headers.get("x-github-delivery", ""),
            body,
        )
        return Response({"status": "accepted"}, status_code=202)

    return Litestar([receive], on_startup=[start], on_shutdown=[stop], debug=False)


def _serve(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"server on port {port} did not start")


def _request(path: str, port: int, body: bytes) -> bytes:
    """One signed HTTP/1.1 request, pre-built so the client spends no time on it."""
    lines = [f"POST {path} HTTP/1.1", f"host: {HOST}:{port}", f"content-length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in _headers(body).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return status, await reader.readexactly(length)


async def load(url: str, count: int, concurrency: int) -> tuple[float, list[float]]:
    """Send ``count`` deliveries over ``concurrency`` keep-alive connections (a lean
    client, so the servers are what is measured); (seconds, latencies in ms)."""
    parts = httpx.URL(url)
    port = parts.port or 80
    requests = [_request(parts.path, port, push_body(n)) for n in range(count)]
    latencies: list[float] = []
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)

    async def sender() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            while not queue.empty():
                request = queue.get_nowait()
                began = time.perf_counter()
                status, answer = await _exchange(reader, writer, request)
                latencies.append((time.perf_counter() - began) * 1000)
                if status != 202:
                    raise RuntimeError(f"{url}: {status} {answer.decode()}")
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return time.perf_counter() - began, latencies


async def _prepare(url: str) -> None:
    from intake.connections import connect_forge
    from ledger.register.projects import ProjectInput, create_project

    conn = await database.connect(url)
    try:
        async with conn.transaction():
            project = await create_project(conn, ProjectInput("bench", "Bench"), "bench")
            await connect_forge(conn, project, "github", SECRET, "", "bench")
    finally:
        await conn.close()


def _report(name: str, seconds: float, latencies: list[float]) -> float:
    rate = len(latencies) / seconds
    print(
        f"{name:<22} {rate:8,.0f} deliveries/s   p50 {percentile(latencies, 50):6.2f} ms"
        f"   p99 {percentile(latencies, 99):6.2f} ms"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="500 deliveries per server")
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    count = args.count or (500 if args.small else 4000)
    with scratch_database() as url:
        asyncio.run(_prepare(url))
        data_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"commons-bench-intake-{os.getpid()}"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "COMMONS_DATA_DIR": str(data_dir),
            "COMMONS_RUN_WORKER": "false",
        }
        commons = str(Path(sys.executable).parent / "commons")
        bare_port, serve_port = _free_port(), _free_port()
        bare = _serve(
            [sys.executable, "-m", "uvicorn", "bench.intake:bare_app", "--factory",
             "--host", HOST, "--port", str(bare_port), "--log-level", "info"],
            env, bare_port,
        )  # fmt: skip
        serve = _serve(
            [commons, "serve", "--host", HOST, "--port", str(serve_port)], env, serve_port
        )
        try:
            targets = {
                "bare HMAC + INSERT": f"http://{HOST}:{bare_port}/bare/bench",
                "commons serve": f"http://{HOST}:{serve_port}/webhooks/github/bench",
            }
            for target in targets.values():  # warm up both
                asyncio.run(load(target, 200, args.concurrency))
            rounds = 4  # alternated, so both see the same background load
            print(
                f"{count} signed 10 KB deliveries each in {rounds} alternating rounds, "
                f"{args.concurrency} in flight"
            )
            spent = dict.fromkeys(targets, 0.0)
            seen: dict[str, list[float]] = {name: [] for name in targets}
            for _ in range(rounds):
                for name, target in targets.items():
                    seconds, latencies = asyncio.run(
                        load(target, count // rounds, args.concurrency)
                    )
                    spent[name] += seconds
                    seen[name] += latencies
            rates = {name: _report(name, spent[name], seen[name]) for name in targets}
            ratio = rates["commons serve"] / rates["bare HMAC + INSERT"]
            print(f"ratio commons serve / bare floor: {ratio:.2f}x")
        finally:
            for process in (bare, serve):
                process.terminate()
                process.wait(10)


if __name__ == "__main__":
    main()
