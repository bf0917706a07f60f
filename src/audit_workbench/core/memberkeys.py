"""Signing keys of the audit team on a laptop, and the one-time codes that hand them over.

At checkout the office makes an Ed25519 key for each team member, keeps only the public half, and
puts the private half into the package wrapped with a one-time laptop code (shown once, in the
office, to that member). On the laptop the member's first login with the code unwraps the key and
wraps it again with the laptop password the member sets; a return is signed with it. So only who
knows a member's laptop password can sign as that member: replacing a password hash in the laptop
database gives no key.

Wrapping: scrypt (n = 2^15, r = 8, p = 1) derives a 256-bit key from the secret and a random salt;
AES-256-GCM seals the raw private key with a random nonce, and binds it (as associated data) to what
the key is for (the checkout and the member), so a wrapped key cannot be moved to another member or
checkout. Both primitives come from `cryptography`. A wrong secret fails the GCM tag: `WrongSecret`.

This module imports only the standard library and `cryptography`; where keys are kept, who may use
them and what is signed belong to the services.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

# Codes are typed from a printout: no 0/O, 1/I/L; 20 characters of 32 = 100 bits, in groups of five.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 20
SCRYPT_N = 2**15  # ~32 MiB and a tenth of a second: the cost of one guess at a laptop password
SCRYPT_R = 8
SCRYPT_P = 1
MAX_SCRYPT_N = 2**20  # what an envelope read from a file may ask for
ENVELOPE = "aw-key-1"


class WrongSecret(ValueError):
    """The code or password does not open the wrapped key (or the envelope was altered)."""


def new_code() -> str:
    """A one-time laptop code: XXXXX-XXXXX-XXXXX-XXXXX."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 5] for i in range(0, CODE_LENGTH, 5))


def normalize_code(text: str) -> str:
    """A code as typed (lower case, spaces, dashes) in its canonical form."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t")
    return "-".join(cleaned[i : i + 5] for i in range(0, len(cleaned), 5))


def looks_like_code(text: str) -> bool:
    cleaned = normalize_code(text).replace("-", "")
    return len(cleaned) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in cleaned)


def context(checkout: str, member: str) -> bytes:
    """What a wrapped key is for: the associated data of its AES-GCM seal."""
    return f"audit-workbench member key\0{checkout}\0{member}".encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise WrongSecret(f"{what} is missing")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise WrongSecret(f"{what} is not base64") from None


def _kdf(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret.encode("utf-8"))


def public_text(key: Ed25519PrivateKey) -> str:
    """The public half as base64 of its 32 raw bytes."""
    return _b64(key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def fingerprint(public: str) -> str:
    """A short name of a public key for the event log and the screen."""
    return hashlib.sha256(_unb64(public, "the public key")).hexdigest()[:16]


def wrap(key: Ed25519PrivateKey, secret: str, bound_to: bytes) -> dict[str, Any]:
    """The private key sealed with a secret (a code or a password), as a JSON-able envelope."""
    salt, nonce = os.urandom(16), os.urandom(12)
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    sealed = AESGCM(_kdf(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(nonce, raw, bound_to)
    return {
        "format": ENVELOPE,
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "sealed": _b64(sealed),
    }


def unwrap(envelope: Mapping[str, Any], secret: str, bound_to: bytes) -> Ed25519PrivateKey:
    """Open an envelope made by `wrap`; `WrongSecret` when the secret (or anything else) is wrong."""
    if envelope.get("format") != ENVELOPE or envelope.get("kdf") != "scrypt":
        raise WrongSecret("not a wrapped member key")
    n, r, p = envelope.get("n"), envelope.get("r"), envelope.get("p")
    if not all(type(v) is int for v in (n, r, p)):
        raise WrongSecret("bad scrypt parameters")
    assert isinstance(n, int) and isinstance(r, int) and isinstance(p, int)
    if n < 2 or n > MAX_SCRYPT_N or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise WrongSecret("scrypt parameters out of range")
    salt, nonce = _unb64(envelope.get("salt"), "salt"), _unb64(envelope.get("nonce"), "nonce")
    sealed = _unb64(envelope.get("sealed"), "the sealed key")
    if len(nonce) != 12 or not 8 <= len(salt) <= 64:
        raise WrongSecret("bad salt or nonce")
    try:
        raw = AESGCM(_kdf(secret, salt, n, r, p)).decrypt(nonce, sealed, bound_to)
    except InvalidTag:
        raise WrongSecret("the secret does not open this key") from None
    if len(raw) != 32:
        raise WrongSecret("not an Ed25519 key")
    return Ed25519PrivateKey.from_private_bytes(raw)


def new_key(secret: str, bound_to: bytes) -> tuple[str, dict[str, Any]]:
    """A new member key: its public half (base64) and its private half wrapped with `secret`."""
    key = Ed25519PrivateKey.generate()
    return public_text(key), wrap(key, secret, bound_to)


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return _b64(key.sign(message))


def verify(public: str, message: bytes, signature: str) -> bool:
    """Whether `signature` (base64) is the holder of `public`'s signature of `message`."""
    try:
        raw_public = _unb64(public, "the public key")
        raw_signature = _unb64(signature, "the signature")
        Ed25519PublicKey.from_public_bytes(raw_public).verify(raw_signature, message)
    except (WrongSecret, ValueError, InvalidSignature):
        return False
    return True
