"""Persisted operations: the catalogue checked at start (``catalogue``), the journal
heads that key their answers (``heads``), the answer cache and entity tags
(``cache``), execution plans (``plans/``) and the service answering a request
(``service``)."""
