"""Forge activities say which issue or change request they belong to, and their role
there; commits say what they revert (``ledger.register.facts``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from intake.commits import commit_contributions
from intake.mapping import map_delivery
from intake.payload import Options
from ledger.kernel.pseudonyms import Pseudonyms
from tests.unit.intake.forge_requests import payload

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
KEYS = Pseudonyms(b"k" * 32)


def _facts(forge: str, event: str, name: str, body: Any = None) -> list[dict[str, Any]]:
    delivered = payload(name) if body is None else body
    return [a.metadata for a in map_delivery(forge, event, delivered, "d", NOW, KEYS).activities]


def test_a_merged_github_pull_request_is_a_change_opened_before_it_was_merged_and_its_merge() -> (
    None
):
    hello = {"thread": "github:Codertocat/Hello-World#2", "repository": "Codertocat/Hello-World"}
    assert _facts("github", "pull_request", "github_pull_request_merged") == [
        {**hello, "thread_role": "change", "opened_at": "2019-05-15T15:19:27+00:00"},
        {**hello, "thread_role": "merge"},
    ]


def test_reviews_and_comments_share_the_thread_of_their_pull_request_or_issue() -> None:
    hello = {"repository": "Codertocat/Hello-World"}
    assert _facts("github", "pull_request_review", "github_review") == [
        {**hello, "thread": "github:Codertocat/Hello-World#2", "thread_role": "review"}
    ]
    assert _facts("github", "issues", "github_issue_opened") == [
        {**hello, "thread": "github:Codertocat/Hello-World#1", "thread_role": "issue"}
    ]
    assert _facts("github", "issue_comment", "github_issue_comment") == [
        {**hello, "thread": "github:Codertocat/Hello-World#1", "thread_role": "comment"}
    ]


def test_gitlab_numbers_merge_requests_and_issues_apart() -> None:
    project = {"repository": "gitlabhq/gitlab-test"}
    merged = _facts("gitlab", "Merge Request Hook", "gitlab_merge_request")
    assert [m["thread"] for m in merged] == ["gitlab:gitlabhq/gitlab-test!1"] * 2
    assert _facts("gitlab", "Note Hook", "gitlab_note") == [
        {**project, "thread": "gitlab:gitlabhq/gitlab-test!1", "thread_role": "comment"}
    ]
    assert _facts("gitlab", "Issue Hook", "gitlab_issue") == [
        {**project, "thread": "gitlab:gitlabhq/gitlab-test#23", "thread_role": "issue"}
    ]


def test_a_bitbucket_pull_request_is_a_change_with_its_opening() -> None:
    change, merge = _facts("bitbucket", "pullrequest:fulfilled", "bitbucket_pullrequest_fulfilled")
    assert change == {"thread": "bitbucket:team/repo/pull-requests/12", "thread_role": "change",
                      "opened_at": "2019-06-10T08:00:00+00:00", "repository": "team/repo"}  # fmt: skip
    assert merge["thread_role"] == "merge"


def test_a_payload_without_the_thread_fields_still_yields_its_contribution_without_facts() -> None:
    body = payload("github_review")
    del body["pull_request"]["number"]
    assert _facts("github", "pull_request_review", "", body) == [
        {"repository": "Codertocat/Hello-World"}
    ]


def test_an_opening_after_the_merge_is_left_out() -> None:
    body = payload("github_pull_request_merged")
    body["pull_request"]["created_at"] = "2019-05-16T00:00:00Z"
    assert "opened_at" not in _facts("github", "pull_request", "", body)[0]


def _commit(message: str) -> list[dict[str, Any]]:
    found = commit_contributions(
        "f" * 40, message, "Ada", "ada@example.org", None, NOW, None, Options(), KEYS
    )
    return [a.metadata for a in found]


def test_a_revert_commit_names_the_commit_it_reverts_and_its_co_author_does_not_count_twice() -> (
    None
):
    sha = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c"
    message = (
        'Revert "Speed up tiles"\n\nThis reverts commit ' + sha + ".\n\n"
        "Co-authored-by: Bo <bo@example.org>"
    )
    assert _commit(message) == [
        {"commit": "f" * 40, "reverts": [sha]},
        {"commit": "f" * 40, "role": "co-author"},
    ]
    assert _commit("Speed up tiles") == [{"commit": "f" * 40}]
