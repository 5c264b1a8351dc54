"""Webhook verification on the raw body, before anything parses it (pure, no I/O).

Every comparison is constant time on bytes (``hmac.compare_digest``). A refusal is a
``Refused`` carrying the HTTP status and a reason a forge operator can act on.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from intake.forges import Forge

MAX_DELIVERY_KEY = 300


class Refused(Exception):
    """A delivery we will not store: ``status`` is the HTTP answer, ``code`` its reason."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Secret:
    """One active secret of a forge connection."""

    id: int
    value: str


def _hmac_hex(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().encode()


def _matching_hmac(
    secrets: Sequence[Secret], body: bytes, presented: str, prefix: str
) -> int | None:
    if prefix:
        scheme, _, digest = presented.partition("=")
        if scheme.strip().lower() != prefix:
            raise Refused(401, "bad_signature", f"signature must be '{prefix}=<hex>'")
    else:
        digest = presented
    given = digest.strip().lower().encode()
    found = None
    for secret in secrets:
        if hmac.compare_digest(_hmac_hex(secret.value, body), given):
            found = secret.id
    return found


def standard_webhook(secret: str) -> Webhook | None:
    try:
        return Webhook(secret)
    except Exception:  # malformed key (not base64 / empty): it cannot match
        return None


def _matching_standard(
    secrets: Sequence[Secret], body: bytes, headers: Mapping[str, str]
) -> int | None:
    presented = {name: headers.get(name) or "" for name in ("webhook-id", "webhook-timestamp")}
    presented["webhook-signature"] = headers.get("webhook-signature") or ""
    if not all(presented.values()):
        raise Refused(401, "missing_signature", "webhook-id, -timestamp and -signature required")
    try:
        body.decode()
    except UnicodeDecodeError:
        raise Refused(400, "malformed_body", "the body is not UTF-8") from None
    for secret in secrets:
        hook = standard_webhook(secret.value)
        if hook is None:
            continue
        try:
            hook.verify(body, presented, json_parse=False)
        except WebhookVerificationError as exc:
            if "timestamp" in str(exc).lower() or "signature headers" in str(exc).lower():
                raise Refused(
                    401, "bad_timestamp", "webhook-timestamp is not within 5 minutes of now"
                ) from None
            continue
        except (ValueError, TypeError):
            raise Refused(401, "bad_signature", "webhook-signature is malformed") from None
        return secret.id
    return None


def _matching_token(secrets: Sequence[Secret], presented: str) -> int | None:
    found = None
    for secret in secrets:
        if hmac.compare_digest(secret.value.encode(), presented.encode()):
            found = secret.id
    return found


def verify(forge: Forge, secrets: Sequence[Secret], body: bytes, headers: Mapping[str, str]) -> int:
    """The id of the active secret that signed ``body``; Refused(401/400) otherwise."""
    if forge.scheme == "standard" or (
        forge.scheme == "gitlab" and headers.get("webhook-signature")
    ):
        found = _matching_standard(secrets, body, headers)
    else:
        presented = headers.get(forge.signature_header)
        if not presented:
            raise Refused(
                401, "missing_signature", f"the {forge.signature_header} header is missing"
            )
        if forge.scheme == "gitlab":
            found = _matching_token(secrets, presented)
        else:
            prefix = "sha256" if forge.scheme == "hmac-prefixed" else ""
            found = _matching_hmac(secrets, body, presented, prefix)
    if found is None:
        raise Refused(401, "bad_signature", "the signature does not match an active secret")
    return found


def delivery_key(forge: Forge, headers: Mapping[str, str]) -> str:
    """The forge's delivery id (hook-qualified where the forge names its hook)."""
    key = next((headers.get(h) for h in forge.delivery_headers if headers.get(h)), None)
    if not key:
        names = " or ".join(forge.delivery_headers)
        raise Refused(400, "missing_delivery", f"the {names} header is missing")
    hook = headers.get(forge.hook_header) if forge.hook_header else None
    key = f"{hook}:{key}" if hook else key
    if len(key) > MAX_DELIVERY_KEY or not key.isprintable():
        raise Refused(400, "bad_delivery", "the delivery id is too long or not printable")
    return key


def event_name(forge: Forge, headers: Mapping[str, str], payload: object) -> str:
    """The event a delivery carries (a header, or the payload ``type`` for Standard Webhooks)."""
    if forge.event_header:
        name = headers.get(forge.event_header)
    else:
        name = payload.get("type") if isinstance(payload, dict) else None
    if not isinstance(name, str) or not name or len(name) > 100 or not name.isprintable():
        where = forge.event_header or "payload type"
        raise Refused(400, "bad_event", f"the event name ({where}) is missing or malformed")
    return name
