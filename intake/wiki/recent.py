"""A live wiki's recent changes, read from its API (``action=query&list=recentchanges``,
``formatversion=2``) and recorded through the same mapping as a dump.

Changes are read up to ``lag`` ago: by then MediaWiki has tagged the edits that
were reverted (``mw-reverted``) as well as the reverts themselves, so a vandal's edit
earns nothing and its revert is credited as the dump import would. Identity reverts
among the changes read together are found too. The feed remembers where it got to
(``wiki_feeds``); an edit seen by a feed and by a dump import is one contribution
(same natural key).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from intake.record import record_activities
from intake.wiki.edits import Edit, Site, WikiOptions, check_wiki, editor_of
from intake.wiki.mapping import SOURCE, Judged, activity_of
from intake.wiki.reverts import PageHistory
from intake.wiki.terms import ensure_terms, grant_terms
from ledger.kernel.errors import InvalidInput, Unavailable
from ledger.register.models import Project
from ledger.register.projects import get_project, project_kinds

ACTOR = "intake:mediawiki"
USER_AGENT = "CommonsLedger/0.1 (recent changes of wikis a project records)"
RC_PROPS = "user|userid|ids|timestamp|sha1|flags|tags|title"
KEPT = timedelta(days=30)
"""How far back a first pass reads: what Wikimedia wikis keep in recent changes."""
_FEED = "SELECT next_start FROM wiki_feeds WHERE project_id = $1 AND wiki = $2"
_ADVANCE = """
INSERT INTO wiki_feeds AS f (project_id, wiki, api_url, next_start, changes, recorded,
    polled_at)
VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())
ON CONFLICT (project_id, wiki) DO UPDATE SET api_url = excluded.api_url,
    next_start = greatest(f.next_start, excluded.next_start),
    changes = f.changes + excluded.changes, recorded = f.recorded + excluded.recorded,
    polled_at = excluded.polled_at
"""


@dataclass(frozen=True, slots=True)
class FeedResult:
    """One pass over a wiki's recent changes."""

    wiki: str
    changes: int
    recorded: int
    until: datetime


def _time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise InvalidInput("a recent change has no timestamp", "api")
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _api_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _flag(change: Mapping[str, Any], name: str) -> bool:
    """A flag in either format: ``true`` (formatversion 2) or present as ``""`` (1)."""
    value = change.get(name)
    return value is True or value == ""


def change_edit(change: Mapping[str, Any]) -> Edit | None:
    """The edit a recent change records (None for log entries and categorisations)."""
    if change.get("type") not in ("edit", "new"):
        return None
    revision, page = change.get("revid"), change.get("pageid")
    if not isinstance(revision, int) or not isinstance(page, int) or revision <= 0:
        raise InvalidInput("a recent change has no revision or page id", "api")
    user_id = change.get("userid")
    anonymous = _flag(change, "anon")
    editor = editor_of(
        None if anonymous or not isinstance(user_id, int) else user_id,
        change.get("user") if isinstance(change.get("user"), str) else None,
        bot=_flag(change, "bot"),
    )
    tags = change.get("tags")
    return Edit(
        revision,
        page,
        int(change.get("ns") or 0),
        _time(change.get("timestamp")),
        editor,
        change.get("sha1") if isinstance(change.get("sha1"), str) else None,
        tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
    )


def judge(edits: list[Edit], radius: int) -> list[Judged]:
    """The fates of edits read together (each page's in order), in their order."""
    histories: dict[int, PageHistory] = {}
    fates: dict[int, Judged] = {}
    for edit in edits:
        history = histories.setdefault(edit.page, PageHistory(radius))
        fates.update((j.edit.revision, j) for j in history.add(edit))
    for history in histories.values():
        fates.update((j.edit.revision, j) for j in history.close())
    return [fates[e.revision] for e in edits]


class WikiApi:
    """The action API of one wiki, over HTTP."""

    def __init__(self, url: str, client: httpx.AsyncClient) -> None:
        if not url.startswith(("http://", "https://")):
            raise InvalidInput("the API is an http(s) URL ending in api.php", "api")
        self.url = url
        self.client = client

    async def _get(self, params: dict[str, str]) -> dict[str, Any]:
        query = {"action": "query", "format": "json", "formatversion": "2", **params}
        try:
            response = await self.client.get(self.url, params=query)
        except httpx.HTTPError as exc:
            raise Unavailable(f"the wiki at {self.url} did not answer: {exc}") from None
        if response.status_code != 200:
            raise InvalidInput(f"the wiki answered HTTP {response.status_code}", "api")
        try:
            body = response.json()
        except ValueError:
            raise InvalidInput("the wiki's answer is not JSON", "api") from None
        if not isinstance(body, dict) or "error" in body:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            raise InvalidInput(f"the wiki refused: {error.get('code', 'unknown')}", "api")
        return body

    async def site(self, wiki: str | None) -> Site:
        """The wiki's name among wikis (its ``wikiid`` unless given), title and base."""
        body = await self._get({"meta": "siteinfo", "siprop": "general"})
        general = body.get("query", {}).get("general", {})
        name = wiki or general.get("wikiid")
        if not isinstance(name, str):
            raise InvalidInput("the wiki names no wikiid; give the wiki's name", "wiki")
        return Site(check_wiki(name), general.get("sitename"), general.get("base"))

    async def changes(
        self, start: datetime, end: datetime, limit: int = 500
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Pages of edits between ``start`` and ``end``, oldest first."""
        params = {
            "list": "recentchanges", "rcprop": RC_PROPS, "rctype": "edit|new",
            "rcdir": "newer", "rcstart": _api_time(start), "rcend": _api_time(end),
            "rclimit": str(limit),
        }  # fmt: skip
        while True:
            body = await self._get(params)
            found = body.get("query", {}).get("recentchanges", [])
            yield [c for c in found if isinstance(c, dict)]
            more = body.get("continue")
            if not isinstance(more, dict) or not more:
                return
            params = {**params, **{k: str(v) for k, v in more.items()}}


async def follow(
    pool: asyncpg.Pool,
    project: Project,
    api: WikiApi,
    *,
    wiki: str | None = None,
    terms: str | None = None,
    options: WikiOptions | None = None,
    lag: timedelta = timedelta(hours=1),
    since: datetime | None = None,
) -> FeedResult:
    """Record the wiki's changes from where the feed got to (on a first pass from
    ``since``, else all the wiki keeps) until ``lag`` ago; each API page commits on its
    own."""
    project = await get_project(pool, project.slug)
    chosen = options or WikiOptions.of(project.settings)
    chosen = chosen.validated(await project_kinds(pool, project.id))
    site = await api.site(wiki)
    now = await pool.fetchval("SELECT clock_timestamp()")
    until = now - lag
    start = await pool.fetchval(_FEED, project.id, site.wiki) or since or until - KEPT
    changes = recorded = 0
    async for page in api.changes(start, until):
        edits = [e for e in (change_edit(c) for c in page) if e is not None]
        found = [activity_of(site, j, chosen) for j in judge(edits, chosen.radius)]
        activities = [a for a in found if a is not None]
        async with pool.acquire() as conn, conn.transaction():
            new = 0
            if activities:
                first = min(a.occurred_at for a in activities)
                project = await ensure_terms(conn, project, site, terms, first, ACTOR)
                new = await record_activities(conn, project.id, activities, SOURCE, ACTOR)
                await grant_terms(conn, project, site, [a.natural_key for a in activities], ACTOR)
            reached = max((e.timestamp for e in edits), default=start)
            await conn.execute(_ADVANCE, project.id, site.wiki, api.url, reached, len(edits), new)
        changes += len(edits)
        recorded += new
    await pool.execute(_ADVANCE, project.id, site.wiki, api.url, until, 0, 0)
    return FeedResult(site.wiki, changes, recorded, until)
