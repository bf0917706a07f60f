"""The certificate register (证书登记册) as XLSX and as CSV for the public or a regulator.

The CSV is UTF-8 with a byte-order mark and CRLF line ends, so Excel on a Chinese Windows opens the
names correctly when double-clicked; dates are ISO. Text that a spreadsheet would run as a formula
(starting with = + - @) is neutralised in both formats.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from audit_workbench.reports._common import check_lang, label
from audit_workbench.reports._xlsx import csv_safe, put, save_workbook_bytes
from audit_workbench.reports.models import RegisterRow

HEADERS: dict[str, tuple[str, ...]] = {
    "zh": (
        "证书编号",
        "获证组织",
        "统一社会信用代码",
        "认证等级",
        "认证范围",
        "颁证日期",
        "有效期至",
        "证书状态",
        "下次监督审核",
    ),
    "en": (
        "Certificate no.",
        "Organisation",
        "Unified social credit code",
        "Grade",
        "Scope",
        "Issued on",
        "Expires on",
        "Status",
        "Next surveillance",
    ),
}
TITLE = {"zh": "证书登记册", "en": "Certificate register"}
ANCHOR_LABEL = {"zh": "事件日志锚点（序号:哈希）", "en": "Event log anchor (seq:hash)"}
_WIDTHS = (17, 34, 22, 10, 44, 12, 12, 12, 14)
_DATE_COLUMNS = (6, 7, 9)
_STATUS_FILL = {
    "suspended": "FCE8C8",
    "withdrawn": "F6D5D3",
    "expired": "E9EBEE",
    "superseded": "E9EBEE",
    "cancelled": "E9EBEE",
}


def _values(row: RegisterRow, lang: str) -> list[str | date | None]:
    return [
        row.number,
        row.organization,
        row.credit_code,
        row.grade_label,
        row.scope,
        row.issued_on,
        row.expires_on,
        label("certificate_status", row.status, lang),
        row.next_surveillance,
    ]


def render_register_csv(rows: Iterable[RegisterRow], lang: str = "zh", anchor: str = "") -> bytes:
    """The register as CSV bytes: UTF-8 with BOM, CRLF, a header row in the chosen language; with an
    `anchor` (the event log's head, SEQ:HASH), a last row after an empty one names it."""
    check_lang(lang)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADERS[lang])
    for row in rows:
        cells = []
        for value in _values(row, lang):
            if value is None:
                cells.append("")
            elif isinstance(value, date):
                cells.append(value.isoformat())
            else:
                cells.append(csv_safe(value))
        writer.writerow(cells)
    if anchor:
        writer.writerow([])
        writer.writerow([ANCHOR_LABEL[lang], anchor])
    return out.getvalue().encode("utf-8-sig")


def render_register_xlsx(
    rows: Iterable[RegisterRow], lang: str = "zh", generated_at: datetime | None = None, anchor: str = ""
) -> bytes:
    """The register as XLSX bytes: one sheet, a filterable table, dates as real dates; with an
    `anchor` (the event log's head, SEQ:HASH), a line under the table and in the page footer."""
    check_lang(lang)
    wb = Workbook()
    ws = wb.active
    ws.title = TITLE[lang]
    thin = Side(style="thin", color="B7BFCA")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = "Microsoft YaHei"
    for col, (text, width) in enumerate(zip(HEADERS[lang], _WIDTHS, strict=True), start=1):
        cell = ws.cell(1, col, text)
        cell.font = Font(name=font, bold=True, color="FFFFFF", size=10)
        cell.fill = PatternFill("solid", fgColor="1B355C")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[1].height = 22
    r = 1
    for r, row in enumerate(rows, start=2):
        fill = _STATUS_FILL.get(row.status)
        for col, value in enumerate(_values(row, lang), start=1):
            cell = put(ws, r, col, value)
            cell.font = Font(name=font, size=10)
            cell.border = border
            cell.alignment = Alignment(
                vertical="top",
                wrap_text=col in (2, 5),
                horizontal="center" if col in (4, 6, 7, 8, 9) else None,
            )
            if col in _DATE_COLUMNS:
                cell.number_format = "yyyy-mm-dd"
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
    last = get_column_letter(len(_WIDTHS))
    ws.auto_filter.ref = f"A1:{last}{max(r, 1)}"
    if anchor:
        note = ws.cell(max(r, 1) + 2, 1, f"{ANCHOR_LABEL[lang]}: {anchor}")
        note.font = Font(name=font, size=8, color="5A6472")
    ws.freeze_panes = "B2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页" if lang == "zh" else "Page &P of &N"
    if anchor:
        ws.oddFooter.left.text = f"{ANCHOR_LABEL[lang]}: {anchor[:24]}…"
        ws.oddFooter.left.size = 7
    return save_workbook_bytes(wb, generated_at, creator="Audit Workbench", title=TITLE[lang])
