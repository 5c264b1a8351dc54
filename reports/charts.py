"""Server-side SVG charts of a report (pygal), with no script and no external reference.

Each chart comes with its title and a plain description for screen readers; the
HTML page puts a data table beside every chart.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

import pygal  # type: ignore[import-untyped]
from pygal.style import Style  # type: ignore[import-untyped]

# pygal appends a legacy ``sys.meta_path`` finder for its map plugins (unused here);
# every later failed optional import would then raise ImportWarning, so drop it.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
# pygal always embeds its configuration as a <script>, even with js=[]: the page runs none.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)

RED = "#b00020"
INK = "#1d3557"
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#222222",
    foreground_strong="#111111",
    foreground_subtle="#555555",
    colors=(INK, "#2a9d8f", "#e9c46a", "#8d6a9f", "#6c757d"),
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    title_font_size=16,
)


@dataclass(frozen=True, slots=True)
class Chart:
    """An inline SVG and the sentence that describes it."""

    key: str
    title: str
    description: str
    svg: str


def svg_of(chart: Any) -> str:
    """A pygal chart as inline SVG without its script."""
    svg: str = chart.render(is_unicode=True)
    return _SCRIPT.sub("", svg)


def options(title: str) -> dict[str, Any]:
    """The options every chart of the report shares, with its title."""
    return {
        "js": [],
        "disable_xml_declaration": True,
        "explicit_size": False,
        "width": 720,
        "height": 360,
        "style": STYLE,
        "title": title,
        "show_legend": False,
        "print_values": False,
        "truncate_label": -1,
    }


def monthly(rows: list[dict[str, Any]]) -> Chart | None:
    """Contributions per month."""
    if not rows:
        return None
    chart = pygal.Bar(**options("Contributions per month"), x_label_rotation=30)
    chart.x_labels = [r["month"] for r in rows]
    chart.add("Contributions", [r["contributions"] for r in rows])
    peak = max(rows, key=lambda r: r["contributions"])
    text = f"Bar chart of contributions in {len(rows)} months; the most, {peak['contributions']}, in {peak['month']}."
    return Chart("monthly", "Contributions per month", text, svg_of(chart))


def kinds(rows: list[dict[str, Any]]) -> Chart | None:
    """Contribution mix by kind, code kinds in the first colour."""
    if not rows:
        return None
    ordered = sorted(rows, key=lambda r: (-r["contributions"], r["kind"]))
    chart = pygal.HorizontalBar(**options("Contributions by kind"))
    chart.x_labels = [r["kind"] for r in ordered]
    chart.add(
        "Contributions",
        [{"value": r["contributions"], "color": INK if r["code"] else "#2a9d8f"} for r in ordered],
    )
    text = "Horizontal bar chart of contributions by kind: " + ", ".join(
        f"{r['kind']} {r['contributions']}" for r in ordered[:8]
    )
    return Chart("kinds", "Contributions by kind", text + ".", svg_of(chart))


def funding(currency: dict[str, Any]) -> Chart | None:
    """Funding by sponsor in one currency; non-commons funding in red."""
    sponsors = currency["sponsors"]
    if not sponsors:
        return None
    title = f"Funding by sponsor ({currency['currency']})"
    chart = pygal.HorizontalBar(**options(title))
    chart.x_labels = [s["name"] + (" (non-commons)" if s["non_commons"] else "") for s in sponsors]
    chart.add(
        currency["currency"],
        [
            {"value": int(s["amount_minor"]), "color": RED if s["non_commons"] else INK}
            for s in sponsors
        ],
    )
    flagged = [s["name"] for s in sponsors if s["non_commons"]]
    text = f"Horizontal bar chart of {len(sponsors)} sponsors' funding in {currency['currency']}"
    text += f"; non-commons, shown in red: {', '.join(flagged)}." if flagged else "."
    return Chart(f"funding-{currency['currency']}", title, text, svg_of(chart))


def kinds_by_month(
    cells: list[dict[str, Any]], title: str = "Contributions by kind and month"
) -> Chart | None:
    """Contributions per month stacked by kind (``cells``: month, kind, contributions)."""
    if not cells:
        return None
    months = sorted({c["month"] for c in cells})
    totals: dict[str, int] = {}
    for c in cells:
        totals[c["kind"]] = totals.get(c["kind"], 0) + c["contributions"]
    order = sorted(totals, key=lambda k: (-totals[k], k))
    shown = {**options(title), "show_legend": True, "legend_at_bottom": True}
    chart = pygal.StackedBar(**shown, x_label_rotation=30)
    chart.x_labels = [m[:7] for m in months]
    count = {(c["month"], c["kind"]): c["contributions"] for c in cells}
    for kind in order:
        chart.add(kind, [count.get((m, kind), 0) for m in months])
    text = f"Stacked bar chart of contributions in {len(months)} months by kind: " + ", ".join(
        f"{k} {totals[k]}" for k in order[:8]
    )
    return Chart("kinds-by-month", title, text + ".", svg_of(chart))


def all_charts(report: dict[str, Any]) -> list[Chart]:
    """Every chart the report has data for, in page order."""
    found = [
        monthly(report["contributors"]["monthly"]),
        kinds(report["contributors"]["mix"]["by_kind"]),
        *(funding(c) for c in report["funding"]["currencies"]),
    ]
    return [c for c in found if c is not None]
