"""The reference dashboard, rendered on the server from the persisted operations.

- ``views``: the pages (project, contributor, not found) from the operations' answers,
  with the report's server-side charts (``reports.charts``).
- ``templates/``: Jinja templates; ``static/``: the one stylesheet and the one script
  (vendored, no build step), served by ``app.routes.dashboard``.
"""
