"""Proposals, electorates, ballots, delegation and tally methods."""
