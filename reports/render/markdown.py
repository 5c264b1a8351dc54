"""The report as Markdown for a forum post or a repository file (GitHub-flavoured tables).

Every text that comes from users (names, titles, reasons) goes through ``escape``:
HTML is written as entities (a proposal titled ``<img onerror=...>`` shows as text,
as in the HTML report), and Markdown's own punctuation is backslash-escaped, so user
text never becomes markup, a link or a table cell break.
"""

from __future__ import annotations

import re
from typing import Any

from reports.render.critics import pct, quality_tables, rules_tables, sustainability_tables
from reports.render.money import Table, money_tables

_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_MARKUP = re.compile(r"([\\`*_\[\]|~])")


def escape(value: Any) -> str:
    """User text as literal Markdown on one line (no HTML, no markup)."""
    text = " ".join(str(value).splitlines())
    return _MARKUP.sub(r"\\\1", text.translate(_HTML))


class _Markup(str):
    """Text that is Markdown already (written here, not by users): not escaped."""


def _cell(value: Any) -> str:
    return value if isinstance(value, _Markup) else escape(value)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _captioned(tables: list[Table]) -> list[str]:
    out: list[str] = []
    for table in tables:
        out += [f"### {escape(table.caption)}", ""]
        rows = [[str(cell) for cell in row] for row in table.rows]
        out += _table(table.header, rows) if rows else [table.empty, ""]
        out += [escape(table.note), ""] if table.note else []
    return out


def _glossary(report: dict[str, Any]) -> list[str]:
    out = ["## Glossary", ""]
    for g in report["glossary"]:
        link = f" ([CHAOSS metric]({g['chaoss']}))" if "chaoss" in g else ""
        out.append(f"- **{escape(g['term'])}** (`{g['figure']}`): {escape(g['definition'])}{link}")
    return [*out, ""]


def render_markdown(report: dict[str, Any]) -> str:
    """The Markdown text of a report document."""
    r, c, o = report, report["contributors"], report["organisations"]
    f, lic, d = report["funding"], report["licensing"], report["decisions"]
    out = [
        f"# {escape(r['project']['name'])}: transparency report {r['period']['label']}",
        "",
        f"Period {r['period']['start']} to before {r['period']['end']} (UTC). "
        f"Journal: {r['tree_head']['tree_size']} events, Merkle root "
        f"`{r['tree_head']['root_hash']}`, signed {r['tree_head']['timestamp']} "
        f"(key `{r['tree_head']['kid']}`).",
        "",
        "## Summary",
        "",
        *_table(
            ["Figure", "Value"],
            [
                ["Contributions", c["contributions"]],
                ["Active contributors", c["active_contributors"]],
                ["New contributors", c["new_contributors"]],
                [
                    "Contributor absence factor (count / credit)",
                    f"{c['absence_factor']['by_count']} / {c['absence_factor']['by_credit']}",
                ],
                ["Elephant factor (count / credit)", f"{o['by_count']} / {o['by_credit']}"],
                ["Gini of credit", c["gini_of_credit"] or "—"],
                ["Code share", pct(c["mix"]["code_share"])],
                ["License coverage", pct(lic["coverage_share"])],
            ],
        ),
        "## Contributions by kind",
        "",
        *_table(
            ["Kind", "Code", "Contributions", "Credit", "Share"],
            [
                [
                    k["kind"],
                    "yes" if k["code"] else "no",
                    k["contributions"],
                    k["credit"],
                    pct(k["share"]),
                ]
                for k in c["mix"]["by_kind"]
            ],
        ),
        "## Organisations",
        "",
        *_table(
            ["Organisation", "Contributions", "Credit"],
            [[x["name"], x["contributions"], x["credit"]] for x in o["top_organisations"]],
        ),
        "## Quality",
        "",
        *_captioned(quality_tables(report["quality"])),
        "## Funding",
        "",
    ]
    if f["non_commons"]:
        out += [
            f"**Non-commons funding:** {len(f['non_commons'])} sponsorship(s) are not on commons terms: "
            + "; ".join(f"{escape(n['name'])} ({escape(n['reason'])})" for n in f["non_commons"]),
            "",
        ]
    for cur in f["currencies"]:
        out += [
            f"{cur['currency']}: total {cur['total']}, funding elephant factor "
            f"{cur['funding_elephant_factor']}, top sponsor {pct(cur['top_sponsor_share'])}.",
            "",
            *_table(
                ["Sponsor", "Amount", "Share", "Affiliates' share of contributions", "Terms"],
                [
                    [
                        s["name"],
                        s["amount"],
                        pct(s["share"]),
                        pct(s["affiliate_share"]),
                        _Markup("**non-commons**") if s["non_commons"] else "commons",
                    ]
                    for s in cur["sponsors"]
                ],
            ),
        ]
    if not f["currencies"]:
        out += ["No funding was recognised in this period.", ""]
    out += _captioned(money_tables(f))
    out += ["## Sustainability", "", *_captioned(sustainability_tables(report["sustainability"]))]
    out += [
        "## Licensing",
        "",
        f"Outbound license: {escape(lic['outbound_license'] or 'not set')}. Covered: {lic['covered']} of "
        f"{lic['contributions']} ({pct(lic['coverage_share'])}); uncovered: {lic['uncovered']}. "
        f"Incompatible inbound licenses: "
        + (", ".join(escape(i["license"]) for i in lic["incompatible_inbound"]) or "none")
        + ".",
        "",
        "## Decisions",
        "",
        f"Opened {d['opened']}, closed {d['closed']} (passed {d['passed']}, failed {d['failed']}, "
        f"no quorum {d['no_quorum']}), vetoes {d['vetoes']}, turnout {pct(d['turnout'])}.",
        "",
        *_table(
            ["Proposal", "Method", "Outcome", "Electorate", "Ballots", "Turnout"],
            [
                [
                    _Markup(f"#{p['id']} {escape(p['title'])}"),
                    p["method"],
                    p["outcome"],
                    p["electorate_size"],
                    p["ballots"],
                    pct(p["turnout"]),
                ]
                for p in d["proposals"]
            ],
        ),
        "## Rules, not private morality",
        "",
        *_captioned(rules_tables(report["rules"])),
        *_glossary(report),
        "Verify the signed JSON form offline: "
        f"`commons verify {r['project']['slug']}-{r['period']['label']}.json --jwks <instance>/.well-known/jwks.json`.",
        "",
    ]
    return "\n".join(out)
