import pytest

from governance import live
from ledger.kernel.errors import Unavailable


async def test_watchers_beyond_the_cap_are_refused_before_any_connection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(live, "MAX_WATCHERS", 0)
    with pytest.raises(Unavailable, match="too many live tallies"):
        await anext(live.watch("postgresql://127.0.0.1:1/none", "wiki", 1))
    assert live._Slots.active == 0
