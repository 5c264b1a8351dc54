"""Transparency metrics, report renderers (JSON, HTML, Markdown, CSV) and signing."""
