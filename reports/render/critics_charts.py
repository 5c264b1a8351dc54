"""Charts of the quality, sustainability and rules sections (pygal, inline SVG, no script),
each described in a sentence and paired on the page with its table in
``reports.render.critics``: review coverage per repository, response times, retention
by cohort, the absence and elephant factors per quarter, turnout per quarter."""

from __future__ import annotations

from typing import Any

import pygal  # type: ignore[import-untyped]

from reports.charts import Chart, options, svg_of


def _percent(value: str | None) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


def coverage(q: dict[str, Any]) -> Chart | None:
    """Review coverage per repository, as a percentage."""
    c = q["coverage"]
    if not c["merged"]:
        return None
    rows = [(r["repository"] or "(not named)", r["share"]) for r in c["by_repository"]]
    chart = pygal.HorizontalBar(**options("Review coverage (%)"), range=(0, 100))
    chart.x_labels = [name for name, _ in rows]
    chart.add("Reviewed by another", [_percent(s) for _, s in rows])
    text = (f"Horizontal bar chart of review coverage in {len(rows)} repositories: "
            + ", ".join(f"{n} {_percent(s)}%" for n, s in rows) + ".")  # fmt: skip
    return Chart("coverage", "Review coverage of merged change requests", text, svg_of(chart))


def response(q: dict[str, Any]) -> Chart | None:
    """Median and 90th percentile of the response times, in hours."""
    times = q["response"]
    if not any(t["answered"] for t in times.values()):
        return None
    labels = {"issues": "Issues: response", "changes": "Changes: response",
              "change_reviews": "Changes: review"}  # fmt: skip
    chart = pygal.Bar(**options("Time to first response (hours)"))
    chart.x_labels = [labels[k] for k in times]
    for key, name in (("median_seconds", "Median"), ("p90_seconds", "90th percentile")):
        chart.add(
            name, [None if t[key] is None else round(t[key] / 3600, 1) for t in times.values()]
        )
    chart.show_legend = True
    text = "Bar chart of the median and 90th percentile hours to a first response: " + "; ".join(
        f"{labels[k]} {t['median_seconds'] and round(t['median_seconds'] / 3600, 1)} h median"
        for k, t in times.items() if t["answered"]
    ) + "."  # fmt: skip
    return Chart("response", "Time to first response and first review", text, svg_of(chart))


def retention(s: dict[str, Any]) -> Chart | None:
    """Each cohort's share still contributing one, two... quarters after its first."""
    cohorts = [r for r in s["retention"] if r["size"] and r["retained"]]
    if not cohorts:
        return None
    width = max(len(r["retained"]) for r in cohorts)
    chart = pygal.Line(**options("Retention by cohort (%)"), range=(0, 100))
    chart.x_labels = [f"Q+{k}" for k in range(1, width + 1)]
    for r in cohorts:
        chart.add(r["cohort"], [_percent(v) for v in r["shares"]])
    chart.show_legend = True
    first = cohorts[0]
    text = (f"Line chart of {len(cohorts)} cohorts' retention by quarters since their first "
            f"contribution; the {first['cohort']} cohort of {first['size']}: "
            + ", ".join(f"{_percent(v)}%" for v in first["shares"]) + ".")  # fmt: skip
    return Chart("retention", "Retention by cohort", text, svg_of(chart))


def trend(s: dict[str, Any]) -> Chart | None:
    """The absence and elephant factors (by count) per quarter."""
    rows = s["trend"]
    if not rows:
        return None
    chart = pygal.Line(**options("Absence and elephant factors per quarter"))
    chart.x_labels = [t["quarter"] for t in rows]
    chart.add("Absence factor", [t["absence_factor"]["by_count"] for t in rows])
    chart.add("Elephant factor", [t["elephant_factor"]["by_count"] for t in rows])
    chart.show_legend = True
    text = "Line chart of the contributor absence and elephant factors by count per quarter: " + \
        "; ".join(f"{t['quarter']} {t['absence_factor']['by_count']} and "
                  f"{t['elephant_factor']['by_count']}" for t in rows) + "."  # fmt: skip
    return Chart("trend", "Absence and elephant factors per quarter", text, svg_of(chart))


def turnout(r: dict[str, Any]) -> Chart | None:
    """Turnout of the proposals closed in each quarter, as a percentage."""
    rows = r["turnout_trend"]
    if not rows:
        return None
    chart = pygal.Bar(**options("Turnout per quarter (%)"), range=(0, 100))
    chart.x_labels = [q["quarter"] for q in rows]
    chart.add("Turnout", [_percent(q["turnout"]) for q in rows])
    text = "Bar chart of turnout per quarter: " + ", ".join(
        f"{q['quarter']} {_percent(q['turnout'])}%" for q in rows) + "."  # fmt: skip
    return Chart("turnout", "Turnout per quarter", text, svg_of(chart))


def critics_charts(report: dict[str, Any]) -> dict[str, Chart]:
    """Every chart of the three sections the report has data for, by key."""
    found = [
        coverage(report["quality"]),
        response(report["quality"]),
        retention(report["sustainability"]),
        trend(report["sustainability"]),
        turnout(report["rules"]),
    ]
    return {c.key: c for c in found if c is not None}
