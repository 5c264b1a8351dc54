"""The quality, sustainability and rules sections on the HTML page (each chart beside its
table) and in Markdown, with the glossary's CHAOSS definitions."""

from __future__ import annotations

import re

import asyncpg

from ledger.journal.keys import InstanceKeys
from reports.build import signed_report
from reports.render.html import render_html
from reports.render.markdown import render_markdown
from tests.integration.reports.critics_seed import seed_cohorts, seed_threads


def _section(page: str, name: str) -> str:
    found = re.search(rf'<section aria-labelledby="{name}">(.*?)</section>', page, re.S)
    assert found is not None, name
    return found.group(1)


async def test_each_chart_has_its_table_and_the_glossary_cites_chaoss(pool: asyncpg.Pool) -> None:
    await seed_threads(pool)
    keys = InstanceKeys.generate()
    doc = (await signed_report(pool, "threads", "2026-07", keys))["report"]
    page = render_html(doc)
    quality = _section(page, "quality")
    assert quality.count("<svg") == 2
    assert (
        'aria-label="Horizontal bar chart of review coverage in 2 repositories: r/one 50.0%, r/two 100.0%."'
        in quality
    )
    for caption in ("Review coverage of merged change requests", "Self-merged change requests",
                    "Time to first response and first review", "Reverts by source",
                    "Who reverted", "Test and documentation share of the work"):  # fmt: skip
        assert f"<caption>{caption}" in quality, caption
    assert "<td>2 h 0 min</td>" in quality  # the median first response to a change
    assert "<script" not in page
    glossary = _section(page, "glossary")
    assert '<a href="https://chaoss.community/kb/metric-change-request-reviews/">' in glossary
    assert '<a href="https://chaoss.community/kb/metric-time-to-first-response/">' in glossary
    text = render_markdown(doc)
    for heading in ("## Quality", "## Sustainability", "## Rules, not private morality",
                    "## Glossary", "### Review coverage of merged change requests"):  # fmt: skip
        assert f"\n{heading}\n" in text, heading
    assert "| all repositories | 4 | 3 | 75.0% |" in text
    assert "(https://chaoss.community/kb/metric-time-to-first-response/)" in text


async def test_retention_and_the_quarterly_factors_are_drawn_and_tabled(pool: asyncpg.Pool) -> None:
    await seed_cohorts(pool)
    keys = InstanceKeys.generate()
    doc = (await signed_report(pool, "cohorts", "2025", keys))["report"]
    page = render_html(doc)
    sustainability = _section(page, "sustainability")
    assert sustainability.count("<svg") == 2
    assert "Retention by cohort: of the people" in sustainability
    assert '<th scope="row">2025-Q1</th><td>2</td><td>1 (50.0%)</td>' in sustainability
    assert "Runway: months of average spending" in sustainability
    assert "Runway: months of average spending" not in _section(page, "funding")
    text = render_markdown(doc)
    assert "| 2025-Q2 | 1 | 1 (100.0%) | 0 (0.0%) |  |" in text
