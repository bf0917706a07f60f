"""The output guard: an output file never replaces an existing file unasked, and never the database,
its -wal/-shm/-journal or anything in its attachments folder — whatever the path's spelling, links
included."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from audit_workbench.core.errors import Refused
from audit_workbench.services import Services

from ..conftest import CaseMaker, Team, dump

pytestmark = pytest.mark.sqlite_only  # the guarded files are the SQLite file's


def _refused(services: Services, target: Path, force: bool) -> str:
    db = Path(str(services.db.url).removeprefix("sqlite:///"))
    before_bytes = db.read_bytes()
    before = dump(db)
    with pytest.raises(Refused) as info:
        services.outputs.write(target, b"%PDF not a database", force=force)
    assert dump(db) == before and db.read_bytes() == before_bytes
    return info.value.code


def test_an_existing_file_is_replaced_only_with_force(services: Services, tmp_path: Path) -> None:
    target = tmp_path / "证书.pdf"
    target.write_bytes(b"earlier")
    with pytest.raises(Refused) as info:
        services.outputs.write(target, b"new", force=False)
    assert info.value.code == "exists" and str(target) in str(info.value)
    assert target.read_bytes() == b"earlier"
    services.outputs.write(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    fresh = tmp_path / "new.pdf"
    assert services.outputs.write(fresh, b"x", force=False) == fresh and fresh.read_bytes() == b"x"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporaries left


def test_the_database_and_its_files_are_never_an_output(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    make_case("submitted")  # attachments exist
    db = Path(str(services.db.url).removeprefix("sqlite:///"))
    for force in (False, True):
        assert _refused(services, db, force) == "protected_output"
        for suffix in ("-wal", "-shm", "-journal"):  # whether they exist at the moment or not
            assert _refused(services, Path(str(db) + suffix), force) == "protected_output"
        # another spelling of the same path
        assert _refused(services, db.parent / "sub" / ".." / db.name, force) == "protected_output"


def test_links_to_the_database_or_its_attachments_are_caught(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    make_case("submitted")
    db = Path(str(services.db.url).removeprefix("sqlite:///"))
    root = services.db.attachments.root
    stored = next(p for p in root.rglob("*") if p.is_file())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    symlink = elsewhere / "report.pdf"
    symlink.symlink_to(db)
    hardlink = elsewhere / "copy.pdf"
    os.link(db, hardlink)
    wal_link = elsewhere / "dangling.pdf"
    wal_link.symlink_to(Path(str(db) + "-journal"))  # points at a file that does not exist yet
    attachment_link = elsewhere / "licence.pdf"
    os.link(stored, attachment_link)
    folder_link = elsewhere / "files"
    folder_link.symlink_to(root)
    stored_bytes = stored.read_bytes()
    for target in (symlink, hardlink, wal_link, attachment_link, folder_link / "x.pdf", root / "new.pdf"):
        for force in (False, True):
            assert _refused(services, target, force) == "protected_output", target
    assert stored.read_bytes() == stored_bytes
    assert not (root / "new.pdf").exists()


def test_folders_and_missing_folders_are_refused(services: Services, tmp_path: Path) -> None:
    with pytest.raises(Refused) as info:
        services.outputs.write(tmp_path, b"x", force=True)
    assert info.value.code == "is_folder"
    with pytest.raises(Refused) as info:
        services.outputs.write(tmp_path / "no" / "such.pdf", b"x", force=True)
    assert info.value.code == "no_folder"


def test_print_batch_never_writes_into_the_attachments_folder_nor_over_files(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path
) -> None:
    case_no = make_case("certified")
    number = services.cases.get(case_no).certificate.number
    root = services.db.attachments.root
    for folder in (root, root / "ab", tmp_path / "link-to-files"):
        if folder.name == "link-to-files":
            folder.symlink_to(root)
        with pytest.raises(Refused) as info:
            services.documents.print_batch([number], folder, workers=1, force=True)
        assert info.value.code == "protected_output"
    assert not (root / "ab").exists() and not list(root.rglob("*.pdf"))
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{number}.pdf").write_bytes(b"earlier print")
    with pytest.raises(Refused) as info:
        services.documents.print_batch([number], out, workers=1)
    assert info.value.code == "exists" and (out / f"{number}.pdf").read_bytes() == b"earlier print"
    result = services.documents.print_batch([number], out, workers=1, force=True)
    assert result.ok and (out / f"{number}.pdf").read_bytes().startswith(b"%PDF")


def test_register_export_refuses_the_database_before_rendering(
    services: Services, team: Team, tmp_path: Path
) -> None:
    db = Path(str(services.db.url).removeprefix("sqlite:///"))
    link = tmp_path / "register.csv"
    link.symlink_to(db)
    before = db.read_bytes()
    with pytest.raises(Refused) as info:
        services.documents.register_export(link, force=True)
    assert info.value.code == "protected_output" and db.read_bytes() == before
