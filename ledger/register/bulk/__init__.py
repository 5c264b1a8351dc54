"""Loading a project's past in bulk: every contribution with its own journal event,
credit and rollups, at COPY speed.

Where each part lives:

- checking, pricing, numbering and chaining a chunk, and its COPY rows (CPU only) -> ``encode``
- chunks encoded in a thread one ahead of the writer -> ``pipeline``
- one chunk's references, COPY and rollups in a transaction -> ``write``
- a load in the caller's transaction (all or nothing) -> ``load``
- a named import committed chunk by chunk, resumable, over several connections -> ``imports``
- a first import's secondary indexes, built once at its end -> ``indexes``
"""

from ledger.register.bulk.imports import ImportResult, import_contributions
from ledger.register.bulk.load import bulk_load

__all__ = ["ImportResult", "bulk_load", "import_contributions"]
