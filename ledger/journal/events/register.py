"""Events of the register: projects, their settings and kinds, contributions,
identities and the credit policy (written by ``ledger.register``; ``intake`` links
identities too)."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, UnsetType

from ledger.journal.events.base import DecimalText, Event, Part, Sha256, Timestamp

ThreadRole = Literal["issue", "change", "merge", "review", "comment"]
Thread = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=200,
        description="The issue or change request a contribution belongs to: one opaque key "
        "shared by every contribution in it (e.g. 'github:aurora/aurora#42').",
    ),
]
Repository = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=200,
        description="The repository a contribution was made in, as its forge names it.",
    ),
]
Target = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=200,
        description="What a revert undoes: a commit sha, a wiki revision number, or the "
        "natural key of the reverted contribution.",
    ),
]


class ProjectCreated(Event, frozen=True, kw_only=True):
    """A project was created with these public fields."""

    TYPE = "project.created"
    VERSION = 1
    slug: str
    name: str
    description: str
    homepage: str | None
    repositories: tuple[str, ...]
    outbound_license: str | None
    trademark_notice: str | None


class ProjectUpdated(Event, frozen=True, kw_only=True):
    """A maintainer changed some public fields of a project: only those are present."""

    TYPE = "project.updated"
    VERSION = 1
    name: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    homepage: str | UnsetType | None = UNSET
    repositories: tuple[str, ...] | UnsetType = UNSET
    outbound_license: str | UnsetType | None = UNSET
    trademark_notice: str | UnsetType | None = UNSET


class TreasuryPolicy(Part, frozen=True, kw_only=True):
    """The treasury's policy switches, and the currency reports value balances in."""

    allow_overdraft: bool
    maintainer_approval: bool
    reporting_currency: str | UnsetType = UNSET


class CodeOfConduct(Part, frozen=True, kw_only=True):
    """The code of conduct a project adopted, by the SHA-256 of its text (published at
    ``url``), and the passed proposal that adopted it, when one did."""

    title: str
    sha256: Sha256
    url: str | None
    proposal_id: int | UnsetType = UNSET


class ProjectSettingsChanged(Event, frozen=True, kw_only=True):
    """One project setting (a policy switch owned by another area) took a new value:
    exactly one of the fields is present."""

    TYPE = "project.settings_changed"
    VERSION = 1
    governance_delegation: bool | UnsetType = UNSET
    governance_secret_ballots: bool | UnsetType = UNSET
    license_coverage_required: tuple[str, ...] | UnsetType = UNSET
    treasury: TreasuryPolicy | UnsetType = UNSET
    code_of_conduct: CodeOfConduct | UnsetType = UNSET
    intake_bots: tuple[str, ...] | UnsetType = UNSET
    intake_assistant_credit: bool | UnsetType = UNSET
    intake_merge_commits: Literal["skip", "maintenance"] | UnsetType = UNSET
    intake_mailmap: Literal["suggest", "apply"] | UnsetType = UNSET

    def __post_init__(self) -> None:
        present = [f for f in self.__struct_fields__ if getattr(self, f) is not UNSET]
        if len(present) != 1:
            raise ValueError(f"exactly one setting changes per event, not {len(present)}")


class KindDefined(Event, frozen=True, kw_only=True):
    """A project added a contribution kind of its own."""

    TYPE = "kind.defined"
    VERSION = 1
    kind: str
    description: str


class ContributionRecorded(Event, frozen=True, kw_only=True):
    """A contribution entered the register with its credit under a policy version;
    ``counted`` is false for bots. The public facts the report's quality figures read
    (``ledger.register.facts``) are present only when its metadata states them: the
    ``thread`` (issue or change request) it belongs to and its ``thread_role`` there
    (opened an issue; authored a merged change, opened at ``opened_at``; merged it;
    reviewed it; commented), the ``repository``, and what it ``reverts``."""

    TYPE = "contribution.recorded"
    VERSION = 1
    contribution_id: int
    contributor_id: int
    kind: str
    occurred_at: Timestamp
    source: str
    natural_key: str
    evidence_url: str | None
    credit: DecimalText
    policy_version: int
    counted: bool
    thread: Thread | UnsetType = UNSET
    thread_role: ThreadRole | UnsetType = UNSET
    opened_at: Timestamp | UnsetType = UNSET
    repository: Repository | UnsetType = UNSET
    reverts: tuple[Target, ...] | UnsetType = UNSET


class IdentityLinked(Event, frozen=True, kw_only=True):
    """A forge or git identity was linked to a contributor. The identity's account,
    login, name and email stay in the register (erasable); the journal names only the
    identity's number, its contributor and its source."""

    TYPE = "identity.linked"
    VERSION = 1
    identity_id: int
    contributor_id: int
    source: str


class ContributorErased(Event, frozen=True, kw_only=True):
    """A contributor asked to be forgotten: their personal data was replaced by a
    tombstone in the register. Their contributions keep their number and credit;
    ``identities`` is how many of their identities were erased (journaled in every
    project that knew them)."""

    TYPE = "contributor.erased"
    VERSION = 1
    contributor_id: int
    identities: int


class CreditPolicySet(Event, frozen=True, kw_only=True):
    """A new version of the project's credit policy: a weight per kind (four decimals)
    and the weight of every other kind; ``proposal_id`` when a vote decided it."""

    TYPE = "credit_policy.set"
    VERSION = 1
    version: int
    weights: dict[str, DecimalText]
    default_weight: DecimalText
    reason: str
    proposal_id: int | UnsetType = UNSET


EVENTS: tuple[type[Event], ...] = (
    ProjectCreated,
    ProjectUpdated,
    ProjectSettingsChanged,
    KindDefined,
    ContributionRecorded,
    IdentityLinked,
    ContributorErased,
    CreditPolicySet,
)
