"""The HTML report in a real headless Chromium: it renders, its charts appear, a
screenshot is kept under test-artifacts/, and no request leaves the page."""

from __future__ import annotations

import asyncio
import base64
import shutil
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.e2e.cdp import Browser
from tests.integration.reports.seed import seed_chaoss

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

CHECK = """(() => {
  const charts = [...document.querySelectorAll('.chart svg')].map(svg => {
    const box = svg.getBoundingClientRect();
    return {width: box.width, height: box.height, bars: svg.querySelectorAll('rect').length};
  });
  return {
    title: document.title,
    h1: document.querySelector('h1').textContent,
    charts,
    labelled: [...document.querySelectorAll('.chart')].every(c => c.getAttribute('aria-label')),
    scrollWidth: document.documentElement.scrollWidth,
  };
})()"""


def _browse(page: Path, profile: Path) -> dict[str, Any]:
    assert CHROMIUM is not None
    browser = Browser(CHROMIUM, profile)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Network.enable", "Page.enable"):
            browser.send(domain, session=session)
        browser.send("Page.navigate", {"url": page.as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired")
        found = browser.send(
            "Runtime.evaluate", {"expression": CHECK, "returnByValue": True}, session=session
        )["result"]["value"]
        shot = browser.send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True},
            session=session,
        )
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True},
            session=session,
        )
        phone = browser.send(
            "Runtime.evaluate",
            {"expression": "document.documentElement.scrollWidth", "returnByValue": True},
            session=session,
        )["result"]["value"]
        phone_shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
        requests = [
            e["params"]["request"]["url"]
            for e in browser.events
            if e.get("method") == "Network.requestWillBeSent"
        ]
    finally:
        browser.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report.png").write_bytes(base64.b64decode(shot["data"]))
    (ARTIFACTS / "report-phone.png").write_bytes(base64.b64decode(phone_shot["data"]))
    return {**found, "requests": requests, "phone_width": phone}


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
async def test_the_report_renders_with_its_charts_and_makes_no_request(
    client: AsyncTestClient[Litestar], pool: asyncpg.Pool, tmp_path: Path
) -> None:
    await seed_chaoss(pool)
    response = await client.get("/projects/chaoss/reports/2026-07.html")
    assert response.status_code == 200
    page = tmp_path / "report.html"
    page.write_text(response.text)
    seen = await asyncio.to_thread(_browse, page, tmp_path / "profile")
    assert seen["title"] == "Chaoss — transparency report 2026-07"
    assert seen["h1"] == "Chaoss: transparency report"
    assert len(seen["charts"]) == 4  # per month, by kind, retention by cohort, quarterly factors
    assert all(c["width"] > 200 and c["height"] > 100 and c["bars"] > 2 for c in seen["charts"])
    assert seen["labelled"]
    assert seen["requests"] == [page.as_uri()]
    assert seen["phone_width"] <= 390
    assert (ARTIFACTS / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
