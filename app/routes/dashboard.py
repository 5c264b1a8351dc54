"""The reference dashboard: ``GET /projects/{slug}`` (overview, contributors, funding,
decisions, licensing) and ``GET /projects/{slug}/contributors/{number}``.

Each page is rendered from the answers of the persisted operations, asked through
the same service (budget, journal-head cache) as ``/graphql/persisted``, as an
anonymous reader: the server renders the first view, so the page reads without
scripts; its script and stylesheet are served from this origin, and a
Content-Security-Policy keeps every request there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import orjson
from litestar import Controller, MediaType, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery

from app.budget import client_key
from app.context import context_for
from app.dashboard import views
from app.persisted.service import RateLimited
from app.persisted.service import Request as PersistedRequest
from app.runtime import Runtime
from ledger.kernel.errors import InvalidInput
from ledger.kernel.principal import ANONYMOUS

ASSETS: Final = Path(__file__).resolve().parents[1] / "dashboard" / "static"
TYPES: Final = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
POLICY: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


async def _view(request: Request[Any, Any, Any], name: str, **variables: Any) -> tuple[Any, int]:
    """The ``project`` data of one persisted operation and the journal head it is at."""
    runtime: Runtime = request.app.state.runtime
    asked = PersistedRequest(
        name=name,
        variables=variables,
        principal=ANONYMOUS,
        client=client_key(ANONYMOUS, request.client.host if request.client else None),
    )
    operation = runtime.persisted.operations[name]
    answer = await runtime.persisted.answer(
        operation, asked, lambda: context_for(runtime, ANONYMOUS)
    )
    body = orjson.loads(answer.body)
    if body.get("errors"):
        first = body["errors"][0]
        raise InvalidInput(first["message"])
    return body["data"]["project"], answer.seq if answer.seq is not None else -1


PEOPLE_PAGE: Final = 25


def _paging(after: str | None) -> dict[str, Any]:
    return {"first": PEOPLE_PAGE, "after": after} if after else {"first": PEOPLE_PAGE}


def _page(html: str, status: int = 200) -> Response[str]:
    headers = {"Content-Security-Policy": POLICY, "Cache-Control": "no-cache"}
    return Response(html, status_code=status, media_type=MediaType.HTML, headers=headers)


def _refused(exc: RateLimited) -> Response[str]:
    page = _page(views.missing_page("", "answer within this window's query budget"), 429)
    page.headers.update(exc.budget.headers())
    return page


class DashboardController(Controller):
    path = "/projects/{slug:str}"

    @get("/")
    async def project(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        after: FromQuery[str | None] = None,
    ) -> Response[str]:
        """The project's dashboard page."""
        found: dict[str, Any] = {}
        seq = -1
        try:
            for name in views.PROJECT_VIEWS:
                extra = _paging(after) if name == "ProjectContributors" else {}
                found[name], seq = await _view(request, name, slug=slug, **extra)
                if found[name] is None:
                    return _page(views.missing_page(slug, "such project"), 404)
        except RateLimited as exc:
            return _refused(exc)
        return _page(views.project_page(found, seq if seq >= 0 else None))

    @get("/contributors/{contributor:str}")
    async def contributor(
        self, request: Request[Any, Any, Any], slug: FromPath[str], contributor: FromPath[str]
    ) -> Response[str]:
        """A contributor's page in the project."""
        try:
            project, _ = await _view(
                request, "ContributorProfile", slug=slug, contributor=contributor
            )
        except RateLimited as exc:
            return _refused(exc)
        if project is None:
            return _page(views.missing_page(slug, "such project"), 404)
        if project["contributorProfile"] is None:
            return _page(views.missing_page(slug, "such contributor"), 404)
        return _page(views.contributor_page(project))


@get("/dashboard/assets/{name:str}", sync_to_thread=False)
def asset(name: FromPath[str]) -> Response[bytes]:
    """The dashboard's own stylesheet and script (vendored, no build step)."""
    path = ASSETS / name
    kind = TYPES.get(path.suffix)
    if kind is None or path.parent != ASSETS or not path.is_file():
        raise NotFoundException(detail=f"no dashboard asset {name!r}")
    return Response(
        path.read_bytes(),
        media_type=kind,
        headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
