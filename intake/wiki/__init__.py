"""Wikis as peer production: MediaWiki XML dumps and live recent changes become
contributions through one mapping.

Where each rule lives:

- an edit, its editor (never an IP address: anonymous and hidden editors are one
  identity per wiki) and the import's switches -> ``edits``
- which namespace is which kind, who is a bot, what a revert earns -> ``mapping``
- identity reverts (same content as one of the last revisions; ``mwreverts``) and
  reverts that were undone in turn -> ``reverts``
- reading a dump (``.xml``, ``.bz2``, ``.gz``, ``.7z``) with ``mwxml`` -> ``dump``
- writing one (the demo's wiki, benchmarks and tests make theirs) -> ``writer``
- the wiki's terms of use as every editor's inbound=outbound grant -> ``terms``
- a dump read in a process of its own, its edits sent on as rows -> ``parse``
- edits judged into batches of activities as they come -> ``judge``
- importing a dump in batches, idempotent on revision id and resumable -> ``importer``
- polling a live wiki's ``list=recentchanges`` API -> ``recent``
"""
