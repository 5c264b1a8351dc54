"""Ranked ballots counted by Debian's Standard Resolution Procedure (constitution A.5,
numbered A.6 until v1.9), the count itself in ``schulze``.

Parameters of a proposal (all optional; stored normalised):

- ``default_option``: the option every ballot carries; "None of the above" (current
  Debian usage) unless the proposal names another. It never needs a majority.
- ``default_ratio``: the majority an option needs over the default option unless
  ``majorities`` names its own (A.5(3)(3)), e.g. ``{"Amend §4": "3:1"}``.
- ``option_quorum``: R of A.5(2), voters who must rank an option above the default.
- ``casting_vote``: who settles a tie of several winners (A.5(8)): ``{"voter": 12}``
  (that contributor's counted ballot picks the tied option it ranks highest; a lot
  settles what it leaves open) or ``{"rule": "lot"}``. Without it a tie stands and
  the proposal fails.

The lot is deterministic and recheckable: the seed is SHA-256 of the RFC 8785 JSON of
the counted ballots in sheet order, and among the options still tied the one with
the smallest ``SHA-256(seed || UTF-8 label)`` wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from governance.methods.base import (
    RULES,
    RULES_KEY,
    Ballot,
    Ratio,
    Tally,
    check_object,
    check_options,
    check_rules,
    legacy,
    parse_ratio,
)
from governance.methods.schulze import pairwise, rank_matrix, schulze
from ledger.journal.canonical import canonical_json, sha256
from ledger.kernel.errors import InvalidInput

DEFAULT_OPTION = "None of the above"
MAX_QUORUM = 1_000_000_000
_KEYS = frozenset({"ranking"})
_PARAMS = frozenset(
    {"default_option", "default_ratio", "majorities", "option_quorum", "casting_vote", RULES_KEY}
)


def check_casting_vote(raw: Any) -> dict[str, Any] | None:
    """``None``, ``{"voter": id}`` or ``{"rule": "lot"}``, normalised with its rule."""
    field = "params.casting_vote"
    if raw is None:
        return None
    if isinstance(raw, dict) and set(raw) <= {"rule", "voter"}:
        rule = raw.get("rule", "casting_voter" if "voter" in raw else None)
        voter = raw.get("voter")
        if rule == "lot" and voter is None:
            return {"rule": "lot"}
        if rule == "casting_voter" and isinstance(voter, int) and not isinstance(voter, bool):
            if not 0 < voter < 2**63:
                raise InvalidInput("the casting voter is a contributor number", field)
            return {"rule": "casting_voter", "voter": voter}
    raise InvalidInput('casting_vote is {"voter": <contributor>} or {"rule": "lot"}', field)


def preferred(ranking: Sequence[Sequence[str]], tied: Sequence[str]) -> list[str]:
    """The tied options a ranking puts highest (all of them if it ranks none)."""
    for tier in ranking:
        top = [o for o in tied if o in tier]
        if top:
            return top
    return list(tied)


def lot(ballots: Sequence[Ballot], among: Sequence[str]) -> tuple[str, str]:
    """The option the lot draws among ``among``, and the seed (hex) it drew with."""
    seed = sha256(canonical_json(list(ballots)))
    chosen = min(among, key=lambda o: sha256(seed + o.encode()))
    return chosen, seed.hex()


def settle(
    tied: list[str], rule: dict[str, Any], casting: Ballot | None, ballots: Sequence[Ballot]
) -> dict[str, Any]:
    """How a tie is settled under ``rule``: the record published as ``tie_break``."""
    how: dict[str, Any] = {"rule": rule["rule"], "tied": tied}
    among = tied
    if rule["rule"] == "casting_voter":
        how["voter"] = rule["voter"]
        how["casting_ballot"] = casting is not None
        if casting is not None:
            among = preferred(casting["ranking"], tied)
    if len(among) == 1:
        how["chose"] = among[0]
        return how
    chosen, seed = lot(ballots, among)
    how.update(lot_among=among, lot_seed=seed, chose=chosen)
    return how


class Schulze:
    """Ranked ballots counted by the Schulze method (Debian's Standard Resolution)."""

    name = "schulze"

    def options(self, given: Sequence[Any]) -> tuple[str, ...]:
        return check_options(given, minimum=1)

    def check_params(self, params: Any, options: tuple[str, ...]) -> dict[str, Any]:
        params = params or {}
        if not isinstance(params, dict) or set(params) - _PARAMS:
            raise InvalidInput(f"parameters are {{{', '.join(sorted(_PARAMS))}}}", "params")
        check_rules(params)
        default = params.get("default_option", DEFAULT_OPTION)
        if not isinstance(default, str) or not default.strip() or len(default) > 200:
            raise InvalidInput("default_option is a non-empty label", "params.default_option")
        default = default.strip()
        ratio = parse_ratio(params.get("default_ratio", "1:1"), "params.default_ratio")
        majorities = params.get("majorities") or {}
        if not isinstance(majorities, dict):
            raise InvalidInput("majorities map options to ratios", "params.majorities")
        for label in majorities:
            if label == default:
                raise InvalidInput("the default option needs no majority", "params.majorities")
            if label not in options:
                raise InvalidInput(f"not an option: {label!r}", "params.majorities")
        quorum = params.get("option_quorum", 0)
        if not isinstance(quorum, int) or isinstance(quorum, bool):
            raise InvalidInput("option_quorum is a number of voters", "params.option_quorum")
        if not 0 <= quorum <= MAX_QUORUM:
            raise InvalidInput("option_quorum is 0 or more voters", "params.option_quorum")
        return {
            "default_option": default,
            "default_ratio": ratio.to_json(),
            "majorities": {
                label: parse_ratio(majorities[label], "params.majorities").to_json()
                for label in options
                if label in majorities
            },
            "option_quorum": quorum,
            "casting_vote": check_casting_vote(params.get("casting_vote")),
            RULES_KEY: RULES,
        }

    def all_options(self, options: tuple[str, ...], params: dict[str, Any]) -> tuple[str, ...]:
        """The proposal's options followed by the default option (unless listed)."""
        default = params["default_option"]
        return options if default in options else (*options, default)

    def check_ballot(self, raw: Any, options: tuple[str, ...], params: dict[str, Any]) -> Ballot:
        tiers = check_object(raw, _KEYS, _KEYS)["ranking"]
        everything = self.all_options(options, params)
        order = {o: i for i, o in enumerate(everything)}
        if not isinstance(tiers, list) or len(tiers) > len(everything):
            raise InvalidInput("ranking is a list of tiers, best first", "ballot.ranking")
        seen: set[str] = set()
        canonical = []
        for tier in tiers:
            names = [tier] if isinstance(tier, str) else tier
            if not isinstance(names, list) or not names:
                raise InvalidInput("each tier is an option or a non-empty list", "ballot.ranking")
            for name in names:
                if not isinstance(name, str) or name not in order:
                    raise InvalidInput(f"not an option: {name!r}", "ballot.ranking")
                if name in seen:
                    raise InvalidInput(f"{name!r} is ranked twice", "ballot.ranking")
                seen.add(name)
            canonical.append(sorted(names, key=order.__getitem__))
        return {"ranking": canonical}

    def tally(
        self,
        ballots: Sequence[Ballot],
        options: tuple[str, ...],
        params: dict[str, Any],
        casting: Ballot | None = None,
    ) -> Tally:
        """The count; ``casting`` is the casting voter's counted ballot, if any."""
        everything = self.all_options(options, params)
        d = pairwise(rank_matrix([b["ranking"] for b in ballots], everything))
        old = legacy(params)
        details = schulze(
            d,
            everything,
            params["default_option"],
            Ratio.stored(params["default_ratio"], params),
            majorities={
                label: Ratio.stored(r, params) for label, r in params.get("majorities", {}).items()
            },
            quorum=params.get("option_quorum", 0),
            legacy=old,
        )
        found = list(details["winners"])
        rule = params.get("casting_vote")
        if len(found) > 1 and rule is not None and not old:
            details["tie_break"] = settle(found, rule, casting, ballots)
            found = [details["tie_break"]["chose"]]
        return Tally(
            method=self.name,
            passed=len(found) == 1 and found[0] != params["default_option"],
            winners=tuple(found),
            counted=len(ballots),
            details=details,
        )
