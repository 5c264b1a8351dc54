"""DCO grants from the ``Signed-off-by:`` trailers of commits that intake records.

Every contribution of a commit (its author's and each co-author's) carries the
commit's signers by contributor number (metadata ``signoffs``). A sign-off is a DCO
grant of the contribution whose contributor is the signer, merges included: the
author's own sign-off covers the author's work, a co-author's own covers theirs, and
a sign-off made under another email of the same (merged) person counts as theirs.

Grants are a function of these records, not of the order things happened in:
``record_signoffs`` adds what new contributions earn, and ``reconcile`` recomputes
the grants of the contributions of people who were merged or unmerged: a grant
that now covers work that is not its signer's is withdrawn from its start (so it
covers nothing) and recorded again over what it still rightly covers; a grant a
merge makes right is recorded or extended. Every change is journaled.

One grant per commit and signer: natural key ``dco:<sha>:<signer number>``, then
``:<n>`` for the n-th recording after withdrawals. Replays and re-imports add nothing.
The grant's private evidence names the signer by contributor number; the trailer's
name and email are never stored.
"""

from licenses.dco.bulk import Prepared, prepare_signoffs
from licenses.dco.copy import Encoded
from licenses.dco.record import reconcile, record_signoffs
from licenses.dco.settle import UNMERGED
from licenses.dco.work import Signed, Work

__all__ = [
    "UNMERGED",
    "Encoded",
    "Prepared",
    "Signed",
    "Work",
    "prepare_signoffs",
    "reconcile",
    "record_signoffs",
]
