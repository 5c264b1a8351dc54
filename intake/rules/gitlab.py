"""GitLab: Push, Merge Request, Note, Issue, Release and Wiki Page hooks.

A merge request's ``approval`` / ``unapproval`` action is one user approving or
withdrawing; ``approved`` / ``unapproved`` say that all required approvals are in (or
no longer are), sent with the user who tipped it. All of them credit their user one
review of the merge request, under one key: each approver is counted once."""

from __future__ import annotations

from intake.rules.types import Commits, Emit, Rule, on

# Merge requests (``!iid``) and issues (``#iid``) are numbered apart in each project.
REPOSITORY = "project.path_with_namespace"
MERGE_REQUEST = ("{project.path_with_namespace}!{object_attributes.iid}",)
NOTED = (
    "{project.path_with_namespace}!{merge_request.iid}",
    "{project.path_with_namespace}#{issue.iid}",
)

GITLAB: dict[str, tuple[Rule, ...]] = {
    "Push Hook": (
        Rule(
            commits=Commits("commits[]", "id", "message", "timestamp", total="total_commits_count")
        ),
    ),
    "Merge Request Hook": (
        Rule(
            when=on("object_attributes.action", "merge"),
            emits=(
                Emit(
                    "code",
                    "object_attributes.author_id",
                    "mr:{object_attributes.id}:merged",
                    "object_attributes.updated_at",
                    "object_attributes.url",
                    thread=MERGE_REQUEST,
                    role="change",
                    opened="object_attributes.created_at",
                    repository=REPOSITORY,
                ),
                Emit(
                    "maintenance",
                    "user",
                    "mr:{object_attributes.id}:merger",
                    "object_attributes.updated_at",
                    "object_attributes.url",
                    thread=MERGE_REQUEST,
                    role="merge",
                    repository=REPOSITORY,
                ),
            ),
        ),
        Rule(
            when=on("object_attributes.action", "approval", "unapproval", "approved"),
            emits=(
                Emit(
                    "review",
                    "user",
                    "mr:{object_attributes.id}:approval:{user.id}",
                    "object_attributes.updated_at",
                    "object_attributes.url",
                    thread=MERGE_REQUEST,
                    role="review",
                    repository=REPOSITORY,
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
                    thread=NOTED,
                    role="comment",
                    repository=REPOSITORY,
                ),
            )
        ),
    ),
    "Issue Hook": (
        Rule(
            when=on("object_attributes.action", "open"),
            emits=(
                Emit(
                    "bug",
                    "user",
                    "issue:{object_attributes.id}",
                    "object_attributes.created_at",
                    "object_attributes.url",
                    labels="labels[].title",
                    thread=("{project.path_with_namespace}#{object_attributes.iid}",),
                    role="issue",
                    repository=REPOSITORY,
                ),
            ),
        ),
    ),
    "Release Hook": (
        Rule(
            when=on("action", "create"),
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
            when=on("object_attributes.action", "create", "update"),
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
