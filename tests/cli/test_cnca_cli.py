"""`register cnca`, `register audit` and `org set` by the command line: a clear line and exit 2 for
bad input with the database unchanged, a complete report written when the data is there."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from audit_workbench.cli import main
from audit_workbench.services import Services

from ..conftest import PASSWORD, CaseMaker, Clock, Team, dump


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)


def run(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object, str]:
    capsys.readouterr()
    code = main(["--db", str(db), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_the_month_by_the_command_line(
    services: Services, team: Team, make_case: CaseMaker, clock: Clock, db_path: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("approved")
    code = services.cases.get(case_no).organization.credit_code
    services.organizations.change(team.clerk, code, address="北京市海淀区中关村大街 1 号", reason="登记地址")
    services.certificates.issue(team.clerk, case_no)
    out = tmp_path / "cnca.xlsx"
    report = ["--user", "clerk", "register", "cnca", "--month", "2026-03", "-o", str(out)]

    before = dump(db_path)
    status, _, err = run(db_path, capsys, *report)
    assert status == 2 and json.loads(err)["code"] == "cnca_no_approval_number" and not out.exists()
    assert dump(db_path) == before

    for key, value in (
        ("cnca_approval_no", "CNCA-R-2016-999"),
        ("cnca_project_code", "C02"),
        ("cnca_service_area", "S03"),
    ):
        assert run(db_path, capsys, "--user", "admin", "setting", "set", key, value)[0] == 0
    for name, number in (("leader", "110105198001010016"), ("member", "110105198001010032")):
        status, _, err = run(
            db_path,
            capsys,
            "--user",
            "admin",
            "person",
            "set",
            name,
            "--qualification",
            "auditor",
            "--id-type",
            "01",
            "--id-number",
            number,
        )
        assert status == 0, err

    before = dump(db_path)
    status, _, err = run(db_path, capsys, "--user", "clerk", "org", "set", code, "--org-code", "123456789")
    assert status == 2 and json.loads(err)["code"] == "org_code_contradicts"
    status, _, err = run(db_path, capsys, *report[:-4], "--month", "2027-01", "-o", str(out))
    assert status == 2 and json.loads(err)["code"] == "future_month"
    status, _, err = run(db_path, capsys, *report)  # no industry, phone or contact yet
    assert (
        status == 2
        and json.loads(err)["code"] == "cnca_incomplete"
        and "BEL_INDUSTRY" in json.loads(err)["error"]
    )
    assert dump(db_path) == before and not out.exists()

    status, shown, err = run(
        db_path,
        capsys,
        "--user",
        "clerk",
        "org",
        "set",
        code,
        "--industry",
        "3851",
        "--phone",
        "010-6000 0000",
        "--contact",
        "王经理",
        "--confirm",
    )
    assert status == 0, err
    assert shown["org_code"] == code[8:17] and shown["district_code"] == code[2:8] and shown["confirmed"]  # type: ignore[index]
    status, _, err = run(
        db_path,
        capsys,
        "--user",
        "clerk",
        "register",
        "audit",
        case_no,
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-02",
        "--mode",
        "remote",
    )
    assert status == 0, err
    clock.now = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    status, result, err = run(db_path, capsys, *report)
    assert status == 0, err
    assert result["certificate_rows"] == 1 and result["result_rows"] == 4 and result["plan_rows"] == 1  # type: ignore[index]
    assert result["gaps"] == []  # type: ignore[index]
    wb = load_workbook(out)
    assert wb.sheetnames == ["证书信息表", "审核结果信息表", "审核计划信息表"]
    assert wb["审核计划信息表"]["Q8"].value == "FS02"  # 审核方式, the last column
    # an unwritable file: it exists, no --force
    before = dump(db_path)
    status, _, err = run(db_path, capsys, *report)
    assert status == 2 and json.loads(err)["code"] == "exists"
    assert dump(db_path) == before


def test_the_public_register_for_the_body_s_website(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    first, second = make_case("certified"), make_case("certified")
    numbers = [services.cases.get(c).certificate.number for c in (first, second)]  # type: ignore[union-attr]
    services.certificates.suspend(team.clerk, numbers[1], "未按期监督", code="0199")
    page = tmp_path / "certificates.html"
    status, out, err = run(db_path, capsys, "--user", "clerk", "register", "public", "-o", str(page))
    assert status == 0 and out["certificates"] == 2, err  # type: ignore[index]
    text = page.read_text(encoding="utf-8")
    assert numbers[0] in text and numbers[1] in text and "暂停" in text and "<script" not in text
    table = tmp_path / "certificates.csv"
    assert run(db_path, capsys, "--user", "clerk", "register", "public", "-o", str(table))[0] == 0
    lines = table.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == "证书编号,获证组织,证书状态,颁证日期,有效期至,认证范围,认证等级" and len(lines) == 3
    before = dump(db_path)
    status, _, err = run(
        db_path, capsys, "--user", "clerk", "register", "public", "-o", str(tmp_path / "x.pdf")
    )
    assert status == 2 and json.loads(err)["code"] == "bad_format" and dump(db_path) == before


def test_org_show_shows_the_codes_for_confirmation(
    services: Services, team: Team, make_case: CaseMaker, db_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    code = services.cases.get(make_case("certified")).organization.credit_code
    status, out, _ = run(db_path, capsys, "--user", "clerk", "org", "show", code)
    assert status == 0 and out["cnca"]["org_code"] == code[8:17] and not out["cnca"]["confirmed"]  # type: ignore[index]
    capsys.readouterr()
    assert main(["--db", str(db_path), "--user", "clerk", "org", "show", code]) == 0
    text = capsys.readouterr().out
    assert f"组织机构代码 organisation code: {code[8:17]}" in text and "not confirmed" in text


def test_settings_show_is_setting_list_and_only_for_the_admin(
    services: Services, team: Team, db_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    """The issue's spelling (`settings show`) and the group's own (`setting list`) read the same."""
    assert run(db_path, capsys, "--user", "admin", "settings", "set", "cnca_project_code", "C02")[0] == 0
    code, shown, _ = run(db_path, capsys, "--user", "admin", "settings", "show")
    assert code == 0 and shown == run(db_path, capsys, "--user", "admin", "setting", "list")[1]
    assert isinstance(shown, dict | list) and "C02" in json.dumps(shown)
    before = dump(db_path)
    code, _, err = run(db_path, capsys, "--user", "clerk", "settings", "show")
    assert code == 2 and json.loads(err)["code"] and dump(db_path) == before
