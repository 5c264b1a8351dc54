"""The quality facts a contribution's metadata may state are checked and normalised."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ledger.kernel.errors import InvalidInput
from ledger.register.facts import Facts, facts_of

AT = datetime(2026, 7, 1, 12, tzinfo=UTC)


def test_metadata_without_facts_states_none() -> None:
    assert facts_of({"commit": "abc", "co_authors": [3]}, AT) == Facts()


def test_a_merged_change_states_its_thread_opening_and_repository() -> None:
    meta = {"thread": "github:a/b#4", "thread_role": "change", "opened_at": "2026-06-30T09:00:00+02:00",
            "repository": "a/b"}  # fmt: skip
    assert facts_of(meta, AT) == Facts(
        "github:a/b#4", "change", "2026-06-30T07:00:00.000000Z", "a/b"
    )


def test_revert_targets_are_text_whether_shas_or_revision_numbers() -> None:
    assert facts_of({"reverts": ["a" * 40, 1234]}, AT).reverts == ("a" * 40, "1234")
    assert facts_of({"reverts": []}, AT).reverts == ()


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        ({"thread_role": "review"}, "metadata.thread_role"),
        ({"thread": "t", "thread_role": "approver"}, "metadata.thread_role"),
        ({"thread": ""}, "metadata.thread"),
        ({"thread": "x" * 201}, "metadata.thread"),
        ({"thread": "a\nb"}, "metadata.thread"),
        (
            {"thread": "t", "thread_role": "review", "opened_at": "2026-06-01T00:00:00Z"},
            "metadata.opened_at",
        ),
        ({"thread": "t", "thread_role": "change", "opened_at": "2026-06-01"}, "metadata.opened_at"),
        (
            {"thread": "t", "thread_role": "change", "opened_at": "2026-07-02T00:00:00Z"},
            "metadata.opened_at",
        ),
        ({"repository": 5}, "metadata.repository"),
        ({"reverts": "abc"}, "metadata.reverts"),
        ({"reverts": [True]}, "metadata.reverts"),
        ({"reverts": [-1]}, "metadata.reverts"),
        ({"reverts": ["a"] * 101}, "metadata.reverts"),
    ],
)
def test_a_fact_of_the_wrong_shape_is_refused_naming_its_key(
    metadata: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        facts_of(metadata, AT)
    assert refused.value.field == field
