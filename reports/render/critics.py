"""The quality, sustainability and rules sections as captioned tables (``money.Table``)
that HTML and Markdown print the same way; each chart of ``critics_charts`` has one of
these as its table alternative. Durations are shown in days, hours and minutes."""

from __future__ import annotations

import json
from typing import Any

from reports.render.money import Cell, Link, Table, outlook_tables


def pct(value: str | None) -> str:
    """A four-place share as a percentage with one decimal (``—`` when undefined)."""
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def duration(seconds: int | None) -> str:
    """Whole seconds as ``2 d 3 h``, ``3 h 20 min`` or ``45 min`` (``—`` when none)."""
    if seconds is None:
        return "—"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


def _coverage(q: dict[str, Any]) -> list[Table]:
    c = q["coverage"]
    rows: list[list[Cell]] = [
        [r["repository"] or "(not named)", str(r["merged"]), str(r["reviewed"]), pct(r["share"])]
        for r in c["by_repository"]
    ]
    rows.append(["all repositories", str(c["merged"]), str(c["reviewed"]), pct(c["share"])])
    coverage = Table("review-coverage", "Review coverage of merged change requests",
                     ["Repository", "Merged", "Reviewed by another", "Coverage"], rows,
                     f"{c['self_merged']} change(s) were merged by their own author.")  # fmt: skip
    listed = Table("self-merged", "Self-merged change requests (the latest)",
                   ["Change request", "Repository", "Author", "Merged", "Reviewed by another"],
                   [[s["thread"], s["repository"] or "", f"contributor {s['author']}",
                     s["merged_at"], "yes" if s["reviewed"] else "no"]
                    for s in c["self_merged_changes"]],
                   empty="No change request was merged by its author.")  # fmt: skip
    return [coverage, listed]


def _response(q: dict[str, Any]) -> Table:
    names = {"issues": "Issues opened: first response",
             "changes": "Change requests merged: first response",
             "change_reviews": "Change requests merged: first review"}  # fmt: skip
    rows: list[list[Cell]] = [
        [names[k], str(t["threads"]), str(t["with_opening"]), str(t["answered"]),
         duration(t["median_seconds"]), duration(t["p90_seconds"])]
        for k, t in q["response"].items()
    ]  # fmt: skip
    return Table("response", "Time to first response and first review",
                 ["Measure", "Threads", "With a known opening", "Answered", "Median",
                  "90th percentile"], rows)  # fmt: skip


def _reverts(q: dict[str, Any]) -> list[Table]:
    r = q["reverts"]
    note = (f"{r['reverts']} revert(s) undid {r['reverted']} item(s): {pct(r['share'])} of the "
            f"period's {r['contributions']} contributions.")  # fmt: skip
    by_source = Table("reverts", "Reverts by source", ["Source", "Reverts", "Undone"],
                      [[s["source"], str(s["reverts"]), str(s["reverted"])]
                       for s in r["by_source"]], note, "Nothing was reverted.")  # fmt: skip
    people = Table("reverters", "Who reverted", ["Contributor", "Reverts", "Undone"],
                   [[f"contributor {p['contributor_id']}", str(p["reverts"]), str(p["reverted"])]
                    for p in r["by_reverter"]], empty="Nobody reverted anything.")  # fmt: skip
    return [by_source, people]


def _work(q: dict[str, Any]) -> Table:
    w = q["work"]
    return Table("test-doc", "Test and documentation share of the work",
                 ["Work", "Kinds", "Contributions", "Share"],
                 [["tests", ", ".join(w["test_kinds"]), str(w["test"]), pct(w["test_share"])],
                  ["documentation", ", ".join(w["doc_kinds"]), str(w["doc"]),
                   pct(w["doc_share"])]])  # fmt: skip


def quality_tables(q: dict[str, Any]) -> list[Table]:
    """The quality section's tables, in page order."""
    return [*_coverage(q), _response(q), *_reverts(q), _work(q)]


def sustainability_tables(s: dict[str, Any]) -> list[Table]:
    """Retention by cohort, the quarterly factors, the runway and funding concentration."""
    width = max((len(r["retained"]) for r in s["retention"]), default=0)
    cohorts = Table("retention", "Retention by cohort: of the people whose first contribution "
                    "fell in a quarter, how many contributed again in each later one",
                    ["Cohort", "People", *(f"Q+{k}" for k in range(1, width + 1))],
                    [[r["cohort"], str(r["size"]),
                      *(f"{k} ({pct(p)})" for k, p in zip(r["retained"], r["shares"], strict=True)),
                      *([""] * (width - len(r["retained"])))]
                     for r in s["retention"]])  # fmt: skip
    trend = Table("trend", "Contributor absence and elephant factors per quarter",
                  ["Quarter", "Contributions", "Active contributors",
                   "Absence factor (count / credit)", "Elephant factor (count / credit)"],
                  [[t["quarter"], str(t["contributions"]), str(t["active_contributors"]),
                    f"{t['absence_factor']['by_count']} / {t['absence_factor']['by_credit']}",
                    f"{t['elephant_factor']['by_count']} / {t['elephant_factor']['by_credit']}"]
                   for t in s["trend"]])  # fmt: skip
    return [cohorts, trend, *outlook_tables(s["funding"])]


def electorate(rule: dict[str, Any]) -> str:
    """An electorate rule in words (``ledger.journal.events.governance.ElectorateRule``)."""
    groups = [name for name in ("maintainers", "members") if rule.get(name)]
    credit = rule.get("credit")
    if credit:
        groups.append(f"credit of at least {credit['min_credit']} in {credit['months']} months")
    named = rule.get("contributors") or []
    if 0 < len(named) <= 10:
        groups.append("contributors " + ", ".join(str(c) for c in named))
    elif named:
        groups.append(f"{len(named)} named contributors")
    return " or ".join(groups) or "nobody"


def _value(rule: dict[str, Any]) -> str:
    value = rule["value"]
    if rule["rule"] == "credit_policy":
        weights = ", ".join(f"{k} {w}" for k, w in sorted(value["weights"].items()))
        return f"version {value['version']}: {weights or 'no kind weighed apart'}, " \
               f"every other kind {value['default_weight']}"  # fmt: skip
    if rule["rule"] == "setting:code_of_conduct":
        return f"{value['title']} (SHA-256 {value['sha256']})" + (
            f" at {value['url']}" if value["url"] else ""
        )
    if rule["rule"].startswith("proposals:"):
        return (f"{value['method']}, quorum {value['quorum']}"
                + (f", parameters {json.dumps(value['params'], sort_keys=True)}"
                   if value["params"] else "")
                + f"; electorate: {electorate(value['electorate_rule'])}"
                + (", secret ballot" if value["secret"] else ""))  # fmt: skip
    return _plain(value)


def _plain(value: Any) -> str:
    """A setting's value in words: ``key value`` pairs, lists joined, scalars as JSON."""
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {_plain(v)}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value) or "none"
    return value if isinstance(value, str) else json.dumps(value)


def rules_tables(r: dict[str, Any], listed: frozenset[int] = frozenset()) -> list[Table]:
    """How the period's decisions were taken, turnout per quarter, vetoes and the rules in
    force; a proposal among ``listed`` (those the page shows) is linked to."""

    def proposal(pid: int | None, actor: str) -> Cell:
        if pid is None:
            return f"without a vote ({actor})"
        return Link(f"proposal #{pid}", f"#proposal-{pid}") if pid in listed else f"proposal #{pid}"

    t = r["to_decision"]
    how: list[list[Cell]] = [["by a recorded vote", str(r["by_vote"])]]
    how += [[f"without a vote: {k['kind'].replace('_', ' ')}", str(k["count"])]
            for k in r["without_vote_by_kind"]]  # fmt: skip
    decided = Table("decided", "Decisions by recorded vote and without one",
                    ["How", "Decisions"], how,
                    f"{pct(r['share_by_vote'])} of the period's decisions were taken by a "
                    f"recorded vote; from proposal to decision: median {duration(t['median_seconds'])}, "
                    f"90th percentile {duration(t['p90_seconds'])}. Of the "
                    f"{r['participation']['electorate']} people in an electorate, "
                    f"{r['participation']['voted']} ({pct(r['participation']['share'])}) voted "
                    "at least once.")  # fmt: skip
    turnout = Table("turnout", "Turnout per quarter",
                    ["Quarter", "Proposals closed", "Ballots", "Electorate", "Turnout"],
                    [[q["quarter"], str(q["proposals"]), str(q["ballots"]), str(q["electorate"]),
                      pct(q["turnout"])] for q in r["turnout_trend"]],
                    empty="No proposal closed in these quarters.")  # fmt: skip
    vetoes = Table("vetoes", "Vetoes and their reasons", ["Proposal", "Method", "Closed", "Reasons"],
                   [[proposal(v["proposal_id"], ""), v["method"], v["closed_at"],
                     "; ".join(v["reasons"]) or "(none given)"] for v in r["vetoes"]],
                   empty="No proposal was vetoed.")  # fmt: skip
    in_force = Table("in-force", "Rules in force at the period's end",
                     ["Rule", "In force", "Last set by", "Since"],
                     [[x["rule"], _value(x), proposal(x["proposal_id"], x["actor"]), x["since"]]
                      for x in r["in_force"]])  # fmt: skip
    return [decided, turnout, vetoes, in_force]
