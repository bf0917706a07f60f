"""Backup while writing, signed manifests, restore with verification, replacing a database only with an
administrator's login and never while it is open elsewhere — and refusals that leave everything as it was."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from audit_workbench.core import certsig
from audit_workbench.core.errors import Refused
from audit_workbench.services import Services
from audit_workbench.services.backup import backup, last_backup, restore, verify_backup

from ..conftest import FAST_HASHER, PASSWORD, CaseMaker, Team, dump

pytestmark = pytest.mark.sqlite_only  # the online backup API is SQLite's

ADMIN_LOGIN = ("admin", PASSWORD)


def _db(services: Services) -> Path:
    return Path(str(services.db.url).removeprefix("sqlite:///"))


def _trusted(services: Services) -> list[certsig.Ed25519PublicKey]:
    return list(services.keys.public_keys().values())


def _rewrite(good: Path, bad: Path, change: Callable[[dict[str, bytes]], None], *, resum: bool) -> None:
    """Copy a backup, change its members, and (with `resum`) recompute every checksum as a forger would."""
    with zipfile.ZipFile(good) as src:
        members = {i.filename: src.read(i.filename) for i in src.infolist()}
    change(members)
    if resum:
        manifest = json.loads(members["manifest.json"])
        for item in manifest["members"]:
            item["sha256"] = hashlib.sha256(members[item["name"]]).hexdigest()
            item["size"] = len(members[item["name"]])
        members["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    with zipfile.ZipFile(bad, "w") as dst:
        for name, data in members.items():
            dst.writestr(name, data)
        dst.comment = hashlib.sha256(members["manifest.json"]).hexdigest().encode()


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


def test_backup_during_writes_restores_a_consistent_database(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    case_no = make_case("onsite_audit")
    rubric = services.rubrics.get("sbt10401-2006-production").rubric
    codes = [i.code for _, i in rubric.indicators()]
    stop = threading.Event()
    writer_errors: list[BaseException] = []

    def keep_scoring() -> None:
        # a second connection keeps committing score edits while the backup runs
        other = Services.open(services.db.url, hasher=FAST_HASHER)
        try:
            n = 0
            while not stop.is_set():
                code = codes[n % len(codes)]
                other.audits.set_points(team.leader, case_no, code, "0.5" if n % 2 else "1")
                n += 1
        except BaseException as exc:  # pragma: no cover - surfaced below
            writer_errors.append(exc)
        finally:
            other.close()

    writer = threading.Thread(target=keep_scoring)
    writer.start()
    try:
        summaries = [backup(services, team.admin, tmp_path / f"b{i}.awb") for i in range(3)]
    finally:
        stop.set()
        writer.join()
    assert not writer_errors
    assert last_backup(services) == services.now()
    for n, summary in enumerate(summaries):
        manifest = verify_backup(summary.path)
        assert manifest["events"] == summary.events
        assert manifest["anchor"] == summary.anchor and summary.anchor.startswith(f"{summary.events}:")
        assert manifest["signing_key"]["fingerprint"] == services.keys.current().fingerprint
        restored = restore(summary.path, tmp_path / f"restored{n}.sqlite3", trusted_keys=_trusted(services))
        assert restored.events == summary.events and restored.trusted_by == "--public-key"
        copy = Services.open(restored.db, hasher=FAST_HASHER)
        try:
            assert copy.log.verify().ok
            detail = copy.cases.get(case_no)
            assert detail.status == "onsite_audit"
            # material files came back with the database and read back checked
            sha = detail.materials[0].files[0].sha256
            assert copy.cases.read_attachment(sha) == services.cases.read_attachment(sha)
        finally:
            copy.close()


def test_a_backup_says_the_key_is_not_in_it_and_carries_the_log_anchor(
    services: Services, team: Team, tmp_path: Path
) -> None:
    summary = backup(services, team.admin, tmp_path / "b.awb")
    manifest = verify_backup(summary.path)
    assert "keys backup" in manifest["key_custody"]
    assert manifest["log_head"] == {"seq": summary.events, "hash": summary.anchor.split(":")[1]}
    # the anchor is the head of the log at the snapshot: the live log still holds it
    assert services.log.verify(anchor=summary.anchor).ok


def test_restore_never_overwrites_without_force_nor_a_non_database(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    make_case("submitted")
    summary = backup(services, team.admin, tmp_path / "b.awb")
    target = tmp_path / "live.sqlite3"
    target.write_bytes(b"precious")
    with pytest.raises(Refused) as info:
        restore(summary.path, target, trusted_keys=_trusted(services))
    assert info.value.code == "exists" and target.read_bytes() == b"precious"
    with pytest.raises(Refused) as info:
        restore(
            summary.path,
            target,
            force=True,
            login=ADMIN_LOGIN,
            hasher=FAST_HASHER,
            trusted_keys=_trusted(services),
        )
    assert info.value.code == "not_a_database" and target.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("live")) == ["live.sqlite3"]


def test_backup_needs_admin_and_replaces_a_file_only_with_force(
    services: Services, team: Team, tmp_path: Path
) -> None:
    with pytest.raises(Refused) as info:
        backup(services, team.clerk, tmp_path / "b.awb")
    assert info.value.code == "wrong_role" and not (tmp_path / "b.awb").exists()
    (tmp_path / "taken.awb").write_bytes(b"x")
    with pytest.raises(Refused) as info:
        backup(services, team.admin, tmp_path / "taken.awb")
    assert info.value.code == "exists" and (tmp_path / "taken.awb").read_bytes() == b"x"
    backup(services, team.admin, tmp_path / "taken.awb", force=True)
    assert verify_backup(tmp_path / "taken.awb")["format_version"] == 2
    for force in (False, True):
        with pytest.raises(Refused) as info:
            backup(services, team.admin, _db(services), force=force)
        assert info.value.code == "protected_output"


def test_a_copy_without_its_key_file_cannot_write_a_signed_backup(
    services: Services, team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUDIT_WORKBENCH_KEYS_DIR", str(tmp_path / "other-machine"))
    before = dump(_db(services))
    with pytest.raises(Refused) as info:
        backup(services, team.admin, tmp_path / "b.awb")
    assert info.value.code == "key_file_missing" and "keys restore" in str(info.value)
    assert not (tmp_path / "b.awb").exists() and dump(_db(services)) == before


@pytest.mark.parametrize("damage", ["truncated", "flipped", "manifest", "extra", "not_zip"])
def test_damaged_backups_are_refused_and_nothing_is_written(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path, damage: str
) -> None:
    make_case("submitted")
    good = backup(services, team.admin, tmp_path / "good.awb").path
    bad = tmp_path / "bad.awb"
    data = good.read_bytes()
    if damage == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "not_zip":
        bad.write_bytes(b"not a zip at all")
    else:
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
            dst.comment = src.comment
            for info in src.infolist():
                content = src.read(info.filename)
                if damage == "flipped" and info.filename == "database.sqlite3":
                    content = _flip(content, 100)
                if damage == "manifest" and info.filename == "manifest.json":
                    content = content.replace(b'"events"', b'"events" ', 1)
                dst.writestr(info, content)
            if damage == "extra":
                dst.writestr("attachments/../../evil", b"x")
    target = tmp_path / "restored.sqlite3"
    with pytest.raises(Refused) as info:
        restore(bad, target, trusted_keys=_trusted(services))
    assert info.value.code == "bad_backup"
    assert not target.exists() and not target.with_name(target.name + ".attachments").exists()


def test_an_altered_backup_with_recomputed_sums_is_refused(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    make_case("submitted")
    good = backup(services, team.admin, tmp_path / "good.awb").path

    def edit_database(members: dict[str, bytes]) -> None:
        work = tmp_path / "work.sqlite3"
        work.write_bytes(members["database.sqlite3"])
        con = sqlite3.connect(work)
        con.execute("UPDATE organizations SET name = '伪造电器有限公司'")
        con.commit()
        con.close()
        members["database.sqlite3"] = work.read_bytes()

    forged = tmp_path / "forged.awb"
    _rewrite(good, forged, edit_database, resum=True)
    target = tmp_path / "restored.sqlite3"
    for trust in (
        {"trusted_keys": _trusted(services)},
        {"trust_signer": services.keys.current().fingerprint},
    ):
        with pytest.raises(Refused) as info:
            restore(forged, target, **trust)  # type: ignore[arg-type]
        assert info.value.code == "backup_signature", trust
    assert not target.exists()

    # Re-signed with the forger's own key: the signature is good, the key is not the body's.
    intruder = certsig.generate_private_key()

    def resign(members: dict[str, bytes]) -> None:
        edit_database(members)
        manifest = json.loads(members["manifest.json"])
        manifest["signing_key"] = {
            "fingerprint": certsig.public_key_fingerprint(intruder),
            "public_key": certsig.public_key_pem(intruder).decode(),
        }
        for item in manifest["members"]:
            item["sha256"] = hashlib.sha256(members[item["name"]]).hexdigest()
            item["size"] = len(members[item["name"]])
        members["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        members["manifest.sig"] = certsig.sign_detached(intruder, members["manifest.json"]).encode()

    resigned = tmp_path / "resigned.awb"
    _rewrite(good, resigned, resign, resum=False)
    with pytest.raises(Refused) as info:
        restore(resigned, target, trusted_keys=_trusted(services))
    assert info.value.code == "untrusted_backup"
    with pytest.raises(Refused) as info:
        restore(resigned, target)  # no key given: the fingerprint to compare is shown
    assert info.value.code == "untrusted_backup"
    assert certsig.public_key_fingerprint(intruder) in str(info.value) and "--trust-signer" in str(info.value)
    with pytest.raises(Refused) as info:
        restore(resigned, target, trust_signer=services.keys.current().fingerprint)
    assert info.value.code == "untrusted_backup"
    # even a careless administrator who confirms the forger's fingerprint gets nothing: the
    # database's own keys did not sign it
    with pytest.raises(Refused) as info:
        restore(resigned, target, trust_signer=certsig.public_key_fingerprint(intruder))
    assert info.value.code == "bad_backup"
    assert not target.exists()


def test_without_a_trusted_key_the_signer_must_be_confirmed(
    services: Services, team: Team, tmp_path: Path
) -> None:
    summary = backup(services, team.admin, tmp_path / "b.awb")
    target = tmp_path / "restored.sqlite3"
    with pytest.raises(Refused) as info:
        restore(summary.path, target)
    assert info.value.code == "untrusted_backup" and summary.signed_by in str(info.value)
    assert not target.exists()
    # the fingerprint as a person would copy it: without colons, upper case
    spoken = summary.signed_by.replace(":", "").upper()
    result = restore(summary.path, target, trust_signer=spoken)
    assert result.trusted_by == "fingerprint" and result.signed_by == summary.signed_by


def test_an_unsigned_backup_of_an_earlier_version_needs_explicit_acceptance(
    services: Services, team: Team, tmp_path: Path
) -> None:
    good = backup(services, team.admin, tmp_path / "good.awb").path

    def unsign(members: dict[str, bytes]) -> None:
        manifest = json.loads(members["manifest.json"])
        manifest["format_version"] = 1
        for key in ("signing_key", "anchor", "log_head", "database_id", "key_custody"):
            manifest.pop(key)
        members["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        del members["manifest.sig"]

    old = tmp_path / "old.awb"
    _rewrite(good, old, unsign, resum=False)
    target = tmp_path / "restored.sqlite3"
    with pytest.raises(Refused) as info:
        restore(old, target, trusted_keys=_trusted(services))
    assert info.value.code == "unsigned_backup" and not target.exists()
    assert restore(old, target, accept_unsigned=True).trusted_by == "unsigned"


def _fuzzed(good: bytes, rng: random.Random, n: int) -> bytes:
    kind = n % 4
    if kind == 0:  # a few bytes flipped anywhere
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            data[at] ^= rng.randrange(1, 256)
        return bytes(data)
    if kind == 1:  # cut short
        return good[: rng.randrange(1, len(good))]
    if kind == 2:  # a slice duplicated into itself
        a, b = sorted(rng.sample(range(len(good)), 2))
        return good[:b] + good[a:b] + good[b:]
    return bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))  # noise


def test_malformed_archives_are_refused_never_a_crash(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    make_case("submitted")
    good = backup(services, team.admin, tmp_path / "good.awb").path
    data = good.read_bytes()
    rng = random.Random(27922)
    target = tmp_path / "restored.sqlite3"
    codes = set()
    for n in range(40):
        bad = tmp_path / f"fuzz{n}.awb"
        bad.write_bytes(_fuzzed(data, rng, n))
        try:
            restore(bad, target, trusted_keys=_trusted(services))
        except Refused as exc:
            codes.add(exc.code)
        else:  # a flip in a byte the reader never looks at may leave a valid backup
            target.unlink()
            shutil.rmtree(target.with_name(target.name + ".attachments"), ignore_errors=True)
            continue
        assert not target.exists()
    assert codes <= {"bad_backup", "backup_signature"}, codes

    # hand-made hostile manifests, each with a correct zip comment
    def with_manifest(manifest: object, extra: dict[str, bytes] | None = None) -> Path:
        bad = tmp_path / "hand.awb"
        raw = json.dumps(manifest).encode()
        with zipfile.ZipFile(bad, "w") as z:
            z.writestr("manifest.json", raw)
            for name, content in (extra or {}).items():
                z.writestr(name, content)
            z.comment = hashlib.sha256(raw).hexdigest().encode()
        return bad

    base = {"format": "audit-workbench-backup", "format_version": 2}
    hostile = [
        [1, 2, 3],
        {**base, "members": "all"},
        {**base, "members": [{"name": "database.sqlite3", "sha256": 5, "size": "big"}]},
        {**base, "members": [{"name": "database.sqlite3", "sha256": "0" * 64, "size": 10**30}]},
        {**base, "members": [{"name": "../../etc/passwd", "sha256": "0" * 64, "size": 1}]},
        {**base, "members": [{"name": "database.sqlite3", "sha256": "0" * 64, "size": 3}] * 2},
        {**base, "members": [{"name": "database.sqlite3", "sha256": "0" * 64, "size": 3}], "signing_key": 7},
        {**base, "format_version": 99, "members": []},
    ]
    for manifest in hostile:
        extra = {"database.sqlite3": b"abc", "manifest.sig": b"!!"}
        with pytest.raises(Refused) as info:
            restore(with_manifest(manifest, extra), target, trusted_keys=_trusted(services))
        assert info.value.code in {"bad_backup", "backup_signature"}, manifest
    assert not target.exists()


# -- replacing a database -------------------------------------------------------------------------

HOLDER = """
import os, signal, sys
from audit_workbench.services import Services
db, case_no, password, mode = sys.argv[1:5]
services = Services.open(db)
if mode == "read":  # a window that only shows the case: an idle reader
    services.cases.get(case_no)
    print("saved", flush=True)
    sys.stdin.read()
    sys.exit(0)
leader = services.users.login("leader", password)
for code, points in (("1.1", "1"), ("1.2", "1.5"), ("1.3", "2")):
    services.audits.set_points(leader, case_no, code, points)  # acknowledged: committed
print("saved", flush=True)
if mode == "die":
    os.kill(os.getpid(), signal.SIGKILL)  # no clean close: the writes stay in the WAL
sys.stdin.read()  # hold the database open until the test closes our stdin
services.close()
"""


def _hold(db: Path, case_no: str, mode: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), case_no, PASSWORD, mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    line = holder.stdout.readline()
    if mode == "die":
        holder.wait(timeout=30)
        assert holder.returncode == -signal.SIGKILL
    else:
        assert line.strip() == "saved"
    return holder


def _points(db: Path, case_no: str) -> dict[str, str]:
    s = Services.open(db, hasher=FAST_HASHER)
    try:
        entries = s.cases.get(case_no).entries
        return {c: str(entries[c].points) for c in ("1.1", "1.2", "1.3") if c in entries}
    finally:
        s.close()


def test_restore_refuses_while_another_process_has_the_database_open_and_loses_nothing(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    case_no = make_case("onsite_audit", full_marks=False)
    summary = backup(services, team.admin, tmp_path / "b.awb")
    db = _db(services)
    services.close()
    holder = _hold(db, case_no, "hold")
    try:
        wal = Path(str(db) + "-wal")
        assert wal.exists() and wal.stat().st_size > 0  # the acknowledged writes are in the WAL
        with pytest.raises(Refused) as info:
            restore(summary.path, db, force=True, login=ADMIN_LOGIN, hasher=FAST_HASHER)
        assert info.value.code == "database_in_use" and str(db) in str(info.value)
        assert not list(tmp_path.glob("*.replaced-*"))
        assert _points(db, case_no) == {"1.1": "1", "1.2": "1.5", "1.3": "2"}
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert _points(db, case_no) == {"1.1": "1", "1.2": "1.5", "1.3": "2"}


def test_a_restore_keeps_writes_left_in_the_wal_by_a_dead_process(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    case_no = make_case("onsite_audit", full_marks=False)
    summary = backup(services, team.admin, tmp_path / "b.awb")
    db = _db(services)
    services.close()
    _hold(db, case_no, "die")
    wal = Path(str(db) + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    result = restore(summary.path, db, force=True, login=ADMIN_LOGIN, hasher=FAST_HASHER)
    assert result.trusted_by == "the keys of the database being replaced"
    assert result.replaced is not None
    # the replaced database is whole: one file with every acknowledged write, its log intact,
    # its attachments beside it
    assert (
        not Path(str(result.replaced) + "-wal").exists()
        or Path(str(result.replaced) + "-wal").stat().st_size == 0
    )
    assert _points(result.replaced, case_no) == {"1.1": "1", "1.2": "1.5", "1.3": "2"}
    old = Services.open(result.replaced, hasher=FAST_HASHER)
    try:
        assert old.log.verify().ok
        sha = old.cases.get(case_no).materials[0].files[0].sha256
        assert old.cases.read_attachment(sha)
    finally:
        old.close()
    # and the database in place is the backup's
    assert _points(db, case_no) == {}


def test_replacing_needs_an_administrator_of_the_database_being_replaced(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    make_case("submitted")
    summary = backup(services, team.admin, tmp_path / "b.awb")
    db = _db(services)
    services.close()
    before = dump(db)
    for login, code in (
        (None, "login_required"),
        (("clerk", PASSWORD), "wrong_role"),
        (("nobody", PASSWORD), None),
    ):
        with pytest.raises(Refused) as info:
            restore(summary.path, db, force=True, login=login, hasher=FAST_HASHER)
        assert code is None or info.value.code == code
    assert not list(tmp_path.glob("*.replaced-*"))
    assert dump(db) == before
    result = restore(summary.path, db, force=True, login=ADMIN_LOGIN, hasher=FAST_HASHER)
    assert result.replaced is not None and result.replaced.exists()
    assert os.path.exists(db)


def test_an_idle_reader_elsewhere_also_blocks_a_restore(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    case_no = make_case("submitted")
    summary = backup(services, team.admin, tmp_path / "b.awb")
    db = _db(services)
    services.close()
    before = dump(db)
    holder = _hold(db, case_no, "read")
    try:
        with pytest.raises(Refused) as info:
            restore(summary.path, db, force=True, login=ADMIN_LOGIN, hasher=FAST_HASHER)
        assert info.value.code == "database_in_use"
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert dump(db) == before and not list(tmp_path.glob("*.replaced-*"))
