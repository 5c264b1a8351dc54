"""Gitea and Forgejo (one table: Forgejo keeps Gitea's payloads)."""

from __future__ import annotations

from intake.rules.github import GITHUB, ISSUE, PULL, REPOSITORY
from intake.rules.types import Commits, Emit, Rule, on

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
                    on_pull="is_pull",
                    thread=ISSUE,
                    role="comment",
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
