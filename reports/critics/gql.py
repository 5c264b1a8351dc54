"""The ``communityHealth`` root field: the quality, sustainability and rules figures of a
period, computed by the report's own SQL and handed out in the types of ``gql_types``.
Shares are four-place decimal text, as in the signed report (null when nothing is divided)."""

from __future__ import annotations

from typing import Any

import strawberry

from ledger.graphql import Info
from ledger.register.projects import get_project
from reports import contributor_metrics, critics
from reports.critics.glossary import GLOSSARY
from reports.critics.gql_types import (
    Cohort,
    DecisionRules,
    DecisionTime,
    DirectChanges,
    Factor,
    GlossaryEntry,
    Participation,
    Quality,
    QuarterFactors,
    QuarterTurnout,
    RepositoryCoverage,
    ResponseTime,
    ResponseTimes,
    Reverter,
    Reverts,
    RevertSource,
    ReviewCoverage,
    RuleInForce,
    SelfMergedChange,
    Sustainability,
    Veto,
    WorkShare,
)
from reports.funding import books as funding_books
from reports.funding import sustainability as outlook
from reports.period import parse_period


def _camel(row: dict[str, Any], cls: type[Any]) -> Any:
    names = cls.__annotations__  # every field is declared on the type itself
    return cls(**{k: v for k, v in row.items() if k in names})


def _quality(q: dict[str, Any]) -> Quality:
    c, r = q["coverage"], q["reverts"]
    return Quality(
        coverage=ReviewCoverage(
            merged=c["merged"], reviewed=c["reviewed"], share=c["share"],
            by_repository=[_camel(x, RepositoryCoverage) for x in c["by_repository"]],
            self_merged=c["self_merged"],
            self_merged_changes=[_camel(x, SelfMergedChange) for x in c["self_merged_changes"]],
        ),
        response=ResponseTimes(**{k: _camel(v, ResponseTime) for k, v in q["response"].items()}),
        reverts=Reverts(
            **{k: r[k] for k in ("reverts", "reverted", "contributions", "share", "reverters")},
            by_source=[_camel(x, RevertSource) for x in r["by_source"]],
            by_reverter=[_camel(x, Reverter) for x in r["by_reverter"]],
        ),
        work=_camel(q["work"], WorkShare),
    )  # fmt: skip


@strawberry.type(description="The quality, sustainability and rules figures of one period.")
class CommunityHealth:
    project_id: strawberry.Private[int]
    period_label: strawberry.Private[str]

    @strawberry.field(description="Reviews, response times, reverts, tests and documentation.")
    async def quality(self, info: Info) -> Quality:
        period = parse_period(self.period_label)
        pool = info.context.pool
        people = await contributor_metrics.contributor_metrics(pool, self.project_id, period)
        return _quality(await critics.quality(pool, self.project_id, period, people))

    @strawberry.field(description="Retention by cohort, quarterly factors, runway.")
    async def sustainability(self, info: Info) -> Sustainability:
        period = parse_period(self.period_label)
        books = await funding_books.from_tables(info.context.pool, self.project_id)
        money = {"runway": outlook.runway(books, period),
                 "concentration": outlook.concentration(books, period)}  # fmt: skip
        found = await critics.sustainability(info.context.pool, self.project_id, period, money)
        return Sustainability(
            quarters=found["quarters"],
            retention=[_camel(x, Cohort) for x in found["retention"]],
            trend=[
                QuarterFactors(
                    **{
                        **t,
                        "absence_factor": Factor(**t["absence_factor"]),
                        "elephant_factor": Factor(**t["elephant_factor"]),
                    }
                )
                for t in found["trend"]
            ],
            runway=found["funding"]["runway"],
            concentration=found["funding"]["concentration"],
        )

    @strawberry.field(description="Decisions by vote and without, and the rules in force.")
    async def rules(self, info: Info) -> DecisionRules:
        found = await critics.rules(
            info.context.pool, self.project_id, parse_period(self.period_label)
        )
        return DecisionRules(
            by_vote=found["by_vote"],
            without_vote=found["without_vote"],
            share_by_vote=found["share_by_vote"],
            without_vote_by_kind=[_camel(x, DirectChanges) for x in found["without_vote_by_kind"]],
            to_decision=_camel(found["to_decision"], DecisionTime),
            participation=_camel(found["participation"], Participation),
            vetoes=[_camel(x, Veto) for x in found["vetoes"]],
            turnout_trend=[_camel(x, QuarterTurnout) for x in found["turnout_trend"]],
            in_force=[_camel(x, RuleInForce) for x in found["in_force"]],
        )

    @strawberry.field(description="Every figure's definition, with its CHAOSS metric.")
    def glossary(self) -> list[GlossaryEntry]:
        return [_camel(g, GlossaryEntry) for g in GLOSSARY]


@strawberry.type
class Query:
    @strawberry.field(
        description="Answers to peer production's critics for a period (2026-07, 2026-Q3, "
        "2026 or 2026-01-01..2026-03-31), as the transparency report states them."
    )
    async def community_health(self, info: Info, project: str, period: str) -> CommunityHealth:
        parse_period(period)
        found = await get_project(info.context.pool, project)
        return CommunityHealth(project_id=found.id, period_label=period)
