"""Settings of the browser-facing HTTP layer: CORS origins, budgets, the response cache;
and entity-tag matching."""

from __future__ import annotations

import pytest

from app.persisted.cache import Cached, ResponseCache, etag, matches
from app.settings import Settings, SettingsError


def test_cors_origins_are_a_list_of_origins() -> None:
    settings = Settings.from_env(
        {"COMMONS_CORS_ORIGINS": "https://A.example.org/, http://localhost:5173"}
    )
    assert settings.cors_origins == ("https://a.example.org", "http://localhost:5173")
    assert Settings.from_env({}).cors_origins == ()


@pytest.mark.parametrize("value", ["ledger.example.org", "https://x.org/path", "ftp://x.org"])
def test_a_malformed_origin_stops_the_instance(value: str) -> None:
    with pytest.raises(SettingsError, match="COMMONS_CORS_ORIGINS"):
        Settings.from_env({"COMMONS_CORS_ORIGINS": value})


def test_etags_change_with_each_part_and_match_weakly() -> None:
    tag = etag("digest", '{"slug":"a"}', 7, 12, "anonymous")
    assert tag.startswith('W/"7.12.')
    others = {
        etag("other", '{"slug":"a"}', 7, 12, "anonymous"),
        etag("digest", '{"slug":"b"}', 7, 12, "anonymous"),
        etag("digest", '{"slug":"a"}', 7, 13, "anonymous"),
        etag("digest", '{"slug":"a"}', 7, 12, "maintainer"),
    }
    assert tag not in others
    assert len(others) == 4
    assert matches(tag, tag)
    assert matches(f'"x", {tag.removeprefix("W/")}', tag)
    assert matches("*", tag)
    assert not matches(None, tag)
    assert not matches('W/"7.12.other"', tag)


def test_the_cache_serves_an_answer_only_for_its_head_and_keeps_the_newest() -> None:
    cache = ResponseCache(2)
    key = ("Op", "{}", "anonymous")
    cache.put(key, Cached(5, "t5", b"five", []))
    assert cache.get(key, 5) == Cached(5, "t5", b"five", [])
    assert cache.get(key, 6) is None
    cache.put(key, Cached(6, "t6", b"six", []))
    cache.put(key, Cached(5, "t5", b"five", []))  # a slower, older computation
    assert cache.get(key, 6) == Cached(6, "t6", b"six", [])
    cache.put(("A", "{}", "anonymous"), Cached(1, "a", b"a", []))
    cache.put(("B", "{}", "anonymous"), Cached(1, "b", b"b", []))
    assert len(cache) == 2
    assert cache.get(key, 6) is None  # least recently used, dropped
