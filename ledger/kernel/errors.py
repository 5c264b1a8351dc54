"""Errors every domain package raises, translated once at each entry point.

    CommonsError
    ├── InvalidInput        bad input: names the field and what is wrong with it
    ├── NotFound            a referenced record does not exist
    ├── Conflict            the request contradicts a stored fact; ``code`` says which
    │   └── IdempotencyMismatch   a key replayed with different input
    ├── Forbidden           the caller lacks the role the change needs
    └── Unavailable         the database cannot be reached right now

``ConflictCode`` is the closed list of refusal codes a ``Conflict`` carries (listed
with their meanings in docs/errors.md). Errors of the layers below (asyncpg, the
operating system) become these through the one table in ``ledger.kernel.boundary``.
"""

from __future__ import annotations

from enum import StrEnum


class ConflictCode(StrEnum):
    """Why a request contradicts a stored fact: one member per refusal a client can
    act on, each with a one-line ``meaning``. The value is the wire form (HTTP
    ``error``, GraphQL ``ConflictError.code``)."""

    meaning: str

    def __new__(cls, value: str, meaning: str) -> ConflictCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        return member

    # any record with a natural key
    ALREADY_EXISTS = "already_exists", "a record with this natural key exists already"
    CONCURRENT_CHANGE = "concurrent_change", "another request wrote the same record first; retry"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch", "the key was first used with different input"
    # the journal
    JOURNAL_BROKEN = "journal_broken", "the journal's head does not match its last event"
    # people and forge intake
    IDENTITY_LINKED = "identity_linked", "another contributor holds this identity; merge explicitly"
    ALREADY_MERGED = "already_merged", "the contributor is already merged into another one"
    MERGED_LATER = "merged_later", "the merge's target was merged again since; undo that first"
    NOT_REPLAYABLE = (
        "not_replayable",
        "a pending delivery is already due; only settled ones with their payload replay",
    )
    TOO_MANY_SECRETS = "too_many_secrets", "the forge has all the active secrets it may; retire one"
    # license grants
    ALREADY_WITHDRAWN = "already_withdrawn", "the grant was withdrawn already"
    # governance
    PROPOSAL_STATE = "proposal_state", "the proposal is not in the state this step needs"
    CLOSING_TIME_PASSED = "closing_time_passed", "the closing time passed before the vote opened"
    VOTING_CLOSED = "voting_closed", "the proposal takes no ballots (not open, or past closing)"
    NOT_DUE = "not_due", "the proposal's closing time has not come by the database's clock"
    # treasury: sponsors and terms
    NON_COMMONS_TERMS = "non_commons_terms", "terms claim ownership, exclusivity, control or votes"
    TERMS_PINNED = "terms_pinned", "this title and version name another text or other flags"
    # treasury: movements against the policy
    OVERDRAFT = "overdraft", "a fund would go below zero and the policy allows no overdraft"
    PLEDGE_EXCEEDED = "pledge_exceeded", "a sponsor would have paid more than it pledged"
    PAYABLE_IN_DEBIT = "payable_in_debit", "a payee would be paid before the expense is owed"
    REFUND_EXCEEDS_RECEIPTS = "refund_exceeds_receipts", "a refund is larger than what was paid"
    BALANCE_LIMIT = "balance_limit", "an account's balance would leave the signed 64-bit range"
    SPONSORSHIP_CURRENCY = (
        "sponsorship_currency",
        "the sponsorship is in another currency; convert the money first",
    )
    # treasury: recurring pledges and expense claims
    ALREADY_CANCELLED = "already_cancelled", "the recurring pledge was cancelled already"
    CLAIM_STATE = "claim_state", "the expense claim is not in the state this step needs"
    # treasury: expense approvals
    APPROVAL_REQUIRED = "approval_required", "the policy needs a passed proposal for an expense"
    APPROVAL_USED = "approval_used", "the approval already paid another expense"
    APPROVAL_CURRENCY = "approval_currency", "the expense is in another currency than approved"
    APPROVAL_EXCEEDED = "approval_exceeded", "the expense is larger than the approved amount"
    APPROVAL_PAYEE = "approval_payee", "the expense pays another payee than the approved one"
    APPROVAL_DIFFERS = "approval_differs", "the proposal already approved an expense on other terms"
    # treasury: corrections
    REVERSAL_OF_REVERSAL = "reversal_of_reversal", "a reversal cannot itself be reversed"
    ALREADY_REVERSED = "already_reversed", "the transaction was reversed already"


class CommonsError(Exception):
    """Base of every error a client should expect."""

    code: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(CommonsError):
    """The input is malformed; ``field`` names where (a dotted path, or empty)."""

    code = "invalid_input"

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class NotFound(CommonsError):
    """A referenced record does not exist."""

    code = "not_found"


class Conflict(CommonsError):
    """The request contradicts a stored fact (duplicate, wrong state...); ``code``
    says which, from the closed list ``ConflictCode``."""

    code: ConflictCode

    def __init__(self, message: str, code: ConflictCode) -> None:
        super().__init__(message)
        self.code = code


class IdempotencyMismatch(Conflict):
    """An idempotency key was replayed with input different from its first use."""

    def __init__(self, message: str) -> None:
        super().__init__(message, ConflictCode.IDEMPOTENCY_MISMATCH)


class Forbidden(CommonsError):
    """The caller is not allowed to make this change."""

    code = "forbidden"


class Unavailable(CommonsError):
    """The database is unreachable; the caller may retry."""

    code = "unavailable"
