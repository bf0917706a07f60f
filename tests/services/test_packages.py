"""Audit packages: office → laptop → offline scoring → office, conflicts, re-imports, hostile files.

Every refusal is checked the same way: the right code, the target database's rows unchanged
(`dump`), its attachment folder unchanged, no database left behind where none was, and nothing left
in the temporary folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import stat
import struct
import tempfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from audit_workbench.core.datafiles import rubrics_dir
from audit_workbench.core.errors import Refused
from audit_workbench.core.rubric import RubricRegistry
from audit_workbench.services import Services
from audit_workbench.services.packages import (
    PackageConflicts,
    export_package,
    import_package,
    inspect_package,
    rubric_registry_for,
)
from audit_workbench.services.packages import apply as pk_apply
from audit_workbench.services.packages import archive as pk_archive
from audit_workbench.services.packages import store as pk_store
from audit_workbench.storage.staging import staging_root

from ..conftest import FAST_HASHER, PASSWORD, CaseMaker, Clock, Team, dump
from .package_helpers import (
    LAPTOP_PASSWORD,
    Members,
    attachment_names,
    attachments_folder,
    build_office_case,
    case_doc,
    edit_json,
    edit_manifest,
    files_under,
    first_login,
    login,
    manifest_of,
    member_key,
    read_members,
    records,
    relist,
    resign,
    state,
    write_zip,
)

pytestmark = pytest.mark.sqlite_only  # the tests copy and compare SQLite files


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Staging goes to a folder of this test, so 'nothing left behind' can be checked there too."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def refused(code: str | tuple[str, ...], db: Path, call: Callable[[], object]) -> Refused:
    """Run a call that must be refused with `code`, leaving `db` and its attachments as they were."""
    existed = db.exists()
    before = state(db) if existed else None
    with pytest.raises(Refused) as info:
        call()
    codes = (code,) if isinstance(code, str) else code
    assert info.value.code in codes, f"{info.value.code}: {info.value.message_en}"
    if existed:
        assert state(db) == before, "a refused import changed the database or its attachments"
    else:
        assert not db.exists(), "a refused import left a database behind"
        assert files_under(attachments_folder(db)) == []
    staging = Path(tempfile.gettempdir())
    assert files_under(staging) == [], "a refused import left staged files behind"
    assert files_under(staging_root(db)) == [], "a refused import left its staging folder behind"
    return info.value


def all_points(services: Services, actor, case_no: str, *, skip: tuple[str, ...] = ()) -> None:  # type: ignore[no-untyped-def]
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    for _, indicator in rubric.indicators():
        if indicator.code not in skip:
            services.audits.set_points(actor, case_no, indicator.code, indicator.max_points)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "现场照片.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 a photo of the service counter")
    return path


@pytest.fixture
def office_case(services: Services, team: Team, make_case: CaseMaker, sample_file: Path) -> str:
    """A case on site in the office with a score, an open nonconformity and a piece of evidence."""
    case_no = make_case("onsite_audit")
    services.audits.set_points(team.leader, case_no, "1.1", "2")
    services.audits.raise_nonconformity(team.leader, case_no, "1.2", "服务承诺未在营业场所公示")
    services.audits.add_evidence(team.leader, case_no, "1.1", "服务管理制度", sample_file)
    return case_no


def take_out(
    services: Services, team: Team, case_no: str, tmp_path: Path, clock: Clock
) -> tuple[Path, Services, dict[str, str]]:
    """Export the case from the office and import it into a new laptop database (no one to log in
    as there yet); the laptop codes the office printed."""
    out = tmp_path / "checkout.awp"
    summary = export_package(services, team.leader, [case_no], out)
    laptop = tmp_path / "laptop" / "workbench.sqlite3"
    result = import_package(laptop, out, clock=clock)
    assert result.database_created
    return out, Services.open(laptop, clock=clock, hasher=FAST_HASHER), summary.laptop_codes


# == the round trip ==================================================================================


def test_office_to_laptop_to_office_round_trip(
    services: Services,
    team: Team,
    office_case: str,
    tmp_path: Path,
    clock: Clock,
    db_path: Path,
    sample_file: Path,
    photo: Path,
) -> None:
    case_no = office_case
    steps: list[tuple[int, int]] = []
    out = tmp_path / "checkout.awp"
    summary = export_package(
        services, team.leader, [case_no], out, progress=lambda d, t: steps.append((d, t))
    )
    assert summary.kind == "checkout" and summary.cases == (case_no,)
    assert summary.accounts == ("leader", "member")
    assert steps and steps[-1][0] == steps[-1][1]
    codes = summary.laptop_codes  # shown once, in the office: one per team member
    assert set(codes) == {"leader", "member"} and codes["leader"] != codes["member"]

    # the laptop: a new database (no one to log in as yet), laptop accounts for the team only
    laptop_path = tmp_path / "laptop" / "workbench.sqlite3"
    result = import_package(laptop_path, out, clock=clock)
    assert result.database_created and result.cases == (case_no,)
    laptop = Services.open(laptop_path, clock=clock, hasher=FAST_HASHER)
    try:
        accounts = {u.name: u for u in laptop.users.list()}
        assert {n for n, u in accounts.items() if u.active} == {"leader", "member"}
        assert not {"admin", "clerk", "comm1", "comm2", "outsider", "dual"} & set(accounts)
        assert accounts["leader"].roles == ("auditor",)
        with pytest.raises(Refused) as info:  # the office password does not work here: no hash travelled
            laptop.users.login("leader", PASSWORD)
        assert info.value.code == "login_failed"
        with pytest.raises(Refused) as info:  # the code, but no laptop password chosen yet
            laptop.users.login("leader", codes["leader"])
        assert info.value.code == "new_password_required"
        with pytest.raises(Refused) as info:  # another member's code opens nothing of the leader's
            laptop.users.login("leader", codes["member"], new_password=LAPTOP_PASSWORD)
        assert info.value.code == "login_failed"
        leader = first_login(laptop, "leader", codes)  # the code, and the laptop password set
        assert laptop.users.login("leader", LAPTOP_PASSWORD).name == "leader"
        with pytest.raises(Refused):  # the code was for once
            laptop.users.login("leader", codes["leader"], new_password="another password 1")
        here = laptop.cases.get(case_no)
        office = services.cases.get(case_no)
        assert here.status == "onsite_audit" and here.rubric_sha256 == office.rubric_sha256
        assert here.entries == office.entries
        assert [n.text for n in here.nonconformities] == [n.text for n in office.nonconformities]
        assert laptop.cases.read_attachment(here.evidence[0].file.sha256) == sample_file.read_bytes()
        assert laptop.cases.read_attachment(here.materials[0].files[0].sha256) == sample_file.read_bytes()

        # offline scoring on the laptop
        all_points(laptop, leader, case_no, skip=("3.2",))
        laptop.audits.score_sample(leader, case_no, "3.2", 10, 1, note="抽查 10 份服务记录")
        laptop.audits.set_note(leader, case_no, "1.1", "现场核实")
        new_nc = laptop.audits.raise_nonconformity(leader, case_no, "2.1", "投诉处理记录不完整")
        laptop.audits.add_evidence(leader, case_no, "2.1", "服务台照片", photo)
        laptop.audits.add_special(leader, case_no, "deduction", "一年内发生重大服务质量投诉")
        for nc in laptop.cases.get(case_no).nonconformities:
            laptop.audits.close_nonconformity(leader, case_no, nc.id, "已整改并验证有效")
        assert new_nc
        concluded = laptop.audits.conclude(leader, case_no, "建议通过认证")
        assert concluded.status == "committee_review"
        back = tmp_path / "results.awp"
        returned = export_package(laptop, leader, [case_no], back, signing_password=LAPTOP_PASSWORD)
        assert returned.kind == "return" and returned.accounts == ()
        assert laptop.log.verify().ok

        # back in the office: a member of the team logs in and imports; everything arrives, once
        result = import_package(db_path, back, actor=team.member, clock=clock)
        assert not result.database_created and result.kind == "return"
        office = services.cases.get(case_no)
        here = laptop.cases.get(case_no)
        assert office.status == "committee_review"
        assert office.entries == here.entries
        assert office.entries["3.2"].sampled == 10 and office.entries["1.1"].note == "现场核实"
        assert (office.recommended_total, office.recommended_grade) == (
            here.recommended_total,
            here.recommended_grade,
        )
        assert office.conclusion_summary == "建议通过认证"
        assert sorted(n.text for n in office.nonconformities) == sorted(n.text for n in here.nonconformities)
        assert len(office.nonconformities) == 3 and all(n.status == "closed" for n in office.nonconformities)
        assert [s.kind for s in office.special_items] == ["deduction"]
        assert office.special_items[0].nonconformity_id in {n.id for n in office.nonconformities}
        assert sorted(e.note for e in office.evidence) == ["服务台照片", "服务管理制度"]
        photo_sha = next(e.file.sha256 for e in office.evidence if e.note == "服务台照片")
        assert services.cases.read_attachment(photo_sha) == photo.read_bytes()
        assert services.log.verify().ok and laptop.log.verify().ok
        events = services.log.events(limit=80)
        actions = [e.action for e in events]
        assert "package.import" in actions and "score.import" in actions and "package.export" in actions
        # records keep their laptop author; the events name the office user who imported them
        imported = next(e for e in events if e.action == "score.import")
        assert imported.user_name == "member" and imported.after["updated_by"] == "leader"
        assert "signed by leader" in imported.reason
        # the office carries on as if the audit had been scored here
        assert services.committee.vote(team.committee, case_no, "approve", "同意").status == "approved"
        # …and the log backs the decision: the scores, special items and conclusion the package
        # brought are taken again from its import events before the certificate is signed
        services.certificates.issue(team.clerk, case_no)
        assert services.certificates.check() == []
    finally:
        laptop.close()


def test_manifest_lists_every_member_with_its_hash_and_size(
    services: Services, team: Team, office_case: str, tmp_path: Path
) -> None:
    out = tmp_path / "checkout.awp"
    export_package(services, team.clerk, [office_case], out)
    members = read_members(out)
    manifest = manifest_of(members)
    assert manifest["format"] == "audit-workbench-package" and manifest["format_version"] == 3
    assert manifest["kind"] == "checkout"
    assert manifest["exported_by"]["name"] == "clerk"
    assert datetime.fromisoformat(manifest["exported_at"]) == services.now()
    listed = {e["path"]: e for e in manifest["members"]}
    assert set(listed) == set(members) - {"manifest.json"}
    for name, data in members.items():
        if name != "manifest.json":
            assert listed[name] == {
                "path": name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data),
            }
    (case,) = manifest["cases"]
    rubric = services.rubrics.get(case["rubric_id"])
    assert case["rubric_sha256"] == rubric.sha256
    assert members[f"rubrics/{case['rubric_id']}.yaml"] == rubric.path.read_bytes()
    team_doc = json.loads(members["team.json"])
    assert [a["name"] for a in team_doc["members"]] == ["leader", "member"]
    # each member: a name, a public key and a private key sealed with the one-time code; no account
    assert set(team_doc["members"][0]) == {"name", "display_name", "public_key", "wrapped_key"}
    assert team_doc["members"][0]["wrapped_key"]["kdf"] == "scrypt"
    assert team_doc["others"] == []  # every record of this case was made by the team
    assert len(attachment_names(members)) == 1  # the licence: materials and evidence share it


def test_no_package_carries_a_password_hash_or_an_account(
    services: Services, team: Team, office_case: str, tmp_path: Path, clock: Clock, db_path: Path
) -> None:
    out, laptop, codes = take_out(services, team, office_case, tmp_path, clock)
    try:
        leader = first_login(laptop, "leader", codes)
        laptop.audits.set_points(leader, office_case, "1.3", "1")
        back = tmp_path / "results.awp"
        export_package(laptop, leader, [office_case], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    for package in (out, back):
        members = read_members(package)
        everything = b"".join(members.values())
        assert b"$argon2" not in everything and b"password_hash" not in everything
        assert "users.json" not in members
    assert manifest_of(read_members(back))["accounts"] == []  # a return carries case records only
    assert "team.json" not in read_members(back)


def test_export_is_refused_for_the_wrong_person_or_state(
    services: Services, team: Team, office_case: str, make_case: CaseMaker, tmp_path: Path, db_path: Path
) -> None:
    out = tmp_path / "x.awp"
    before = dump(db_path)
    for actor, case_no, code in [
        (team.outsider_auditor, office_case, "not_on_team"),
        (team.committee, office_case, "wrong_role"),
        (team.clerk, make_case("draft"), "wrong_state"),
        (team.clerk, "AW2026-09999", "not_found"),
    ]:
        before = dump(db_path)
        with pytest.raises(Refused) as info:
            export_package(services, actor, [case_no], out)
        assert info.value.code == code
        assert dump(db_path) == before and not out.exists()
    assert files_under(tmp_path / "tmp") == []


def test_cancelled_export_and_import_leave_nothing(
    services: Services, team: Team, office_case: str, tmp_path: Path, clock: Clock
) -> None:
    cancel = threading.Event()
    out = tmp_path / "checkout.awp"

    def stop_after_first(done: int, total: int) -> None:
        cancel.set()

    with pytest.raises(Refused) as info:
        export_package(services, team.leader, [office_case], out, progress=stop_after_first, cancel=cancel)
    assert info.value.code == "cancelled"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".awp", ".partial")) == []
    export_package(services, team.leader, [office_case], out)
    cancel.clear()
    laptop = tmp_path / "laptop.sqlite3"
    refused(
        "cancelled",
        laptop,
        lambda: import_package(laptop, out, progress=stop_after_first, cancel=cancel, clock=clock),
    )
    # cancelled while writing: the new database, its attachment folder and its folder go again
    cancel.clear()
    reading = len(read_members(out))

    def stop_while_writing(done: int, total: int) -> None:
        if done > reading:
            cancel.set()

    laptop = tmp_path / "new" / "laptop.sqlite3"
    refused(
        "cancelled",
        laptop,
        lambda: import_package(laptop, out, progress=stop_while_writing, cancel=cancel, clock=clock),
    )
    assert not laptop.parent.exists()


# == conflicts and re-imports ========================================================================


def test_a_score_changed_in_the_office_meanwhile_is_a_conflict(
    services: Services, team: Team, office_case: str, tmp_path: Path, clock: Clock, db_path: Path
) -> None:
    case_no = office_case
    _, laptop, codes = take_out(services, team, case_no, tmp_path, clock)
    try:
        leader = first_login(laptop, "leader", codes)
        laptop.audits.set_points(leader, case_no, "1.1", "2.5")
        laptop.audits.set_points(leader, case_no, "1.3", "1")
        back = tmp_path / "results.awp"
        export_package(laptop, leader, [case_no], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    services.audits.set_points(team.member, case_no, "1.1", "0.5")  # the office edits the same score

    error = refused(
        "package_conflict", db_path, lambda: import_package(db_path, back, actor=team.leader, clock=clock)
    )
    assert isinstance(error, PackageConflicts)
    (conflict,) = error.conflicts
    assert conflict.id == f"{case_no}/score/1.1" and conflict.label == "score 1.1"
    assert (conflict.base["points"], conflict.office["points"], conflict.package["points"]) == (
        "2",
        "0.5",
        "2.5",
    )

    preview = inspect_package(back, db_path)  # the same picture, without raising
    assert preview.target_checked and [c.id for c in preview.conflicts] == [conflict.id]
    assert [(c.type, c.key, c.action) for c in preview.changes] == [("score", "1.3", "create")]

    # keep the office's value, take the rest
    result = import_package(db_path, back, resolve={conflict.id: "office"}, actor=team.leader, clock=clock)
    assert result.resolved == (conflict.id,)
    detail = services.cases.get(case_no)
    assert detail.entries["1.1"].points == Decimal("0.5") and detail.entries["1.3"].points == Decimal(1)
    assert services.log.verify().ok


def test_a_conflict_resolved_for_the_package_takes_the_laptop_value(
    services: Services, team: Team, office_case: str, tmp_path: Path, clock: Clock, db_path: Path
) -> None:
    case_no = office_case
    _, laptop, codes = take_out(services, team, case_no, tmp_path, clock)
    try:
        leader = first_login(laptop, "leader", codes)
        nc = laptop.cases.get(case_no).nonconformities[0]
        laptop.audits.close_nonconformity(leader, case_no, nc.id, "已在营业场所公示服务承诺")
        back = tmp_path / "results.awp"
        export_package(laptop, leader, [case_no], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    office_nc = services.cases.get(case_no).nonconformities[0]
    services.audits.close_nonconformity(team.member, case_no, office_nc.id, "办公室记录的整改")
    error = refused(
        "package_conflict", db_path, lambda: import_package(db_path, back, actor=team.leader, clock=clock)
    )
    (conflict,) = error.conflicts  # type: ignore[attr-defined]
    assert conflict.type == "nonconformity"
    assert conflict.office["corrective_action"] == "办公室记录的整改"
    assert conflict.package["corrective_action"] == "已在营业场所公示服务承诺"
    import_package(db_path, back, resolve={conflict.id: "package"}, actor=team.leader, clock=clock)
    assert services.cases.get(case_no).nonconformities[0].corrective_action == "已在营业场所公示服务承诺"
    assert services.log.verify().ok


def test_importing_twice_never_duplicates(
    services: Services, team: Team, office_case: str, tmp_path: Path, clock: Clock, db_path: Path, photo: Path
) -> None:
    case_no = office_case
    out, laptop, codes = take_out(services, team, case_no, tmp_path, clock)
    laptop_path = Path(laptop.db.url.removeprefix("sqlite:///"))
    try:
        leader = first_login(laptop, "leader", codes)
        refused("login_required", laptop_path, lambda: import_package(laptop_path, out, clock=clock))
        refused(
            "already_imported",
            laptop_path,
            lambda: import_package(laptop_path, out, actor=leader, clock=clock),
        )
        refused("package_own", db_path, lambda: import_package(db_path, out, actor=team.leader, clock=clock))
        laptop.audits.raise_nonconformity(leader, case_no, "2.1", "投诉处理记录不完整")
        laptop.audits.add_evidence(leader, case_no, "2.1", "服务台照片", photo)
        first = tmp_path / "first.awp"
        export_package(laptop, leader, [case_no], first, signing_password=LAPTOP_PASSWORD)
        import_package(db_path, first, actor=team.leader, clock=clock)
        refused(
            "already_imported",
            db_path,
            lambda: import_package(db_path, first, actor=team.leader, clock=clock),
        )

        # more work on the laptop; the second return carries everything again, nothing doubles
        laptop.audits.set_points(leader, case_no, "2.1", "1.5")
        added = next(n for n in laptop.cases.get(case_no).nonconformities if n.text == "投诉处理记录不完整")
        laptop.audits.close_nonconformity(leader, case_no, added.id, "补全记录")
        special = laptop.audits.add_special(leader, case_no, "bonus", "服务创新")
        second = tmp_path / "second.awp"
        export_package(laptop, leader, [case_no], second, signing_password=LAPTOP_PASSWORD)
        result = import_package(db_path, second, actor=team.leader, clock=clock)
        assert result.unchanged > 0
        office = services.cases.get(case_no)
        assert len(office.nonconformities) == 2 and len(office.evidence) == 2
        assert next(n for n in office.nonconformities if n.text == "投诉处理记录不完整").status == "closed"
        assert office.entries["2.1"].points == Decimal("1.5") and len(office.special_items) == 1
        refused(
            "package_outdated",
            db_path,
            lambda: import_package(db_path, first, actor=team.leader, clock=clock),
        )

        # a removal on the laptop of something already brought back travels too
        laptop.audits.remove_special(leader, case_no, special, "误加")
        third = tmp_path / "third.awp"
        export_package(laptop, leader, [case_no], third, signing_password=LAPTOP_PASSWORD)
        import_package(db_path, third, actor=team.leader, clock=clock)
        assert services.cases.get(case_no).special_items == ()
        assert services.log.verify().ok and laptop.log.verify().ok
    finally:
        laptop.close()


def test_inspect_changes_nothing_and_previews_the_import(
    services: Services, team: Team, office_case: str, tmp_path: Path, db_path: Path
) -> None:
    out = tmp_path / "checkout.awp"
    export_package(services, team.leader, [office_case], out)
    before = state(db_path)
    preview = inspect_package(out)
    assert preview.kind == "checkout" and not preview.target_checked
    assert [c.case_no for c in preview.cases] == [office_case] and preview.accounts == ("leader", "member")
    kinds = {(c.type, c.action) for c in preview.changes}
    assert {("case", "create"), ("score", "create"), ("account", "create"), ("evidence", "create")} <= kinds
    laptop = tmp_path / "never.sqlite3"
    assert inspect_package(out, laptop).changes == preview.changes
    assert not laptop.exists() and state(db_path) == before


# == rubrics =========================================================================================


def test_a_laptop_with_another_file_under_the_same_rubric_id_is_refused(
    services: Services, team: Team, office_case: str, tmp_path: Path, clock: Clock
) -> None:
    out = tmp_path / "checkout.awp"
    export_package(services, team.leader, [office_case], out)
    other = tmp_path / "rubrics"
    other.mkdir()
    for path in rubrics_dir().glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        (other / path.name).write_text(text + "\n# locally edited\n", encoding="utf-8")
    laptop = tmp_path / "laptop.sqlite3"
    registry = RubricRegistry(other)
    refused("rubric_mismatch", laptop, lambda: import_package(laptop, out, rubrics=registry, clock=clock))


def test_a_laptop_without_the_rubric_scores_against_the_packaged_file(
    services: Services, team: Team, office_case: str, tmp_path: Path, clock: Clock, db_path: Path
) -> None:
    out = tmp_path / "checkout.awp"
    codes = export_package(services, team.leader, [office_case], out).laptop_codes
    rubric_id = services.cases.get(office_case).rubric_id
    older = tmp_path / "rubrics"
    older.mkdir()
    for path in rubrics_dir().glob("*.yaml"):
        if path.stem != rubric_id:
            shutil.copy(path, older / path.name)
    laptop_path = tmp_path / "laptop.sqlite3"
    import_package(laptop_path, out, rubrics=RubricRegistry(older), clock=clock)
    database = Services.open(laptop_path, hasher=FAST_HASHER).db
    registry = rubric_registry_for(database, RubricRegistry(older))
    laptop = Services(database, rubrics=registry, clock=clock)
    try:
        leader = first_login(laptop, "leader", codes)
        change = laptop.audits.set_points(leader, office_case, "1.2", "2.5")
        assert change.entry is not None and change.entry.points == Decimal("2.5")
        assert laptop.rubrics.get(rubric_id).sha256 == services.rubrics.get(rubric_id).sha256
        # the return carries the pinned file even from a program that has no such rubric installed
        plain = Services(database, rubrics=RubricRegistry(older), clock=clock)
        back = tmp_path / "back.awp"
        export_package(plain, leader, [office_case], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    import_package(db_path, back, actor=team.leader, clock=clock)
    assert services.cases.get(office_case).entries["1.2"].points == Decimal("2.5")


# == hostile and damaged packages ====================================================================


@dataclass(frozen=True)
class Shared:
    baseline: Members  # the members of a checkout package of one case
    laptop: Path  # a laptop database holding another case, to copy for each test


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Shared:
    """Built once for the hostile-package tests, which only read it (each gets its own copies)."""
    folder = tmp_path_factory.mktemp("packages")
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    office = Services.open(folder / "office.sqlite3", clock=clock, hasher=FAST_HASHER)
    try:
        case_no, leader = build_office_case(office, folder)
        out = folder / "baseline.awp"
        export_package(office, leader, [case_no], out)
    finally:
        office.close()
    baseline = read_members(out)
    laptop = folder / "laptop" / "workbench.sqlite3"
    import_package(
        laptop, write_zip(folder / "other.awp", _rename_case(baseline, "AW2026-00777")), clock=clock
    )
    return Shared(baseline, laptop)


@pytest.fixture
def baseline(shared: Shared) -> Members:
    return dict(shared.baseline)


@pytest.fixture
def laptop_db(shared: Shared, tmp_path: Path) -> Path:
    """An existing laptop database with another case on it: hostile packages must leave it alone."""
    laptop = tmp_path / "existing" / shared.laptop.name
    laptop.parent.mkdir()
    shutil.copy(shared.laptop, laptop)
    shutil.copytree(attachments_folder(shared.laptop), attachments_folder(laptop))
    return laptop


def _rename_case(members: Members, case_no: str) -> Members:
    old = case_doc(members)
    doc = json.loads(members[old])
    doc["case_no"] = doc["case"]["case_no"] = case_no
    renamed = {n: d for n, d in members.items() if n != old}
    renamed[f"cases/{case_no}.json"] = json.dumps(doc, ensure_ascii=False).encode()

    def fix(manifest: dict) -> None:  # type: ignore[type-arg]
        manifest["cases"][0]["case_no"] = case_no
        manifest["cases"][0]["member"] = f"cases/{case_no}.json"
        manifest["package_id"] = "f" * 32

    return relist(edit_manifest(renamed, fix))


def _add(members: Members, name: str, data: bytes, *, listed: bool = True) -> Members:
    grown = {**members, name: data}
    return relist(grown) if listed else grown


def _set_listed(members: Members, name: str, **fields: object) -> Members:
    def change(manifest: dict) -> None:  # type: ignore[type-arg]
        entry = next(e for e in manifest["members"] if e["path"] == name)
        entry.update(fields)

    return edit_manifest(members, change)


def _swap_content(members: Members, name: str, data: bytes) -> Members:
    return {**members, name: data}  # the manifest still lists the old hash


def _score(members: Members, which: str = "1.1", **fields: object) -> Members:
    def change(doc: dict) -> None:  # type: ignore[type-arg]
        record = next(r for r in records(doc, "score") if r["value"]["code"] == which)
        if "code" in fields:
            record["key"] = fields["code"]
        record["value"].update(fields)

    return edit_json(members, case_doc(members), change)


def _case(members: Members, **fields: object) -> Members:
    return edit_json(members, case_doc(members), lambda d: d["case"].update(fields))


def _record(members: Members, type_: str, **fields: object) -> Members:
    return edit_json(members, case_doc(members), lambda d: records(d, type_)[0]["value"].update(fields))


def _org(members: Members, **fields: object) -> Members:
    return edit_json(members, case_doc(members), lambda d: d["organization"].update(fields))


def _forged_keys_in_place(data: bytes) -> bytes:
    """The case document with the organisation's full pinyin replaced by as many z's (same size)."""
    doc = json.loads(data)
    full = doc["organization"]["name_pinyin"].encode()
    assert full and data.count(b'"' + full + b'"') == 1
    return data.replace(b'"' + full + b'"', b'"' + b"z" * len(full) + b'"')


def _zip_bytes(members: Members, modes: dict[str, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 3, 2, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (modes or {}).get(name, stat.S_IFREG | 0o644) << 16
            zf.writestr(info, data)
    return buffer.getvalue()


def _lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """Patch a member's uncompressed size in both zip headers (a classic zip bomb disguise)."""
    raw = bytearray(data)
    encoded = name.encode()
    local = raw.find(b"PK\x03\x04")
    while local != -1:
        name_len = struct.unpack_from("<H", raw, local + 26)[0]
        if raw[local + 30 : local + 30 + name_len] == encoded:
            struct.pack_into("<I", raw, local + 22, size)
            break
        local = raw.find(b"PK\x03\x04", local + 4)
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", raw, central + 28)[0]
        if raw[central + 46 : central + 46 + name_len] == encoded:
            struct.pack_into("<I", raw, central + 24, size)
            break
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


HostileBuilder = Callable[[Members], "bytes | Members"]
LINK = stat.S_IFLNK | 0o777
BOMB = b"\x00" * (8 * 1024 * 1024)


def _bomb_lying(members: Members) -> bytes:
    name = "attachments/" + hashlib.sha256(BOMB[:1000]).hexdigest()
    grown = {**members, name: BOMB}
    listed = relist(grown)
    listed = _set_listed(listed, name, size=1000, sha256=hashlib.sha256(BOMB[:1000]).hexdigest())
    return _lie_about_size(_zip_bytes(listed), name, 1000)


def _many_members(members: Members) -> Members:
    grown = dict(members)
    for n in range(4):
        data = bytes([n + 1]) * (900 * 1024)
        grown["attachments/" + hashlib.sha256(data).hexdigest()] = data
    return relist(grown)


def _truncate(fraction: float) -> HostileBuilder:
    def build(members: Members) -> bytes:
        data = _zip_bytes(members)
        return data[: int(len(data) * fraction)]

    return build


def _patch_team_json(
    members: Members, local: int, central_at: int, value: Callable[[zipfile.ZipInfo], bytes]
) -> bytes:
    """The archive with value(team.json's ZipInfo) written at offset `local` of that member's local
    header and at offset `central_at` of its central directory entry."""
    data = bytearray(_zip_bytes(members))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("team.json")
        central = zf.start_dir  # the first central directory entry
    raw = value(info)
    data[info.header_offset + local : info.header_offset + local + len(raw)] = raw
    while central != -1:
        name_len = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + name_len] == b"team.json":
            data[central + central_at : central + central_at + len(raw)] = raw
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def _unknown_compression(members: Members) -> bytes:
    """team.json stored with compression method 99 (WinZip AES), which the reader refuses up front."""
    return _patch_team_json(members, 8, 10, lambda _: (99).to_bytes(2, "little"))


def _patched_data(members: Members) -> bytes:
    """team.json flagged as "compressed patched data" (general purpose bit 5), which zipfile
    cannot read: it raises NotImplementedError while the member is read."""
    return _patch_team_json(members, 6, 8, lambda info: (info.flag_bits | 0x20).to_bytes(2, "little"))


def _flip_byte(members: Members) -> bytes:
    data = bytearray(_zip_bytes(members))
    name = case_doc(members).encode()
    start = data.find(name) + len(name) + 20  # inside the case's compressed data
    data[start] ^= 0xFF
    return bytes(data)


def _first_attachment(members: Members) -> str:
    return attachment_names(members)[0]


def _extra_account(members: Members) -> Members:
    """A member who is not on the audit team slipped into team.json (to get a laptop account)."""

    def change(team: dict) -> None:  # type: ignore[type-arg]
        team["members"].append({**team["members"][0], "name": "admin", "display_name": "admin"})

    grown = edit_json(members, "team.json", change)
    return relist(edit_manifest(grown, lambda m: m["accounts"].append("admin")))


def _an_account(members: Members) -> Members:
    """An office account (roles and a password hash) put into team.json, as version 1 carried them."""

    def change(team: dict) -> None:  # type: ignore[type-arg]
        team["members"][0].update(password_hash="$argon2id$v=19$m=65536,t=3,p=4$x$y", roles=["admin"])

    return edit_json(members, "team.json", change)


HOSTILE: list[tuple[str, str, HostileBuilder]] = [
    # members outside the archive root
    ("traversal", "package_unsafe_path", lambda p: _add(p, "../evil.txt", b"x")),
    ("traversal", "package_unsafe_path", lambda p: _add(p, "cases/../../evil.json", b"{}")),
    ("traversal", "package_unsafe_path", lambda p: _add(p, "attachments/..\\..\\evil", b"x")),
    ("traversal", "package_unsafe_path", lambda p: _add(p, "rubrics/./x.yaml", b"x")),
    # absolute paths
    ("absolute path", "package_absolute_path", lambda p: _add(p, "/tmp/evil.txt", b"x")),
    ("absolute path", "package_absolute_path", lambda p: _add(p, "/etc/cron.d/evil", b"x")),
    ("absolute path", "package_absolute_path", lambda p: _add(p, "C:/Windows/evil.txt", b"x")),
    # links
    ("symlink", "package_link", lambda p: _zip_bytes(p, {_first_attachment(p): LINK})),
    ("symlink", "package_link", lambda p: _zip_bytes(p, {"team.json": LINK})),
    (
        "symlink",
        "package_link",
        lambda p: _zip_bytes(
            _add(p, "attachments/" + "0" * 64, b"/etc/passwd"), {"attachments/" + "0" * 64: LINK}
        ),
    ),
    # sizes
    ("size mismatch", "package_size_mismatch", lambda p: _set_listed(p, _first_attachment(p), size=1)),
    ("size mismatch", "package_size_mismatch", lambda p: _set_listed(p, case_doc(p), size=10**6)),
    # hashes
    ("hash mismatch", "package_hash_mismatch", lambda p: _set_listed(p, case_doc(p), sha256="0" * 64)),
    (
        "hash mismatch",
        "package_hash_mismatch",
        lambda p: _swap_content(p, _first_attachment(p), b"X" * len(p[_first_attachment(p)])),
    ),
    (
        "hash mismatch",
        "package_hash_mismatch",
        lambda p: _swap_content(p, case_doc(p), p[case_doc(p)].replace(b"onsite_audit", b"onsite_AUDIT", 1)),
    ),
    (  # the organisation's carried search keys changed after export (checkouts are not signed: the
        # manifest's hashes are what catches an altered member)
        "hash mismatch",
        "package_hash_mismatch",
        lambda p: _swap_content(p, case_doc(p), _forged_keys_in_place(p[case_doc(p)])),
    ),
    # members the manifest does not list, or lists but lacks
    (
        "extra member",
        "package_unlisted_member",
        lambda p: _add(p, "cases/AW2026-09999.json", b"{}", listed=False),
    ),
    (
        "extra member",
        "package_unlisted_member",
        lambda p: _add(p, "attachments/" + hashlib.sha256(b"y").hexdigest(), b"y", listed=False),
    ),
    ("extra member", "package_bad_member", lambda p: _add(p, "evil.exe", b"MZ")),
    ("extra member", "package_bad_member", lambda p: _add(p, "users.json", b"{}")),
    ("extra member", "package_manifest", lambda p: _add(p, "signature.json", b"{}", listed=False)),
    ("missing member", "package_missing_member", lambda p: {n: d for n, d in p.items() if n != "team.json"}),
    # truncated or damaged archives
    ("truncated", "package_corrupt", _truncate(0.5)),
    ("truncated", "package_corrupt", _truncate(0.98)),
    ("truncated", "package_corrupt", lambda p: _zip_bytes(p)[:-10]),
    ("truncated", "package_corrupt", lambda p: b""),
    ("truncated", "package_corrupt", lambda p: b"PK\x03\x04 this is not a zip archive"),
    ("truncated", "package_corrupt", _flip_byte),
    ("unknown compression", "package_bad_member", _unknown_compression),
    ("unknown compression", "package_bad_member", _patched_data),
    # zip bombs (limits lowered by the test: 1 MiB a member, 3 MiB in all)
    (
        "zip bomb",
        "package_too_large",
        lambda p: _add(p, "attachments/" + hashlib.sha256(BOMB).hexdigest(), BOMB),
    ),
    ("zip bomb", "package_corrupt", _bomb_lying),
    ("zip bomb", "package_too_large", _many_members),
    (
        "zip bomb",
        "package_too_large",
        lambda p: edit_json(p, "team.json", lambda u: {**u, "pad": " " * 300_000}),
    ),
    # format versions
    ("format version", "package_version", lambda p: edit_manifest(p, lambda m: m.update(format_version=4))),
    # version 1 carried the team's password hashes: never read again
    ("format version", "package_version", lambda p: edit_manifest(p, lambda m: m.update(format_version=1))),
    ("format version", "package_version", lambda p: edit_manifest(p, lambda m: m.update(format_version="1"))),
    ("format version", "package_version", lambda p: edit_manifest(p, lambda m: m.pop("format_version"))),
    # invalid values, validated with the core rules against the packaged rubric
    ("score over maximum", "bad_score", lambda p: _score(p, points="99")),
    ("score over maximum", "bad_score", lambda p: _score(p, points="3")),
    ("score not a 0.5 step", "bad_score", lambda p: _score(p, points="1.3")),
    ("score not a 0.5 step", "bad_score", lambda p: _score(p, points="-0.5")),
    ("score not a 0.5 step", "bad_value", lambda p: _score(p, points="NaN")),
    ("unknown code", "unknown_indicator", lambda p: _score(p, code="9.9")),
    ("unknown code", "unknown_indicator", lambda p: _record(p, "evidence", code="1.99")),
    ("unknown code", "unknown_indicator", lambda p: _record(p, "nonconformity", code="X")),
    ("unknown state", "bad_value", lambda p: _case(p, status="hacked")),
    ("unknown state", "bad_state", lambda p: _case(p, status="certified")),
    ("invalid value", "bad_value", lambda p: _record(p, "evidence", filename="../../.bashrc")),
    ("invalid value", "bad_value", lambda p: _org(p, name_pinyin="CeShi")),
    ("invalid value", "bad_value", lambda p: _org(p, name_initials="cs'; drop table cases;--")),
    ("invalid value", "bad_value", lambda p: _org(p, name_pinyin="a" * 1201)),
    (
        "invalid value",
        "bad_value",
        lambda p: _record(p, "nonconformity", status="open", corrective_action=None, deadline="soon"),
    ),
    ("invalid value", "package_accounts", _extra_account),
    (
        "invalid value",
        "bad_value",
        lambda p: edit_json(p, "team.json", lambda u: u["members"][0].update(public_key="plain")),
    ),
    ("invalid value", "bad_value", _an_account),
    (
        "invalid value",
        "bad_value",
        lambda p: edit_json(p, "team.json", lambda u: u["members"][0]["wrapped_key"].update(n=2**30)),
    ),
    ("invalid value", "bad_value", lambda p: _record(p, "team", leader=False)),
    # manifests that disagree with the package
    ("tampered manifest", "package_manifest", lambda p: {**p, "manifest.json": b"{not json"}),
    (
        "tampered manifest",
        "package_manifest",
        lambda p: edit_manifest(p, lambda m: m["cases"][0].update(rubric_sha256="a" * 64)),
    ),
    (
        "tampered manifest",
        "package_manifest",
        lambda p: edit_manifest(p, lambda m: m["cases"][0].update(case_no="AW2026-00999")),
    ),
    ("tampered manifest", "package_manifest", lambda p: edit_manifest(p, lambda m: m.update(kind="return"))),
    (
        "tampered manifest",
        "package_manifest",
        lambda p: edit_manifest(p, lambda m: m.update(signed_by="the director")),
    ),
    (
        "tampered manifest",
        "package_manifest",
        lambda p: edit_manifest(p, lambda m: m["accounts"].append("admin")),
    ),
    (
        "tampered manifest",
        "package_manifest",
        lambda p: edit_manifest(p, lambda m: m["members"].append(m["members"][0])),
    ),
    (
        "tampered manifest",
        "package_manifest",
        lambda p: relist(
            {
                **p,
                next(n for n in p if n.startswith("rubrics/")): p[
                    next(n for n in p if n.startswith("rubrics/"))
                ]
                + b"\n# edited\n",
            }
        ),
    ),
]


@pytest.mark.parametrize(
    ("kind", "code", "build"),
    HOSTILE,
    ids=[f"{n:02d}-{k.replace(' ', '-')}" for n, (k, _, _) in enumerate(HOSTILE)],
)
def test_hostile_packages_are_refused_and_change_nothing(
    kind: str,
    code: str,
    build: HostileBuilder,
    baseline: Members,
    laptop_db: Path,
    tmp_path: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pk_archive, "MAX_MEMBER_BYTES", 1024 * 1024)
    monkeypatch.setattr(pk_archive, "MAX_TOTAL_BYTES", 3 * 1024 * 1024)
    monkeypatch.setattr(pk_archive, "MAX_JSON_BYTES", 256 * 1024)
    built = build(baseline)
    path = tmp_path / "hostile.awp"
    if isinstance(built, bytes):
        path.write_bytes(built)
    else:
        write_zip(path, built)
    fresh = tmp_path / "new-laptop" / "workbench.sqlite3"
    for target in (fresh, laptop_db):
        refused(code, target, lambda target=target: import_package(target, path, clock=clock))
    with pytest.raises(Refused) as info:
        inspect_package(path, laptop_db)
    assert info.value.code == code
    assert not fresh.parent.exists()


def test_hostile_kinds_are_all_covered() -> None:
    kinds = {k for k, _, _ in HOSTILE}
    assert {
        "traversal",
        "absolute path",
        "symlink",
        "size mismatch",
        "hash mismatch",
        "extra member",
        "truncated",
        "zip bomb",
        "format version",
        "score over maximum",
        "unknown code",
        "unknown state",
        "tampered manifest",
    } <= kinds
    assert len(HOSTILE) >= 50


# == hostile returns =================================================================================


@dataclass(frozen=True)
class Returned:
    office: Path  # the office database the results belong to (copy it before use)
    results: Members  # a return package: 1.3 scored, a nonconformity raised, a photo as evidence
    case_no: str
    other_nc_key: str  # a nonconformity of another case in the office
    laptop: Path  # the laptop database: the leader's signing key, opened with the laptop password
    checkout: str  # the checkout the case went to the laptop with
    second_checkout: str  # a later checkout of the same case (to another laptop)

    def resigned(self, members: Members) -> Members:
        """Signed again with the leader's own key: what the owner of the laptop can always do."""
        key, public, checkout = member_key(self.laptop, "leader")
        return resign(members, "leader", key, public, checkout)


@pytest.fixture(scope="module")
def returned(tmp_path_factory: pytest.TempPathFactory) -> Returned:
    folder = tmp_path_factory.mktemp("returns")
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    office_path = folder / "office" / "workbench.sqlite3"
    office = Services.open(office_path, clock=clock, hasher=FAST_HASHER)
    try:
        case_no, leader = build_office_case(office, folder)
        other, _ = build_office_case(office, folder)
        out = folder / "checkout.awp"
        codes = export_package(office, leader, [case_no], out).laptop_codes
        checkout = manifest_of(read_members(out))["package_id"]
        again = export_package(office, leader, [case_no], folder / "again.awp")
        other_nc = office.cases.get(other).nonconformities[0].id
        with office.read() as session:
            db_id = pk_store._database_id(session)
    finally:
        office.close()
    laptop_path = folder / "laptop.sqlite3"
    import_package(laptop_path, out, clock=clock)
    laptop = Services.open(laptop_path, clock=clock, hasher=FAST_HASHER)
    try:
        me = first_login(laptop, "leader", codes)
        laptop.audits.set_points(me, case_no, "1.3", "1.5")
        laptop.audits.raise_nonconformity(me, case_no, "2.1", "投诉处理记录不完整")
        photo = folder / "photo.jpg"
        photo.write_bytes(b"\xff\xd8 photo")
        laptop.audits.add_evidence(me, case_no, "2.1", "服务台照片", photo)
        back = folder / "results.awp"
        export_package(laptop, me, [case_no], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    return Returned(
        office_path,
        read_members(back),
        case_no,
        f"nonconformity:{db_id}:{other_nc}",
        laptop_path,
        checkout,
        again.package_id,
    )


def _change_of(doc: dict, type_: str, key: str | None = None) -> dict:  # type: ignore[type-arg]
    return next(c for c in doc["changes"] if c["type"] == type_ and (key is None or c["key"] == key))


def _forge(members: Members, change: Callable[[dict], object]) -> Members:  # type: ignore[type-arg]
    return edit_json(members, case_doc(members), change)


def _new_score(doc: dict) -> None:  # type: ignore[type-arg]
    score = dict(_change_of(doc, "score", "1.3"))
    score.update(key="9.9", base=None, base_version=None, value={**score["value"], "code": "9.9"})
    doc["changes"].append(score)


def _conclude(**value: object) -> Callable[[dict], object]:  # type: ignore[type-arg]
    return lambda doc: _change_of(doc, "case")["value"].update(value)


def _touch_other_case(key: str) -> Callable[[dict], object]:  # type: ignore[type-arg]
    def change(doc: dict) -> None:  # type: ignore[type-arg]
        nc = dict(_change_of(doc, "nonconformity"))
        nc.update(key=key, base=None, base_version=None)
        doc["changes"] = [c for c in doc["changes"] if c is not nc] + [nc]

    return change


def _claim_base_points(doc: dict) -> None:  # type: ignore[type-arg]
    """Score 1.1 said to have been 0.5 at checkout (it was 2) and 2.5 now."""
    change = _change_of(doc, "score", "1.1")
    change["base"]["points"] = "0.5"
    change["value"] = {**change["value"], "points": "2.5"}


RETURN_HOSTILE: list[tuple[str, str, Callable[[Returned], Members]]] = [
    (
        "score over maximum",
        "bad_score",
        lambda r: _forge(r.results, lambda d: _change_of(d, "score", "1.3")["value"].update(points="9")),
    ),
    ("unknown code", "unknown_indicator", lambda r: _forge(r.results, _new_score)),
    (
        "not on the team",
        "not_on_team",
        lambda r: _forge(
            r.results, lambda d: _change_of(d, "score", "1.3")["value"].update(updated_by="clerk")
        ),
    ),
    ("unknown state", "bad_state", lambda r: _forge(r.results, _conclude(status="certified"))),
    ("state backwards", "bad_state", lambda r: _forge(r.results, _conclude(status="document_review"))),
    (
        "conclusion before every indicator is scored",
        "scoring_incomplete",
        lambda r: _forge(
            r.results,
            _conclude(
                status="committee_review",
                conclusion_summary="通过",
                recommended_total="99.0",
                recommended_grade="five_star",
            ),
        ),
    ),
    (
        "evidence removed",
        "bad_value",
        lambda r: _forge(
            r.results,
            lambda d: (
                _change_of(d, "evidence").update(value=None)
                if _change_of(d, "evidence")["base"]
                else _change_of(d, "evidence").update(base=_change_of(d, "evidence")["value"], value=None)
            ),
        ),
    ),
    (
        "record twice",
        "bad_value",
        lambda r: _forge(r.results, lambda d: d["changes"].append(_change_of(d, "score", "1.3"))),
    ),
    (
        "another case's record",
        "package_conflict",
        lambda r: _forge(r.results, _touch_other_case(r.other_nc_key)),
    ),
    (
        "wrong database",
        "package_wrong_database",
        lambda r: edit_manifest(r.results, lambda m: m.update(origin_database="0" * 32)),
    ),
    (
        "accounts in a return",
        "package_manifest",
        lambda r: edit_manifest(r.results, lambda m: m.update(accounts=["leader"])),
    ),
    (
        "base version the checkout never had",
        "package_base_unknown",
        lambda r: _forge(r.results, lambda d: _change_of(d, "score", "1.1").update(base_version=99)),
    ),
    (
        "base content the checkout never had",
        "package_base_unknown",
        lambda r: _forge(r.results, _claim_base_points),
    ),
    (
        "a record created on the laptop claims a base version",
        "bad_value",
        lambda r: _forge(r.results, lambda d: _change_of(d, "score", "1.3").update(base_version=1)),
    ),
    (
        "a note with a terminal escape (the text rule of core.text)",
        "bad_value",
        lambda r: _forge(
            r.results, lambda d: _change_of(d, "score", "1.3")["value"].update(note="见\x1b[2J附件")
        ),
    ),
    (
        "a note with a right-to-left override",
        "bad_value",
        lambda r: _forge(
            r.results, lambda d: _change_of(d, "score", "1.3")["value"].update(note="见\u202e附件")
        ),
    ),
]


def _made_up_key(r: Returned) -> Members:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from audit_workbench.core.memberkeys import public_text

    key = Ed25519PrivateKey.generate()
    forged = _forge(r.results, lambda d: _change_of(d, "score", "1.3")["value"].update(points="2.5"))
    return resign(forged, "leader", key, public_text(key), r.checkout)


def _replayed(r: Returned) -> Members:
    """The case claimed for a later checkout of it, signed with the key of the earlier one."""
    key, public, _ = member_key(r.laptop, "leader")
    forged = _forge(r.results, lambda d: d.update(checkout_package=r.second_checkout))
    return resign(forged, "leader", key, public, r.second_checkout)


def _as_another_member(r: Returned) -> Members:
    key, public, checkout = member_key(r.laptop, "leader")
    return resign(r.results, "member", key, public, checkout)


# Returns whose signature is wrong (built as they are: not signed again by the laptop's owner).
SIGNATURE_HOSTILE: list[tuple[str, str, Callable[[Returned], Members]]] = [
    ("unsigned", "package_unsigned", lambda r: {n: d for n, d in r.results.items() if n != "signature.json"}),
    (
        "edited after signing",
        "package_signature",
        lambda r: _forge(r.results, lambda d: _change_of(d, "score", "1.3")["value"].update(points="2.5")),
    ),
    (
        "signature of another manifest",
        "package_signature",
        lambda r: {**r.results, "manifest.json": r.results["manifest.json"] + b" "},
    ),
    ("re-signed with a made-up key", "package_unknown_key", _made_up_key),
    ("replayed against another checkout", "package_unknown_key", _replayed),
    ("signed in another member's name", "package_unknown_key", _as_another_member),
    (
        "signature not JSON",
        "package_signature",
        lambda r: {**r.results, "signature.json": b"not json"},
    ),
]


@pytest.mark.parametrize(
    ("kind", "code", "build"),
    RETURN_HOSTILE,
    ids=[f"{n:02d}-{k.replace(' ', '-')}" for n, (k, _, _) in enumerate(RETURN_HOSTILE)],
)
def test_hostile_returns_are_refused_and_change_nothing(
    kind: str,
    code: str,
    build: Callable[[Returned], Members],
    returned: Returned,
    tmp_path: Path,
    clock: Clock,
) -> None:
    office = _office_copy(returned, tmp_path)
    path = write_zip(tmp_path / "hostile.awp", returned.resigned(build(returned)))
    leader = login(office, "leader")
    refused(code, office, lambda: import_package(office, path, actor=leader, clock=clock))
    # into no database at all: refused (by the values, or because a return needs its office)
    fresh = tmp_path / "nowhere" / "workbench.sqlite3"
    refused((code, "package_needs_database"), fresh, lambda: import_package(fresh, path, clock=clock))


def _office_copy(returned: Returned, tmp_path: Path) -> Path:
    office = tmp_path / "office" / returned.office.name
    office.parent.mkdir()
    shutil.copy(returned.office, office)
    shutil.copytree(attachments_folder(returned.office), attachments_folder(office))
    return office


@pytest.mark.parametrize(
    ("kind", "code", "build"),
    SIGNATURE_HOSTILE,
    ids=[f"{n:02d}-{k.replace(' ', '-')}" for n, (k, _, _) in enumerate(SIGNATURE_HOSTILE)],
)
def test_returns_not_signed_by_a_key_of_their_checkout_are_refused(
    kind: str,
    code: str,
    build: Callable[[Returned], Members],
    returned: Returned,
    tmp_path: Path,
    clock: Clock,
) -> None:
    office = _office_copy(returned, tmp_path)
    path = write_zip(tmp_path / "hostile.awp", build(returned))
    leader = login(office, "leader")
    refused(code, office, lambda: import_package(office, path, actor=leader, clock=clock))
    with pytest.raises(Refused) as info:  # the preview says the same
        inspect_package(path, office)
    assert info.value.code == code


def test_the_untouched_return_imports_into_a_copy(returned: Returned, tmp_path: Path, clock: Clock) -> None:
    """The hostile returns above are forged from this package, which itself imports cleanly."""
    office = _office_copy(returned, tmp_path)
    path = write_zip(tmp_path / "ok.awp", returned.results)
    for name, code in (("clerk", "wrong_role"), ("admin", "wrong_role")):  # not the team's to bring back
        refused(
            code,
            office,
            lambda name=name: import_package(office, path, actor=login(office, name), clock=clock),
        )
    refused("login_required", office, lambda: import_package(office, path, clock=clock))
    result = import_package(office, path, actor=login(office, "member"), clock=clock)
    assert {(c.type, c.action) for c in result.changes} == {
        ("score", "create"),
        ("nonconformity", "create"),
        ("evidence", "create"),
    }
    assert result.attachments_added == 1


# == more directions =================================================================================


def test_document_review_on_the_laptop_then_scoring(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path, clock: Clock, db_path: Path
) -> None:
    case_no = make_case("document_review")
    _, laptop, codes = take_out(services, team, case_no, tmp_path, clock)
    try:
        leader = first_login(laptop, "leader", codes)
        laptop.cases.record_review(
            leader, case_no, outcome="pass", note="体系文件齐全", findings=[("1", "组织机构图已更新")]
        )
        laptop.audits.set_points(leader, case_no, "4.1", "4")
        back = tmp_path / "results.awp"
        export_package(laptop, leader, [case_no], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    import_package(db_path, back, actor=team.leader, clock=clock)
    office = services.cases.get(case_no)
    assert office.status == "onsite_audit" and office.entries["4.1"].points == Decimal(4)
    assert [(r.reviewer, r.outcome, r.findings) for r in office.reviews] == [
        ("leader", "pass", (("1", "组织机构图已更新"),))
    ]
    services.audits.set_points(team.member, case_no, "4.2", "6")  # the office carries on scoring
    assert services.log.verify().ok


def test_a_case_withdrawn_in_the_office_meanwhile_cannot_take_results(
    services: Services, team: Team, office_case: str, tmp_path: Path, clock: Clock, db_path: Path
) -> None:
    _, laptop, codes = take_out(services, team, office_case, tmp_path, clock)
    try:
        leader = first_login(laptop, "leader", codes)
        laptop.audits.set_points(leader, office_case, "1.3", "1")
        back = tmp_path / "results.awp"
        export_package(laptop, leader, [office_case], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    services.cases.withdraw(team.clerk, office_case, "申请方撤回")
    # the policy table: no results come back into a withdrawn case
    refused("wrong_state", db_path, lambda: import_package(db_path, back, actor=team.leader, clock=clock))


def test_a_state_changed_in_the_office_meanwhile_is_a_conflict_that_blocks(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path, clock: Clock, db_path: Path
) -> None:
    case_no = make_case("document_review")
    _, laptop, codes = take_out(services, team, case_no, tmp_path, clock)
    try:
        leader = first_login(laptop, "leader", codes)
        laptop.cases.record_review(leader, case_no, outcome="pass", note="现场核对体系文件")
        laptop.audits.set_points(leader, case_no, "1.3", "1")
        back = tmp_path / "results.awp"
        export_package(laptop, leader, [case_no], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    services.cases.record_review(team.member, case_no, outcome="pass", note="办公室审查通过")
    error = refused(
        "package_conflict",
        db_path,
        lambda: import_package(
            db_path, back, resolve={f"{case_no}/case/state": "package"}, actor=team.leader, clock=clock
        ),
    )
    (conflict,) = [c for c in error.conflicts if c.id.endswith("/state")]  # type: ignore[attr-defined]
    assert not conflict.resolvable and conflict.office == {"status": "onsite_audit"}


def test_declining_a_laptop_value_is_remembered(
    services: Services, team: Team, office_case: str, tmp_path: Path, clock: Clock, db_path: Path
) -> None:
    _, laptop, codes = take_out(services, team, office_case, tmp_path, clock)
    try:
        leader = first_login(laptop, "leader", codes)
        laptop.audits.set_points(leader, office_case, "1.1", "2.5")
        first = tmp_path / "first.awp"
        export_package(laptop, leader, [office_case], first, signing_password=LAPTOP_PASSWORD)
        services.audits.set_points(team.member, office_case, "1.1", "1")
        conflict_id = f"{office_case}/score/1.1"
        import_package(db_path, first, resolve={conflict_id: "office"}, actor=team.leader, clock=clock)
        laptop.audits.set_points(leader, office_case, "1.2", "2")
        second = tmp_path / "second.awp"
        export_package(laptop, leader, [office_case], second, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    result = import_package(db_path, second, actor=team.leader, clock=clock)  # 1.1 is not asked about again
    assert [(c.type, c.key) for c in result.changes] == [("score", "1.2")]
    assert services.cases.get(office_case).entries["1.1"].points == Decimal(1)


def test_several_cases_travel_in_one_package(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path, clock: Clock, db_path: Path
) -> None:
    first, second = make_case("onsite_audit"), make_case("document_review")
    services.cases.assign_team(team.clerk, second, "dual", ["leader"])
    out = tmp_path / "two.awp"
    summary = export_package(services, team.clerk, [first, second], out)
    assert summary.cases == (first, second) and summary.accounts == ("dual", "leader", "member")
    laptop_path = tmp_path / "laptop.sqlite3"
    result = import_package(laptop_path, out, clock=clock)
    assert result.cases == (first, second)
    laptop = Services.open(laptop_path, clock=clock, hasher=FAST_HASHER)
    try:
        assert laptop.cases.get(second).team_leader == "dual"
        codes = summary.laptop_codes
        dual = first_login(laptop, "dual", codes)
        assert set(dual.roles) == {"auditor"}  # a laptop account: the office's roles do not travel
        back = tmp_path / "back.awp"
        refused_export = pytest.raises(Refused)
        with refused_export as info:  # dual is not on the first case's team
            export_package(laptop, dual, [first, second], back, signing_password=LAPTOP_PASSWORD)
        assert info.value.code == "not_on_team"
        leader = first_login(laptop, "leader", codes)
        laptop.audits.set_points(leader, first, "1.1", "1")
        export_package(laptop, leader, [first, second], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    import_package(db_path, back, actor=team.leader, clock=clock)
    assert services.cases.get(first).entries["1.1"].points == Decimal(1)
    assert services.log.verify().ok


def test_cancelled_while_writing_takes_the_new_files_away(
    returned: Returned, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed: list[str] = []
    install = pk_apply._Files.install

    def spy(self: pk_apply._Files, store: object, sha: str, staged: Path) -> bool:
        added = install(self, store, sha, staged)  # type: ignore[arg-type]
        if added:
            installed.append(sha)
        return added

    monkeypatch.setattr(pk_apply._Files, "install", spy)
    office = tmp_path / "office" / returned.office.name
    office.parent.mkdir()
    shutil.copy(returned.office, office)
    shutil.copytree(attachments_folder(returned.office), attachments_folder(office))
    package = write_zip(tmp_path / "results.awp", returned.results)
    leader = login(office, "leader")
    cancel = threading.Event()
    reading = len(returned.results)  # one step a member, then one a case while writing

    def progress(done: int, total: int) -> None:
        if done > reading:
            cancel.set()  # the photo is already in the attachment folder by now

    refused(
        "cancelled",
        office,
        lambda: import_package(office, package, actor=leader, progress=progress, cancel=cancel, clock=clock),
    )
    assert len(installed) == 1  # the photo was written into the attachment folder, then taken away
    assert import_package(office, package, actor=leader, clock=clock).attachments_added == 1


def test_people_named_in_the_records_travel_as_names_only(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path, clock: Clock, db_path: Path
) -> None:
    case_no = make_case("committee_review")
    services.committee.vote(team.committee, case_no, "return", "抽样记录不足，请补充")  # back on site
    out = tmp_path / "checkout.awp"
    codes = export_package(services, team.clerk, [case_no], out).laptop_codes
    team_doc = json.loads(read_members(out)["team.json"])
    assert team_doc["others"] == ["comm1"]  # the voter: a name, no key, no roles
    assert [a["name"] for a in team_doc["members"]] == ["leader", "member"]
    laptop_path = tmp_path / "laptop.sqlite3"
    import_package(laptop_path, out, clock=clock)
    laptop = Services.open(laptop_path, clock=clock, hasher=FAST_HASHER)
    try:
        voter = laptop.users.get("comm1")
        assert not voter.active
        with pytest.raises(Refused) as info:
            laptop.users.login("comm1", PASSWORD)
        assert info.value.code == "login_failed"
        leader = first_login(laptop, "leader", codes)
        laptop.audits.score_sample(leader, case_no, "2.2", 20, 2)
        laptop.audits.conclude(leader, case_no, "补充抽样后建议通过")
        back = tmp_path / "back.awp"
        export_package(laptop, leader, [case_no], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    import_package(db_path, back, actor=team.leader, clock=clock)
    office = services.cases.get(case_no)
    assert office.status == "committee_review" and office.committee_round == 2
    assert office.entries["2.2"].sampled == 20
    assert services.committee.vote(team.committee2, case_no, "approve", "同意").status == "approved"
    assert services.log.verify().ok
    # a second round decided on a conclusion made on the laptop: the log backs it too
    assert services.certificates.issue(team.clerk, case_no).grade == office.recommended_grade
    assert services.certificates.check() == []


def test_an_account_closed_in_the_office_stays_closed_on_the_laptop(
    services: Services, team: Team, office_case: str, tmp_path: Path, clock: Clock
) -> None:
    services.users.set_active(team.admin, "member", False)
    out = tmp_path / "checkout.awp"
    codes = export_package(services, team.leader, [office_case], out).laptop_codes
    assert set(codes) == {"leader"}  # no code, no key for a closed account
    laptop_path = tmp_path / "laptop.sqlite3"
    import_package(laptop_path, out, clock=clock)
    laptop = Services.open(laptop_path, clock=clock, hasher=FAST_HASHER)
    try:
        assert not laptop.users.get("member").active
        with pytest.raises(Refused):
            laptop.users.login("member", PASSWORD)
        assert first_login(laptop, "leader", codes).name == "leader"
    finally:
        laptop.close()


def test_a_second_checkout_refreshes_the_laptop_and_one_return_signs_for_both(
    services: Services, team: Team, make_case: CaseMaker, tmp_path: Path, clock: Clock, db_path: Path
) -> None:
    """A laptop made from this office takes a second checkout (imported there by the team leader);
    the leader keeps the new key with the laptop password, and one return signs for both checkouts."""
    first, second = make_case("onsite_audit"), make_case("onsite_audit")
    out1, out2 = tmp_path / "first.awp", tmp_path / "second.awp"
    codes1 = export_package(services, team.leader, [first], out1).laptop_codes
    codes2 = export_package(services, team.leader, [second], out2).laptop_codes
    laptop_path = tmp_path / "laptop.sqlite3"
    import_package(laptop_path, out1, clock=clock)
    laptop = Services.open(laptop_path, clock=clock, hasher=FAST_HASHER)
    try:
        leader = first_login(laptop, "leader", codes1)
        refused(  # into an existing laptop database: only a logged-in member of the team
            "login_required", laptop_path, lambda: import_package(laptop_path, out2, clock=clock)
        )
        import_package(laptop_path, out2, actor=leader, clock=clock)  # the refresh: the leader brings it in
        with pytest.raises(Refused) as info:  # the second code brings a key: the laptop password keeps it
            laptop.users.login("leader", codes2["leader"])
        assert info.value.code == "laptop_password_required"
        with pytest.raises(Refused) as info:
            laptop.users.login("leader", codes2["leader"], new_password="not my laptop password")
        assert info.value.code == "login_failed"
        laptop.users.login("leader", codes2["leader"], new_password=LAPTOP_PASSWORD)
        laptop.audits.set_points(leader, first, "1.3", "1")
        laptop.audits.set_points(leader, second, "1.3", "2")
        back = tmp_path / "back.awp"
        export_package(laptop, leader, [first, second], back, signing_password=LAPTOP_PASSWORD)
    finally:
        laptop.close()
    signatures = json.loads(read_members(back)["signature.json"])["signatures"]
    assert len(signatures) == 2 and {s["signer"] for s in signatures} == {"leader"}
    import_package(db_path, back, actor=team.leader, clock=clock)
    assert services.cases.get(first).entries["1.3"].points == Decimal(1)
    assert services.cases.get(second).entries["1.3"].points == Decimal(2)
    assert services.log.verify().ok
