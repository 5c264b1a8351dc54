"""Contributions from records kept without a forge (a cookbook's recipe log, a
hardware build log, a translation sprint's sheet, an event's volunteer list): CSV or
JSON Lines files in the schema of ``docs/records.md``.

Where each rule lives:

- the columns, and what makes a row valid (line-numbered refusals) -> ``schema``
- reading a file, refusing it whole when any row is refused, recording a good one
  exactly once (natural keys), in one transaction -> ``importer``
"""
