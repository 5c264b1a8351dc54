from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest

from intake.forges import FORGES
from intake.verify import Refused, Secret, delivery_key, event_name, verify
from tests.unit.intake.forge_requests import STANDARD_SECRET, signed

BODY = b'{"zen": "Keep it logically awesome.", "hook_id": 1}'
SECRET = "It's a Secret to Everybody"


def test_github_documented_example_signature_verifies() -> None:
    # The example from GitHub's "Validating webhook deliveries" documentation.
    headers = {
        "x-hub-signature-256": (
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        )
    }
    assert verify(FORGES["github"], [Secret(1, SECRET)], b"Hello, World!", headers) == 1


@pytest.mark.parametrize("forge", ["github", "gitlab", "gitea", "forgejo", "bitbucket"])
def test_each_forge_verifies_its_own_signature(forge: str) -> None:
    headers = signed(forge, SECRET, BODY)
    assert verify(FORGES[forge], [Secret(7, SECRET)], BODY, headers) == 7


def test_standard_webhooks_verify_with_the_package() -> None:
    headers = signed("standard", STANDARD_SECRET, BODY)
    assert verify(FORGES["standard"], [Secret(3, STANDARD_SECRET)], BODY, headers) == 3


def test_gitlab_signing_token_uses_the_standard_webhooks_scheme() -> None:
    headers = signed("standard", STANDARD_SECRET, BODY)
    headers["x-gitlab-event"] = "Push Hook"
    assert verify(FORGES["gitlab"], [Secret(4, STANDARD_SECRET)], BODY, headers) == 4


@pytest.mark.parametrize("forge", ["github", "gitea", "forgejo", "bitbucket", "standard"])
def test_one_changed_byte_of_the_body_is_refused(forge: str) -> None:
    secret = STANDARD_SECRET if forge == "standard" else SECRET
    headers = signed(forge, secret, BODY)
    with pytest.raises(Refused) as caught:
        verify(FORGES[forge], [Secret(1, secret)], BODY.replace(b"1", b"2"), headers)
    assert (caught.value.status, caught.value.code) == (401, "bad_signature")


@pytest.mark.parametrize("forge", ["github", "gitlab", "gitea", "forgejo", "bitbucket"])
def test_a_missing_signature_is_refused_naming_the_header(forge: str) -> None:
    with pytest.raises(Refused) as caught:
        verify(FORGES[forge], [Secret(1, SECRET)], BODY, {})
    assert caught.value.status == 401
    assert caught.value.message == f"the {FORGES[forge].signature_header} header is missing"


def test_the_second_active_secret_also_verifies_during_rotation() -> None:
    headers = signed("github", "new secret value", BODY)
    secrets = [Secret(1, SECRET), Secret(2, "new secret value")]
    assert verify(FORGES["github"], secrets, BODY, headers) == 2


def test_a_wrong_gitlab_token_is_refused() -> None:
    with pytest.raises(Refused) as caught:
        verify(FORGES["gitlab"], [Secret(1, SECRET)], BODY, {"x-gitlab-token": "guess"})
    assert caught.value.code == "bad_signature"


def test_github_signature_without_the_sha256_prefix_is_refused() -> None:
    headers = {"x-hub-signature-256": hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()}
    with pytest.raises(Refused) as caught:
        verify(FORGES["github"], [Secret(1, SECRET)], BODY, headers)
    assert caught.value.message == "signature must be 'sha256=<hex>'"


def test_a_standard_webhook_older_than_five_minutes_is_refused() -> None:
    old = str(int(time.time()) - 600)
    key = base64.b64decode(STANDARD_SECRET.removeprefix("whsec_"))
    digest = hmac.new(key, f"msg_1.{old}.".encode() + BODY, hashlib.sha256).digest()
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": old,
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }
    with pytest.raises(Refused) as caught:
        verify(FORGES["standard"], [Secret(1, STANDARD_SECRET)], BODY, headers)
    assert (caught.value.status, caught.value.code) == (401, "bad_timestamp")


def test_a_malformed_standard_signature_is_a_clean_refusal() -> None:
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(time.time())),
        "webhook-signature": "v1,not base64!!",
    }
    with pytest.raises(Refused) as caught:
        verify(FORGES["standard"], [Secret(1, STANDARD_SECRET)], BODY, headers)
    assert caught.value.status == 401


def test_a_standard_webhook_body_that_is_not_utf8_is_a_bad_request() -> None:
    headers = signed("standard", STANDARD_SECRET, BODY)
    with pytest.raises(Refused) as caught:
        verify(FORGES["standard"], [Secret(1, STANDARD_SECRET)], b"\xff\xfe", headers)
    assert (caught.value.status, caught.value.code) == (400, "malformed_body")


def test_github_delivery_keys_are_qualified_by_the_hook() -> None:
    headers = {"x-github-delivery": "72d3162e", "x-github-hook-id": "292430182"}
    assert delivery_key(FORGES["github"], headers) == "292430182:72d3162e"


def test_gitlab_prefers_the_idempotency_key_over_the_event_uuid() -> None:
    headers = {"idempotency-key": "abc", "x-gitlab-event-uuid": "def"}
    assert delivery_key(FORGES["gitlab"], headers) == "abc"
    assert delivery_key(FORGES["gitlab"], {"x-gitlab-event-uuid": "def"}) == "def"


def test_a_delivery_without_its_id_is_a_bad_request() -> None:
    with pytest.raises(Refused) as caught:
        delivery_key(FORGES["bitbucket"], {})
    assert (caught.value.status, caught.value.message) == (
        400,
        "the x-request-uuid header is missing",
    )


def test_standard_webhooks_name_their_event_in_the_payload() -> None:
    assert event_name(FORGES["standard"], {}, {"type": "contribution.created"}) == (
        "contribution.created"
    )
    assert event_name(FORGES["bitbucket"], {"x-event-key": "repo:push"}, {}) == "repo:push"


def test_kept_headers_never_include_a_signature_or_token() -> None:
    for forge in FORGES.values():
        assert forge.signature_header not in forge.kept_headers


def test_an_unprintable_event_name_is_refused() -> None:
    with pytest.raises(Refused) as caught:
        event_name(FORGES["standard"], {}, {"type": "push\u0000"})
    assert (caught.value.status, caught.value.code) == (400, "bad_event")
