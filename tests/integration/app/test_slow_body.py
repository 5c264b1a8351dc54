"""A client that trickles its request body is answered 408 and disconnected once the
body deadline passes, on a real socket against the app served by uvicorn; a body that
arrives in time is answered as usual."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import pytest
import uvicorn

from app.main import create_app

BODY = json.dumps({"query": "{ __typename }"}).encode()


@pytest.fixture
async def served(app_env: dict[str, str]) -> AsyncIterator[int]:
    """The app with a one-second body deadline, served by uvicorn on a loopback port."""
    app = create_app({**app_env, "COMMONS_BODY_TIMEOUT": "1"})
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the server did not start"
        await asyncio.sleep(0.05)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        await task


async def trickle(port: int, path: str, pause: float) -> tuple[bytes, float, bytes]:
    """POST ``BODY`` one byte per ``pause`` seconds for 0.8 s, never all of it; (response
    head, seconds until the answer, what the server sent after the answer before
    closing)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(BODY)}\r\n\r\n"
    )
    writer.write(head.encode())
    started = time.monotonic()

    async def send() -> None:
        # Bytes keep coming until shortly before the deadline, then the client waits:
        # a byte arriving after the server's answer would stay unread when it closes,
        # and the kernel would then reset the connection instead of closing it.
        for byte in BODY[: max(1, int(0.8 / pause))]:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(pause)

    sender = asyncio.create_task(send())
    try:
        answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
        elapsed = time.monotonic() - started
        rest = await asyncio.wait_for(reader.read(), timeout=10)  # b"" ... until closed
    finally:
        sender.cancel()
        writer.close()
    return answer, elapsed, rest


@pytest.mark.parametrize(
    "path", ["/graphql", "/graphql/persisted/ProjectTotals", "/webhooks/github/demo"]
)
async def test_a_trickled_body_is_answered_408_and_the_connection_closed(
    served: int, path: str
) -> None:
    answer, elapsed, rest = await trickle(served, path, pause=0.2)
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert b"connection: close" in answer.lower()
    assert 0.9 < elapsed < 3.0
    assert json.loads(rest) == {
        "status_code": 408,
        "detail": "the request body did not arrive within 1 s",
    }


async def test_a_body_that_arrives_in_time_is_answered(served: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", served)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(BODY)}\r\nConnection: close\r\n\r\n".encode()
    )
    for half in (BODY[:10], BODY[10:]):
        writer.write(half)
        await writer.drain()
        await asyncio.sleep(0.3)
    response = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    assert response.startswith(b"HTTP/1.1 200 ")
    assert response.endswith(b'{"data":{"__typename":"Query"}}')
