"""GitHub: which events yield which contributions (payloads as GitHub documents them).

An issue and a pull request share their repository's numbers, so each one's thread is
``<repository>#<number>``: a comment on a pull request's conversation (an issue comment)
and its reviews land in the same thread as the merged change."""

from __future__ import annotations

from intake.rules.types import Commits, Emit, Rule, on

REPOSITORY = "repository.full_name"
PULL = ("{repository.full_name}#{pull_request.number}",)
ISSUE = ("{repository.full_name}#{issue.number}",)

GITHUB: dict[str, tuple[Rule, ...]] = {
    "push": (
        Rule(
            commits=Commits(
                "commits[]", "id", "message", "timestamp", author_login="author.username"
            )
        ),
    ),
    "pull_request": (
        Rule(
            when=(("action", ("closed",)), ("pull_request.merged", (True,))),
            emits=(
                Emit(
                    "code",
                    "pull_request.user",
                    "pr:{pull_request.id}:merged",
                    "pull_request.merged_at",
                    "pull_request.html_url",
                    thread=PULL,
                    role="change",
                    opened="pull_request.created_at",
                    repository=REPOSITORY,
                ),
                Emit(
                    "maintenance",
                    "pull_request.merged_by",
                    "pr:{pull_request.id}:merger",
                    "pull_request.merged_at",
                    "pull_request.html_url",
                    optional=True,
                    thread=PULL,
                    role="merge",
                    repository=REPOSITORY,
                ),
            ),
        ),
    ),
    "pull_request_review": (
        Rule(
            when=on("action", "submitted"),
            emits=(
                Emit(
                    "review",
                    "review.user",
                    "review:{review.id}",
                    "review.submitted_at",
                    "review.html_url",
                    thread=PULL,
                    role="review",
                    repository=REPOSITORY,
                ),
            ),
        ),
    ),
    "issues": (
        Rule(
            when=on("action", "opened"),
            emits=(
                Emit(
                    "bug",
                    "issue.user",
                    "issue:{issue.id}",
                    "issue.created_at",
                    "issue.html_url",
                    labels="issue.labels[].name",
                    thread=ISSUE,
                    role="issue",
                    repository=REPOSITORY,
                ),
            ),
        ),
    ),
    "issue_comment": (
        Rule(
            when=on("action", "created"),
            emits=(
                Emit(
                    "question",
                    "comment.user",
                    "comment:{comment.id}",
                    "comment.created_at",
                    "comment.html_url",
                    on_pull="issue.pull_request",
                    thread=ISSUE,
                    role="comment",
                    repository=REPOSITORY,
                ),
            ),
        ),
    ),
    "pull_request_review_comment": (
        Rule(
            when=on("action", "created"),
            emits=(
                Emit(
                    "review",
                    "comment.user",
                    "review-comment:{comment.id}",
                    "comment.created_at",
                    "comment.html_url",
                    on_pull="pull_request",
                    thread=PULL,
                    role="review",
                    repository=REPOSITORY,
                ),
            ),
        ),
    ),
    "release": (
        Rule(
            when=on("action", "published"),
            emits=(
                Emit(
                    "maintenance",
                    "release.author",
                    "release:{release.id}",
                    "release.published_at",
                    "release.html_url",
                ),
            ),
        ),
    ),
    "gollum": (
        Rule(
            emits=(
                Emit(
                    "doc",
                    "$.sender",
                    "wiki:{$.repository.id}:{page_name}:{sha}",
                    "$received",
                    "html_url",
                    each="pages[]",
                ),
            )
        ),
    ),
}
