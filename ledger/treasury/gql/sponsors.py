"""GraphQL types of sponsors, their sponsorships and the commons terms they gave them
under (an anonymous sponsor is named only to the project's maintainers)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import asyncpg
import strawberry

from ledger.graphql import Info, Node, global_id
from ledger.treasury.gql.types import Money
from ledger.treasury.models import Sponsor as SponsorModel
from ledger.treasury.models import Sponsorship as SponsorshipModel
from ledger.treasury.models import Terms
from ledger.treasury.sponsors import load_sponsorships, load_terms


@strawberry.enum(description="What a sponsorship gives.")
class SponsorshipKind(Enum):
    ONE_OFF = "one_off"
    RECURRING_PLEDGE = "recurring_pledge"
    MATCHING_FUND = "matching_fund"
    IN_KIND = "in_kind"


@strawberry.type(description="A commons terms text a sponsor acknowledged, pinned by SHA-256.")
class CommonsTerms:
    title: str
    version: str
    text: str
    sha256: str = strawberry.field(description="Hex SHA-256 of the UTF-8 text.")
    no_ownership: bool
    no_exclusive_license: bool
    no_access_restriction: bool
    no_roadmap_control: bool
    no_votes_bought: bool
    commons: bool = strawberry.field(description="True when every commons flag is given.")

    @classmethod
    def of(cls, t: Terms) -> CommonsTerms:
        d = t.terms
        return cls(
            title=d.title,
            version=d.version,
            text=d.body,
            sha256=d.digest.hex(),
            no_ownership=d.no_ownership,
            no_exclusive_license=d.no_exclusive_license,
            no_access_restriction=d.no_access_restriction,
            no_roadmap_control=d.no_roadmap_control,
            no_votes_bought=d.no_votes_bought,
            commons=t.commons,
        )


async def load_terms_by_key(pool: asyncpg.Pool, keys: list[tuple[int, int]]) -> list[Terms | None]:
    """Terms by (project id, terms id), in key order."""
    found: dict[tuple[int, int], Terms | None] = {}
    for project_id in {p for p, _ in keys}:
        ids = [i for p, i in keys if p == project_id]
        for terms_id, terms in zip(ids, await load_terms(pool, project_id, ids), strict=True):
            found[(project_id, terms_id)] = terms
    return [found.get(k) for k in keys]


@strawberry.type(description="Support given under commons terms (or flagged as non-commons).")
class Sponsorship(Node):
    project_id: strawberry.Private[int]
    terms_id: strawberry.Private[int]
    number: int
    sponsor: int = strawberry.field(description="Sponsor number.")
    kind: SponsorshipKind
    amount: Money | None = strawberry.field(description="Money, or the in-kind valuation.")
    in_kind_description: str | None
    period_start: date | None
    period_end: date | None
    recurrence: str | None
    earmark: str | None = strawberry.field(description="Directs money; grants no control.")
    non_commons: bool = strawberry.field(description="Recorded explicitly as non-commons funding.")
    non_commons_reason: str | None
    actor: str
    recorded_at: datetime

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return global_id("Sponsorship", self.project_id, self.number)

    @strawberry.field(description="The terms the sponsor acknowledged.")
    async def terms(self, info: Info) -> CommonsTerms:
        found = await info.context.loaders.get(load_terms_by_key).load(
            (self.project_id, self.terms_id)
        )
        assert found is not None
        return CommonsTerms.of(found)

    @classmethod
    def of(cls, project_id: int, s: SponsorshipModel) -> Sponsorship:
        return cls(
            project_id=project_id,
            terms_id=s.terms_id,
            number=s.id,
            sponsor=s.sponsor_id,
            kind=SponsorshipKind(s.kind),
            amount=Money.of(s.amount) if s.amount else None,
            in_kind_description=s.in_kind_description,
            period_start=s.period_start,
            period_end=s.period_end,
            recurrence=s.recurrence,
            earmark=s.earmark,
            non_commons=s.non_commons,
            non_commons_reason=s.non_commons_reason,
            actor=s.actor,
            recorded_at=s.recorded_at,
        )


@strawberry.type(
    description="An organisation or contributor who funds the project. An anonymous sponsor "
    "is named only to the project's maintainers; everyone else reads 'anonymous' and no "
    "organisation or contributor number, while its sponsorships and terms stay public."
)
class Sponsor(Node):
    project_id: strawberry.Private[int]
    project_slug: strawberry.Private[str]
    model: strawberry.Private[SponsorModel]
    number: int
    anonymous: bool
    recorded_at: datetime

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return global_id("Sponsor", self.project_id, self.number)

    def _known(self, info: Info) -> bool:
        return not self.model.anonymous or info.context.principal.has(
            self.project_slug, "maintainer"
        )

    @strawberry.field(description="The sponsor's name, or 'anonymous'.")
    def name(self, info: Info) -> str:
        return self.model.name if self._known(info) else self.model.public_name

    @strawberry.field(description="Organisation number, if one (and known to the caller).")
    def organisation(self, info: Info) -> int | None:
        return self.model.organisation_id if self._known(info) else None

    @strawberry.field(description="Contributor number, if one (and known to the caller).")
    def contributor(self, info: Info) -> int | None:
        return self.model.contributor_id if self._known(info) else None

    @strawberry.field
    async def sponsorships(self, info: Info) -> list[Sponsorship]:
        loader = info.context.loaders.get(load_sponsorships)
        found = await loader.load((self.project_id, self.number))
        return [Sponsorship.of(self.project_id, s) for s in found]

    @classmethod
    def of(cls, project_id: int, project_slug: str, s: SponsorModel) -> Sponsor:
        return cls(
            project_id=project_id,
            project_slug=project_slug,
            model=s,
            number=s.id,
            anonymous=s.anonymous,
            recorded_at=s.recorded_at,
        )
