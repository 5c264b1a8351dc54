"""The reference dashboard's pages over HTTP: rendered on the server from the persisted
operations, with their assets from this origin only."""

from __future__ import annotations

import re

import asyncpg
from litestar import Litestar
from litestar.testing import AsyncTestClient

from app.demo import seed_demo
from app.runtime import Runtime


async def test_the_project_page_renders_every_view_on_the_server(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool, runtime: Runtime
) -> None:
    await seed_demo(pool, contributors=40, contributions=400)
    page = await client.get("/projects/aurora")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "connect-src 'self'" in policy
    html = page.text
    assert "<title>Aurora — Commons Ledger dashboard</title>" in html
    for section in ("overview", "contributors", "funding", "decisions", "licensing"):
        assert f'<section id="{section}"' in html
    assert html.count("<svg") >= 3  # per month, by kind, funding per sponsor
    assert "Adopt a review checklist for plugins" in html
    assert "non-commons" in html
    assert 'href="/projects/aurora/contributors/' in html
    # Every URL the page names is on this origin.
    assert re.findall(r'(?:src|href)="(https?:)?//', html) == []
    # It was answered from the persisted operations, now cached by journal head.
    before = runtime.persisted.executed
    again = await client.get("/projects/aurora")
    assert _unchart(again.text) == _unchart(html)
    assert runtime.persisted.executed == before


def _unchart(html: str) -> str:
    """The page without the random ids pygal gives every chart."""
    return re.sub(r"chart-[0-9a-f-]{36}", "chart", html)


async def test_contributors_page_on_without_a_script(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool
) -> None:
    await seed_demo(pool, contributors=80, contributions=600)
    first = (await client.get("/projects/aurora")).text
    cursor = re.search(r'data-after="([^"]+)"', first)
    assert cursor is not None
    second = await client.get("/projects/aurora", params={"after": cursor.group(1)})
    assert second.status_code == 200
    names = re.findall(r'<tbody id="people">(.*?)</tbody>', second.text, re.S)[0]
    earlier = re.findall(r'<tbody id="people">(.*?)</tbody>', first, re.S)[0]
    assert names
    assert not set(re.findall(r"contributors/(\d+)", names)) & set(
        re.findall(r"contributors/(\d+)", earlier)
    )


async def test_the_contributor_page_and_missing_pages(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool
) -> None:
    await seed_demo(pool, contributors=40, contributions=400)
    html = (await client.get("/projects/aurora")).text
    number = re.findall(r"/projects/aurora/contributors/(\d+)", html)[0]
    page = await client.get(f"/projects/aurora/contributors/{number}")
    assert page.status_code == 200
    assert "How the credit adds up" in page.text
    assert "Rank by credit" in page.text
    assert "<svg" in page.text
    for path in ("/projects/nowhere", "/projects/aurora/contributors/999999"):
        missing = await client.get(path)
        assert missing.status_code == 404
        assert "Not found" in missing.text


async def test_the_assets_are_served_with_their_types_and_nothing_else(
    client: AsyncTestClient[Litestar],
) -> None:
    css = await client.get("/dashboard/assets/dashboard.css")
    js = await client.get("/dashboard/assets/dashboard.js")
    assert css.headers["content-type"].startswith("text/css")
    assert js.headers["content-type"].startswith("text/javascript")
    assert "fetch(" in js.text
    for name in ("../views.py", "templates", "nothing.css", "%2e%2e%2fviews.py"):
        assert (await client.get(f"/dashboard/assets/{name}")).status_code == 404
