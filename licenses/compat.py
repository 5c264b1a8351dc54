"""License compatibility: may inbound work be included in a project distributed under
its outbound license? Answers compatible / incompatible / unknown with a reason.

Inbound ``A OR B`` is compatible when any option is (the contributor offers a
choice); inbound ``A AND B`` when all parts are. The outbound expression is the
project's promise, so every license in it must accept the inbound work. "Or later"
versions try each version: inbound may be taken under any of them, and an outbound
"or later" lets the combination go by way of a later version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from license_expression import AND, OR, LicenseSymbol, LicenseWithExceptionSymbol

from licenses import spdx
from licenses.compat_data import ALIASES, LATER_VERSIONS, RULES, Rule, Status


@dataclass(frozen=True, slots=True)
class Verdict:
    status: Status
    reason: str
    sources: tuple[str, ...] = ()


@cache
def table() -> dict[tuple[str, str], Rule]:
    """Each (inbound, outbound) pair the rules name, first rule first."""
    pairs: dict[tuple[str, str], Rule] = {}
    for rule in RULES:
        for inbound in rule.inbound:
            for outbound in rule.outbound:
                pairs.setdefault((inbound, outbound), rule)
    return pairs


def _versions(key: str) -> tuple[str, ...]:
    key = ALIASES.get(key, key)
    if key in LATER_VERSIONS:
        return LATER_VERSIONS[key]
    return (key.removesuffix("+"),)


def _fixed(inbound: str, outbound: str) -> Verdict:
    if inbound == outbound:
        return Verdict("compatible", f"both are {inbound}")
    rule = table().get((inbound, outbound))
    if rule is None:
        return Verdict("unknown", f"no compatibility data for {inbound} into {outbound}")
    reason = rule.reason.format(inbound=inbound, outbound=outbound)
    return Verdict(rule.status, reason, rule.sources)


def pair(inbound: str, outbound: str) -> Verdict:
    """Compatibility of one license id with another, "or later" versions included."""
    outs = _versions(outbound)
    best: Verdict | None = None
    for version_in in _versions(inbound):
        for index, version_out in enumerate(outs):
            verdict = _fixed(version_in, version_out)
            if verdict.status == "compatible":
                via = []
                if version_in != ALIASES.get(inbound, inbound).removesuffix("+"):
                    via.append(f"taking {inbound} as {version_in}")
                if index > 0:
                    via.append(f"by way of {version_out}, which {outbound} allows")
                if via:
                    verdict = Verdict(
                        "compatible", f"{verdict.reason} ({'; '.join(via)})", verdict.sources
                    )
                return verdict
            if best is None or (best.status == "incompatible" and verdict.status == "unknown"):
                best = verdict
    assert best is not None
    return best


def _key(symbol: object) -> str:
    if isinstance(symbol, LicenseWithExceptionSymbol):
        return str(symbol.license_symbol.key)
    assert isinstance(symbol, LicenseSymbol)
    return str(symbol.key)


def _combine(verdicts: list[Verdict], need_all: bool) -> Verdict:
    order: tuple[Status, ...] = (
        ("incompatible", "unknown", "compatible")
        if need_all
        else ("compatible", "unknown", "incompatible")
    )
    for status in order:
        chosen = [v for v in verdicts if v.status == status]
        if chosen:
            if (need_all and status == "compatible") or (not need_all and status == "incompatible"):
                reason = "; ".join(v.reason for v in chosen)
                sources = tuple(dict.fromkeys(s for v in chosen for s in v.sources))
                return Verdict(status, reason, sources)
            return chosen[0]
    raise AssertionError("no verdicts")


def _inbound(node: object, outbound: str) -> Verdict:
    if isinstance(node, OR | AND):
        parts = [_inbound(arg, outbound) for arg in node.args]
        return _combine(parts, need_all=isinstance(node, AND))
    return pair(_key(node), outbound)


def compatibility(inbound: str, outbound: str) -> Verdict:
    """Whether inbound work may go into a project under ``outbound`` (SPDX expressions)."""
    parsed_in = spdx.parse(inbound)
    outbound_keys = [
        _key(s) for s in spdx.licensing().license_symbols(spdx.parse(outbound), decompose=False)
    ]
    verdicts = [_inbound(parsed_in, key) for key in dict.fromkeys(outbound_keys)]
    if len(verdicts) == 1:
        return verdicts[0]
    return _combine(verdicts, need_all=True)
