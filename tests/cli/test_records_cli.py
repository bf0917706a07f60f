"""Records that stay true, by the command line: one organisation per credit code, certificate
changes, `certificate check` and `log verify` naming edited rows, a verify that never crashes, and
settings that would spoil certificates refused. Every command runs as a logged-in user."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from audit_workbench.cli import main
from audit_workbench.services import Services

from ..conftest import PASSWORD, CaseMaker, Team, dump


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)


def run(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object, str]:
    capsys.readouterr()
    code = main(["--db", str(db), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_verify_answers_not_valid_for_anything_that_is_not_a_certificate(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    make_case("certified")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a PDF", encoding="utf-8")
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"%PDF-1.4 broken")
    for target in (
        "x" * 5000,
        "AWB1." + "A" * 9000,
        "AWB1.x.y",
        str(tmp_path),
        str(notes),
        str(fake),
        "missing.pdf",
        "",
    ):
        before = dump(db_path)
        code, out, err = run(db_path, capsys, "--user", "clerk", "certificate", "verify", target)
        assert code == 2, (target[:20], err)
        assert out is not None and out["valid"] is False and out["reason"].startswith("not valid"), out
        assert dump(db_path) == before


def test_an_application_for_a_known_code_is_refused_or_proposed_never_applied(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("certified")
    detail = services.cases.get(case_no)
    code, name = detail.organization.credit_code, detail.organization.name
    new = ["--user", "clerk", "case", "new", "--org-name", "冒名电器有限公司", "--credit-code", code]
    new += ["--type", "production", "--headcount", "50", "--scope", "家电售后服务"]
    before = dump(db_path)
    status, _, err = run(db_path, capsys, *new)
    assert (
        status == 2 and json.loads(err)["code"] == "organization_exists" and name in json.loads(err)["error"]
    )
    assert dump(db_path) == before
    status, out, err = run(db_path, capsys, *new, "--existing-org")
    assert status == 0, err
    assert out["organization"] == name and len(out["proposals"]) == 1  # type: ignore[index]
    status, out, _ = run(db_path, capsys, "--user", "clerk", "org", "show", code)
    assert out["name"] == name and [p["name"] for p in out["proposals"]] == ["冒名电器有限公司"]  # type: ignore[index]
    assert [c["status"] for c in out["cases"]] == ["certified", "draft"]  # type: ignore[index]
    assert out["cases"][0]["case_no"] == case_no  # type: ignore[index]


def test_a_rename_by_the_command_line_and_the_old_certificate_is_superseded(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("certified")
    detail = services.cases.get(case_no)
    code, number = detail.organization.credit_code, detail.certificate.number  # type: ignore[union-attr]
    old_pdf, new_pdf = tmp_path / "old.pdf", tmp_path / "new.pdf"
    assert run(db_path, capsys, "--user", "clerk", "certificate", "pdf", number, "-o", str(old_pdf))[0] == 0
    change = ["--user", "clerk", "org", "change", code, "--name", "更名后的电器股份有限公司"]
    before = dump(db_path)
    assert run(db_path, capsys, *change, "--reason", "")[0] == 2  # a rename without a reason
    assert run(db_path, capsys, *change, "--reason", "x", "--kind", "0197")[0] == 2
    assert (
        run(db_path, capsys, "--user", "leader", "org", "change", code, "--name", "x", "--reason", "y")[0]
        == 2
    )
    assert dump(db_path) == before
    status, out, err = run(db_path, capsys, *change, "--reason", "营业执照变更", "--effective", "2026-02-01")
    assert status == 0, err
    assert out["kind"] == "0101" and out["reissued"] == [number]  # type: ignore[index]
    status, shown, _ = run(db_path, capsys, "--user", "clerk", "case", "show", case_no)
    assert shown["organization"]["name"] == "更名后的电器股份有限公司"  # type: ignore[index]
    status, listed, _ = run(db_path, capsys, "--user", "clerk", "certificate", "list")
    assert [c["organization"] for c in listed] == ["更名后的电器股份有限公司"]  # type: ignore[union-attr]
    assert run(db_path, capsys, "--user", "clerk", "certificate", "pdf", number, "-o", str(new_pdf))[0] == 0
    status, out, _ = run(db_path, capsys, "--user", "clerk", "certificate", "verify", str(new_pdf))
    assert status == 0 and out["organization"] == "更名后的电器股份有限公司"  # type: ignore[index]
    status, out, _ = run(db_path, capsys, "--user", "clerk", "certificate", "verify", str(old_pdf))
    assert status == 2 and out["status"] == "superseded" and out["change_kind"] == "0101"  # type: ignore[index]


def test_certificate_check_and_log_verify_name_an_edited_register_row(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    number = services.cases.get(make_case("certified")).certificate.number  # type: ignore[union-attr]
    status, out, _ = run(db_path, capsys, "--user", "clerk", "certificate", "check")
    assert status == 0 and out == {"certificates": 1, "findings": []}
    status, out, _ = run(db_path, capsys, "--user", "clerk", "log", "verify")
    assert status == 0 and out["certificate_findings"] == []  # type: ignore[index]
    con = sqlite3.connect(db_path)
    with con:
        con.execute("UPDATE certificates SET grade = 'qualified' WHERE number = ?", (number,))
    con.close()
    status, out, _ = run(db_path, capsys, "--user", "clerk", "certificate", "check")
    assert status == 2
    kinds = {(f["kind"], f["certificate"]) for f in out["findings"]}  # type: ignore[index]
    assert ("payload_mismatch", number) in kinds and ("history_mismatch", number) in kinds
    status, out, _ = run(db_path, capsys, "--user", "clerk", "log", "verify")
    assert status == 2 and out["ok"] is True and out["certificate_findings"]  # type: ignore[index]
    capsys.readouterr()
    assert main(["--db", str(db_path), "--lang", "zh", "--user", "clerk", "certificate", "check"]) == 2
    assert "签名数据" in capsys.readouterr().out


def test_settings_that_would_spoil_certificates_are_refused(
    services: Services, team: Team, db_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    for key, value in (
        ("body_name", "某" * 40),
        ("body_name", ""),
        ("body_name_en", "Certification " * 12),
        ("certificate_number_pattern", "{seq:0999999d}{year}"),
        ("certificate_number_pattern", "awb-{year}-{seq}"),
        ("certificate_number_pattern", "AWB {year} {seq}"),
        ("certificate_number_pattern", "AWB-{year}"),
        ("certificate_number_pattern", "{year}{seq}{seq.__class__}"),
        ("certificate_number_pattern", "X" * 36 + "{year}{seq}"),
    ):
        before = dump(db_path)
        status, _, err = run(db_path, capsys, "--user", "admin", "setting", "set", key, value)
        assert status == 2 and json.loads(err)["code"] == "bad_setting", (key, value, err)
        assert dump(db_path) == before
    assert (
        run(
            db_path,
            capsys,
            "--user",
            "admin",
            "setting",
            "set",
            "certificate_number_pattern",
            "SC{year}{seq:06d}",
        )[0]
        == 0
    )
