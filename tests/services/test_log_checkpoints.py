"""An anchored log: signed checkpoints that a copy of the database cannot make, a rewritten event named
even when its writer recomputed the hash chain, anchors that prove a head is still there, and a log
that cannot be emptied or cut unseen."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit_workbench.core import certsig
from audit_workbench.core.errors import Refused
from audit_workbench.services import Services
from audit_workbench.storage.events import GENESIS, HEAD_KEY, event_hash

from ..conftest import FAST_HASHER, PASSWORD, CaseMaker, Team, drop_retention, dump

pytestmark = pytest.mark.sqlite_only  # the attacks are SQL on the file


def _db(services: Services) -> Path:
    return Path(str(services.db.url).removeprefix("sqlite:///"))


def _rechain(db: Path, edit: Callable[[list[Any]], list[Any]] | None = None) -> None:
    """What an attacker with the file does after editing events: recompute every hash and the head
    (`edit` may first change the list of rows: remove, insert, reorder). Having the file, they
    drop the retention triggers first: what the log proves must not rest on them."""
    con = sqlite3.connect(db)
    drop_retention(con)
    rows = con.execute(
        "SELECT seq, at, user_name, action, entity, entity_id, before, after, reason FROM events ORDER BY seq"
    ).fetchall()
    if edit is not None:
        rows = edit(rows)
    con.execute("DELETE FROM events")
    prev = GENESIS
    for n, row in enumerate(rows, start=1):
        _seq_was, *rest = row
        digest = event_hash(n, *rest, prev)
        con.execute("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?)", (n, *rest, prev, digest))
        prev = digest
    con.execute(
        "UPDATE settings SET value = ? WHERE key = ?",
        (json.dumps({"seq": len(rows), "hash": prev}, separators=(",", ":")), HEAD_KEY),
    )
    con.commit()
    con.close()


def _copy(src: Path, dst: Path) -> None:
    """A consistent copy of a live WAL database (the file alone may lack committed pages)."""
    for suffix in ("-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    dst.unlink(missing_ok=True)
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    b.close()
    a.close()


def _sql(db: Path, *statements: str) -> None:
    """SQL on the file, as an attacker with it runs it: the retention triggers dropped first."""
    con = sqlite3.connect(db)
    drop_retention(con)
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()


def _seq(db: Path, where: str) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute(f"SELECT seq FROM events WHERE {where} ORDER BY seq LIMIT 1").fetchone()[0])
    finally:
        con.close()


def test_each_issue_signs_a_checkpoint_of_the_log(
    services: Services, team: Team, make_case: CaseMaker
) -> None:
    make_case("certified")
    make_case("certified")
    checkpoints = [e for e in services.log.events(limit=5000) if e.action == "log.checkpoint"]
    assert len(checkpoints) == 2
    newest, older = checkpoints
    assert newest.after["first"] == older.after["seq"] + 1  # contiguous ranges
    assert newest.after["key"] == services.keys.current().fingerprint
    report = services.log.verify()
    assert report.ok and report.checkpoints == 2 and report.last_checkpoint == newest.seq
    assert "2 signed checkpoint(s) verified" in report.describe("en")


def test_a_copy_without_its_key_file_cannot_add_a_checkpoint(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_case("certified")
    copy = tmp_path / "copy.sqlite3"
    src = sqlite3.connect(_db(services))
    dst = sqlite3.connect(copy)
    src.backup(dst)
    dst.close()
    src.close()
    monkeypatch.setenv("AUDIT_WORKBENCH_KEYS_DIR", str(tmp_path / "no-keys-here"))
    s = Services.open(copy, hasher=FAST_HASHER)
    try:
        before = dump(copy)
        with pytest.raises(Refused) as info:
            s.log.checkpoint(s.users.login("admin", PASSWORD))
        assert info.value.code == "key_file_missing"
        assert dump(copy) == before
        assert s.log.verify().ok  # verifying needs only the public keys
    finally:
        s.close()


def test_a_rewritten_event_before_a_checkpoint_is_named(
    services: Services, team: Team, make_case: CaseMaker
) -> None:
    case_no = make_case("certified")
    db = _db(services)
    target = _seq(db, "action = 'case.create'")
    _sql(db, f"UPDATE events SET after = replace(after, '家用电器', '工业设备') WHERE seq = {target}")
    _rechain(db)
    assert services.log.verify().first_bad_seq == target
    report = services.log.verify()
    assert not report.ok and f"event {target} was changed after checkpoint event" in report.problem
    assert f"第 {target} 条事件" in report.describe("zh")
    assert case_no


def test_an_event_removed_or_inserted_before_a_checkpoint_is_named(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    make_case("certified")
    db = _db(services)
    pristine = tmp_path / "pristine.sqlite3"
    _copy(db, pristine)
    target = _seq(db, "action = 'case.submit'")
    _sql(db, f"DELETE FROM events WHERE seq = {target}")
    _rechain(db)
    report = services.log.verify()
    assert not report.ok and report.first_bad_seq == target
    services.close()
    _copy(pristine, db)
    _rechain(db, lambda rows: [*rows[:target], rows[target - 1], *rows[target:]])  # a copy inserted
    reopened = Services.open(db, hasher=FAST_HASHER)
    try:
        report = reopened.log.verify()
        assert not report.ok and report.first_bad_seq == target + 1
    finally:
        reopened.close()


def test_a_forged_or_altered_checkpoint_is_refused(
    services: Services, team: Team, make_case: CaseMaker
) -> None:
    make_case("certified")
    db = _db(services)
    checkpoint = _seq(db, "action = 'log.checkpoint'")
    con = sqlite3.connect(db)
    after = json.loads(con.execute(f"SELECT after FROM events WHERE seq = {checkpoint}").fetchone()[0])
    con.close()
    # an intruder's own signature over the rewritten log, with their key put in the key table
    intruder = certsig.generate_private_key()
    from audit_workbench.services.log import checkpoint_message

    after["key"] = certsig.public_key_fingerprint(intruder)
    after["signature"] = certsig.sign_detached(intruder, checkpoint_message(after))
    _sql(
        db,
        "UPDATE events SET after = '"
        + json.dumps(after, sort_keys=True, separators=(",", ":")).replace("'", "''")
        + f"' WHERE seq = {checkpoint}",
        "INSERT INTO signing_keys (fingerprint, public_key, created_at, origin, endorsement) VALUES ('"
        + after["key"]
        + "', '"
        + certsig.public_key_pem(intruder).decode()
        + "', '2026-01-01 00:00:00', 'generated', '')",
    )
    _rechain(db)
    report = services.log.verify()
    assert not report.ok and report.first_bad_seq == checkpoint
    assert "was not the body's key" in report.problem
    # checked against the keys the verifier trusts, the intruder's key is simply unknown
    body = certsig.load_public_keys(services.keys.public_key_pem(all_keys=True))
    trusted = [k for k in body if certsig.public_key_fingerprint(k) != after["key"]]
    report = services.log.verify(trusted_keys=trusted)
    assert not report.ok and "not among the keys you gave" in report.problem


def test_a_key_changed_in_the_table_is_noticed(services: Services, team: Team) -> None:
    intruder = certsig.public_key_pem(certsig.generate_private_key()).decode()
    _sql(_db(services), f"UPDATE signing_keys SET public_key = '{intruder}'")
    report = services.log.verify()
    assert not report.ok and "has no event in the log that made it" in report.problem


def test_without_dropping_the_retention_triggers_no_event_can_be_deleted(
    services: Services, team: Team, make_case: CaseMaker
) -> None:
    """The attacks above drop the retention triggers first; left in place, they refuse deleting any
    event (the whole log, one event, its tail) and the file is unchanged."""
    make_case("certified")
    db = _db(services)
    before = dump(db)
    for statement in (
        "DELETE FROM events",
        "DELETE FROM events WHERE seq = 1",
        "DELETE FROM events WHERE seq > 3",
    ):
        con = sqlite3.connect(db)
        with pytest.raises(sqlite3.IntegrityError, match="retention"):
            con.execute(statement)
        con.rollback()
        con.close()
    assert dump(db) == before
    assert services.log.verify().ok


def test_an_emptied_or_cut_log_is_never_intact(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    make_case("certified")
    db = _db(services)
    pristine = tmp_path / "pristine.sqlite3"
    _copy(db, pristine)
    # every event deleted, the head with them
    _sql(db, "DELETE FROM events", f"DELETE FROM settings WHERE key = '{HEAD_KEY}'")
    report = services.log.verify()
    assert not report.ok and report.events == 0
    # cut back to before the last checkpoint, the head fixed up
    services.close()
    _copy(pristine, db)
    checkpoint = _seq(db, "action = 'log.checkpoint'")
    _sql(db, f"DELETE FROM events WHERE seq >= {checkpoint - 5}")
    _rechain(db)
    reopened = Services.open(db, hasher=FAST_HASHER)
    try:
        report = reopened.log.verify()
        assert not report.ok and "events were removed" in report.problem
    finally:
        reopened.close()


def test_anchors_prove_a_head_is_still_in_the_log(
    services: Services, team: Team, make_case: CaseMaker
) -> None:
    make_case("submitted")
    anchor = services.log.anchor()
    seq, digest = anchor.split(":")
    assert services.log.verify(anchor=anchor).ok
    assert services.log.verify(anchor=f"  {seq} : {digest.upper()} ").ok  # as typed from paper
    make_case("submitted")  # the log grows: the old anchor is still in it
    report = services.log.verify(anchor=anchor)
    assert report.ok and report.anchor == anchor
    db = _db(services)
    before = dump(db)
    wrong = f"{seq}:{'0' * 64}"
    report = services.log.verify(anchor=wrong)
    assert not report.ok and report.first_bad_seq == int(seq) and "is not in this log" in report.problem
    report = services.log.verify(anchor=f"99999:{digest}")
    assert not report.ok and "has no event 99999" in report.problem
    for bad in ("", "12", "x:y", f"0:{digest}", f"{seq}:{digest[:-1]}"):
        with pytest.raises(Refused) as info:
            services.log.verify(anchor=bad)
        assert info.value.code == "bad_anchor"
    assert dump(db) == before
    # a rewrite before the anchor, chain recomputed, no checkpoint involved: the anchor catches it
    _sql(db, "UPDATE events SET reason = 'x' WHERE seq = 2")
    _rechain(db)
    report = services.log.verify(anchor=anchor)
    assert not report.ok and report.first_bad_seq == int(seq)
