"""Event names, form-encoded bodies and repository scope, as each forge sends them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from intake.body import decode_payload, signed_bytes
from intake.forges import FORGES
from intake.mapping import is_relevant, map_delivery
from intake.scope import NOT_LISTED, normalise_repository, out_of_scope
from intake.verify import Refused
from ledger.kernel.pseudonyms import Pseudonyms
from tests.unit.intake.forge_requests import form_delivery, payload

KEYS = Pseudonyms(b"k" * 32)
NOW = datetime(2024, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("forge", ["gitea", "forgejo"])
@pytest.mark.parametrize(
    ("coarse", "fine"),
    [
        ("pull_request_approved", "pull_request_review_approved"),
        ("pull_request_rejected", "pull_request_review_rejected"),
        ("pull_request_comment", "pull_request_review_comment"),
    ],
)
def test_gitea_reviews_are_known_by_their_event_type_or_their_coarse_name(
    forge: str, coarse: str, fine: str
) -> None:
    spec = FORGES[forge]
    assert spec.rule_event(coarse, {f"x-{forge}-event-type": fine}) == fine
    assert spec.rule_event(coarse, {}) == fine  # a delivery stored without the fine header
    assert is_relevant(forge, fine)
    assert f"x-{forge}-event-type" in spec.kept_headers


def test_a_comment_on_a_gitea_pull_request_is_an_issue_comment_by_its_event_type() -> None:
    headers = {"x-gitea-event-type": "pull_request_comment"}
    event = FORGES["gitea"].rule_event("issue_comment", headers)
    mapped = map_delivery("gitea", event, payload("gitea_pull_request_comment"), "d", NOW, KEYS)
    assert [(a.actor.login, a.kind, a.natural_key) for a in mapped.activities] == [
        ("reviewer", "review", "gitea:comment:4")
    ]


def test_a_gitea_approval_credits_the_reviewer_one_review() -> None:
    body = payload("gitea_pull_request_review_approved")
    mapped = map_delivery("gitea", "pull_request_review_approved", body, "d-7", NOW, KEYS)
    assert [(a.actor.external_id, a.kind, a.natural_key, a.url) for a in mapped.activities] == [
        ("5", "review", "gitea:review:12:5:d-7", "http://localhost:3000/test/repo/pulls/12")
    ]


@pytest.mark.parametrize("action", ["approval", "unapproval", "approved"])
def test_each_gitlab_approval_action_credits_its_user_under_one_key(action: str) -> None:
    body = payload("gitlab_merge_request_approval")
    body["object_attributes"]["action"] = action
    mapped = map_delivery("gitlab", "Merge Request Hook", body, "d", NOW, KEYS)
    assert [(a.actor.external_id, a.kind, a.natural_key) for a in mapped.activities] == [
        ("7", "review", "gitlab:mr:99:approval:7")
    ]


def test_a_gitlab_unapproved_merge_request_credits_nobody() -> None:
    body = payload("gitlab_merge_request_approval")
    body["object_attributes"]["action"] = "unapproved"
    assert map_delivery("gitlab", "Merge Request Hook", body, "d", NOW, KEYS).activities == []


def test_github_signs_the_form_body_and_gitea_the_json_payload() -> None:
    document = json.dumps(payload("github_push")).encode()
    body, headers = form_delivery("github", "s3cret-value", document)
    assert body.startswith(b"payload=%7B")
    assert signed_bytes(FORGES["github"], body, headers) == body
    assert decode_payload(body, headers) == payload("github_push")
    body, headers = form_delivery("gitea", "s3cret-value", document)
    assert signed_bytes(FORGES["gitea"], body, headers) == document


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"other=1", "malformed_form"),
        (b"payload=1&payload=2", "malformed_form"),
        (b"payload=%7Bnot-json", "malformed_json"),
        (b"payload=%5B%5D", "malformed_json"),
        (b"\xff\xfe", "malformed_form"),
    ],
)
def test_a_form_without_one_json_object_is_refused(body: bytes, code: str) -> None:
    headers = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
    with pytest.raises(Refused) as refused:
        decode_payload(body, headers)
    assert (refused.value.status, refused.value.code) == (400, code)


def test_repositories_compare_without_scheme_case_slash_or_git_suffix() -> None:
    assert normalise_repository("https://GitHub.com/Octo/Repo.git/") == "github.com/octo/repo"
    assert normalise_repository("http://github.com/octo/repo") == "github.com/octo/repo"


def test_only_listed_repositories_are_in_scope_when_a_project_lists_any() -> None:
    body = {"repository": {"html_url": "https://github.com/octo/other"}}
    listed = ["https://github.com/octo/repo"]
    assert out_of_scope(listed, "github", body) == NOT_LISTED
    assert out_of_scope([*listed, "https://github.com/Octo/Other"], "github", body) is None
    assert out_of_scope([], "github", body) is None
    assert out_of_scope(listed, "github", {"zen": "no repository"}) is None
    gitlab = payload("gitlab_merge_request_approval")
    assert out_of_scope(["http://example.com/gitlabhq/gitlab-test"], "gitlab", gitlab) is None
    bitbucket = {"repository": {"links": {"html": {"href": "https://bitbucket.org/a/b"}}}}
    assert out_of_scope(listed, "bitbucket", bitbucket) == NOT_LISTED
