"""Signed notes and checkpoints match the C2SP specifications and Go's implementation.

The vectors are those of ``golang.org/x/mod/sumdb/note`` (note_test.go): the signer key
``PRIVATE+KEY+PeterNeumann+c74f20a3+AYEK...`` is base64(0x01 || Ed25519 seed), and the
signature of the two-line text is the one Go's ``note.Sign`` writes.
"""

from __future__ import annotations

import base64
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.journal import notes

PETER_SEED = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdng"
    "otpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox"
    "33WWd1RvMc+QQ=\n"
)


def peter() -> Ed25519PrivateKey:
    seed = base64.b64decode(PETER_SEED)
    assert seed[0] == notes.ED25519
    return Ed25519PrivateKey.from_private_bytes(seed[1:])


def test_the_key_id_and_vkey_are_those_go_derives() -> None:
    verifier = notes.verifier_of("PeterNeumann", peter().public_key())
    assert verifier.id.hex() == "c74f20a3"
    assert verifier.vkey() == PETER_VKEY
    assert notes.parse_vkey(PETER_VKEY) == verifier


def test_signing_gives_the_note_go_signs() -> None:
    assert notes.sign_note(TEXT, "PeterNeumann", peter()) == TEXT + "\n" + PETER_SIG


def test_a_note_opens_with_its_key_and_ignores_unknown_signatures() -> None:
    note = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert notes.open_note(note, notes.parse_vkey(PETER_VKEY)) == TEXT
    assert notes.open_note(note, notes.parse_vkey(ENOCH_VKEY)) == TEXT


@pytest.mark.parametrize(
    ("note", "reason"),
    [
        (TEXT, "a signed note is text, a blank line"),
        (TEXT + "\n", "a signed note is text, a blank line"),
        (TEXT + "\n" + PETER_SIG[:-1], "ends in a newline"),
        ("\x01" + TEXT + "\n" + PETER_SIG, "control characters"),
        (TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "Bad Name"), "malformed signature"),
        (TEXT + "\n" + PETER_SIG + "Unexpected line.\n", "malformed signature"),
        (TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:], "does not verify"),
        (TEXT + "\n" + ENOCH_SIG, "carries no signature of PeterNeumann"),
        (TEXT + "\n" + PETER_SIG * 17, "malformed signature lines"),
    ],
)
def test_malformed_or_unsigned_notes_are_refused(note: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        notes.open_note(note, notes.parse_vkey(PETER_VKEY))


@pytest.mark.parametrize(
    "vkey",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3",
    ],
)
def test_mangled_verifier_keys_are_refused(vkey: str) -> None:
    with pytest.raises(ValueError, match=r"vkey|key name"):
        notes.parse_vkey(vkey)


def test_a_checkpoint_is_origin_size_and_base64_root_and_round_trips() -> None:
    spec = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    point = notes.parse_checkpoint(spec)
    assert (point.origin, point.size) == ("example.com/behind-the-sofa", 20852163)
    assert point.text() == spec
    signed = notes.signed_checkpoint(point, peter())
    name_key = notes.verifier_of(point.origin, peter().public_key())
    assert notes.parse_checkpoint(notes.open_note(signed, name_key)) == point
    assert signed.startswith(spec + "\n— example.com/behind-the-sofa ")


@pytest.mark.parametrize(
    "text",
    [
        "origin\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "origin\n1\nAAAA\n",
        "origin\n1\n",
    ],
)
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"tree size|root hash|origin, a size"):
        notes.parse_checkpoint(text)
