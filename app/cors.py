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


Headers = list[tuple[bytes, bytes]]
_EXPOSE = (b"access-control-expose-headers", EXPOSED.encode())
_ANY = (b"access-control-allow-origin", b"*")
_CREDENTIALS = (b"access-control-allow-credentials", b"true")
_VARY = (b"vary", b"Origin")
_METHODS = (b"access-control-allow-methods", METHODS.encode())
_AGE = (b"access-control-max-age", MAX_AGE.encode())
_PUBLIC_READ: Headers = [_ANY, _EXPOSE]
_PUBLIC_PREFLIGHT: Headers = [
    _ANY,
    _METHODS,
    (b"access-control-allow-headers", PUBLIC_HEADERS.encode()),
    _AGE,
]
_EMPTY_BODY: HTTPResponseBodyEvent = {"type": "http.response.body", "body": b"", "more_body": False}


def _asking(scope: Scope) -> tuple[str | None, bool, bool]:
    """The request's ``Origin``, whether it carries credentials (a token or cookies) and
    whether it asks for a preflight, in one pass over its headers."""
    origin = None
    credentialed = preflight = False
    for key, value in scope.get("headers", ()):
        if key == b"origin":
            origin = value.decode("latin-1")
        elif key in (b"authorization", b"cookie"):
            credentialed = True
        elif key == b"access-control-request-method":
            preflight = True
    return origin, credentialed, preflight


def _listed(origin: str) -> Headers:
    return [(b"access-control-allow-origin", origin.encode("latin-1")), _CREDENTIALS]


def _answer(origin: str, listed: bool, public: bool, credentialed: bool) -> Headers:
    """The CORS headers for an actual request (empty: the browser refuses the read)."""
    if listed:
        return [*_listed(origin), _EXPOSE]
    if public and not credentialed:
        return _PUBLIC_READ
    return []


def _preflight(listed: bool, public: bool, origin: str) -> Headers:
    if listed:
        return [
            *_listed(origin),
            _METHODS,
            (b"access-control-allow-headers", CREDENTIAL_HEADERS.encode()),
            _AGE,
        ]
    return _PUBLIC_PREFLIGHT if public else []


def middleware(origins: Iterable[str]) -> type:
    """An ASGI middleware class answering CORS with ``origins`` allowed credentials
    (its answers are built once; a request without ``Origin`` passes untouched)."""
    allowed = frozenset(o.lower() for o in origins)
    vary = [_VARY] if allowed else []

    class CORSMiddleware:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await self.app(scope, receive, send)
                return
            origin, credentialed, preflight = _asking(scope)
            if origin is None:
                await self.app(scope, receive, send)
                return
            public = PUBLIC.match(scope["path"]) is not None
            listed = origin.lower() in allowed
            if preflight and scope.get("method") == "OPTIONS":
                start: HTTPResponseStartEvent = {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [
                        *_preflight(listed, public, origin),
                        *vary,
                        (b"content-length", b"0"),
                    ],
                }
                await send(start)
                await send(_EMPTY_BODY)
                return
            extra = [*_answer(origin, listed, public, credentialed), *vary]
            if not extra:
                await self.app(scope, receive, send)
                return

            async def send_with_cors(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", ()), *extra]
                await send(message)

            await self.app(scope, receive, send_with_cors)

    return CORSMiddleware
