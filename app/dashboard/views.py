"""The reference dashboard's pages, rendered on the server from the answers of the
persisted operations (the same ones, through the same cache, that any dashboard
reads over HTTP) with the report's server-side charts: the first view needs no
script, and the page's own script only enhances it over the same public API."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import jinja2

from ledger.register.models import CODE_KINDS
from reports import charts

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("app.dashboard", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
# The project page's views, by the persisted operation that answers each.
PROJECT_VIEWS = (
    "ProjectOverview",
    "ProjectContributors",
    "ProjectFunding",
    "ProjectDecisions",
    "ProjectLicensing",
)


def _number(value: Any) -> str:
    """An integer or decimal string with thousands separators (credit without zeros)."""
    if isinstance(value, int):
        return f"{value:,}"
    return format(Decimal(str(value)).normalize(), ",f")


def _day(value: str | None) -> str:
    """The date of an ISO timestamp (or an em dash)."""
    return value[:10] if value else "—"


_ENV.filters["number"] = _number
_ENV.filters["day"] = _day


def _funding_charts(funding: dict[str, Any], sponsors: list[dict[str, Any]]) -> list[charts.Chart]:
    flagged = {s["number"] for s in sponsors if any(p["nonCommons"] for p in s["sponsorships"])}
    per_currency: dict[str, dict[tuple[int, str], int]] = defaultdict(lambda: defaultdict(int))
    for paid in funding["received"]:
        amount = paid["amount"]
        minor = int(Decimal(amount["amount"]).scaleb(_places(amount["amount"])))
        per_currency[amount["currency"]][(paid["sponsor"], paid["name"])] += minor
    found = []
    for currency, by_sponsor in sorted(per_currency.items()):
        rows = [
            {"name": name, "amount_minor": minor, "non_commons": number in flagged}
            for (number, name), minor in sorted(by_sponsor.items(), key=lambda kv: -kv[1])
        ]
        chart = charts.funding({"currency": currency, "sponsors": rows})
        if chart is not None:
            found.append(chart)
    return found


def _places(amount: str) -> int:
    return len(amount.partition(".")[2])


def project_page(views: dict[str, dict[str, Any]], etag_seq: int | None) -> str:
    """The project's dashboard page from its views' ``project`` data."""
    overview = views["ProjectOverview"]
    monthly = charts.monthly(
        [{"month": m["month"][:7], "contributions": m["contributions"]} for m in overview["months"]]
    )
    kinds = charts.kinds(
        [
            {
                "kind": k["kind"],
                "contributions": k["contributions"],
                "code": k["kind"] in CODE_KINDS,
            }
            for k in overview["contributionsByKind"]
        ]
    )
    funding = views["ProjectFunding"]
    return _ENV.get_template("project.html").render(
        p=overview,
        people=views["ProjectContributors"]["contributors"],
        funding=funding["funding"],
        sponsors=funding["sponsors"],
        balances=funding["treasury"]["balances"],
        decisions=views["ProjectDecisions"],
        licensing=views["ProjectLicensing"],
        work_charts=[c for c in (monthly, kinds) if c is not None],
        funding_charts=_funding_charts(funding["funding"], funding["sponsors"]),
        seq=etag_seq,
    )


def contributor_page(project: dict[str, Any]) -> str:
    """A contributor's page from the ContributorProfile view's ``project`` data."""
    profile = project["contributorProfile"]
    standing = profile["standing"]
    chart = charts.kinds_by_month(standing["byKindAndMonth"]) if standing else None
    return _ENV.get_template("contributor.html").render(
        p=project, profile=profile, standing=standing, chart=chart
    )


def missing_page(slug: str, what: str) -> str:
    """The page answering a project or contributor that does not exist (404)."""
    return _ENV.get_template("missing.html").render(slug=slug, what=what)
