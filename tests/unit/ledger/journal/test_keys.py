"""One signing key per purpose, each listed with what it signs and when it was valid."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ledger.journal import jws, keys
from ledger.journal.keys import CHECKPOINTS, PURPOSES, REPORTS, TOKENS, TREE_HEADS


def test_each_purpose_has_its_own_key_stored_in_its_own_folder(tmp_path: Path) -> None:
    ring = keys.load_or_create(tmp_path)
    kids = {r.purpose.name: r.active.kid for r in ring.rings()}
    assert len(set(kids.values())) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in PURPOSES)
    again = keys.load_or_create(tmp_path)
    assert {r.purpose.name: r.active.kid for r in again.rings()} == kids
    listed = {k["kid"]: k["signs"] for k in ring.jwks()["keys"]}
    assert listed == {
        ring.tokens.active.kid: [TOKENS.typ],
        ring.tree_heads.active.kid: [TREE_HEADS.typ],
        ring.reports.active.kid: [REPORTS.typ],
        ring.checkpoints.active.kid: [CHECKPOINTS.typ],
    }


def test_a_rotated_key_is_listed_as_retired_when_its_successor_took_over(tmp_path: Path) -> None:
    before = keys.load_or_create(tmp_path)
    after = keys.rotate(tmp_path, [REPORTS])
    assert after.tokens.active.kid == before.tokens.active.kid
    assert after.reports.active.kid != before.reports.active.kid
    listed = {k["kid"]: k for k in after.jwks()["keys"]}
    old = listed[before.reports.active.kid]
    assert old["exp"] >= old["nbf"]
    assert old["exp"] * 1_000_000_000 >= after.reports.active.created
    assert "exp" not in listed[after.reports.active.kid]
    signed_late = jws.sign_payload(before.reports, {"late": True})
    tomorrow = datetime.fromtimestamp(time.time() + 86_400, UTC)
    with pytest.raises(ValueError, match="had been retired"):
        jws.verify_jws(signed_late, after.jwks(), typ=REPORTS.typ, at=tomorrow)
    assert jws.verify_jws(signed_late, after.jwks(), typ=REPORTS.typ) == {"late": True}


def test_keys_of_an_instance_from_before_the_split_stay_as_retired_keys_of_every_purpose(
    tmp_path: Path,
) -> None:
    legacy = keys.KeyRing.generate().active
    keys._save(tmp_path, legacy)
    ring = keys.load_or_create(tmp_path)
    assert all(r.active.kid != legacy.kid and legacy.kid in r.by_kid for r in ring.rings())
    listed = {k["kid"]: k for k in ring.jwks()["keys"]}
    assert listed[legacy.kid]["signs"] == sorted(p.typ for p in PURPOSES)
    assert "exp" in listed[legacy.kid]


def test_a_signature_verifies_only_as_what_its_key_signs_and_while_the_key_was_valid() -> None:
    ring = keys.InstanceKeys.generate()
    token = jws.sign_payload(ring.reports, {"a": 1})
    set_ = ring.jwks()
    assert jws.verify_jws(token, set_, typ=REPORTS.typ) == {"a": 1}
    with pytest.raises(ValueError, match="typ is 'commons-report\\+jws', not 'tree-head\\+jws'"):
        jws.verify_jws(token, set_, typ=TREE_HEADS.typ)
    forged = jws.sign_payload(keys.KeyRing([ring.tokens.active], REPORTS), {"a": 1})
    with pytest.raises(ValueError, match="does not sign 'commons-report\\+jws'"):
        jws.verify_jws(forged, set_, typ=REPORTS.typ)
    long_ago = datetime.fromtimestamp(time.time() - 86_400, UTC)
    with pytest.raises(ValueError, match="not yet valid"):
        jws.verify_jws(token, set_, typ=REPORTS.typ, at=long_ago)
