import pytest

from governance.methods import method
from ledger.kernel.errors import InvalidInput


def test_lazy_consensus_passes_when_nobody_objects_even_with_no_ballots() -> None:
    m = method("lazy_consensus")
    assert m.tally([], m.options([]), {}).passed
    assert m.tally([{"choice": "support"}, {"choice": "abstain"}], (), {}).passed


def test_one_veto_with_a_reason_blocks_lazy_consensus() -> None:
    m = method("lazy_consensus")
    tally = m.tally([{"choice": "support"}, {"choice": "veto", "reason": "breaks ABI"}], (), {})
    assert not tally.passed
    assert tally.details == {
        "counts": {"support": 1, "abstain": 0, "veto": 1},
        "objections": ["breaks ABI"],
    }


@pytest.mark.parametrize("name", ["lazy_consensus", "consent"])
def test_a_blocking_ballot_without_a_reason_is_refused(name: str) -> None:
    m = method(name)
    blocking = "veto" if name == "lazy_consensus" else "object"
    with pytest.raises(InvalidInput, match="reason"):
        m.check_ballot({"choice": blocking, "reason": "   "}, m.options([]), {})


def test_consent_passes_with_stand_asides_and_fails_on_a_standing_objection() -> None:
    m = method("consent")
    assert m.tally([{"choice": "consent"}, {"choice": "stand_aside"}], (), {}).passed
    assert not m.tally([{"choice": "object", "reason": "unsafe"}], (), {}).passed


def test_reasons_are_kept_only_when_given() -> None:
    m = method("consent")
    assert m.check_ballot({"choice": "consent"}, (), {}) == {"choice": "consent"}
    assert m.check_ballot({"choice": "object", "reason": " no "}, (), {}) == {
        "choice": "object",
        "reason": "no",
    }
