"""A request body must arrive within a deadline: a client that sends its headers and
then trickles the body (or stops) would otherwise hold a connection and a handler for
ever.

The deadline starts when the request reaches the application and covers every read of
the body; a read still waiting when it passes ends the request with 408 and
``Connection: close``. Reads after the last body chunk (a handler waiting for the
client to go away) are not timed. Requests without a body are untouched.
"""

from __future__ import annotations

import asyncio

from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send


class BodyTimeout(HTTPException):
    """The request body did not arrive in time (408)."""

    status_code = 408


class BodyDeadline:
    """ASGI middleware timing the reads of a request's body."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.seconds
        complete = False

        async def timed() -> ReceiveMessage:
            nonlocal complete
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                raise BodyTimeout(
                    detail=f"the request body did not arrive within {self.seconds:g} s",
                    headers={"connection": "close"},
                ) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                complete = True
            return message

        await self.app(scope, timed, send)
