"""Cross-origin reads for browsers (CORS), as GitHub's API answers them.

- Public reads (``/graphql`` and the persisted operations, reports, tree heads and
  proofs, the key set, the treasury CSV) are answered to any origin with
  ``Access-Control-Allow-Origin: *`` when the request carries no credentials: a page
  anywhere may read what anyone may read.
- A credentialed request (a bearer token or cookies) is answered only to an origin of
  ``COMMONS_CORS_ORIGINS``, which is echoed with ``Access-Control-Allow-Credentials``.
  A preflight from any other origin does not allow ``Authorization``, so the browser
  never sends a token cross-origin to this service from there.
- Everything else (webhooks, health) is same-origin unless the origin is listed.

Preflights (``OPTIONS`` with ``Access-Control-Request-Method``) are answered here,
before routing; ``Vary: Origin`` is set wherever the answer depends on the origin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    Scope,
    Send,
)

PUBLIC: Final = re.compile(
    r"^/graphql(/persisted(/[A-Za-z0-9_]+)?)?$"
    r"|^/projects/[^/]+/(reports/[^/]+|tree-head|proofs/(inclusion|consistency)|transactions\.csv)$"
    r"|^/\.well-known/jwks\.json$"
)
METHODS: Final = "GET, POST, OPTIONS"
PUBLIC_HEADERS: Final = "Content-Type, If-None-Match, Cache-Control"
CREDENTIAL_HEADERS: Final = f"{PUBLIC_HEADERS}, Authorization"
EXPOSED: Final = "ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"
MAX_AGE: Final = "600"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _credentialed(scope: Scope) -> bool:
    return _header(scope, b"authorization") is not None or _header(scope, b"cookie") is not None


def _answer(
    origin: str, listed: bool, public: bool, credentialed: bool
) -> list[tuple[bytes, bytes]]:
    """The CORS headers for an actual request (empty: the browser refuses the read)."""
    if listed:
        return [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-credentials", b"true"),
            (b"access-control-expose-headers", EXPOSED.encode()),
        ]
    if public and not credentialed:
        return [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-expose-headers", EXPOSED.encode()),
        ]
    return []


def _preflight(listed: bool, public: bool, origin: str) -> list[tuple[bytes, bytes]]:
    if listed:
        return [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-credentials", b"true"),
            (b"access-control-allow-methods", METHODS.encode()),
            (b"access-control-allow-headers", CREDENTIAL_HEADERS.encode()),
            (b"access-control-max-age", MAX_AGE.encode()),
        ]
    if public:
        return [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-allow-methods", METHODS.encode()),
            (b"access-control-allow-headers", PUBLIC_HEADERS.encode()),
            (b"access-control-max-age", MAX_AGE.encode()),
        ]
    return []


def middleware(origins: Iterable[str]) -> type:
    """An ASGI middleware class answering CORS with ``origins`` allowed credentials."""
    allowed = frozenset(o.lower() for o in origins)

    class CORSMiddleware:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            origin = _header(scope, b"origin") if scope["type"] == ScopeType.HTTP else None
            if origin is None:
                await self.app(scope, receive, send)
                return
            public = PUBLIC.match(scope["path"]) is not None
            listed = origin.lower() in allowed
            method = scope.get("method", "GET")
            if method == "OPTIONS" and _header(scope, b"access-control-request-method"):
                headers = _preflight(listed, public, origin)
                vary = [(b"vary", b"Origin")] if allowed else []
                start: HTTPResponseStartEvent = {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [*headers, *vary, (b"content-length", b"0")],
                }
                await send(start)
                end: HTTPResponseBodyEvent = {
                    "type": "http.response.body",
                    "body": b"",
                    "more_body": False,
                }
                await send(end)
                return
            extra = _answer(origin, listed, public, _credentialed(scope))
            if allowed:
                extra.append((b"vary", b"Origin"))

            async def send_with_cors(message: Message) -> None:
                if message["type"] == "http.response.start" and extra:
                    message["headers"] = [*message.get("headers", ()), *extra]
                await send(message)

            await self.app(scope, receive, send_with_cors)

    return CORSMiddleware
