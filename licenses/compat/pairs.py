"""One inbound term into one outbound term, each a license (maybe "or later") with at
most one exception. The first step that answers decides:

1. the same term on both sides: compatible;
2. a project rule naming the pair (``rules``), or the exception-not-granted rule
   (``exceptions``; it yields where OSADL's checklist says Yes outright): decides
   over OSADL, whose opinion is kept beside it;
3. the OSADL matrix naming the pair;
4. an "or later" outbound: every version it offers must accept the work, those
   published and those still to come (``versions``);
5. an outbound exception: the work must carry it too or have no copyleft, then the
   base license decides;
6. an inbound exception: the base license decides, widened by the exception (``exceptions``);
7. an "or later" inbound: any version it offers will do;
8. otherwise: unknown, no data.
"""

from __future__ import annotations

from licenses.compat import exceptions
from licenses.compat.osadl import matrix
from licenses.compat.rules import PERMISSIVE, table
from licenses.compat.verdict import Finding, Opinion, Verdict, combine
from licenses.compat.versions import later
from licenses.spdx import License, Term, With

LATER_RULE = "or-later"


def _opinions(inbound: str, outbound: str) -> tuple[Opinion, ...]:
    found = matrix().opinion(inbound, outbound)
    return (found,) if found else ()


def _osadl(inbound: str, outbound: str) -> Verdict | None:
    found = matrix().opinion(inbound, outbound)
    if found is None:
        return None
    return Verdict.of(
        Finding(inbound, outbound, found.status, found.reason, "osadl", None, found.references)
    )


def _license(term: Term) -> License:
    return term.license if isinstance(term, With) else term


def permissive(term: Term) -> bool | None:
    """Whether ``term``'s license has no copyleft: a rule or OSADL lets it into MIT works
    (None when neither says)."""
    key = _license(term).render()
    rule = table().get((key, "MIT"))
    if key in PERMISSIVE or (rule is not None and rule.status == "compatible"):
        return True
    found = matrix().opinion(key, "MIT")
    if found is None or found.verdict in ("Unknown", "Check dependency"):
        return None
    return found.status == "compatible"


def _rule(inbound: str, outbound: str) -> Verdict | None:
    rule = table().get((inbound, outbound))
    if rule is None:
        return None
    reason = rule.reason.format(inbound=inbound, outbound=outbound)
    finding = Finding(
        inbound,
        outbound,
        rule.status,
        reason,
        "project",
        rule.name,
        rule.sources,
        _opinions(inbound, outbound),
    )
    return Verdict.of(finding)


def _not_granted(inbound: Term, outbound: Term) -> Verdict | None:
    if not isinstance(outbound, With):
        return None
    if isinstance(inbound, With) and inbound.addition == outbound.addition:
        return None
    if permissive(inbound) is not False:
        return None
    i, o, e = inbound.render(), outbound.render(), outbound.addition
    osadl = matrix().opinion(i, o)
    if osadl is not None and osadl.verdict == "Yes":
        return None
    reason = (
        f"{o} passes {e}'s extra permissions on to its recipients, but the authors of "
        f"{i} never granted them: the project cannot extend {e} to their code"
    )
    finding = Finding(
        i,
        o,
        "incompatible",
        reason,
        "project",
        exceptions.NOT_GRANTED_RULE,
        exceptions.not_granted_sources(e),
        _opinions(i, o),
    )
    return Verdict.of(finding)


def _into_every_version(inbound: Term, outbound: Term) -> Verdict | None:
    offered = later(_license(outbound))
    if offered is None:
        return None
    o = outbound.render()

    def version(fixed: str) -> Term:
        return (
            With(License(fixed), outbound.addition)
            if isinstance(outbound, With)
            else License(fixed)
        )

    parts = [pair(inbound, version(v)).explained(f"{o} offers {v}: ") for v in offered.versions]
    published = combine(parts, need_all=True)
    if published.status != "compatible":
        return published
    i = inbound.render()
    mine = later(_license(inbound))
    if mine is not None and mine.family == offered.family:
        return published
    if permissive(inbound):
        return published
    reason = (
        f"{i} may go into every published version {o} offers ({', '.join(offered.versions)}), "
        f"but {o} also offers versions still to be published, and {i} is not known to follow"
    )
    finding = Finding(i, o, "unknown", reason, "project", LATER_RULE, ())
    return combine([published, Verdict.of(finding)], need_all=True)


def _outbound_exception(inbound: Term, outbound: Term) -> Verdict | None:
    if not isinstance(outbound, With):
        return None
    carried = isinstance(inbound, With) and inbound.addition == outbound.addition
    if carried:
        return pair(_license(inbound), outbound.license)
    if permissive(inbound):
        return pair(inbound, outbound.license)
    i, o = inbound.render(), outbound.render()
    reason = (
        f"{o} passes {outbound.addition} on to its recipients; whether {i} allows that is not known"
    )
    return Verdict.of(Finding(i, o, "unknown", reason, "none", None, ()))


def _inbound_exception(inbound: Term, outbound: Term) -> Verdict | None:
    if not isinstance(inbound, With):
        return None
    base = pair(inbound.license, outbound)
    if base.status == "compatible":
        return base
    i, o, e = inbound.render(), outbound.render(), inbound.addition
    widening = exceptions.widens(e, inbound.license.render(), o)
    if widening is not None:
        finding = Finding(
            i,
            o,
            "compatible",
            widening.reason,
            "project",
            exceptions.WIDENING_RULE,
            widening.sources,
        )
        return Verdict.of(finding)
    if e in exceptions.LINKING_ONLY:
        return base.explained(f"{e} permits linking, not inclusion under another license: ")
    if base.status == "incompatible":
        reason = f"{i}: {base.reason}; whether {e} permits more is not known"
        return Verdict.of(Finding(i, o, "unknown", reason, "none", None, ()))
    return base


def _any_version(inbound: Term, outbound: Term) -> Verdict | None:
    offered = later(_license(inbound))
    if offered is None:
        return None
    i = inbound.render()

    def version(fixed: str) -> Term:
        return (
            With(License(fixed), inbound.addition) if isinstance(inbound, With) else License(fixed)
        )

    parts = [pair(version(v), outbound).explained(f"taking {i} as {v}: ") for v in offered.versions]
    return combine(parts, need_all=False)


def pair(inbound: Term, outbound: Term) -> Verdict:
    """Whether work under ``inbound`` may be included in a work under ``outbound``."""
    i, o = inbound.render(), outbound.render()
    if i == o:
        finding = Finding(
            i, o, "compatible", f"both are {i}", "project", "same-license", (), _opinions(i, o)
        )
        return Verdict.of(finding)
    for step in (_rule(i, o), _not_granted(inbound, outbound), _osadl(i, o)):
        if step is not None:
            return step
    for derive in (_into_every_version, _outbound_exception, _inbound_exception, _any_version):
        derived = derive(inbound, outbound)
        if derived is not None:
            return derived
    reason = f"no compatibility data for {i} into {o}"
    return Verdict.of(Finding(i, o, "unknown", reason, "none", None, ()))
