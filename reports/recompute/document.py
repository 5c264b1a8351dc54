"""The report document as the published evidence gives it, and where a report differs.

``expected`` rebuilds every section a report carries from a finished ``Replay`` and the
report's embedded evidence; ``differences`` walks a published section beside the
recomputed one and names every leaf that differs (a key only one side has differs
too), so a figure nobody recomputes cannot hide in a report.
"""

from __future__ import annotations

from typing import Any

from reports.critics.glossary import GLOSSARY
from reports.period import parse_period
from reports.recompute import ATTESTED_ONLY
from reports.recompute.contributors import contributors, organisations
from reports.recompute.decisions import decisions
from reports.recompute.funding import funding
from reports.recompute.licensing import licensing
from reports.recompute.quality import quality
from reports.recompute.replay import Replay
from reports.recompute.rules import rules
from reports.recompute.sustainability import sustainability
from reports.recompute.work import Work, spans_of

FORMAT = "commons-report/1"
SECTIONS = (
    "contributors",
    "organisations",
    "quality",
    "funding",
    "sustainability",
    "licensing",
    "decisions",
    "rules",
    "glossary",
)


def _organisation_names(report: dict[str, Any], replay: Replay) -> tuple[dict[int, str], list[str]]:
    """Names of organisations as the evidence gives them, checked against sponsors'."""
    names: dict[int, str] = {}
    for a in report["evidence"]["affiliations"]:
        names.setdefault(int(a["organisation_id"]), a["organisation"])
    problems = [
        f"organisation {s.organisation} is named {names[s.organisation]!r} in the evidence "
        f"but {s.name!r} as a sponsor in the journal"
        for s in replay.sponsors.values()
        if s.organisation in names and names[s.organisation] != s.name
    ]
    return names, problems


def expected(report: dict[str, Any], replay: Replay) -> tuple[dict[str, Any], list[str]]:
    """Every recomputable part of the report, and problems the evidence itself shows."""
    evidence = report["evidence"]
    period = parse_period(report["period"]["label"])
    project = report["project"]
    work = Work(replay)
    spans = spans_of(evidence["affiliations"])
    names, problems = _organisation_names(report, replay)
    licensed, coverage_problems = licensing(work, evidence.get("corporate_coverage") or [])
    decided, decision_problems = decisions(replay)
    people = contributors(work)
    money = funding(work, spans)
    document = {
        "format": FORMAT,
        "project": {
            "id": project["id"],
            "slug": project["slug"],
            "name": replay.name,
            "outbound_license": replay.outbound_license,
        },
        "period": {
            "label": period.label,
            "kind": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "contributors": people,
        "organisations": organisations(work, spans, names),
        "quality": quality(replay, people),
        "funding": money,
        "sustainability": sustainability(replay, spans, money),
        "licensing": licensed,
        "decisions": decided,
        "rules": rules(replay),
        "glossary": GLOSSARY,
        "attested_only": ATTESTED_ONLY,
    }
    return document, problems + coverage_problems + decision_problems


def differences(published: Any, recomputed: Any, path: str) -> list[tuple[str, Any, Any]]:
    """(path, recomputed, published) for every leaf where the two differ."""
    if isinstance(published, dict) and isinstance(recomputed, dict):
        found = []
        for key in sorted({*published, *recomputed}, key=str):
            here = f"{path}.{key}"
            if key not in published or key not in recomputed:
                found.append((here, recomputed.get(key), published.get(key)))
            else:
                found += differences(published[key], recomputed[key], here)
        return found
    if isinstance(published, list) and isinstance(recomputed, list):
        if len(published) != len(recomputed):
            return [(f"{path}", recomputed, published)]
        found = []
        for i, (mine, again) in enumerate(zip(published, recomputed, strict=True)):
            found += differences(mine, again, f"{path}[{i}]")
        return found
    if published == recomputed and type(published) is type(recomputed):
        return []
    return [(path, recomputed, published)]
