"""The forges we accept webhooks from, as data: which headers carry the signature,
the delivery id and the event name, and which signature scheme applies.

Schemes:
- ``hmac-prefixed``: ``<header>: sha256=<hex HMAC-SHA256(secret, raw body)>`` (GitHub, Bitbucket)
- ``hmac-hex``: ``<header>: <hex HMAC-SHA256(secret, raw body)>`` (Gitea, Forgejo)
- ``gitlab``: ``X-Gitlab-Token: <secret>``, or the Standard Webhooks headers when the
  hook has a signing token
- ``standard``: Standard Webhooks (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scheme = Literal["hmac-prefixed", "hmac-hex", "gitlab", "standard"]


@dataclass(frozen=True, slots=True)
class Forge:
    """How one forge signs and names its deliveries (header names are lower case)."""

    name: str
    scheme: Scheme
    signature_header: str
    delivery_headers: tuple[str, ...]
    event_header: str | None
    hook_header: str | None = None
    extra_headers: tuple[str, ...] = ()

    @property
    def kept_headers(self) -> tuple[str, ...]:
        """The headers stored with a delivery (never a signature or token)."""
        names = [*self.delivery_headers, "user-agent", "content-type", *self.extra_headers]
        if self.event_header:
            names.append(self.event_header)
        if self.hook_header:
            names.append(self.hook_header)
        if self.scheme in ("gitlab", "standard"):
            names += ["webhook-id", "webhook-timestamp"]
        return tuple(dict.fromkeys(names))


FORGES: dict[str, Forge] = {
    f.name: f
    for f in (
        Forge(
            "github",
            "hmac-prefixed",
            "x-hub-signature-256",
            ("x-github-delivery",),
            "x-github-event",
            hook_header="x-github-hook-id",
        ),
        Forge(
            "gitlab",
            "gitlab",
            "x-gitlab-token",
            ("idempotency-key", "x-gitlab-event-uuid"),
            "x-gitlab-event",
            extra_headers=("x-gitlab-instance",),
        ),
        Forge("gitea", "hmac-hex", "x-gitea-signature", ("x-gitea-delivery",), "x-gitea-event"),
        Forge(
            "forgejo",
            "hmac-hex",
            "x-forgejo-signature",
            ("x-forgejo-delivery",),
            "x-forgejo-event",
        ),
        Forge(
            "bitbucket",
            "hmac-prefixed",
            "x-hub-signature",
            ("x-request-uuid",),
            "x-event-key",
            hook_header="x-hook-uuid",
        ),
        Forge("standard", "standard", "webhook-signature", ("webhook-id",), None),
    )
}
