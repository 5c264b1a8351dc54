"""The JSON document a delivery carries (pure): the body itself, or the ``payload``
field of a form-encoded body (``application/x-www-form-urlencoded``, GitHub's default
content type and a Gitea option), and the bytes its signature covers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

import msgspec

from intake.forges import Forge
from intake.verify import Refused

FORM = "application/x-www-form-urlencoded"


def is_form(headers: Mapping[str, str]) -> bool:
    """True when the delivery is form-encoded."""
    content_type = headers.get("content-type") or ""
    return content_type.split(";", 1)[0].strip().lower() == FORM


def payload_bytes(body: bytes, headers: Mapping[str, str]) -> bytes:
    """The JSON text of a delivery; Refused(400) for a form without one ``payload``."""
    if not is_form(headers):
        return body
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "malformed_form", "the form body cannot be read") from None
    values = fields.get("payload") or []
    if len(values) != 1:
        raise Refused(400, "malformed_form", "a form delivery has exactly one payload field")
    return values[0].encode()


def signed_bytes(forge: Forge, body: bytes, headers: Mapping[str, str]) -> bytes:
    """What the forge's signature covers: the raw body, or a form's JSON payload."""
    if forge.form_signs == "payload" and is_form(headers):
        return payload_bytes(body, headers)
    return body


def decode_payload(body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """The delivery's JSON object; Refused(400) when it is not one."""
    try:
        payload = msgspec.json.decode(payload_bytes(body, headers))
    except msgspec.DecodeError:
        raise Refused(400, "malformed_json", "the body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise Refused(400, "malformed_json", "the body must be a JSON object")
    return payload
