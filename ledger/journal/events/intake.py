"""Events of intake: forge connections and their secrets, replayed deliveries,
merging contributors, marking them as bots and their names kept current from their
forge accounts (written by ``intake``)."""

from __future__ import annotations

from msgspec import UNSET, UnsetType

from ledger.journal.events.base import Event


class ForgeSecretAdded(Event, frozen=True, kw_only=True):
    """A webhook secret of a forge became active (the secret itself is never published)."""

    TYPE = "intake.forge_secret_added"
    VERSION = 1
    forge: str
    secret_id: int
    label: str


class ForgeSecretRetired(Event, frozen=True, kw_only=True):
    """A webhook secret was retired: deliveries signed with it are refused from now on."""

    TYPE = "intake.forge_secret_retired"
    VERSION = 1
    forge: str
    secret_id: int


class ForgeBaseUrlSet(Event, frozen=True, kw_only=True):
    """A forge connection names the server its deliveries come from (an http(s)
    address), for payloads that name none."""

    TYPE = "intake.forge_base_url_set"
    VERSION = 1
    forge: str
    base_url: str


class DeliveryReplayed(Event, frozen=True, kw_only=True):
    """A settled webhook delivery (dead, ignored or done) was made pending again."""

    TYPE = "intake.delivery_replayed"
    VERSION = 1
    delivery_id: int
    forge: str
    event: str


class ContributorsMerged(Event, frozen=True, kw_only=True):
    """Contributor ``source`` was merged into ``target``; ``contributions`` is how many
    of this project's contributions changed hands (one event per project touched)."""

    TYPE = "contributors.merged"
    VERSION = 1
    merge_id: int
    source: int
    target: int
    contributions: int


# Version 1 of ``contributors.unmerged``, as journals written before version 2 hold it.
class ContributorsUnmergedV1(Event, frozen=True, kw_only=True):
    """Merge ``merge_id`` was undone: what it moved from ``source`` went back."""

    TYPE = "contributors.unmerged"
    VERSION = 1
    merge_id: int
    source: int
    target: int
    contributions: int


class ContributorsUnmerged(Event, frozen=True, kw_only=True):
    """Merge ``merge_id`` was undone: what it moved from ``source`` went back;
    ``contributions`` is how many of this project's contributions did.

    When this project's journal holds the merge's own event, that event says what went
    back and ``contribution_ids`` is left out. Otherwise (a merge recorded without one:
    the splits of migration 0018) ``contribution_ids`` lists the numbers of exactly the
    contributions that went back, ascending, so that the journal alone says they count
    for ``source`` from now on. Its size is that of the work that changed hands (eight
    bytes or so per contribution, once; the journal already holds an event for each of
    them); a merge's own event keeps every other unmerge small."""

    TYPE = ContributorsUnmergedV1.TYPE
    VERSION = 2
    merge_id: int
    source: int
    target: int
    contributions: int
    contribution_ids: tuple[int, ...] | UnsetType = UNSET


class ContributorBotMarked(Event, frozen=True, kw_only=True):
    """A maintainer marked a contributor as a bot (``bot``) or as a person after the
    fact; ``contributions`` of theirs in this project were recounted (a bot's earn no
    credit)."""

    TYPE = "contributor.bot_marked"
    VERSION = 1
    contributor_id: int
    bot: bool
    contributions: int


class ContributorRenamed(Event, frozen=True, kw_only=True):
    """A contributor's public name was updated from what their forge account now shows
    (a later delivery gave the name or login the first one lacked, or a new one). The
    name itself stays in the register (erasable); the journal names only the
    contributor, the identity it came from and its source."""

    TYPE = "contributor.renamed"
    VERSION = 1
    contributor_id: int
    identity_id: int
    source: str


EVENTS: tuple[type[Event], ...] = (
    ForgeSecretAdded,
    ForgeSecretRetired,
    ForgeBaseUrlSet,
    DeliveryReplayed,
    ContributorsMerged,
    ContributorsUnmergedV1,
    ContributorsUnmerged,
    ContributorBotMarked,
    ContributorRenamed,
)
