"""The forges we accept webhooks from, as data: which headers carry the signature,
the delivery id and the event name, and which signature scheme applies.

Schemes:
- ``hmac-prefixed``: ``<header>: sha256=<hex HMAC-SHA256(secret, raw body)>`` (GitHub, Bitbucket)
- ``hmac-hex``: ``<header>: <hex HMAC-SHA256(secret, raw body)>`` (Gitea, Forgejo)
- ``gitlab``: ``X-Gitlab-Token: <secret>``, or the Standard Webhooks headers when the
  hook has a signing token
- ``standard``: Standard Webhooks (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``)

Event names: Gitea and Forgejo name a delivery coarsely in ``X-Gitea-Event``
(``pull_request_approved``) and finely in ``X-Gitea-Event-Type``
(``pull_request_review_approved``); both are kept with the delivery, and the rule
tables are keyed by the fine name (``Forge.rule_event``), translating the coarse one
when a delivery came without the fine header. A form-encoded delivery
(``payload=<json>``) is signed over the raw body by GitHub and over the JSON payload
by Gitea and Forgejo (``form_signs``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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
    event_type_header: str | None = None
    coarse_events: Mapping[str, str] = field(default_factory=dict)
    form_signs: Literal["body", "payload"] = "body"

    @property
    def kept_headers(self) -> tuple[str, ...]:
        """The headers stored with a delivery (never a signature or token): those that
        name it and those its mapping reads."""
        names = [*self.delivery_headers, "user-agent", "content-type", *self.extra_headers]
        if self.event_header:
            names.append(self.event_header)
        if self.event_type_header:
            names.append(self.event_type_header)
        if self.hook_header:
            names.append(self.hook_header)
        if self.scheme in ("gitlab", "standard"):
            names += ["webhook-id", "webhook-timestamp"]
        return tuple(dict.fromkeys(names))

    def rule_event(self, event: str, headers: Mapping[str, str]) -> str:
        """The event name the rule tables know a delivery by (the finer one when the
        forge sent it)."""
        finer = headers.get(self.event_type_header) if self.event_type_header else None
        if finer:
            return finer
        return self.coarse_events.get(event, event)


# X-Gitea-Event names of reviews, and what X-Gitea-Event-Type calls them (Gitea's
# modules/webhook/type.go; Forgejo keeps them).
GITEA_REVIEWS = {
    "pull_request_approved": "pull_request_review_approved",
    "pull_request_rejected": "pull_request_review_rejected",
    "pull_request_comment": "pull_request_review_comment",
}


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
        Forge(
            "gitea",
            "hmac-hex",
            "x-gitea-signature",
            ("x-gitea-delivery",),
            "x-gitea-event",
            event_type_header="x-gitea-event-type",
            coarse_events=GITEA_REVIEWS,
            form_signs="payload",
        ),
        Forge(
            "forgejo",
            "hmac-hex",
            "x-forgejo-signature",
            ("x-forgejo-delivery",),
            "x-forgejo-event",
            event_type_header="x-forgejo-event-type",
            coarse_events=GITEA_REVIEWS,
            form_signs="payload",
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
