"""Recomputing a signed report from published evidence: the journal's events (embedded in
the report, or streamed from the instance's journal export) and what the report embeds.

Where each rule lives:

- one pass over the journal's decoded events into what the figures need, in flat
  memory (merges, grants, sponsors, proposals, the period's contributions as typed
  arrays) -> ``replay``
- who holds each contribution after merges, unmerges and the contributions an unmerge
  lists -> ``holders``
- the period's contributions as numpy columns by the record that holds each one, each
  holder's first counted contribution, affiliations as day ranges -> ``work``
- ``contributors`` and ``organisations`` -> ``contributors``
- ``funding`` -> ``funding``; ``licensing`` (coverage, instruments, incompatible
  inbound licenses) -> ``licensing``; ``decisions`` (re-tallied) -> ``decisions``
- what ``quality``, ``sustainability`` and ``rules`` need beyond that (threads, reverts,
  the trend's quarters, governance times and actors), collected in the same pass ->
  ``critics_replay``; those sections -> ``quality``, ``sustainability``, ``rules``
- the whole document, the report's ``attested_only`` list, comparing it with what
  the report says -> ``document``

What cannot be recomputed offline is named in ``ATTESTED_ONLY``; every report carries
that list and ``commons verify`` prints it.
"""

from __future__ import annotations

ATTESTED_ONLY: list[dict[str, str]] = [
    {
        "item": "evidence.affiliations",
        "why": "who worked for which organisation when, and organisation names, are the "
        "instance's register (personal data kept out of the journal); organisation figures "
        "and sponsors' affiliate contributions are recomputed from them as published",
    },
    {
        "item": "evidence.accounts",
        "why": "which accounts are the treasury's is the instance's books, not a journal "
        "event; money received is recomputed from the journal's transactions on them",
    },
    {
        "item": "evidence.corporate_coverage",
        "why": "whom a corporate agreement authorises (named people, verified email "
        "domains, members) is private evidence; each listed contribution is checked to lie "
        "in the corporate grant's window",
    },
    {
        "item": "generated_at",
        "why": "the instance's clock; checked only not to precede the signed tree head",
    },
]
