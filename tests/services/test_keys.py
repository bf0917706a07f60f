"""Custody of the body's signing key: backed up encrypted, restored on another machine, rotated with
every earlier public key kept — and losing the key file never loses the ability to verify."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit_workbench.core import certsig
from audit_workbench.core.errors import Refused
from audit_workbench.services import Services
from audit_workbench.services.backup import backup, restore
from audit_workbench.services.keys import secret_file

from ..conftest import FAST_HASHER, PASSWORD, CaseMaker, Team, dump

pytestmark = pytest.mark.sqlite_only  # databases are copied and restored as files

PASSPHRASE = "the quick brown fox guards the key"


def _db(services: Services) -> Path:
    return Path(str(services.db.url).removeprefix("sqlite:///"))


def _payload(services: Services, case_no: str) -> str:
    cert = services.cases.get(case_no).certificate
    assert cert is not None
    return services.certificates.get(cert.number).payload  # type: ignore[no-any-return]


def test_init_makes_one_key_recorded_in_the_log(services: Services, team: Team) -> None:
    keys = services.keys.list()
    assert len(keys) == 1 and keys[0].current and keys[0].origin == "generated"
    generated = [e for e in services.log.events() if e.action == "keys.generate"]
    assert generated[0].after["fingerprint"] == keys[0].fingerprint
    assert generated[0].after["public_key"] == keys[0].public_key
    with services.read() as session:
        db_id = services.keys.database_id(session)
    assert stat.S_IMODE(secret_file(db_id).stat().st_mode) == 0o600


def test_keys_backup_writes_encrypted_pkcs8_that_openssl_tools_read(
    services: Services, team: Team, tmp_path: Path
) -> None:
    out = tmp_path / "body-key.pem"
    summary = services.keys.backup(team.admin, out, PASSPHRASE)
    data = out.read_bytes()
    assert b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in data and b"PRIVATE KEY-----" in data
    assert b"BEGIN PRIVATE KEY" not in data  # never in clear
    key = serialization.load_pem_private_key(data, PASSPHRASE.encode())
    assert isinstance(key, Ed25519PrivateKey)
    assert certsig.public_key_fingerprint(key) == summary.fingerprint == services.keys.current().fingerprint
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert any(e.action == "keys.backup" for e in services.log.events())


@pytest.mark.parametrize(
    ("who", "path", "passphrase", "code"),
    [
        ("clerk", "k.pem", PASSPHRASE, "wrong_role"),
        ("admin", "k.pem", "short", "weak_passphrase"),
        ("admin", "taken.pem", PASSPHRASE, "exists"),
        ("admin", "DB", PASSPHRASE, "protected_output"),
    ],
)
def test_keys_backup_refusals_change_nothing(
    services: Services, team: Team, tmp_path: Path, who: str, path: str, passphrase: str, code: str
) -> None:
    (tmp_path / "taken.pem").write_bytes(b"earlier")
    target = _db(services) if path == "DB" else tmp_path / path
    before, db_bytes = dump(_db(services)), _db(services).read_bytes()
    with pytest.raises(Refused) as info:
        services.keys.backup(getattr(team, who), target, passphrase)
    assert info.value.code == code
    assert dump(_db(services)) == before and _db(services).read_bytes() == db_bytes
    assert not (tmp_path / "k.pem").exists() and (tmp_path / "taken.pem").read_bytes() == b"earlier"


def test_a_key_restored_from_its_backup_signs_on_another_machine(
    services: Services,
    team: Team,
    make_case: CaseMaker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    issued = make_case("certified")
    waiting = make_case("approved")
    body_pem = services.keys.public_key_pem()
    key_file = services.keys.backup(team.admin, tmp_path / "key.pem", PASSPHRASE).path
    trusted = list(services.keys.public_keys().values())
    backup_file = backup(services, team.admin, tmp_path / "db.awb").path
    # another body's key backup, to be refused
    other = Services.open(tmp_path / "other.sqlite3", hasher=FAST_HASHER)
    other.users.create_first_admin("admin", PASSWORD)
    other.certificates.ensure_keys()
    foreign = other.keys.backup(
        other.users.login("admin", PASSWORD), tmp_path / "foreign.pem", PASSPHRASE
    ).path
    other.close()

    monkeypatch.setenv("AUDIT_WORKBENCH_KEYS_DIR", str(tmp_path / "new-machine-keys"))
    summary = restore(backup_file, tmp_path / "restored.sqlite3", trusted_keys=trusted)
    assert not summary.can_sign  # said after the restore: the key is not in the backup
    restored = summary.db
    s = Services.open(restored, hasher=FAST_HASHER)
    try:
        clerk, admin = s.users.login("clerk", PASSWORD), s.users.login("admin", PASSWORD)
        with pytest.raises(Refused) as info:
            s.certificates.issue(clerk, waiting)
        assert info.value.code == "key_file_missing" and "keys restore" in str(info.value)
        # verifying needs no private key
        assert s.certificates.verify(_payload(services, issued)).valid
        assert s.log.verify().ok
        before = dump(restored)
        for file, passphrase, code in (
            (key_file, "not the passphrase at all", "key_passphrase"),
            (foreign, PASSPHRASE, "key_not_ours"),
            (tmp_path / "db.awb", PASSPHRASE, "key_passphrase"),
        ):
            with pytest.raises(Refused) as info:
                s.keys.restore(admin, file, passphrase)
            assert info.value.code == code
            assert dump(restored) == before
        with pytest.raises(Refused) as info:
            s.keys.restore(clerk, key_file, PASSPHRASE)
        assert info.value.code == "wrong_role" and dump(restored) == before
        installed = s.keys.restore(admin, key_file, PASSPHRASE)
        assert installed.changed and installed.key_file.parent == tmp_path / "new-machine-keys"
        assert not s.keys.restore(admin, key_file, PASSPHRASE).changed  # twice: nothing more to do
        view = s.certificates.issue(clerk, waiting)
        # the new certificate is the body's: it verifies with the public key published before
        certsig.verify_payload(certsig.load_public_key(body_pem), s.certificates.get(view.number).payload)
        assert s.log.verify().ok
    finally:
        s.close()


def test_rotation_keeps_every_earlier_key_so_old_certificates_still_verify(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    before = make_case("certified")
    old = services.keys.current()
    with pytest.raises(Refused) as info:
        services.keys.rotate(team.admin, "  ")
    assert info.value.code == "missing_reason"
    with pytest.raises(Refused) as info:
        services.keys.rotate(team.clerk, "年度更换")
    assert info.value.code == "wrong_role"
    new = services.keys.rotate(team.admin, "年度更换")
    assert new.fingerprint != old.fingerprint and new.endorsed
    keys = services.keys.list()
    assert [k.fingerprint for k in keys] == [old.fingerprint, new.fingerprint]
    assert keys[0].retired_at is not None and keys[1].current
    # the old key endorsed the new one: a chain from the first key to the current one
    con = sqlite3.connect(_db(services))
    endorsement = con.execute(
        "SELECT endorsement FROM signing_keys WHERE fingerprint = ?", (new.fingerprint,)
    )
    signature = endorsement.fetchone()[0]
    con.close()
    old_public = certsig.load_public_key(old.public_key.encode())
    new_public = certsig.load_public_key(new.public_key.encode())
    assert certsig.detached_valid(old_public, certsig.raw_public_key(new_public), signature)
    after = make_case("certified")
    assert services.certificates.verify(_payload(services, before)).valid
    assert services.certificates.verify(_payload(services, after)).valid
    certsig.verify_payload(new_public, _payload(services, after))
    certsig.verify_payload(old_public, _payload(services, before))
    with pytest.raises(certsig.SignatureInvalid):
        certsig.verify_payload(old_public, _payload(services, after))
    # export-public writes the current key, or with --all every key (current first)
    one = services.keys.export_public(tmp_path / "body.pem")
    assert certsig.load_public_keys(one.read_bytes()) and one.read_bytes().count(b"BEGIN PUBLIC KEY") == 1
    both = services.keys.export_public(tmp_path / "all.pem", all_keys=True)
    loaded = [certsig.public_key_fingerprint(k) for k in certsig.load_public_keys(both.read_bytes())]
    assert loaded == [new.fingerprint, old.fingerprint]
    assert services.log.verify().ok and len(services.log.verify().signers) == 2


def test_losing_the_key_file_never_loses_verification(
    services: Services, team: Team, make_case: CaseMaker
) -> None:
    case_no = make_case("certified")
    with services.read() as session:
        secret_file(services.keys.database_id(session)).unlink()
    assert services.certificates.verify(_payload(services, case_no)).valid
    report = services.log.verify()
    assert report.ok and report.checkpoints >= 1
    with pytest.raises(Refused) as info:
        services.log.checkpoint(team.admin)
    assert info.value.code == "key_file_missing"
    # the way out of a lost key: a new key pair, not endorsed, and the old public key kept
    new = services.keys.rotate(team.admin, "密钥文件丢失")
    assert not new.endorsed and len(services.keys.list()) == 2
    assert services.certificates.verify(_payload(services, case_no)).valid
    assert services.log.verify().ok


def test_a_retired_key_is_refused_and_a_recovery_needs_saying_so(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_case("certified")
    old_key = services.keys.backup(team.admin, tmp_path / "old.pem", PASSPHRASE).path
    backup_file = backup(services, team.admin, tmp_path / "before-rotation.awb").path
    trusted = list(services.keys.public_keys().values())
    services.keys.rotate(team.admin, "年度更换")
    with pytest.raises(Refused) as info:
        services.keys.restore(team.admin, old_key, PASSPHRASE)
    assert info.value.code == "key_retired"
    new_key = services.keys.backup(team.admin, tmp_path / "new.pem", PASSPHRASE).path
    signed_with_new = make_case("certified")
    payload = _payload(services, signed_with_new)

    # the machine is lost; the only database backup is from before the rotation
    monkeypatch.setenv("AUDIT_WORKBENCH_KEYS_DIR", str(tmp_path / "replacement-machine"))
    db = restore(backup_file, tmp_path / "restored.sqlite3", trusted_keys=trusted).db
    s = Services.open(db, hasher=FAST_HASHER)
    try:
        admin = s.users.login("admin", PASSWORD)
        before = dump(db)
        with pytest.raises(Refused) as info:
            s.keys.restore(admin, new_key, PASSPHRASE)
        assert info.value.code == "key_not_ours" and dump(db) == before
        with pytest.raises(Refused) as info:
            s.keys.restore(admin, new_key, PASSPHRASE, recovery=True)
        assert info.value.code == "missing_reason" and dump(db) == before
        recovered = s.keys.restore(
            admin, new_key, PASSPHRASE, recovery=True, reason="数据库从轮换前的备份恢复"
        )
        assert recovered.recovered and s.keys.current().fingerprint == recovered.fingerprint
        # certificates the lost database signed with the newer key verify here too
        from audit_workbench.core.certsig import verify_payload_any

        verify_payload_any(s.keys.public_keys().values(), payload)
        assert s.log.verify().ok
    finally:
        s.close()
