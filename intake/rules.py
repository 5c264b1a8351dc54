"""The mapping tables: for each forge, which events yield which contributions.

Pure data read by ``intake.mapping``. Paths are dotted (``pull_request.user``);
``a[]`` flattens a list; inside an ``each`` emit, paths are relative to the item and
``$.`` reaches the payload root. Keys are prefixed with the forge name; ``{$delivery}``
is the delivery id (for payloads that carry no id of their own) and ``$received``
as a time means when the delivery arrived (for payloads that carry no time).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UserShape:
    """Where a forge's user object keeps its stable id, login, name and email."""

    id: str
    login: str
    name: str
    email: str | None


@dataclass(frozen=True, slots=True)
class Commits:
    """Where a push lists its commits and each commit's fields."""

    path: str
    sha: str
    message: str
    time: str
    author_name: str = "author.name"
    author_email: str = "author.email"
    author_login: str | None = None
    url: str = "url"
    author_raw: str | None = None
    total: str | None = None
    truncated_flag: str | None = None


@dataclass(frozen=True, slots=True)
class Emit:
    """One contribution per matching payload (or per item of ``each``)."""

    kind: str
    person: str
    key: str
    at: str
    url: str | None = None
    each: str | None = None
    labels: str | None = None
    on_pull: str | None = None
    kind_path: str | None = None
    optional: bool = False
    git_author: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    """Applies when every ``when`` path holds one of its values."""

    when: tuple[tuple[str, tuple[object, ...]], ...] = ()
    commits: Commits | None = None
    emits: tuple[Emit, ...] = ()


def _on(path: str, *values: object) -> tuple[tuple[str, tuple[object, ...]], ...]:
    return ((path, values),)


SHAPES: dict[str, UserShape] = {
    "github": UserShape("id", "login", "name", "email"),
    "gitlab": UserShape("id", "username", "name", "email"),
    "gitea": UserShape("id", "login", "full_name", "email"),
    "forgejo": UserShape("id", "login", "full_name", "email"),
    "bitbucket": UserShape("uuid", "nickname", "display_name", None),
    "standard": UserShape("id", "login", "name", "email"),
}

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
                ),
                Emit(
                    "maintenance",
                    "pull_request.merged_by",
                    "pr:{pull_request.id}:merger",
                    "pull_request.merged_at",
                    "pull_request.html_url",
                    optional=True,
                ),
            ),
        ),
    ),
    "pull_request_review": (
        Rule(
            when=_on("action", "submitted"),
            emits=(
                Emit(
                    "review",
                    "review.user",
                    "review:{review.id}",
                    "review.submitted_at",
                    "review.html_url",
                ),
            ),
        ),
    ),
    "issues": (
        Rule(
            when=_on("action", "opened"),
            emits=(
                Emit(
                    "bug",
                    "issue.user",
                    "issue:{issue.id}",
                    "issue.created_at",
                    "issue.html_url",
                    labels="issue.labels[].name",
                ),
            ),
        ),
    ),
    "issue_comment": (
        Rule(
            when=_on("action", "created"),
            emits=(
                Emit(
                    "question",
                    "comment.user",
                    "comment:{comment.id}",
                    "comment.created_at",
                    "comment.html_url",
                    on_pull="issue.pull_request",
                ),
            ),
        ),
    ),
    "pull_request_review_comment": (
        Rule(
            when=_on("action", "created"),
            emits=(
                Emit(
                    "review",
                    "comment.user",
                    "review-comment:{comment.id}",
                    "comment.created_at",
                    "comment.html_url",
                    on_pull="pull_request",
                ),
            ),
        ),
    ),
    "release": (
        Rule(
            when=_on("action", "published"),
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

GITLAB: dict[str, tuple[Rule, ...]] = {
    "Push Hook": (
        Rule(
            commits=Commits("commits[]", "id", "message", "timestamp", total="total_commits_count")
        ),
    ),
    "Merge Request Hook": (
        Rule(
            when=_on("object_attributes.action", "merge"),
            emits=(
                Emit(
                    "code",
                    "object_attributes.author_id",
                    "mr:{object_attributes.id}:merged",
                    "object_attributes.updated_at",
                    "object_attributes.url",
                ),
                Emit(
                    "maintenance",
                    "user",
                    "mr:{object_attributes.id}:merger",
                    "object_attributes.updated_at",
                    "object_attributes.url",
                ),
            ),
        ),
        Rule(
            when=_on("object_attributes.action", "approved"),
            emits=(
                Emit(
                    "review",
                    "user",
                    "mr:{object_attributes.id}:approval:{user.id}",
                    "object_attributes.updated_at",
                    "object_attributes.url",
                ),
            ),
        ),
    ),
    "Note Hook": (
        Rule(
            emits=(
                Emit(
                    "question",
                    "user",
                    "note:{object_attributes.id}",
                    "object_attributes.created_at",
                    "object_attributes.url",
                    on_pull="merge_request",
                ),
            )
        ),
    ),
    "Issue Hook": (
        Rule(
            when=_on("object_attributes.action", "open"),
            emits=(
                Emit(
                    "bug",
                    "user",
                    "issue:{object_attributes.id}",
                    "object_attributes.created_at",
                    "object_attributes.url",
                    labels="labels[].title",
                ),
            ),
        ),
    ),
    "Release Hook": (
        Rule(
            when=_on("action", "create"),
            emits=(
                Emit(
                    "maintenance",
                    "commit.author",
                    "release:{id}",
                    "created_at",
                    "url",
                    git_author=True,
                ),
            ),
        ),
    ),
    "Wiki Page Hook": (
        Rule(
            when=_on("object_attributes.action", "create", "update"),
            emits=(
                Emit(
                    "doc",
                    "user",
                    "wiki:{project.id}:{object_attributes.slug}:{$delivery}",
                    "$received",
                    "object_attributes.url",
                ),
            ),
        ),
    ),
}

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
            when=_on("action", "created"),
            emits=(
                Emit(
                    "question",
                    "comment.user",
                    "comment:{comment.id}",
                    "comment.created_at",
                    "comment.html_url",
                    on_pull="is_pull",
                ),
            ),
        ),
    ),
    "release": (
        Rule(
            when=_on("action", "published"),
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
            when=_on("action", "created", "edited"),
            emits=(Emit("doc", "sender", "wiki:{repository.id}:{page}:{$delivery}", "$received"),),
        ),
    ),
}

BITBUCKET: dict[str, tuple[Rule, ...]] = {
    "repo:push": (
        Rule(
            commits=Commits(
                "push.changes[].commits[]",
                "hash",
                "message",
                "date",
                author_raw="author.raw",
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
                ),
                Emit(
                    "maintenance",
                    "actor",
                    "pr:{repository.uuid}:{pullrequest.id}:merger",
                    "pullrequest.updated_on",
                    "pullrequest.links.html.href",
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
                ),
            )
        ),
    ),
}

STANDARD: dict[str, tuple[Rule, ...]] = {
    "contribution.created": (
        Rule(
            emits=(
                Emit(
                    "",
                    "data.author",
                    "{data.id}",
                    "data.occurred_at",
                    "data.url",
                    kind_path="data.kind",
                ),
            )
        ),
    ),
}

RULES: dict[str, dict[str, tuple[Rule, ...]]] = {
    "github": GITHUB,
    "gitlab": GITLAB,
    "gitea": GITEA,
    "forgejo": GITEA,
    "bitbucket": BITBUCKET,
    "standard": STANDARD,
}
