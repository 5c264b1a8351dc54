"""Renderers of a built report: ``html`` (page with charts, no scripts), ``markdown``
and ``csv`` (one table of the report). The signed JSON is the report itself."""
