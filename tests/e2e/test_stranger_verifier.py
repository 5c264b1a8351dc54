"""A verifier written from docs/verifying.md alone, against an instance on loopback.

Nothing of the project is imported here: only the standard library, ``rfc8785`` and
``cryptography`` (and pytest, which runs it). From what the instance publishes over HTTP this reproduces the hash
chain and the Merkle root of the journal, checks the tree head's, the report's and the
checkpoint's signatures with the published keys, an inclusion proof, the schemas'
``$id``, and the worked example of the document itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

DOC = Path(__file__).resolve().parents[2] / "docs" / "verifying.md"
DOCUMENT_KEYS = {"project_id", "seq", "type", "v", "body", "actor", "recorded_at"}


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
        body: bytes = response.read()
        return body


def get_json(url: str) -> Any:
    return json.loads(get(url))


def published_head(url: str, size: int) -> Any:
    """The tree head once it covers ``size`` events: the instance signs heads a few
    seconds behind its journal, and answers 404 ("try again shortly") before the first."""
    head: Any = None
    for _ in range(200):
        try:
            head = get_json(url)
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
        if head is not None and head["tree_size"] == size:
            break
        time.sleep(0.1)
    assert head is not None, "no tree head was published"
    return head


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.1, as the document states it."""
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def inclusion_root(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes:
    """RFC 9162 section 2.1.3.2."""
    fn, sn, r = index, size - 1, leaf
    for p in path:
        assert sn != 0
        if fn & 1 or fn == sn:
            r = sha256(b"\x01" + p + r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = sha256(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    assert sn == 0
    return r


def key_for(jwks: dict[str, Any], kid: str, typ: str) -> Ed25519PublicKey:
    """The Ed25519 key ``kid``, which must say it signs ``typ``."""
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == kid]
    assert (jwk["kty"], jwk["crv"]) == ("OKP", "Ed25519")
    assert typ in jwk["signs"]
    thumbprint = {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}
    canonical = json.dumps(thumbprint, separators=(",", ":"), sort_keys=True).encode()
    assert base64.urlsafe_b64encode(sha256(canonical)).decode().rstrip("=") == kid
    return Ed25519PublicKey.from_public_bytes(b64url(jwk["x"]))


def check_jws(token: str, jwks: dict[str, Any], typ: str, detached: bytes | None = None) -> Any:
    """Verify a compact JWS and return its payload (or check the detached one)."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(b64url(header_b64))
    assert header["alg"] == "EdDSA"
    assert header["typ"] == typ
    key = key_for(jwks, header["kid"], typ)
    if detached is None:
        key.verify(b64url(signature_b64), f"{header_b64}.{payload_b64}".encode())
        return json.loads(b64url(payload_b64))
    assert payload_b64 == ""
    assert (header["b64"], header["crit"]) == (False, ["b64"])
    key.verify(b64url(signature_b64), header_b64.encode() + b"." + detached)
    return None


def check_chain_and_root(lines: list[bytes], project_id: int) -> tuple[bytes, list[bytes]]:
    prev = bytes(32)
    leaves = []
    for seq, line in enumerate(lines, 1):
        item = json.loads(line)
        document = item["document"]
        assert set(document) == DOCUMENT_KEYS
        assert (document["seq"], document["project_id"]) == (seq, project_id)
        canonical = rfc8785.dumps(document)
        assert bytes.fromhex(item["prev_hash"]) == prev
        prev = sha256(prev + canonical)
        assert item["hash"] == prev.hex(), f"event {seq}"
        leaves.append(sha256(b"\x00" + canonical))
    return mth(leaves), leaves


def check_checkpoint(note: str, vkey: str, size: int, root: bytes) -> None:
    name, hex_id, key_b64 = vkey.strip().split("+", 2)
    raw = base64.b64decode(key_b64)
    assert raw[0] == 0x01
    public = raw[1:]
    key_id = sha256(name.encode() + b"\n" + b"\x01" + public)[:4]
    assert key_id.hex() == hex_id
    text, _, signatures = note.rpartition("\n\n")
    text += "\n"
    origin, tree_size, root_b64 = text.splitlines()
    assert (origin, int(tree_size), base64.b64decode(root_b64)) == (name, size, root)
    (line,) = signatures.splitlines()
    dash, signer, signature_b64 = line.split(" ")
    assert (dash, signer) == ("\u2014", name)
    signature = base64.b64decode(signature_b64)
    assert signature[:4] == key_id
    Ed25519PublicKey.from_public_bytes(public).verify(signature[4:], text.encode())


def check_worked_example() -> None:
    text = DOC.read_text()

    def block(tag: str) -> str:
        found = re.search(rf"```{tag}\n(.*?)\n```", text, re.DOTALL)
        assert found, tag
        return found.group(1)

    first, second = json.loads(block("json event-1")), json.loads(block("json event-2"))
    c1, c2 = rfc8785.dumps(first), rfc8785.dumps(second)
    assert (c1.decode(), c2.decode()) == (block("text canonical-1"), block("text canonical-2"))
    numbers = dict(line.split(" = ", 1) for line in block("text numbers").splitlines())
    hash_1 = sha256(bytes(32) + c1)
    leaves = [sha256(b"\x00" + c1), sha256(b"\x00" + c2)]
    assert numbers["hash 1"].endswith(hash_1.hex())
    assert numbers["hash 2"].endswith(sha256(hash_1 + c2).hex())
    assert numbers["leaf 1"].endswith(leaves[0].hex())
    assert numbers["leaf 2"].endswith(leaves[1].hex())
    assert numbers["root 2"].endswith(mth(leaves).hex())


def test_a_stranger_reproduces_the_journal_and_checks_every_signature(
    published_commons: dict[str, str],
) -> None:
    check_worked_example()
    base, slug = published_commons["url"], published_commons["slug"]
    jwks = get_json(f"{base}/.well-known/jwks.json")
    lines = get(f"{base}/projects/{slug}/journal.jsonl").splitlines()
    head = published_head(f"{base}/projects/{slug}/tree-head", len(lines))
    project_id = json.loads(lines[0])["document"]["project_id"]

    root, leaves = check_chain_and_root(lines, project_id)
    assert root.hex() == head["root_hash"]
    statement = check_jws(head["jws"], jwks, "tree-head+jws")
    assert statement == {
        "typ": "commons-tree-head/1",
        "project": slug,
        "project_id": project_id,
        "tree_size": len(lines),
        "root_hash": root.hex(),
        "timestamp": head["timestamp"],
    }

    seq = len(lines) // 2
    proof = get_json(f"{base}/projects/{slug}/proofs/inclusion?seq={seq}&size={len(lines)}")
    path = [bytes.fromhex(h) for h in proof["path"]]
    assert inclusion_root(seq - 1, len(lines), leaves[seq - 1], path) == root

    note = get(f"{base}/projects/{slug}/checkpoint").decode()
    vkey = get(f"{base}/projects/{slug}/checkpoint/vkey").decode()
    check_checkpoint(note, vkey, len(lines), root)

    signed = get_json(f"{base}/projects/{slug}/reports/{published_commons['period']}.json")
    report = signed["report"]
    check_jws(signed["signature"]["jws"], jwks, "commons-report+jws", rfc8785.dumps(report))
    embedded = check_jws(report["tree_head"]["jws"], jwks, "tree-head+jws")
    size = embedded["tree_size"]
    events = report["evidence"]["events"]
    assert [e["seq"] for e in events] == list(range(1, size + 1))
    own = [sha256(b"\x00" + rfc8785.dumps(e)) for e in events]
    assert mth(own).hex() == embedded["root_hash"]
    assert own[: len(leaves)] == leaves[: len(own)]

    for path_id in ("/schemas/journal-events/v2.json", "/schemas/commons-report/v1.json"):
        assert get_json(base + path_id)["$id"] == path_id
    with pytest.raises(urllib.error.HTTPError) as missing:
        get(f"{base}/schemas/nothing/v1.json")
    assert missing.value.code == 404
    missing.value.close()
