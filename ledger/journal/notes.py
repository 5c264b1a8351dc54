"""Tree heads as C2SP checkpoints (c2sp.org/tlog-checkpoint) in signed notes
(c2sp.org/signed-note), so transparency-log witnesses and monitors can follow them.

A checkpoint's note text is three lines: the origin (``<log name>/<project slug>``),
the tree size in decimal and the base64 RFC 6962 root, each ending in a newline. The
signed note adds a blank line and one signature line per key::

    — <key name> base64(key ID || Ed25519 signature of the note text)

with the key name equal to the origin and ``key ID = SHA-256(key name || 0x0A || 0x01
|| 32-byte public key)[:4]``. A verifier key (``vkey``) is published as
``<key name>+<hex key ID>+base64(0x01 || public key)``, the form Go's
``golang.org/x/mod/sumdb/note`` reads. Ed25519 signatures are deterministic, so the
checkpoint of a stored head is the same bytes every time it is served. Pure, no I/O.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.journal.keys import raw_public

ED25519 = 0x01
DASH = "\u2014"
MAX_SIGNATURES = 16


def key_id(name: str, public: bytes) -> bytes:
    """The 4-byte key ID of an Ed25519 note key."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public).digest()[:4]


def _check_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise ValueError(f"a key name is non-empty without spaces or '+': {name!r}")
    return name


@dataclass(frozen=True, slots=True)
class Verifier:
    """A note verifier key: its name, 4-byte ID and Ed25519 public key."""

    name: str
    id: bytes
    public: bytes

    def vkey(self) -> str:
        """The published form ``name+hexid+base64(0x01 || key)``."""
        key = base64.b64encode(bytes([ED25519]) + self.public).decode()
        return f"{self.name}+{self.id.hex()}+{key}"

    def verify(self, text: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, text)
        except InvalidSignature:
            return False
        return True


def verifier_of(name: str, public: Ed25519PublicKey) -> Verifier:
    """The verifier of a key under a name."""
    raw = raw_public(public)
    return Verifier(_check_name(name), key_id(name, raw), raw)


def parse_vkey(text: str) -> Verifier:
    """A verifier from its published form; ValueError when malformed or inconsistent."""
    name, plus, rest = text.strip().partition("+")
    hex_id, plus2, encoded = rest.partition("+")
    try:
        raw = base64.b64decode(encoded, validate=True)
        wanted = bytes.fromhex(hex_id)
    except (binascii.Error, ValueError):
        raise ValueError("a vkey is name+hexid+base64key") from None
    if not plus or not plus2 or len(hex_id) != 8 or len(raw) != 33 or raw[0] != ED25519:
        raise ValueError("a vkey is name+hexid+base64(0x01 || 32-byte Ed25519 key)")
    verifier = Verifier(_check_name(name), wanted, raw[1:])
    if key_id(name, raw[1:]) != wanted:
        raise ValueError("the vkey's key ID does not match its name and key")
    return verifier


def sign_note(text: str, name: str, private: Ed25519PrivateKey) -> str:
    """``text`` (ending in a newline) signed by one key as a signed note."""
    _check_text(text)
    verifier = verifier_of(name, private.public_key())
    signature = base64.b64encode(verifier.id + private.sign(text.encode())).decode()
    return f"{text}\n{DASH} {name} {signature}\n"


def _check_text(text: str) -> None:
    if not text.endswith("\n") or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise ValueError("a note's text ends in a newline and holds no control characters")


def open_note(note: str, verifier: Verifier) -> str:
    """The text of a signed note that ``verifier`` signed; ValueError otherwise.

    Signatures of other keys are ignored; one of this key that fails rejects the note."""
    _check_text(note)
    text, blank, signatures = note.rpartition("\n\n")
    if not blank or not signatures:
        raise ValueError("a signed note is text, a blank line and signature lines")
    lines = signatures.removesuffix("\n").split("\n")
    if len(lines) > MAX_SIGNATURES or not signatures.endswith("\n"):
        raise ValueError("malformed signature lines")
    verified = False
    for line in lines:
        dash, _, rest = line.partition(" ")
        name, _, encoded = rest.partition(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise ValueError(f"malformed signature line {line!r}") from None
        if dash != DASH or not name or " " in encoded or len(raw) < 5:
            raise ValueError(f"malformed signature line {line!r}")
        if name != verifier.name or raw[:4] != verifier.id:
            continue
        if not verifier.verify((text + "\n").encode(), raw[4:]):
            raise ValueError(f"the signature of {name} does not verify")
        verified = True
    if not verified:
        raise ValueError(f"the note carries no signature of {verifier.name}")
    return text + "\n"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A log's tree head: origin, size and RFC 6962 root."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        """The checkpoint's note text (three lines, no extensions)."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """A checkpoint from its note text (extension lines are ignored); ValueError otherwise."""
    lines = text.removesuffix("\n").split("\n")
    if len(lines) < 3 or not all(lines):
        raise ValueError("a checkpoint has an origin, a size and a root line")
    origin, size, root = lines[:3]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise ValueError("the tree size is a decimal number without leading zeroes")
    try:
        digest = base64.b64decode(root, validate=True)
    except binascii.Error:
        raise ValueError("the root hash is not base64") from None
    if len(digest) != 32:
        raise ValueError("the root hash is not 32 bytes")
    return Checkpoint(origin, int(size), digest)


def origin_of(log_name: str, slug: str) -> str:
    """The origin line (and key name) of a project's log."""
    return _check_name(f"{log_name}/{slug}")


def signed_checkpoint(checkpoint: Checkpoint, private: Ed25519PrivateKey) -> str:
    """The checkpoint as a signed note, its key named by its origin."""
    return sign_note(checkpoint.text(), checkpoint.origin, private)
