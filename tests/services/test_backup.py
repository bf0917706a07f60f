"""Backup while writing, restore with verification, and refusals that leave everything as it was."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest

from audit_workbench.core.errors import Refused
from audit_workbench.services import Services
from audit_workbench.services.backup import backup, last_backup, restore, verify_backup

from ..conftest import CaseMaker, Team

pytestmark = pytest.mark.sqlite_only  # the online backup API is SQLite's


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
        other = Services.open(services.db.url)
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
        assert verify_backup(summary.path)["events"] == summary.events
        restored = restore(summary.path, tmp_path / f"restored{n}.sqlite3")
        assert restored.events == summary.events
        copy = Services.open(restored.db)
        try:
            assert copy.log.verify().ok
            detail = copy.cases.get(case_no)
            assert detail.status == "onsite_audit"
            # material files came back with the database and read back checked
            sha = detail.materials[0].files[0].sha256
            assert copy.cases.read_attachment(sha) == services.cases.read_attachment(sha)
        finally:
            copy.close()


def test_restore_never_overwrites_without_force(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    make_case("submitted")
    summary = backup(services, team.admin, tmp_path / "b.awb")
    target = tmp_path / "live.sqlite3"
    target.write_bytes(b"precious")
    with pytest.raises(Refused) as info:
        restore(summary.path, target)
    assert info.value.code == "exists" and target.read_bytes() == b"precious"
    result = restore(summary.path, target, force=True)
    assert result.replaced is not None and result.replaced.read_bytes() == b"precious"


def test_backup_needs_admin_and_a_new_file(services: Services, team: Team, tmp_path: Path) -> None:
    with pytest.raises(Refused) as info:
        backup(services, team.clerk, tmp_path / "b.awb")
    assert info.value.code == "wrong_role" and not (tmp_path / "b.awb").exists()
    (tmp_path / "taken.awb").write_bytes(b"x")
    with pytest.raises(Refused):
        backup(services, team.admin, tmp_path / "taken.awb")
    assert (tmp_path / "taken.awb").read_bytes() == b"x"


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
                    content = content[:100] + bytes([content[100] ^ 0xFF]) + content[101:]
                if damage == "manifest" and info.filename == "manifest.json":
                    content = content.replace(b'"events"', b'"events" ', 1)
                dst.writestr(info, content)
            if damage == "extra":
                dst.writestr("attachments/../../evil", b"x")
    target = tmp_path / "restored.sqlite3"
    with pytest.raises(Refused) as info:
        restore(bad, target)
    assert info.value.code == "bad_backup"
    assert not target.exists() and not target.with_name(target.name + ".attachments").exists()
