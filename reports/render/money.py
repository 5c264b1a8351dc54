"""The report's money beyond funding per sponsor, as captioned tables every renderer
prints the same way (Markdown and HTML): balances, spending with who approved it,
corrections, outstanding pledges, in-kind support, fees, and the runway and funding
concentration (printed in the sustainability section)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Link:
    """A cell that links within the page (its text wherever links are not kept)."""

    text: str
    href: str

    def __str__(self) -> str:
        return self.text


Cell = str | Link


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    caption: str
    header: list[str]
    rows: list[list[Cell]]
    note: str = ""
    empty: str = "None in this period."


def _pct(value: str | None) -> str:
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def _names(f: dict[str, Any]) -> dict[int, str]:
    return {int(s["sponsor_id"]): s["name"] for s in f.get("sponsor_names", [])}


def _approval(s: dict[str, Any], listed: frozenset[int]) -> Cell:
    if s["approved_by"] == "vote":
        text = f"vote: proposal #{s['proposal_id']}"
        return Link(text, f"#proposal-{s['proposal_id']}") if s["proposal_id"] in listed else text
    return f"maintainer ({s['approver']})"


def _balances(f: dict[str, Any]) -> Table:
    rows = [[b["fund"], b["currency"], b["start"], b["end"]] for b in f["balances"]]
    note = ""
    rep = f["reporting"]
    if rep is not None:
        rates = "; ".join(
            f"{r['currency']} {r['rate']} ({r['source']}, {r['quoted_on']})" for r in rep["rates"]
        )
        note = (
            f"In {rep['currency']} at the rates stated by {rep['as_of']}"
            f"{' (' + rates + ')' if rates else ''}: {rep['start']} at the start, "
            f"{rep['end']} at the end."
        )
        if rep["unvalued"]:
            note += f" Without a stated rate, left out: {', '.join(rep['unvalued'])}."
    return Table("balances", "Money held per fund at the period's start and end",
                 ["Fund", "Currency", "Start", "End"], rows, note)  # fmt: skip


def _spending(f: dict[str, Any], listed: frozenset[int]) -> Table:
    rows: list[list[Cell]] = [
        [s["occurred_on"], s["payee"] or "", s["category"], f"{s['amount']} {s['currency']}",
         _approval(s, listed), f"#{s['reversed_by']}" if s["reversed_by"] else ""]
        for s in f["spending"]
    ]  # fmt: skip
    vote = f["approved_by_vote"]
    note = (
        f"{vote['by_vote']} of {vote['expenses']} expenses standing "
        f"({_pct(vote['share'])}) were approved by a passed proposal"
        + "".join(
            f"; {c['currency']}: {c['by_vote']} of {c['spent']} ({_pct(c['share'])})"
            for c in vote["by_currency"]
        )
        + "."
    )
    return Table("spending", "Spending: every expense, its payee and who approved it",
                 ["Date", "Payee", "Category", "Amount", "Approved by", "Reversed by"], rows,
                 note)  # fmt: skip


def _corrections(f: dict[str, Any], names: dict[int, str]) -> Table:
    c = f["corrections"]
    rows: list[list[Cell]] = [
        [r["occurred_on"], f"reversal #{r['transaction_id']}",
         f"undoes {r['reverses_kind']} #{r['reverses']}"]
        for r in c["reversals"]
    ] + [
        [r["occurred_on"], f"refund #{r['transaction_id']}",
         f"{r['amount']} {r['currency']} to {names.get(r['sponsor_id'], r['sponsor_id'])}"
         + (f", returning receipt #{r['refund_of']}" if r["refund_of"] else "")
         + (f", reversed by #{r['reversed_by']}" if r["reversed_by"] else "")]
        for r in c["refunds"]
    ]  # fmt: skip
    return Table("corrections", "Reversals and refunds", ["Date", "Transaction", "What"], rows)


def _pledges(f: dict[str, Any], names: dict[int, str]) -> Table:
    p = f["pledges"]
    rows = [
        [names.get(o["sponsor_id"], str(o["sponsor_id"])),
         f"installment {o['installment']}" if o["installment"] else "one-time",
         o["due_on"], f"{o['open']} {o['currency']}", "overdue" if o["overdue"] else ""]
        for o in p["outstanding"]
    ]  # fmt: skip
    note = "; ".join(
        f"{t['currency']}: {t['open']} open, {t['overdue']} overdue" for t in p["totals"]
    )
    return Table("pledges", f"Outstanding pledges at the end of {p['as_of']}",
                 ["Sponsor", "Pledge", "Due", "Open", ""], rows, note,
                 "No pledge is open.")  # fmt: skip


def _in_kind(f: dict[str, Any], names: dict[int, str]) -> Table:
    rows = [
        [names.get(i["sponsor_id"], str(i["sponsor_id"])), i["category"],
         f"{i['value']} {i['currency']}"]
        for i in f["in_kind"]
    ]  # fmt: skip
    return Table("in-kind", "In-kind support at its stated value (never money held)",
                 ["Sponsor", "Category", "Value"], rows)  # fmt: skip


def _fees(f: dict[str, Any]) -> Table:
    rows = [
        [x["currency"], x["gross"], x["processor_fees"], x["host_fees"], x["net"]]
        for x in f["fees"]
    ]
    return Table("fees", "Money received, gross and net of fees",
                 ["Currency", "Gross", "Processor fees", "Host fees", "Net"], rows)  # fmt: skip


def outlook_tables(f: dict[str, Any]) -> list[Table]:
    """The runway and funding concentration tables of a section holding ``runway`` and
    ``concentration`` (the sustainability section prints them beside its other figures)."""
    run = f["runway"]
    rows = [
        [r["currency"], r["balance"], r["spent"], r["months_of_spending"] or "no spending"]
        for r in run["by_currency"]
    ]
    rep = run["reporting"]
    if rep is not None:
        rows.append([f"all in {rep['currency']}", rep["balance"], rep["spent"],
                     rep["months_of_spending"] or "no spending"])  # fmt: skip
    runway = Table("runway", "Runway: months of average spending the money held covers",
                   ["Currency", "Held at the end", f"Spent over {run['months']} months",
                    "Months covered"], rows,
                   f"Spending is expenses and fees since {run['since']}.")  # fmt: skip
    quarters = Table("concentration", "Funding concentration per quarter",
                     ["Quarter", "Currency", "Received", "Sponsors", "Funding elephant factor"],
                     [[q["quarter"], q["currency"], q["total"], str(q["sponsors"]),
                       str(q["funding_elephant_factor"])] for q in f["concentration"]])  # fmt: skip
    return [runway, quarters]


def money_tables(f: dict[str, Any], listed: frozenset[int] = frozenset()) -> list[Table]:
    """The funding section's money tables, in page order (its runway and concentration
    are the sustainability section's, ``outlook_tables``); an approving proposal among
    ``listed`` (those the page shows) is linked to."""
    names = _names(f)
    return [
        _balances(f),
        _spending(f, listed),
        _corrections(f, names),
        _pledges(f, names),
        _in_kind(f, names),
        _fees(f),
    ]
