"""The report as one self-contained HTML page: inline CSS and SVG charts, no script,
no external request (a Content-Security-Policy forbids any), readable printed and on
a phone, each chart paired with a data table; the quality, sustainability and rules
sections (``templates/critics.html``) print the tables of ``reports.render.critics``."""

from __future__ import annotations

from typing import Any

import jinja2

from ledger.register.models import CODE_KINDS
from reports.charts import all_charts
from reports.render.critics import pct, quality_tables, rules_tables, sustainability_tables
from reports.render.critics_charts import critics_charts
from reports.render.money import money_tables

__all__ = ["pct", "render_html"]

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(report: dict[str, Any]) -> str:
    """The HTML page of a report document."""
    template = _ENV.get_template("report.html")
    listed = frozenset(p["id"] for p in report["decisions"]["proposals"])
    return template.render(
        r=report,
        c=report["contributors"],
        o=report["organisations"],
        f=report["funding"],
        d=report["decisions"],
        charts=all_charts(report),
        money=money_tables(report["funding"], listed),
        critic_charts=critics_charts(report),
        critic_tables={
            "quality": quality_tables(report["quality"]),
            "sustainability": sustainability_tables(report["sustainability"]),
            "rules": rules_tables(report["rules"], listed),
        },
        code_kinds=", ".join(sorted(CODE_KINDS)),
        pct=pct,
    )
