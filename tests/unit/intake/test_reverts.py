"""Revert commits are recognised from their messages as git writes them."""

from __future__ import annotations

import pytest

from intake.reverts import revert_metadata, reverted_commits

A, B = "a" * 40, "b1c2d3e"


@pytest.mark.parametrize(
    ("message", "targets"),
    [
        (f'Revert "x"\n\nThis reverts commit {A}.', [A]),
        (f'Revert "merge"\n\nThis reverts commit {A}, reversing\nchanges made to {"c" * 40}.', [A]),
        (f"Undo two\n\nThis reverts commit {A.upper()}.\nThis reverts commit {B}.", [A, B]),
        (f"Back out the cache\n\nReverts: {B}", [B]),
        (f"Revert twice\n\nThis reverts commit {A}.\nReverts: {A}", [A]),
        ("Revert the colour change (no sha given)", []),
        (f"Mention {A} without reverting", []),
        ("This reverts commit 12345.", []),
    ],
)
def test_the_shas_a_message_says_it_reverts(message: str, targets: list[str]) -> None:
    assert reverted_commits(message) == targets


def test_only_a_revert_carries_revert_metadata() -> None:
    assert revert_metadata(f"This reverts commit {B}.") == {"reverts": [B]}
    assert revert_metadata("Fix the build") == {}
