from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intake.mapping import is_relevant, map_delivery
from intake.payload import Options, PayloadError, parse_time
from tests.unit.intake.forge_requests import payload

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def _summary(
    forge: str, event: str, name: str, options: Options | None = None
) -> list[tuple[str, str, bool, str, str]]:
    mapped = map_delivery(forge, event, payload(name), "d-1", NOW, options)
    return [
        (a.actor.source, a.actor.external_id, a.actor.bot, a.kind, a.natural_key)
        for a in mapped.activities
    ]


def test_a_github_push_credits_authors_and_co_authors_and_flags_bots() -> None:
    assert _summary("github", "push", "github_push") == [
        (
            "git",
            "octocat@github.com",
            False,
            "code",
            "git:0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
        ),
        (
            "git",
            "ada@example.org",
            False,
            "code",
            "git:0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c:co:ada@example.org",
        ),
        (
            "git",
            "49699333+dependabot[bot]@users.noreply.github.com",
            True,
            "code",
            "git:b1f2a5f1c3a0a8d1e6c9d2c9b3a6f0e8d7c6b5a4",
        ),
    ]


def test_commit_metadata_carries_signoffs_and_co_authors() -> None:
    mapped = map_delivery("github", "push", payload("github_push"), "d", NOW)
    assert mapped.activities[0].metadata == {
        "commit": "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c",
        "signoffs": [{"name": "Octo Cat", "email": "octocat@github.com"}],
        "co_authors": [{"name": "Ada Lovelace", "email": "ada@example.org"}],
    }
    assert mapped.activities[0].occurred_at == parse_time("2019-05-15T15:20:30-05:00")


def test_a_merged_pull_request_credits_the_author_and_the_merger() -> None:
    assert _summary("github", "pull_request", "github_pull_request_merged") == [
        ("github", "21031067", False, "code", "github:pr:279147437:merged"),
        ("github", "583231", False, "maintenance", "github:pr:279147437:merger"),
    ]


def test_a_pull_request_closed_without_merge_yields_nothing() -> None:
    assert _summary("github", "pull_request", "github_pull_request_closed_unmerged") == []


def test_reviews_issues_comments_releases_and_wiki_edits_map_to_their_kinds() -> None:
    assert _summary("github", "pull_request_review", "github_review") == [
        ("github", "21031067", False, "review", "github:review:237895671")
    ]
    assert _summary("github", "issues", "github_issue_opened") == [
        ("github", "21031067", False, "ideas", "github:issue:444500041")
    ]
    assert _summary("github", "issue_comment", "github_issue_comment") == [
        ("github", "583231", False, "review", "github:comment:492700400")
    ]
    assert _summary("github", "release", "github_release") == [
        ("github", "21031067", False, "maintenance", "github:release:17372790")
    ]
    assert _summary("github", "gollum", "github_gollum") == [
        (
            "github",
            "21031067",
            False,
            "doc",
            "github:wiki:186853002:Home:6bf911d3801dd1ef957fc6ade5a8d96429e7fa39",
        )
    ]


def test_comment_kinds_follow_the_project_configuration() -> None:
    options = Options.of({"intake_comment_kinds": {"pull": "question"}})
    assert _summary("github", "issue_comment", "github_issue_comment", options)[0][3] == "question"


def test_a_gitlab_push_of_more_than_twenty_commits_is_flagged_truncated() -> None:
    mapped = map_delivery("gitlab", "Push Hook", payload("gitlab_push"), "d", NOW)
    assert mapped.truncated is True
    assert [a.natural_key for a in mapped.activities] == [
        "git:b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",
        "git:da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
    ]
    assert mapped.activities[1].metadata["signoffs"] == [
        {"name": "GitLab dev user", "email": "gitlabdev@dv6700.(none)"}
    ]


def test_gitlab_merge_requests_notes_issues_and_releases_map() -> None:
    assert _summary("gitlab", "Merge Request Hook", "gitlab_merge_request") == [
        ("gitlab", "51", False, "code", "gitlab:mr:99:merged"),
        ("gitlab", "1", False, "maintenance", "gitlab:mr:99:merger"),
    ]
    assert _summary("gitlab", "Note Hook", "gitlab_note") == [
        ("gitlab", "1", False, "review", "gitlab:note:1244")
    ]
    assert _summary("gitlab", "Issue Hook", "gitlab_issue") == [
        ("gitlab", "1", False, "bug", "gitlab:issue:301")
    ]
    assert _summary("gitlab", "Release Hook", "gitlab_release") == [
        ("git", "user@example.com", False, "maintenance", "gitlab:release:1")
    ]


def test_gitea_and_forgejo_share_one_table() -> None:
    for forge in ("gitea", "forgejo"):
        assert _summary(forge, "push", "gitea_push") == [
            (
                "git",
                "someone@gitea.io",
                False,
                "code",
                "git:bffeb74224043ba2feb48d137756c8a9331c449a",
            ),
            (
                "git",
                "kim@example.org",
                False,
                "code",
                "git:bffeb74224043ba2feb48d137756c8a9331c449a:co:kim@example.org",
            ),
        ]
        assert _summary(forge, "pull_request", "gitea_pull_request_merged") == [
            (forge, "7", False, "code", f"{forge}:pr:1203:merged"),
            (forge, "1", False, "maintenance", f"{forge}:pr:1203:merger"),
        ]


def test_bitbucket_pushes_read_the_raw_author_and_the_truncated_flag() -> None:
    mapped = map_delivery("bitbucket", "repo:push", payload("bitbucket_push"), "d", NOW)
    assert mapped.truncated is True
    assert [(a.actor.external_id, a.natural_key) for a in mapped.activities] == [
        ("emma@example.com", "git:03f4a7270240708834de475bcf21532d6134777e")
    ]
    assert _summary("bitbucket", "pullrequest:fulfilled", "bitbucket_pullrequest_fulfilled") == [
        (
            "bitbucket",
            "{a1b2c3d4-0000-4000-8000-000000000001}",
            False,
            "code",
            "bitbucket:pr:{b7a7f9e2-3c4d-4e5f-8a9b-0c1d2e3f4a5b}:12:merged",
        ),
        (
            "bitbucket",
            "{d301aafa-d676-4ee0-88be-962be7417567}",
            False,
            "maintenance",
            "bitbucket:pr:{b7a7f9e2-3c4d-4e5f-8a9b-0c1d2e3f4a5b}:12:merger",
        ),
    ]


def test_standard_webhooks_name_the_kind_in_the_payload() -> None:
    assert _summary("standard", "contribution.created", "standard_contribution") == [
        ("standard", "4411", False, "translation", "standard:evt-7f3a")
    ]


def test_a_project_listed_bot_is_recorded_as_a_bot() -> None:
    options = Options.of({"intake_bots": ["codertocat"]})
    assert _summary("github", "release", "github_release", options)[0][2] is True


def test_events_without_rules_are_not_relevant() -> None:
    assert is_relevant("github", "push")
    assert not is_relevant("github", "star")
    assert not is_relevant("nowhere", "push")


def test_a_payload_missing_a_needed_field_is_a_payload_error() -> None:
    broken = payload("github_review")
    del broken["review"]["user"]
    with pytest.raises(PayloadError, match=r"review\.user is missing"):
        map_delivery("github", "pull_request_review", broken, "d", NOW)


def test_gitlab_style_times_are_read_as_utc() -> None:
    assert parse_time("2015-05-17 18:21:36 UTC") == datetime(2015, 5, 17, 18, 21, 36, tzinfo=UTC)
