"""The Merkle tree against RFC 6962's test vectors and its own definitions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.journal import merkle

DATA = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"]  # fmt: skip
LEAVES = [merkle.leaf(bytes.fromhex(d)) for d in DATA]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip


def _stored(leaves: list[bytes]) -> dict[tuple[int, int], bytes]:
    """Every complete aligned subtree of a tree, as the store keeps them."""
    nodes = {(0, i): h for i, h in enumerate(leaves)}
    level, width = 0, len(leaves)
    while width > 1:
        for i in range(width // 2):
            nodes[(level + 1, i)] = merkle.node(nodes[(level, 2 * i)], nodes[(level, 2 * i + 1)])
        level, width = level + 1, width // 2
    return nodes


def test_the_empty_tree_hashes_to_sha256_of_nothing() -> None:
    assert merkle.root([]).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_rfc_6962_vectors(size: int) -> None:
    assert merkle.root(LEAVES[:size]).hex() == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_match_the_rfc_6962_vectors(
    index: int, size: int, path: list[str]
) -> None:
    proof = merkle.inclusion_proof(LEAVES[:size], index)
    assert [p.hex() for p in proof] == path
    root = bytes.fromhex(ROOTS[size - 1])
    assert merkle.verify_inclusion(index, size, LEAVES[index], proof, root)


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_consistency_proofs_match_the_rfc_6962_vectors(old: int, new: int, path: list[str]) -> None:
    proof = merkle.consistency_proof(LEAVES[:new], old)
    assert [p.hex() for p in proof] == path
    old_root, new_root = bytes.fromhex(ROOTS[old - 1]), bytes.fromhex(ROOTS[new - 1])
    assert merkle.verify_consistency(old, new, old_root, new_root, proof)


def test_a_proof_for_another_leaf_or_size_does_not_verify() -> None:
    proof = merkle.inclusion_proof(LEAVES, 5)
    root = bytes.fromhex(ROOTS[7])
    assert not merkle.verify_inclusion(4, 8, LEAVES[5], proof, root)
    assert not merkle.verify_inclusion(5, 8, LEAVES[4], proof, root)
    assert not merkle.verify_inclusion(5, 8, LEAVES[5], proof[:-1], root)
    assert not merkle.verify_inclusion(8, 8, LEAVES[5], proof, root)


def test_a_consistency_proof_does_not_verify_a_rewritten_history() -> None:
    forged = [*LEAVES[:3], merkle.leaf(b"rewritten"), *LEAVES[4:]]
    proof = merkle.consistency_proof(forged, 6)
    assert not merkle.verify_consistency(6, 8, bytes.fromhex(ROOTS[5]), merkle.root(forged), proof)
    assert not merkle.verify_consistency(6, 8, bytes.fromhex(ROOTS[5]), bytes.fromhex(ROOTS[7]), [])
    assert not merkle.verify_consistency(9, 8, bytes.fromhex(ROOTS[5]), bytes.fromhex(ROOTS[7]), [])


def test_a_range_is_covered_by_complete_aligned_subtrees_largest_first() -> None:
    assert merkle.subtrees(0, 7) == [(2, 0), (1, 2), (0, 6)]
    assert merkle.subtrees(8, 13) == [(2, 2), (0, 12)]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 70).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_proofs_from_stored_subtrees_equal_the_rfc_definition(case: tuple[int, int]) -> None:
    size, index = case
    leaves = [merkle.leaf(i.to_bytes(4, "big")) for i in range(size)]
    stored = _stored(leaves)
    root = merkle.root(leaves)
    path = merkle.resolve(merkle.inclusion_plan(index, size), stored.__getitem__)
    assert path == merkle.inclusion_proof(leaves, index)
    assert merkle.verify_inclusion(index, size, leaves[index], path, root)
    old = index + 1
    proof = merkle.resolve(merkle.consistency_plan(old, size), stored.__getitem__)
    assert proof == merkle.consistency_proof(leaves, old)
    assert merkle.verify_consistency(old, size, merkle.root(leaves[:old]), root, proof)
    if proof:
        bent = [*proof[:-1], merkle.node(proof[-1], proof[-1])]
        assert not merkle.verify_consistency(old, size, merkle.root(leaves[:old]), root, bent)
