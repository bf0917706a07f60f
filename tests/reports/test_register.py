"""The certificate register as CSV (UTF-8 with BOM, for Excel) and as XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook

from audit_workbench.reports.models import RegisterRow
from audit_workbench.reports.register import render_register_csv, render_register_xlsx

from .report_samples import ORGANIZATION, register_rows


def test_csv_has_bom_header_and_rows() -> None:
    data = render_register_csv(register_rows())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [
        "证书编号",
        "获证组织",
        "统一社会信用代码",
        "认证等级",
        "认证范围",
        "颁证日期",
        "有效期至",
        "证书状态",
        "下次监督审核",
    ]
    assert rows[1] == [
        "AWB-2025-0007",
        ORGANIZATION,
        "91330100MA2B3C4D5E",
        "五星级",
        "家用电器的销售、配送、安装、维修及客户服务",
        "2025-03-14",
        "2028-03-13",
        "有效",
        "2026-03-13",
    ]
    assert rows[2][7] == "暂停" and rows[2][8] == ""
    assert rows[3][1] == 'Acme, "Quoted" Ltd.\nline 2'  # quoting survives commas, quotes, newlines
    assert b"\r\n" in data


def test_csv_in_english_and_formula_injection_neutralised() -> None:
    row = RegisterRow(
        "N-1",
        '=HYPERLINK("http://x.invalid","click")',
        "+123",
        "达标级",
        "@SUM(A1)",
        date(2025, 1, 1),
        date(2028, 1, 1),
        "withdrawn",
    )
    rows = list(csv.reader(io.StringIO(render_register_csv([row], "en").decode("utf-8-sig"), newline="")))
    assert rows[0][0] == "Certificate no." and rows[1][7] == "Withdrawn"
    assert rows[1][1].startswith("'=") and rows[1][2] == "'+123" and rows[1][4] == "'@SUM(A1)"


def test_xlsx_register() -> None:
    data = render_register_xlsx(register_rows(), generated_at=datetime(2025, 4, 1, 8, 0))
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws.title == "证书登记册"
    assert ws["A1"].value == "证书编号" and ws["I1"].value == "下次监督审核"
    assert ws["B2"].value == ORGANIZATION
    assert ws["F2"].value == datetime(2025, 3, 14) and ws["F2"].number_format == "yyyy-mm-dd"
    assert ws["H3"].value == "暂停"
    assert ws.auto_filter.ref == "A1:I4"
    assert ws.freeze_panes == "B2"
    assert wb.properties.created == datetime(2025, 4, 1, 8, 0)


def test_xlsx_text_never_becomes_a_formula() -> None:
    row = RegisterRow("N-1", "=1+1", "c", "g", "s", date(2025, 1, 1), date(2028, 1, 1), "valid")
    ws = load_workbook(io.BytesIO(render_register_xlsx([row]))).active
    assert ws["B2"].value == "=1+1" and ws["B2"].data_type == "s"


def test_register_is_deterministic_and_handles_no_rows() -> None:
    assert render_register_xlsx(register_rows()) == render_register_xlsx(register_rows())
    assert render_register_csv(register_rows(), "en") == render_register_csv(register_rows(), "en")
    empty = load_workbook(io.BytesIO(render_register_xlsx([], lang="en"))).active
    assert empty.title == "Certificate register" and empty.max_row == 1
    assert render_register_csv([]).decode("utf-8-sig").count("\r\n") == 1
