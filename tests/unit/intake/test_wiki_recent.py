"""Recent changes as edits (both API formats) and their fates read together."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intake.wiki.edits import Editor
from intake.wiki.recent import change_edit, judge
from ledger.kernel.errors import InvalidInput
from tests.unit.intake.forge_requests import payload


def test_changes_become_edits_without_the_address_of_anonymous_editors() -> None:
    changes = payload("mediawiki_recentchanges_1")["query"]["recentchanges"]
    edits = [change_edit(c) for c in changes]
    assert edits[3] is None  # a log entry
    anonymous = edits[1]
    assert anonymous is not None
    assert anonymous.editor == Editor(None, None)
    assert anonymous.tags == ("mw-reverted",)
    bot = edits[2]
    assert bot is not None
    assert bot.editor == Editor(9, "ClueBot NG", bot=True)
    assert bot.timestamp == datetime(2024, 6, 1, 10, 3, tzinfo=UTC)


def test_format_version_1_flags_are_present_as_empty_strings() -> None:
    change = {
        "type": "edit", "ns": 0, "pageid": 1, "revid": 2, "user": "2001:db8::7", "userid": 0,
        "anon": "", "bot": "", "timestamp": "2024-06-01T00:00:00Z",
    }  # fmt: skip
    edit = change_edit(change)
    assert edit is not None
    assert edit.editor == Editor(None, None, bot=True)


def test_a_change_without_ids_is_refused() -> None:
    with pytest.raises(InvalidInput):
        change_edit({"type": "edit", "timestamp": "2024-06-01T00:00:00Z"})


def test_changes_read_together_are_judged_page_by_page() -> None:
    changes = payload("mediawiki_recentchanges_1")["query"]["recentchanges"]
    changes += payload("mediawiki_recentchanges_2")["query"]["recentchanges"]
    edits = [e for e in (change_edit(c) for c in changes) if e is not None]
    fates = {j.edit.revision: j for j in judge(edits, 15)}
    assert [j.edit.revision for j in judge(edits, 15)] == [e.revision for e in edits]
    assert fates[901].reverted_by == 902  # same content as 900 again
    assert fates[902].is_revert
    assert fates[902].reverts == (901,)
    assert fates[904].reverted
    assert fates[904].reverted_by is None
    assert fates[905].is_revert
    assert fates[905].reverts == ()
    assert not fates[903].reverted
