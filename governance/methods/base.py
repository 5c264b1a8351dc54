"""What every tally method shares: the result shape, exact ratios and option checks.

A method is a module with ``check_params``, ``check_ballot`` and ``tally``; each is
pure (no I/O), so a result can be recomputed by anyone from the published ballots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ledger.kernel.errors import InvalidInput

Ballot = dict[str, Any]
MAX_OPTIONS = 50
MAX_OPTION_LENGTH = 200
MAX_REASON_LENGTH = 2000


@dataclass(frozen=True, slots=True)
class Tally:
    """A method's verdict: ``passed``, the winning options, ballots counted for quorum
    (abstentions included) and the method's own figures as JSON (``details``)."""

    method: str
    passed: bool
    winners: tuple[str, ...]
    counted: int
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The published form of this result."""
        return {
            "method": self.method,
            "passed": self.passed,
            "winners": list(self.winners),
            "counted": self.counted,
            "details": self.details,
        }


# Proposals record the counting rules they were made under in their parameters
# (``count_rules``), so that a recount of an old journal gives the result published
# then. Rules 1 (no key): Schulze links by winning votes only, an "at least" ratio
# without the more-yes-than-no clause, ratios below 1:1 accepted, ties stand.
# Rules 2: Debian constitution A.5 as in force since 2022 (numbered A.6 until v1.9).
RULES = 2
RULES_KEY = "count_rules"


def legacy(params: dict[str, Any]) -> bool:
    """Whether ``params`` were stored under rules 1 (before ``count_rules``)."""
    return bool(params.get(RULES_KEY, 1) < RULES)


def check_rules(params: dict[str, Any]) -> None:
    """A new proposal is counted under the current rules; other values are refused."""
    if params.get(RULES_KEY, RULES) != RULES:
        raise InvalidInput(f"count_rules is {RULES} for new proposals", f"params.{RULES_KEY}")


@dataclass(frozen=True, slots=True)
class Ratio:
    """A required majority ``yes : no`` of at least 1:1, as an exact fraction.

    Met (Debian A.5(3)(2), GR 2015-003) when yes >= N·no and yes > no; ``strict``
    demands yes > N·no instead (the text before 2015). ``legacy`` ratios follow
    rules 1: "at least" without the yes > no clause.
    """

    yes: int
    no: int
    strict: bool = False
    legacy: bool = False

    def met(self, yes: int, no: int) -> bool:
        """Whether ``yes`` against ``no`` meets the ratio (integer arithmetic only)."""
        left, right = yes * self.no, no * self.yes
        beyond = left > right if self.strict else left >= right
        if self.legacy:
            return yes + no > 0 and beyond
        return yes > no and beyond

    @property
    def share(self) -> Fraction:
        """The yes share of (yes + no) the ratio stands for, e.g. 3:1 -> 3/4."""
        return Fraction(self.yes, self.yes + self.no)

    def to_json(self) -> dict[str, Any]:
        return {"ratio": f"{self.yes}:{self.no}", "strict": self.strict}

    @classmethod
    def stored(cls, value: dict[str, Any], params: dict[str, Any]) -> Ratio:
        """A ratio as a proposal stored it (``to_json``), under the proposal's rules."""
        yes, no = (int(x) for x in value["ratio"].split(":", 1))
        return cls(yes, no, bool(value["strict"]), legacy(params))


SIMPLE_MAJORITY = Ratio(1, 1, strict=True)


def parse_ratio(value: Any, field_name: str = "threshold") -> Ratio:
    """``{"ratio": "3:1" | "2/3", "strict": bool}`` or a bare string -> Ratio.

    ``"a:b"`` is yes:no; ``"p/q"`` is the share of yes among yes + no. A ratio below
    1:1 would let a proposal pass with more no than yes: it is refused.
    """
    strict = False
    if isinstance(value, dict):
        strict = value.get("strict", False)
        if not isinstance(strict, bool):
            raise InvalidInput("strict must be true or false", f"{field_name}.strict")
        value = value.get("ratio")
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidInput('a ratio is a string like "3:1" or "2/3"', field_name)
    try:
        if ":" in value:
            a, b = (int(x) for x in value.split(":", 1))
        elif "/" in value:
            share = Fraction(value)
            a, b = share.numerator, share.denominator - share.numerator
        else:
            raise ValueError(value)
    except (ValueError, ZeroDivisionError):
        raise InvalidInput(f"not a ratio: {value!r}", field_name) from None
    if a <= 0 or b <= 0:
        raise InvalidInput("both sides of a ratio must be positive", field_name)
    if a < b:
        raise InvalidInput("a ratio must be at least 1:1 (more yes than no)", field_name)
    share = Fraction(a, a + b)
    return Ratio(share.numerator, share.denominator - share.numerator, strict)


def check_options(options: Sequence[Any], minimum: int = 2) -> tuple[str, ...]:
    """Distinct, non-empty option labels, at most MAX_OPTIONS."""
    if not isinstance(options, list | tuple):
        raise InvalidInput("options must be a list of labels", "options")
    if not minimum <= len(options) <= MAX_OPTIONS:
        raise InvalidInput(f"between {minimum} and {MAX_OPTIONS} options", "options")
    labels = []
    for label in options:
        if not isinstance(label, str) or not label.strip():
            raise InvalidInput("each option is a non-empty label", "options")
        if len(label) > MAX_OPTION_LENGTH:
            raise InvalidInput(f"an option is at most {MAX_OPTION_LENGTH} characters", "options")
        labels.append(label.strip())
    if len(set(labels)) != len(labels):
        raise InvalidInput("options must be distinct", "options")
    return tuple(labels)


def check_object(raw: Any, keys: frozenset[str], required: frozenset[str]) -> dict[str, Any]:
    """A ballot object with only ``keys`` and at least ``required``."""
    if not isinstance(raw, dict):
        raise InvalidInput("a ballot is a JSON object", "ballot")
    unknown = set(raw) - keys
    if unknown:
        raise InvalidInput(f"unknown ballot field {sorted(unknown)[0]!r}", "ballot")
    missing = required - set(raw)
    if missing:
        raise InvalidInput(f"ballot needs {sorted(missing)[0]!r}", "ballot")
    return raw


def check_choice(raw: Any, choices: tuple[str, ...]) -> str:
    """One of ``choices``."""
    if raw not in choices:
        raise InvalidInput(f"choice must be one of {', '.join(choices)}", "ballot.choice")
    return str(raw)


def check_reason(raw: Any, required: bool) -> str:
    """A reason text; required (non-blank) for vetoes and objections."""
    if raw is None:
        raw = ""
    if not isinstance(raw, str) or len(raw) > MAX_REASON_LENGTH:
        raise InvalidInput(
            f"a reason is text of at most {MAX_REASON_LENGTH} characters", "ballot.reason"
        )
    if required and not raw.strip():
        raise InvalidInput("a veto or objection must carry a reason", "ballot.reason")
    return raw.strip()


def no_params(params: Any) -> dict[str, Any]:
    """Methods without parameters accept only an empty object."""
    if params not in (None, {}):
        raise InvalidInput("this method takes no parameters", "params")
    return {}
