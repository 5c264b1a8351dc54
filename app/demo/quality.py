"""The demo's review and maintenance history: a year of change requests in two
repositories, each opened, mostly reviewed by someone else (some only by their author,
some merged by their author), merged by a maintainer; issues answered sooner or later
(a few never); and commits that revert earlier ones. Recorded with the metadata the
forge intake writes (``ledger.register.facts``), so the report's quality figures have
something to show. Deterministic for a given random generator.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import asyncpg

from ledger.register.contributions import record_contributions
from ledger.register.models import NewContribution

REPOSITORIES = ("aurora/aurora", "aurora/tiles")
_BATCH = 2_000


def _hours(rng: random.Random, median: float) -> timedelta:
    """A waiting time with a long tail, around ``median`` hours (at most ten days)."""
    return timedelta(hours=min(240.0, median * rng.lognormvariate(0, 1)))


def _item(who: int, kind: str, at: datetime, key: str, **meta: object) -> NewContribution:
    return NewContribution(who, kind, at, "github", f"github:{key}", metadata=dict(meta))


def _change(
    rng: random.Random, n: int, people: list[int], maintainers: list[int], opened: datetime
) -> list[NewContribution]:
    repository = REPOSITORIES[n % len(REPOSITORIES)]
    thread = f"github:{repository}#{n + 1}"
    facts = {"thread": thread, "repository": repository}
    author = rng.choice(people)
    others = [p for p in maintainers + people[:20] if p != author]
    reviewed_at = opened + _hours(rng, 6)
    merged = reviewed_at + _hours(rng, 4)
    items = []
    luck = rng.random()
    if luck < 0.12:  # merged by its author without anyone else looking
        merger = author
    else:
        reviewer = rng.choice(others)
        if luck < 0.2:  # only its author reviewed it
            reviewer = author
        items.append(_item(reviewer, "review", reviewed_at, f"review:{n}",
                           thread_role="review", **facts))  # fmt: skip
        merger = rng.choice([m for m in maintainers if m != author] or maintainers)
    if rng.random() < 0.5:
        items.append(_item(rng.choice(others), "question", opened + _hours(rng, 2),
                           f"comment:pr{n}", thread_role="comment", **facts))  # fmt: skip
    merged = max([merged, *(i.occurred_at for i in items)])
    items.append(_item(author, "code", merged, f"pr:{n}:merged", thread_role="change",
                       opened_at=opened.isoformat(), **facts))  # fmt: skip
    items.append(_item(merger, "maintenance", merged, f"pr:{n}:merger", thread_role="merge",
                       **facts))  # fmt: skip
    return items


def _issue(
    rng: random.Random, n: int, people: list[int], maintainers: list[int], opened: datetime
) -> list[NewContribution]:
    repository = REPOSITORIES[n % len(REPOSITORIES)]
    facts = {"thread": f"github:{repository}#i{n + 1}", "repository": repository}
    author = rng.choice(people)
    items = [_item(author, "bug", opened, f"issue:{n}", thread_role="issue", **facts)]
    if rng.random() < 0.85:
        answerer = rng.choice([m for m in maintainers if m != author] or maintainers)
        items.append(_item(answerer, "question", opened + _hours(rng, 10), f"comment:i{n}",
                           thread_role="comment", **facts))  # fmt: skip
    return items


def _reverts(
    rng: random.Random, count: int, maintainers: list[int], start: datetime
) -> list[NewContribution]:
    items = []
    for _ in range(count):
        target = f"{rng.getrandbits(160):040x}"
        sha = f"{rng.getrandbits(160):040x}"
        at = start + timedelta(days=rng.random() * 360)
        items.append(NewContribution(rng.choice(maintainers), "code", at, "git", f"git:{sha}",
                                     metadata={"commit": sha, "reverts": [target]}))  # fmt: skip
    return items


async def seed_quality(
    conn: asyncpg.Connection,
    project_id: int,
    people: list[int],
    rng: random.Random,
    start: datetime,
    changes: int,
    actor: str,
) -> dict[str, int]:
    """Record ``changes`` change requests, half as many issues and a few reverts over the
    year from ``start``; how many of each."""
    maintainers = people[:5]
    items: list[NewContribution] = []
    for n in range(changes):
        items += _change(rng, n, people, maintainers, start + timedelta(days=rng.random() * 330))
    issues = max(1, changes // 2)
    for n in range(issues):
        items += _issue(rng, n, people, maintainers, start + timedelta(days=rng.random() * 330))
    reverts = max(1, changes // 25)
    items += _reverts(rng, reverts, maintainers, start)
    for first in range(0, len(items), _BATCH):
        await record_contributions(conn, project_id, items[first : first + _BATCH], actor)
    return {"change requests": changes, "issues": issues, "reverts": reverts}
