"""The fixed vocabularies of the books as GraphQL enums (wire form: the stored word)."""

from __future__ import annotations

from enum import StrEnum

from ledger.graphql.vocabulary import vocabulary


@vocabulary(
    "What an account of the books holds.",
    {
        "treasury": "money the project holds, per fund",
        "receivable": "what a sponsor pledged and has not paid yet",
        "income": "what sponsors gave (pledged or paid)",
        "expense": "what the project spent, per category",
        "payable": "what the project owes a payee",
        "exchange": "the other side of currency conversions",
        "fee": "what a processor or host charged on a receipt",
        "in_kind": "support a sponsor gave in goods or services, at its value",
        "in_kind_use": "the contra of in-kind support (never money held)",
    },
)
class AccountKind(StrEnum):
    TREASURY = "treasury"
    RECEIVABLE = "receivable"
    INCOME = "income"
    EXPENSE = "expense"
    PAYABLE = "payable"
    EXCHANGE = "exchange"
    FEE = "fee"
    IN_KIND = "in_kind"
    IN_KIND_USE = "in_kind_use"


@vocabulary("Which side of the books an entry is on.", {"debit": "positive", "credit": "negative"})
class EntrySide(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


@vocabulary(
    "What authorised an expense.",
    {"proposal": "a passed proposal", "maintainer": "a maintainer, as the policy allows"},
)
class ApprovalSource(StrEnum):
    PROPOSAL = "proposal"
    MAINTAINER = "maintainer"
