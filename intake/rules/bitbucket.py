"""Bitbucket Cloud: repo:push, pull request and issue events."""

from __future__ import annotations

from intake.rules.types import Commits, Emit, Rule

# Pull requests and issues are numbered apart in each repository.
REPOSITORY = "repository.full_name"
PULL = ("{repository.full_name}/pull-requests/{pullrequest.id}",)
ISSUE = ("{repository.full_name}/issues/{issue.id}",)

BITBUCKET: dict[str, tuple[Rule, ...]] = {
    "repo:push": (
        Rule(
            commits=Commits(
                "push.changes[].commits[]",
                "hash",
                "message",
                "date",
                author_raw="author.raw",
                author_account="author.user",
                url="links.html.href",
                truncated_flag="push.changes[].truncated",
            )
        ),
    ),
    "pullrequest:fulfilled": (
        Rule(
            emits=(
                Emit(
                    "code",
                    "pullrequest.author",
                    "pr:{repository.uuid}:{pullrequest.id}:merged",
                    "pullrequest.updated_on",
                    "pullrequest.links.html.href",
                    thread=PULL,
                    role="change",
                    opened="pullrequest.created_on",
                    repository=REPOSITORY,
                ),
                Emit(
                    "maintenance",
                    "actor",
                    "pr:{repository.uuid}:{pullrequest.id}:merger",
                    "pullrequest.updated_on",
                    "pullrequest.links.html.href",
                    thread=PULL,
                    role="merge",
                    repository=REPOSITORY,
                ),
            )
        ),
    ),
    "pullrequest:approved": (
        Rule(
            emits=(
                Emit(
                    "review",
                    "approval.user",
                    "approval:{repository.uuid}:{pullrequest.id}:{approval.user.uuid}",
                    "approval.date",
                    "pullrequest.links.html.href",
                    thread=PULL,
                    role="review",
                    repository=REPOSITORY,
                ),
            )
        ),
    ),
    "pullrequest:comment_created": (
        Rule(
            emits=(
                Emit(
                    "review",
                    "comment.user",
                    "pr-comment:{comment.id}",
                    "comment.created_on",
                    "comment.links.html.href",
                    on_pull="pullrequest",
                    thread=PULL,
                    role="comment",
                    repository=REPOSITORY,
                ),
            )
        ),
    ),
    "issue:created": (
        Rule(
            emits=(
                Emit(
                    "bug",
                    "issue.reporter",
                    "issue:{repository.uuid}:{issue.id}",
                    "issue.created_on",
                    "issue.links.html.href",
                    labels="issue.kind",
                    thread=ISSUE,
                    role="issue",
                    repository=REPOSITORY,
                ),
            )
        ),
    ),
    "issue:comment_created": (
        Rule(
            emits=(
                Emit(
                    "question",
                    "comment.user",
                    "issue-comment:{comment.id}",
                    "comment.created_on",
                    "comment.links.html.href",
                    on_pull="pullrequest",
                    thread=ISSUE,
                    role="comment",
                    repository=REPOSITORY,
                ),
            )
        ),
    ),
}
