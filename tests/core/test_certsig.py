"""The signed QR payload: format, round trip, every way it can be forged or broken, and openssl's view."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit_workbench.core import certsig
from audit_workbench.core.certsig import (
    CertificateClaims,
    KeyFileError,
    PayloadError,
    SignatureInvalid,
)

CLAIMS = CertificateClaims(
    number="AWB-2025-0007",
    organization="杭州示例电器股份有限公司",
    credit_code="91330100MA2B3C4D5E",
    grade="five_star",
    issued_on=date(2025, 3, 14),
    expires_on=date(2028, 3, 13),
    rubric_id="sbt10401-2006-production",
    body_name="华信服务认证有限公司",
)


@pytest.fixture(scope="module")
def key():
    return certsig.generate_private_key()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_round_trip(key) -> None:
    payload = certsig.sign_certificate(key, CLAIMS)
    assert payload.startswith("AWB1.")
    assert payload.count(".") == 2
    assert "=" not in payload
    assert certsig.verify_payload(key.public_key(), payload) == CLAIMS


def test_data_is_the_documented_canonical_json(key) -> None:
    payload = certsig.sign_certificate(key, CLAIMS)
    claims, data, signature = certsig.parse_payload(payload)
    assert claims == CLAIMS
    assert len(signature) == 64
    expected = {
        "b": "华信服务认证有限公司",
        "c": "91330100MA2B3C4D5E",
        "e": "2028-03-13",
        "g": "five_star",
        "i": "2025-03-14",
        "n": "AWB-2025-0007",
        "o": "杭州示例电器股份有限公司",
        "s": "sbt10401-2006-production",
    }
    assert data == json.dumps(expected, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert data.startswith(b'{"b":"') and b" " not in data
    assert CertificateClaims.from_dict(expected) == CLAIMS
    assert CLAIMS.to_dict() == expected


def test_tampered_data_is_rejected(key) -> None:
    payload = certsig.sign_certificate(key, CLAIMS)
    prefix, _data, sig = payload.split(".")
    forged_claims = CertificateClaims(**{**CLAIMS.__dict__, "grade": "five_star", "number": "AWB-2025-0008"})
    forged = f"{prefix}.{_b64(forged_claims.to_json_bytes())}.{sig}"
    with pytest.raises(SignatureInvalid, match="does not match"):
        certsig.verify_payload(key.public_key(), forged)


def test_tampered_signature_is_rejected(key) -> None:
    payload = certsig.sign_certificate(key, CLAIMS)
    prefix, data, sig = payload.split(".")
    raw = bytearray(base64.urlsafe_b64decode(sig + "=="))
    raw[10] ^= 0x01
    with pytest.raises(SignatureInvalid):
        certsig.verify_payload(key.public_key(), f"{prefix}.{data}.{_b64(bytes(raw))}")


def test_wrong_key_is_rejected(key) -> None:
    payload = certsig.sign_certificate(key, CLAIMS)
    other = certsig.generate_private_key()
    with pytest.raises(SignatureInvalid):
        certsig.verify_payload(other.public_key(), payload)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("", "empty"),
        ("hello", "does not start with AWB1"),
        ("AWB2.abc.def", "does not start with AWB1"),
        ("AWB1.abc", "3 parts"),
        ("AWB1.a.b.c", "3 parts"),
        ("AWB1.a+b/.AAAA", "not base64url"),
        ("AWB1.eyJ9.AAAA", "Ed25519 signature is 64"),
        ("AWB1.AAAAA.AAAA", "impossible base64url length"),
        ("AWB1." + "A" * 5000, "too long"),
        (b"\xff\xfe", "not ASCII"),
    ],
)
def test_garbage_is_a_payload_error(payload, message) -> None:
    with pytest.raises(PayloadError, match=message):
        certsig.parse_payload(payload)


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ([1, 2], "not a JSON object"),
        ({"n": "x"}, "lacks the key"),
        ({**CLAIMS.to_dict(), "z": "1"}, "unknown key"),
        ({**CLAIMS.to_dict(), "n": 7}, "must be a string"),
        ({**CLAIMS.to_dict(), "i": "14.3.2025"}, "not an ISO date"),
    ],
)
def test_bad_data_is_a_payload_error(obj, message) -> None:
    data = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    with pytest.raises(PayloadError, match=message):
        certsig.parse_payload(f"AWB1.{_b64(data)}.{_b64(bytes(64))}")


def test_non_json_and_non_canonical_data_are_refused(key) -> None:
    with pytest.raises(PayloadError, match="not UTF-8 JSON"):
        certsig.parse_payload(f"AWB1.{_b64(b'not json')}.{_b64(bytes(64))}")
    spaced = json.dumps(CLAIMS.to_dict(), sort_keys=True, ensure_ascii=False).encode()
    signature = key.sign(spaced)
    with pytest.raises(PayloadError, match="canonical"):
        certsig.verify_payload(key.public_key(), f"AWB1.{_b64(spaced)}.{_b64(signature)}")


def test_payload_with_surrounding_whitespace_from_a_scanner_still_verifies(key) -> None:
    payload = certsig.sign_certificate(key, CLAIMS)
    assert certsig.verify_payload(key.public_key(), f"  {payload}\n".encode()) == CLAIMS


def test_private_key_pem_is_encrypted_and_round_trips(key) -> None:
    pem = certsig.private_key_to_pem(key, b"correct horse")
    assert b"ENCRYPTED PRIVATE KEY" in pem
    loaded = certsig.private_key_from_pem(pem, b"correct horse")
    payload = certsig.sign_certificate(loaded, CLAIMS)
    assert certsig.verify_payload(key.public_key(), payload) == CLAIMS
    with pytest.raises(KeyFileError, match="wrong passphrase"):
        certsig.private_key_from_pem(pem, b"wrong")
    with pytest.raises(KeyFileError):
        certsig.private_key_from_pem(pem, b"")
    with pytest.raises(ValueError, match="passphrase is required"):
        certsig.private_key_to_pem(key, b"")


def test_public_key_pem_round_trips(key) -> None:
    pem = certsig.public_key_pem(key)
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert certsig.public_key_pem(key.public_key()) == pem
    public = certsig.load_public_key(pem)
    assert certsig.verify_payload(public, certsig.sign_certificate(key, CLAIMS)) == CLAIMS
    assert certsig.public_key_fingerprint(key) == certsig.public_key_fingerprint(public)
    assert len(certsig.public_key_fingerprint(key).split(":")) == 16
    with pytest.raises(KeyFileError):
        certsig.load_public_key(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")


def test_keys_of_other_types_are_refused() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    ec_key = ec.generate_private_key(ec.SECP256R1())
    public_pem = ec_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(KeyFileError, match="not an Ed25519"):
        certsig.load_public_key(public_pem)
    private_pem = ec_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw"),
    )
    with pytest.raises(KeyFileError, match="not an Ed25519"):
        certsig.private_key_from_pem(private_pem, b"pw")


text = st.text(min_size=1, max_size=40).filter(lambda s: s == s.strip())


@settings(max_examples=60, deadline=None)
@given(
    number=text,
    organization=text,
    credit_code=text,
    issued=st.dates(),
    expires=st.dates(),
)
def test_any_claims_round_trip(key, number, organization, credit_code, issued, expires) -> None:
    claims = CertificateClaims(number, organization, credit_code, "qualified", issued, expires, "r", "体")
    payload = certsig.sign_certificate(key, claims)
    assert payload.isascii()
    assert certsig.verify_payload(key.public_key(), payload) == claims


def test_openssl_accepts_the_signature_with_the_exported_pem(key, tmp_path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed on this machine")
    payload = certsig.sign_certificate(key, CLAIMS)
    _, data, signature = certsig.parse_payload(payload)
    (tmp_path / "body.pem").write_bytes(certsig.public_key_pem(key))
    (tmp_path / "data.json").write_bytes(data)
    (tmp_path / "sig.bin").write_bytes(signature)
    command = [openssl, "pkeyutl", "-verify", "-pubin", "-inkey", "body.pem", "-rawin"]
    command += ["-in", "data.json", "-sigfile", "sig.bin"]
    good = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    if good.returncode != 0 and "rawin" in (good.stderr + good.stdout).lower():
        pytest.skip(f"this openssl cannot verify Ed25519 raw input: {good.stderr.strip()}")
    assert good.returncode == 0, good.stderr
    assert "Signature Verified Successfully" in good.stdout
    (tmp_path / "data.json").write_bytes(data.replace(b"five_star", b"four_star"))
    bad = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert bad.returncode != 0


# -- the optional claims (issue 11): the address as certified, the date of a re-issue ----------------
def test_address_and_reissue_date_are_signed_and_old_payloads_still_read(key) -> None:
    reissued = CertificateClaims(
        **{**CLAIMS.__dict__, "address": "浙江省杭州市西湖区文三路398号", "reissued_on": date(2026, 4, 1)}
    )
    payload = certsig.sign_certificate(key, reissued)
    assert certsig.verify_payload(key.public_key(), payload) == reissued
    data = json.loads(certsig.parse_payload(payload)[1])
    assert (data["a"], data["r"]) == ("浙江省杭州市西湖区文三路398号", "2026-04-01")
    # a payload made before these claims (no "a", no "r") verifies as it always did
    old = certsig.sign_certificate(key, CLAIMS)
    assert set(json.loads(certsig.parse_payload(old)[1])) == set("bcegins") | {"o"}
    claims = certsig.verify_payload(key.public_key(), old)
    assert (claims.address, claims.reissued_on) == (None, None)
    # changing the address changes what is signed
    moved = CertificateClaims(**{**reissued.__dict__, "address": "别处"})
    forged = f"AWB1.{_b64(moved.to_json_bytes())}.{payload.split('.')[2]}"
    with pytest.raises(SignatureInvalid):
        certsig.verify_payload(key.public_key(), forged)
    with pytest.raises(PayloadError, match="not an ISO date"):
        CertificateClaims.from_dict({**CLAIMS.to_dict(), "r": "1.4.2026"})


def test_payload_length_and_the_qr_version_it_needs(key) -> None:
    for address in (None, "", "北京市海淀区中关村大街19号", "某" * 120):
        claims = CertificateClaims(**{**CLAIMS.__dict__, "address": address})
        payload = certsig.sign_certificate(key, claims)
        assert certsig.payload_length(claims) == len(payload)
    assert certsig.qr_version("x" * 14) == 1 and certsig.qr_version("x" * 15) == 2
    assert certsig.qr_version("x" * certsig.QR_MAX_PAYLOAD) == certsig.QR_MAX_VERSION
    assert certsig.qr_version("x" * (certsig.QR_MAX_PAYLOAD + 1)) == certsig.QR_MAX_VERSION + 1
    assert certsig.qr_version("x" * 2332) is None
    # the table is the one segno encodes with, at level M in byte mode
    import segno

    for version in (1, 10, 15, 25, 40):
        size = certsig.QR_BYTES_M[version - 1]
        assert segno.make(b"a" * size, error="m", boost_error=False, mode="byte").version == version
        if version < 40:
            assert (
                segno.make(b"a" * (size + 1), error="m", boost_error=False, mode="byte").version
                == version + 1
            )
