"""Loading a project's past in bulk: every contribution with its own journal event,
credit and rollups, at COPY speed.

Where each part lives:

- checking, pricing, numbering and chaining a chunk, and its COPY rows (CPU only) -> ``encode``
- PostgreSQL's binary COPY format -> ``binary``
- chunks encoded in a thread one ahead of the writer -> ``pipeline``
- a load's references locked once, each chunk's COPY, the fast path's probe -> ``write``
- a load in the caller's transaction (all or nothing) -> ``load``
- one batch of it encoded slice by slice while its rows are copied -> ``stream``
- a named import committed chunk by chunk, resumable -> ``imports``
- chunks over several connections, committed in chain order -> ``ordered``
- a first import's secondary indexes, dropped and built again -> ``indexes``
- the end of an import: indexes built while the rollups are recounted -> ``finish``
"""

from ledger.register.bulk.imports import ImportResult, import_contributions
from ledger.register.bulk.load import bulk_load

__all__ = ["ImportResult", "bulk_load", "import_contributions"]
