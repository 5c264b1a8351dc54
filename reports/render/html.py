"""The report as one self-contained HTML page: inline CSS and SVG charts, no script,
no external request (a Content-Security-Policy forbids any), readable printed and on
a phone, each chart paired with a data table."""

from __future__ import annotations

from typing import Any

import jinja2

from ledger.register.models import CODE_KINDS
from reports.charts import all_charts
from reports.render.money import money_tables

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def pct(value: str | None) -> str:
    """A four-place share as a percentage with one decimal (``—`` when undefined)."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}%"


def render_html(report: dict[str, Any]) -> str:
    """The HTML page of a report document."""
    template = _ENV.get_template("report.html")
    return template.render(
        r=report,
        c=report["contributors"],
        o=report["organisations"],
        f=report["funding"],
        d=report["decisions"],
        charts=all_charts(report),
        money=money_tables(
            report["funding"], frozenset(p["id"] for p in report["decisions"]["proposals"])
        ),
        code_kinds=", ".join(sorted(CODE_KINDS)),
        pct=pct,
    )
