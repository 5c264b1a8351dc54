"""The reference dashboard in a real headless Chromium, served for real: it renders
with its charts, its script reads the persisted operations on the same origin only,
nothing logs an error, it fits a phone, it reads with scripts off, and a page on
another origin reads the public API through a real CORS preflight (but may not send
a token from there). Screenshots are kept under test-artifacts/."""

from __future__ import annotations

import asyncio
import base64
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from app.demo import seed_demo
from app.main import create_app
from tests.e2e.cdp import Browser
from tests.e2e.live import serving

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

SEEN = """(() => ({
  title: document.title,
  h1: document.querySelector('h1').textContent,
  sections: [...document.querySelectorAll('main section')].map(s => s.id),
  charts: [...document.querySelectorAll('.chart svg')].map(svg => {
    const box = svg.getBoundingClientRect();
    return {width: box.width, height: box.height};
  }),
  people: document.querySelectorAll('#people tr').length,
  deadline: (document.querySelector('time[data-deadline]') || {}).textContent,
  live: document.documentElement.dataset.live || null,
  scrollWidth: document.documentElement.scrollWidth,
}))()"""
CROSS = """fetch(%r, {method: 'POST', headers: {'content-type': 'application/json'%s},
  body: JSON.stringify({query: '{ project(slug: "aurora") { name } }'})})
  .then(r => r.json()).then(b => b.data.project.name, e => 'refused: ' + e.name)"""


class Tab:
    """One page of the browser, with the events it saw."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        self.session = attached["sessionId"]
        for domain in ("Network.enable", "Page.enable", "Runtime.enable", "Log.enable"):
            self.send(domain)

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, session=self.session)

    def open(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})
        self.browser.wait_for("Page.loadEventFired")

    def value(self, expression: str, wait: bool = False) -> Any:
        found = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": wait},
        )
        return found["result"].get("value")

    def until(self, expression: str) -> None:
        deadline = time.monotonic() + 20
        while not self.value(expression):
            if time.monotonic() > deadline:
                raise TimeoutError(expression)
            time.sleep(0.1)

    def shot(self, name: str, full: bool = True) -> None:
        params = {"format": "png", "captureBeyondViewport": full}
        data = self.send("Page.captureScreenshot", params)["data"]
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / name).write_bytes(base64.b64decode(data))

    def events(self, method: str) -> list[dict[str, Any]]:
        mine = [e for e in self.browser.events if e.get("sessionId") == self.session]
        return [e["params"] for e in mine if e.get("method") == method]


def _browse(base: str, other: str, profile: Path) -> dict[str, Any]:
    assert CHROMIUM is not None
    browser = Browser(CHROMIUM, profile)
    try:
        tab = Tab(browser)
        tab.send("Emulation.setDeviceMetricsOverride",
                 {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})  # fmt: skip
        tab.open(f"{base}/projects/aurora")
        tab.until("document.documentElement.dataset.live === 'yes'")
        before = tab.value(SEEN)
        tab.value("document.getElementById('more-people').click()")
        tab.until(f"document.querySelectorAll('#people tr').length > {before['people']}")
        after = tab.value(SEEN)
        tab.shot("dashboard.png")
        tab.shot("dashboard-top.png", full=False)
        tab.send("Emulation.setDeviceMetricsOverride",
                 {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})  # fmt: skip
        phone = tab.value("document.documentElement.scrollWidth")
        tab.shot("dashboard-phone.png", full=False)
        number = tab.value("document.querySelector('#people a').href.split('/').pop()")
        tab.open(f"{base}/projects/aurora/contributors/{number}")
        person = tab.value(SEEN)
        tab.shot("dashboard-contributor.png")
        seen = {
            "before": before,
            "after": after,
            "phone": phone,
            "person": person,
            "requests": [e["request"]["url"] for e in tab.events("Network.requestWillBeSent")],
            "console": [e["type"] for e in tab.events("Runtime.consoleAPICalled")],
            "exceptions": tab.events("Runtime.exceptionThrown"),
            "logged": [e["entry"] for e in tab.events("Log.entryAdded")],
        }
        plain = Tab(browser)
        plain.send("Emulation.setScriptExecutionDisabled", {"value": True})
        plain.open(f"{base}/projects/aurora")
        seen["plain"] = plain.send("Runtime.evaluate", {"expression": SEEN, "returnByValue": True})[
            "result"
        ]["value"]
        elsewhere = Tab(browser)
        elsewhere.open(f"{other}/elsewhere.html")
        api = f"{base}/graphql"
        seen["cross"] = elsewhere.value(CROSS % (api, ""), wait=True)
        seen["cross_token"] = elsewhere.value(
            CROSS % (api, ", authorization: 'Bearer x'"), wait=True
        )
    finally:
        browser.close()
    return seen


@contextmanager
def _another_origin(folder: Path) -> Iterator[str]:
    """A plain page served from another origin (its own port), as any site on the web."""
    folder.mkdir()
    (folder / "elsewhere.html").write_text("<!doctype html><title>elsewhere</title>")
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
async def test_the_dashboard_in_a_real_browser(
    app_env: dict[str, str], pool: asyncpg.Pool, tmp_path: Path
) -> None:
    await seed_demo(pool, contributors=80, contributions=800)
    with serving(create_app(app_env)) as port, _another_origin(tmp_path / "site") as other:
        base = f"http://127.0.0.1:{port}"
        seen = await asyncio.to_thread(_browse, base, other, tmp_path / "profile")
    before, after = seen["before"], seen["after"]
    assert before["title"] == "Aurora — Commons Ledger dashboard"
    assert before["h1"] == "Aurora"
    assert before["sections"] == ["overview", "contributors", "funding", "decisions", "licensing"]
    assert len(before["charts"]) >= 3
    assert all(c["width"] > 300 and c["height"] > 100 for c in before["charts"])
    assert before["people"] == 25
    assert after["people"] == 50
    assert "(in " in before["deadline"]
    assert seen["phone"] <= 390
    assert seen["person"]["sections"] == ["standing", "work", "grants", "votes"]
    assert seen["person"]["charts"]
    assert seen["requests"]
    assert [u for u in seen["requests"] if not u.startswith(base + "/")] == []
    assert any("/graphql/persisted/ProjectContributors" in u for u in seen["requests"])
    assert any("/graphql/persisted/ProjectTotals" in u for u in seen["requests"])
    assert "error" not in seen["console"]
    assert seen["exceptions"] == []
    assert [e for e in seen["logged"] if e["level"] == "error"] == []
    plain = seen["plain"]
    assert plain["live"] is None  # no script ran, and the page is all there
    assert plain["people"] == 25
    assert plain["sections"] == before["sections"]
    assert seen["cross"] == "Aurora"
    assert seen["cross_token"] == "refused: TypeError"
    assert (ARTIFACTS / "dashboard.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
