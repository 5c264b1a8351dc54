"""The register and the journal: projects, contributors, contributions, credit,
sponsor funding, and the append-only hash-chained event log every change writes to."""
