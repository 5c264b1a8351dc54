"""The headers every response carries, as a hardened service sends them.

- ``Content-Security-Policy``: nothing may load or run (``default-src 'none'``) but
  inline styles and ``data:`` images, which the HTML report uses (it has no script);
  no ``<base>``, no form target, no framing. GraphiQL, served in development only, gets
  a policy of its own: its scripts and styles from unpkg.com and requests to this origin.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``,
  ``X-Frame-Options: DENY`` (with ``frame-ancestors 'none'`` for older browsers),
  ``Cross-Origin-Opener-Policy: same-origin``.
- ``Content-Type`` names its charset once: a type given with a charset by its handler is
  not given a second one.

Added by a ``before_send`` hook, so every answer has them, errors and 404s included; a
header its handler set is kept.
"""

from __future__ import annotations

from litestar.types import Message, Scope

POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
GRAPHIQL_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline' https://unpkg.com; "
    "style-src 'unsafe-inline' https://unpkg.com; img-src data: https://unpkg.com; "
    "font-src data: https://unpkg.com; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
GRAPHIQL_PATH = "/graphql"


def single_charset(content_type: bytes) -> bytes:
    """``text/html; charset=utf-8; charset=utf-8`` -> ``text/html; charset=utf-8``."""
    parts = [p.strip() for p in content_type.split(b";")]
    kept: list[bytes] = []
    for part in parts:
        if part.lower().startswith(b"charset=") and any(
            k.lower().startswith(b"charset=") for k in kept
        ):
            continue
        kept.append(part)
    return b"; ".join(kept)


async def add_security_headers(message: Message, scope: Scope) -> None:
    """Add the headers above to a response's start (``before_send`` hook)."""
    if message["type"] != "http.response.start":
        return
    headers = list(message.get("headers") or [])
    names = {name.lower() for name, _ in headers}
    headers = [
        (name, single_charset(value) if name.lower() == b"content-type" else value)
        for name, value in headers
    ]
    content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
    graphiql = scope.get("path") == GRAPHIQL_PATH and content_type.startswith(b"text/html")
    if b"content-security-policy" not in names:
        policy = GRAPHIQL_POLICY if graphiql else POLICY
        headers.append((b"content-security-policy", policy.encode()))
    headers.extend((name, value) for name, value in HEADERS if name not in names)
    message["headers"] = headers
