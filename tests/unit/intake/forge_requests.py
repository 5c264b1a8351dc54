"""Building deliveries the way each forge sends them: documented payload fixtures,
signed with a secret and carrying the forge's headers."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from standardwebhooks.webhooks import Webhook

PAYLOADS = Path(__file__).parent / "payloads"
STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

EVENTS = {
    "github": ("x-github-event", "push"),
    "gitlab": ("x-gitlab-event", "Push Hook"),
    "gitea": ("x-gitea-event", "push"),
    "forgejo": ("x-forgejo-event", "push"),
    "bitbucket": ("x-event-key", "repo:push"),
}


def payload(name: str) -> dict[str, Any]:
    """A fixture payload by file stem."""
    loaded: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return loaded


def hex_hmac(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed(
    forge: str,
    secret: str,
    body: bytes,
    event: str | None = None,
    delivery: str | None = None,
    event_type: str | None = None,
) -> dict[str, str]:
    """The headers ``forge`` sends with ``body`` signed by ``secret`` (Gitea and
    Forgejo also name the finer ``event_type``, as their deliver.go does)."""
    delivery = delivery or str(uuid.uuid4())
    headers = {"content-type": "application/json"}
    if forge == "standard":
        ts = datetime.fromtimestamp(int(time.time()), tz=UTC)
        signature = Webhook(secret).sign(delivery, ts, body.decode())
        headers.update(
            {
                "webhook-id": delivery,
                "webhook-timestamp": str(int(ts.timestamp())),
                "webhook-signature": signature,
            }
        )
        return headers
    name, default_event = EVENTS[forge]
    headers[name] = event or default_event
    if forge == "github":
        headers["x-hub-signature-256"] = "sha256=" + hex_hmac(secret, body)
        headers["x-github-delivery"] = delivery
        headers["x-github-hook-id"] = "292430182"
    elif forge == "gitlab":
        headers["x-gitlab-token"] = secret
        headers["x-gitlab-event-uuid"] = delivery
        headers["x-gitlab-instance"] = "https://gitlab.example.com"
    elif forge in ("gitea", "forgejo"):
        headers[f"x-{forge}-signature"] = hex_hmac(secret, body)
        headers[f"x-{forge}-delivery"] = delivery
        if event_type:
            headers[f"x-{forge}-event-type"] = event_type
    elif forge == "bitbucket":
        headers["x-hub-signature"] = "sha256=" + hex_hmac(secret, body)
        headers["x-request-uuid"] = delivery
    return headers


def form_delivery(
    forge: str,
    secret: str,
    document: bytes,
    event: str | None = None,
    delivery: str | None = None,
    event_type: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """A form-encoded delivery (``payload=<json>``) and its headers: GitHub signs the
    raw form body, Gitea and Forgejo the JSON document."""
    body = urlencode({"payload": document.decode()}).encode()
    covered = document if forge in ("gitea", "forgejo") else body
    headers = signed(forge, secret, covered, event, delivery, event_type)
    headers["content-type"] = "application/x-www-form-urlencoded"
    return body, headers
