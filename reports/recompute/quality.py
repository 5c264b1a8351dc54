"""The ``quality`` section recomputed from the replayed journal (pure, no I/O), by the
definitions of ``reports.critics.reviews`` and ``reports.critics.reverts``: a thread
opens with its first change or issue, its author is the record holding that now, and
reviews, merges and responses are judged by who holds them now."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from reports.critics.measures import spread, work_share
from reports.critics.reverts import REVERTERS_LISTED
from reports.critics.reviews import MEASURES, SELF_MERGED_LISTED
from reports.figures import share
from reports.recompute.critics_replay import Post
from reports.recompute.replay import Replay

SECOND = 1_000_000


def _second(at: int) -> str:
    return datetime.fromtimestamp(at // SECOND, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _first(
    posts: list[Post], roles: tuple[str, ...], author: int, since: int, replay: Replay
) -> int | None:
    times = [p.at for p in posts if p.role in roles and p.at >= since
             and replay.holders.holding(p.id, p.record) != author]  # fmt: skip
    return (min(times) - since) // SECOND if times else None


def _judge(replay: Replay) -> list[dict[str, Any]]:
    """The period's threads, each judged as ``reviews`` judges them."""
    judged = []
    for thread, posts in replay.threads.posts.items():
        openers = [p for p in posts if p.role in ("change", "issue")]
        if not openers:
            continue
        head = min(openers, key=lambda p: (p.at, p.id))
        if not replay.start <= head.at < replay.end:
            continue
        author = replay.holders.holding(head.id, head.record)
        others = [p for p in posts if replay.holders.holding(p.id, p.record) != author]
        opened = head.at if head.role == "issue" else head.opened
        judged.append({
            "thread": thread, "role": head.role, "author": author, "at": head.at,
            "repository": head.repository, "opened": opened,
            "reviewed": any(p.role == "review" and p.at <= head.at for p in others),
            "self_merged": any(p.role == "merge" and replay.holders.holding(p.id, p.record) == author
                               for p in posts),
            "response": None if opened is None
            else _first(posts, ("review", "comment"), author, opened, replay),
            "review": None if opened is None else _first(posts, ("review",), author, opened, replay),
        })  # fmt: skip
    return judged


def _timing(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    seconds = [r[key] for r in rows if r[key] is not None]
    return {
        "threads": len(rows),
        "with_opening": sum(1 for r in rows if r["opened"] is not None),
        "answered": len(seconds),
        **spread(seconds),
    }


def _reviews(replay: Replay) -> dict[str, Any]:
    judged = _judge(replay)
    changes = [r for r in judged if r["role"] == "change"]
    issues = [r for r in judged if r["role"] == "issue"]
    repositories: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    for r in changes:
        repositories[r["repository"]][0] += 1
        repositories[r["repository"]][1] += r["reviewed"]
    merged, reviewed = len(changes), sum(r["reviewed"] for r in changes)
    selfish = sorted(
        (r for r in changes if r["self_merged"]), key=lambda r: (-r["at"], r["thread"])
    )
    timing = {"issues": _timing(issues, "response"), "changes": _timing(changes, "response"),
              "change_reviews": _timing(changes, "review")}  # fmt: skip
    return {
        "coverage": {
            "merged": merged,
            "reviewed": reviewed,
            "share": share(reviewed, merged),
            "by_repository": [
                {"repository": repo, "merged": n, "reviewed": k, "share": share(k, n)}
                for repo, (n, k) in sorted(repositories.items(), key=lambda i: (i[0] is None, i[0] or ""))
            ],
            "self_merged": len(selfish),
            "self_merged_changes": [
                {"thread": r["thread"], "repository": r["repository"], "author": r["author"],
                 "merged_at": _second(r["at"]), "reviewed": r["reviewed"]}
                for r in selfish[:SELF_MERGED_LISTED]
            ],
        },
        "response": {m: timing[m] for m in MEASURES},
    }  # fmt: skip


def _reverts(replay: Replay, contributions: int) -> dict[str, Any]:
    sources: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    people: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for contribution, record, source, targets in replay.reverts:
        for bucket in (sources[source], people[replay.holders.holding(contribution, record)]):
            bucket[0] += 1
            bucket[1] += targets
    reverted = sum(t for *_, t in replay.reverts)
    ranked = sorted(people.items(), key=lambda i: (-i[1][0], i[0]))[:REVERTERS_LISTED]
    return {
        "reverts": len(replay.reverts),
        "reverted": reverted,
        "contributions": contributions,
        "share": share(reverted, contributions),
        "reverters": len(people),
        "by_source": [{"source": s, "reverts": k, "reverted": m}
                      for s, (k, m) in sorted(sources.items())],
        "by_reverter": [{"contributor_id": who, "reverts": k, "reverted": m}
                        for who, (k, m) in ranked],
    }  # fmt: skip


def quality(replay: Replay, contributors: dict[str, Any]) -> dict[str, Any]:
    """The ``quality`` section (``contributors``: the recomputed section of that name)."""
    total = int(contributors["contributions"])
    return {
        **_reviews(replay),
        "reverts": _reverts(replay, total),
        "work": work_share(contributors["mix"]["by_kind"], total),
    }
