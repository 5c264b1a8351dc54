"""Gitea and Forgejo (one table: Forgejo keeps Gitea's payloads), keyed by the event
type Gitea sends in ``X-Gitea-Event-Type`` (``intake.forges.Forge.rule_event``):
reviews are ``pull_request_review_{approved,rejected,comment}`` (their payload carries
no review id: one review per delivery), a comment on a pull request's conversation is
``pull_request_comment`` with an issue comment's payload."""

from __future__ import annotations

from intake.rules.github import GITHUB, ISSUE, PULL, REPOSITORY
from intake.rules.types import Commits, Emit, Rule, on

COMMENT = (
    Rule(
        when=on("action", "created"),
        emits=(
            Emit(
                "question",
                "comment.user",
                "comment:{comment.id}",
                "comment.created_at",
                "comment.html_url",
                on_pull="is_pull",
                thread=ISSUE,
                role="comment",
                repository=REPOSITORY,
            ),
        ),
    ),
)

GITEA: dict[str, tuple[Rule, ...]] = {
    "push": (
        Rule(
            commits=Commits(
                "commits[]",
                "id",
                "message",
                "timestamp",
                author_login="author.username",
                total="total_commits",
            )
        ),
    ),
    "pull_request": GITHUB["pull_request"],
    "issues": GITHUB["issues"],
    "issue_comment": COMMENT,
    "pull_request_comment": COMMENT,
    "release": (
        Rule(
            when=on("action", "published"),
            emits=(
                Emit(
                    "maintenance",
                    "release.author",
                    "release:{release.id}",
                    "release.created_at",
                    "release.html_url",
                ),
            ),
        ),
    ),
    **{
        event: (
            Rule(
                emits=(
                    Emit(
                        "review",
                        "sender",
                        "review:{pull_request.id}:{sender.id}:{$delivery}",
                        "$received",
                        "pull_request.html_url",
                        thread=PULL,
                        role="review",
                        repository=REPOSITORY,
                    ),
                )
            ),
        )
        for event in (
            "pull_request_review_approved",
            "pull_request_review_rejected",
            "pull_request_review_comment",
        )
    },
    "wiki": (
        Rule(
            when=on("action", "created", "edited"),
            emits=(Emit("doc", "sender", "wiki:{repository.id}:{page}:{$delivery}", "$received"),),
        ),
    ),
}
