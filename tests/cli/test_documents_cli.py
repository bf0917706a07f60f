"""The documents by the command line: certificate PDF and its offline verification, the score sheet
round trip and its refusals, the audit report and the register."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from audit_workbench.cli import main
from audit_workbench.services import Services

from ..conftest import PASSWORD, CaseMaker, Team, dump


def run(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict | None, str]:  # type: ignore[type-arg]
    capsys.readouterr()
    code = main(["--db", str(db), "--json", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def _points_cell(ws, code: str) -> str:  # type: ignore[no-untyped-def]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=12) if r[0].value == "编号")
    column = next(c.column_letter for c in header if c.value == "得分")
    row = next(r[0].row for r in ws.iter_rows(min_row=header[0].row + 1) if r[0].value == code)
    return f"{column}{row}"


@pytest.fixture
def auditor_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIT_WORKBENCH_PASSWORD", PASSWORD)


def test_score_sheet_round_trip_and_refusals(
    services: Services,
    team: Team,
    make_case: CaseMaker,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    auditor_env: None,
) -> None:
    case_no = make_case("onsite_audit")
    services.audits.set_points(team.leader, case_no, "1.1", "2", note="理念已上墙")
    sheet = tmp_path / "评分表.xlsx"
    code, out, err = run(db_path, capsys, "--user", "leader", "sheet", "export", case_no, "-o", str(sheet))
    assert code == 0, err

    workbook = openpyxl.load_workbook(sheet)
    ws = workbook["评分表"]
    assert ws[_points_cell(ws, "1.1")].value == 2
    ws[_points_cell(ws, "1.1")] = 1.5
    ws[_points_cell(ws, "2.1")] = 2.5
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)
    code, out, err = run(db_path, capsys, "--user", "member", "sheet", "import", case_no, str(edited))
    assert code == 0, err
    assert {i["code"]: i["points"] for i in out["score"]["indicators"]} == {"1.1": 1.5, "2.1": 2.5}
    assert [e.action for e in services.log.events(f"{case_no}/2.1", limit=5)] == ["score.import"]

    sales = make_case("onsite_audit", enterprise_type="sales")
    before = dump(db_path)
    ws[_points_cell(ws, "2.1")] = 3.5  # above the maximum 2.5
    bad = tmp_path / "bad.xlsx"
    workbook.save(bad)
    code, _, err = run(db_path, capsys, "--user", "member", "sheet", "import", case_no, str(bad))
    assert code == 2 and "2.1" in json.loads(err)["error"]
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(edited.read_bytes()[:2000])
    code, _, err = run(db_path, capsys, "--user", "member", "sheet", "import", case_no, str(damaged))
    assert code == 2
    code, _, err = run(db_path, capsys, "--user", "clerk", "sheet", "import", case_no, str(edited))
    assert code == 2 and "auditor" in json.loads(err)["error"]
    # a sheet of another case, on another rubric, is refused whole
    code, _, err = run(db_path, capsys, "--user", "leader", "sheet", "import", sales, str(edited))
    assert code == 2
    assert dump(db_path) == before


def test_certificate_pdf_verifies_offline_and_follows_the_register(
    services: Services,
    team: Team,
    make_case: CaseMaker,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    auditor_env: None,
) -> None:
    case_no = make_case("certified")
    number = services.cases.get(case_no).certificate.number  # type: ignore[union-attr]
    pdf = tmp_path / "cert.pdf"
    code, _, err = run(db_path, capsys, "--user", "clerk", "certificate", "pdf", number, "-o", str(pdf))
    assert code == 0, err
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert number in text and "测试电器有限公司" in text
    code, out, _ = run(db_path, capsys, "certificate", "verify", str(pdf))
    assert code == 0 and out["valid"] and out["number"] == number
    services.certificates.suspend(team.clerk, number, "逾期未接受监督审核", code="0199")
    code, out, _ = run(db_path, capsys, "certificate", "verify", str(pdf))
    assert code == 2 and "suspended" in out["reason"]
    payload = services.certificates.get(number).payload
    head, data, sig = payload.split(".")
    forged = f"{head}.{data[:-4]}AAAA.{sig}"
    code, out, _ = run(db_path, capsys, "certificate", "verify", forged)
    assert code == 2 and not out["valid"]
    pem = tmp_path / "body.pem"
    assert run(db_path, capsys, "keys", "export-public", "-o", str(pem))[0] == 0
    assert pem.read_text().startswith("-----BEGIN PUBLIC KEY-----")


def test_report_and_register_exports(
    services: Services,
    make_case: CaseMaker,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    auditor_env: None,
) -> None:
    case_no = make_case("certified")
    report = tmp_path / "report.pdf"
    code, _, err = run(db_path, capsys, "--user", "clerk", "report", case_no, "-o", str(report))
    assert code == 0, err
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report.read_bytes())).pages)
    assert case_no in text and "测试电器有限公司" in text
    csv = tmp_path / "register.csv"
    assert run(db_path, capsys, "--user", "clerk", "register", "export", "-o", str(csv))[0] == 0
    raw = csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "测试电器有限公司" in raw.decode("utf-8-sig")
    code, _, err = run(
        db_path, capsys, "--user", "clerk", "register", "export", "-o", str(tmp_path / "register.txt")
    )
    assert code == 2 and ".xlsx or .csv" in json.loads(err)["error"]
