"""Signed certificate claims: the offline-verifiable QR payload printed on every certificate.

A payload reads ``AWB1.<data>.<sig>``. ``<data>`` is base64url (no padding) of the UTF-8 JSON object,
sorted keys and no spaces, holding the certificate's claims under short keys; ``<sig>`` is base64url
(no padding) of the Ed25519 signature of exactly those JSON bytes. Anyone with the certification
body's public key (PEM, SubjectPublicKeyInfo) can check a certificate without this program, e.g.
``openssl pkeyutl -verify -pubin -inkey body.pem -rawin -in data.json -sigfile sig.bin``.

Two claims are optional, so payloads made before them still read: ``a``, the organisation's
address as certified, and ``r``, the date of a re-issue (a certificate change: same number, same
cycle, new signature). Every certificate issued or re-issued now carries the address.

The payload must fit a QR code that still scans when printed: ``qr_version`` says which version
(size) of code a payload needs at error correction level M, and ``QR_MAX_VERSION`` is the largest
the certificate prints (see reports.certificate_pdf).

This module owns the format, the keys' PEM forms and the signing; where the private key is kept
and who may sign belong to the services. It imports only the standard library and ``cryptography``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "AWB1"
SIGNATURE_LENGTH = 64
MAX_PAYLOAD_LENGTH = 4096  # a QR code holds less than 3 KB; anything longer is not ours

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")

# short JSON key -> CertificateClaims field
_KEYS: dict[str, str] = {
    "n": "number",
    "o": "organization",
    "c": "credit_code",
    "g": "grade",
    "i": "issued_on",
    "e": "expires_on",
    "s": "rubric_id",
    "b": "body_name",
}
# optional short key -> field: left out of the JSON when the claim is None
_OPTIONAL_KEYS: dict[str, str] = {"a": "address", "r": "reissued_on"}
_DATE_KEYS = frozenset({"i", "e", "r"})

# How many bytes a QR code of each version (1–40) holds at error correction level M in byte mode
# (ISO/IEC 18004 table 7). A payload is ASCII (base64url), one byte per character.
QR_BYTES_M: tuple[int, ...] = (
    14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
    711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989,
    2099, 2213, 2331,
)  # fmt: skip
# The largest code the certificate prints: version 25 is 117 modules, about 0.35 mm each in the
# certificate's 124 pt square, which phones and `certificate verify` read from a print or a scan.
QR_MAX_VERSION = 25
QR_MAX_PAYLOAD = QR_BYTES_M[QR_MAX_VERSION - 1]


class CertSigError(ValueError):
    """Base of the errors of this module."""


class PayloadError(CertSigError):
    """The text is not a well-formed certificate payload."""


class SignatureInvalid(CertSigError):
    """The payload is well formed but its signature does not match the claims and the key."""


class KeyFileError(CertSigError):
    """A PEM key that cannot be used: wrong passphrase, damaged file or not an Ed25519 key."""


@dataclass(frozen=True)
class CertificateClaims:
    """What a certificate's QR code vouches for."""

    number: str
    organization: str
    credit_code: str
    grade: str
    issued_on: date
    expires_on: date
    rubric_id: str
    body_name: str
    address: str | None = None  # the organisation's address as certified (payloads since 2026)
    reissued_on: date | None = None  # set when a certificate change re-issued the certificate

    def to_dict(self) -> dict[str, str]:
        """The short-key dict that is serialised into the payload."""
        out: dict[str, str] = {}
        for key, field in (*_KEYS.items(), *_OPTIONAL_KEYS.items()):
            value = getattr(self, field)
            if value is None and key in _OPTIONAL_KEYS:
                continue
            out[key] = value.isoformat() if isinstance(value, date) else str(value)
        return out

    @classmethod
    def from_dict(cls, raw: Any) -> CertificateClaims:
        if not isinstance(raw, dict):
            raise PayloadError("payload data is not a JSON object")
        missing = sorted(set(_KEYS) - set(raw))
        unknown = sorted(set(raw) - set(_KEYS) - set(_OPTIONAL_KEYS))
        if missing:
            raise PayloadError(f"payload data lacks the key(s) {', '.join(missing)}")
        if unknown:
            raise PayloadError(f"payload data has unknown key(s) {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for key, field in (*_KEYS.items(), *_OPTIONAL_KEYS.items()):
            if key not in raw:
                continue  # an optional claim the payload does not make
            value = raw[key]
            if not isinstance(value, str):
                raise PayloadError(f"payload data key {key!r} ({field}) must be a string")
            if key in _DATE_KEYS:
                try:
                    values[field] = date.fromisoformat(value)
                except ValueError:
                    raise PayloadError(
                        f"payload data key {key!r} ({field}) is not an ISO date: {value!r}"
                    ) from None
                if values[field].isoformat() != value:
                    raise PayloadError(f"payload data key {key!r} ({field}) is not an ISO date: {value!r}")
            else:
                values[field] = value
        return cls(**values)

    def to_json_bytes(self) -> bytes:
        """The canonical JSON bytes that are signed."""
        return canonical_json(self.to_dict())


def qr_version(payload: str) -> int | None:
    """The smallest QR version (1–40) that holds `payload` at level M in byte mode; None if none does."""
    size = len(payload.encode("utf-8"))
    for version, capacity in enumerate(QR_BYTES_M, start=1):
        if size <= capacity:
            return version
    return None


def payload_length(claims: CertificateClaims) -> int:
    """The length of the payload these claims sign to (the same for any key): ``AWB1.<data>.<sig>``."""
    data = len(claims.to_json_bytes())
    return len(PREFIX) + 1 + (data * 4 + 2) // 3 + 1 + (SIGNATURE_LENGTH * 4 + 2) // 3


def canonical_json(obj: dict[str, str]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, what: str) -> bytes:
    if not _B64URL.match(text):
        raise PayloadError(f"{what} is not base64url text (only A-Z a-z 0-9 - _ without padding)")
    if len(text) % 4 == 1:
        raise PayloadError(f"{what} has an impossible base64url length ({len(text)} characters)")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:  # pragma: no cover - the checks above catch these
        raise PayloadError(f"{what} is not valid base64url ({exc})") from None


# -- keys -----------------------------------------------------------------------------------------
def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_to_pem(key: Ed25519PrivateKey, passphrase: bytes) -> bytes:
    """The private key as encrypted PKCS#8 PEM. A passphrase is required: the key is never kept in clear."""
    if not passphrase:
        raise ValueError("a passphrase is required to export a private key")
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase),
    )


def private_key_from_pem(pem: bytes, passphrase: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase or None)
    except TypeError as exc:
        raise KeyFileError(f"cannot read the private key: {exc}") from None
    except ValueError:
        raise KeyFileError("cannot read the private key: wrong passphrase or damaged PEM") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"the private key is not an Ed25519 key ({type(key).__name__})")
    return key


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The public key as PEM SubjectPublicKeyInfo, the form openssl reads with ``-pubin``."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        raise KeyFileError("cannot read the public key: not a PEM SubjectPublicKeyInfo") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"the public key is not an Ed25519 key ({type(key).__name__})")
    return key


def raw_public_key(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of the public key."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)


def public_key_fingerprint(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex, grouped by 4 for reading aloud over the phone."""
    digest = hashlib.sha256(raw_public_key(key)).hexdigest()
    return ":".join(digest[i : i + 4] for i in range(0, len(digest), 4))


# -- payloads -------------------------------------------------------------------------------------
def sign_certificate(private_key: Ed25519PrivateKey, claims: CertificateClaims) -> str:
    """The QR payload ``AWB1.<data>.<sig>`` for these claims."""
    data = claims.to_json_bytes()
    signature = private_key.sign(data)
    return f"{PREFIX}.{b64url_encode(data)}.{b64url_encode(signature)}"


def parse_payload(payload: str | bytes) -> tuple[CertificateClaims, bytes, bytes]:
    """Split and decode a payload without checking its signature: (claims, signed JSON bytes, signature)."""
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("ascii")
        except UnicodeDecodeError:
            raise PayloadError("payload is not ASCII text") from None
    if not isinstance(payload, str):
        raise PayloadError(f"payload must be text, not {type(payload).__name__}")
    payload = payload.strip()
    if not payload:
        raise PayloadError("payload is empty")
    if len(payload) > MAX_PAYLOAD_LENGTH:
        raise PayloadError(f"payload is too long ({len(payload)} characters)")
    parts = payload.split(".")
    if parts[0] != PREFIX:
        raise PayloadError(f"payload does not start with {PREFIX}. (found {parts[0][:12]!r})")
    if len(parts) != 3:
        raise PayloadError(f"payload must have 3 parts separated by '.', found {len(parts)}")
    data = b64url_decode(parts[1], "payload data")
    signature = b64url_decode(parts[2], "payload signature")
    if len(signature) != SIGNATURE_LENGTH:
        raise PayloadError(f"payload signature is {len(signature)} bytes, an Ed25519 signature is 64")
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PayloadError("payload data is not UTF-8 JSON") from None
    claims = CertificateClaims.from_dict(raw)
    if canonical_json(raw) != data:
        raise PayloadError("payload data is not in canonical form (sorted keys, no spaces)")
    return claims, data, signature


def verify_payload(public_key: Ed25519PublicKey, payload: str | bytes) -> CertificateClaims:
    """The claims of a payload whose signature this key made; PayloadError or SignatureInvalid otherwise."""
    claims, data, signature = parse_payload(payload)
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        raise SignatureInvalid(
            "the signature does not match: the certificate data was altered or signed with another key"
        ) from None
    return claims


def verify_payload_any(public_keys: Iterable[Ed25519PublicKey], payload: str | bytes) -> CertificateClaims:
    """`verify_payload` against each of the body's keys (the current one and every earlier one): a
    certificate signed before a key rotation stays valid."""
    claims, data, signature = parse_payload(payload)
    for key in public_keys:
        try:
            key.verify(signature, data)
        except InvalidSignature:
            continue
        return claims
    raise SignatureInvalid(
        "the signature does not match: the certificate data was altered or signed with another key"
    )


_PEM_PUBLIC = re.compile(rb"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)


def load_public_keys(text: bytes) -> list[Ed25519PublicKey]:
    """Every Ed25519 public key (PEM SubjectPublicKeyInfo) in a file such as `keys export-public
    --all` writes; KeyFileError when there is none or one is unreadable."""
    blocks = _PEM_PUBLIC.findall(text)
    if not blocks:
        raise KeyFileError("no PEM public key (-----BEGIN PUBLIC KEY-----) in the file")
    return [load_public_key(block) for block in blocks]


# -- detached signatures (log checkpoints, backup manifests) --------------------------------------
def sign_detached(private_key: Ed25519PrivateKey, data: bytes) -> str:
    """The Ed25519 signature of `data`, base64url without padding."""
    return b64url_encode(private_key.sign(data))


def detached_valid(public_key: Ed25519PublicKey, data: bytes, signature: str) -> bool:
    """Whether `signature` (base64url) is this key's signature of `data`; False for any malformed input."""
    if not isinstance(signature, str):
        return False
    try:
        raw = b64url_decode(signature, "signature")
    except PayloadError:
        return False
    if len(raw) != SIGNATURE_LENGTH:
        return False
    try:
        public_key.verify(raw, data)
    except InvalidSignature:
        return False
    return True
