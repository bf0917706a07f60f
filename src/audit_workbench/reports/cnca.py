"""CNCA's monthly report as an XLSX in the regulator's template: one sheet per kind of record, with
the template's name, code and description rows, and the data from cell C8 (a function of plain data;
the services gather the rows and check them).

Every cell is text (number format "@"), trimmed as CNCA wants; dates are `YYYY-MM-DD` or
`YYYY-MM-DD hh:mm:ss` text as each sheet's notes ask. The workbook's own dates are fixed, so the same
rows give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from audit_workbench.core import cnca
from audit_workbench.reports._xlsx import put, save_workbook_bytes

TITLE = "管理体系及服务认证信息上报数据模版"
DESCRIPTIONS = ("字段名称", "字段含义", "数据类型", "最大长度（字符）", "填表说明", "校验级别", "是否公开")
START_NOTE = "从C8元格开始填写上报信息"
GAPS_SHEET = "缺失项"
GAP_HEADERS = ("表", "证书/案件", "字段", "字段含义", "在哪里填写")


@dataclass(frozen=True)
class GapRow:
    sheet: str  # the sheet's name
    subject: str  # certificate number or case number
    field: str
    meaning: str
    where: str


def _description(column: cnca.Column, index: int) -> str:
    return (
        column.field,
        column.meaning,
        column.type,
        column.length,
        column.how,
        column.level,
        column.public,
    )[index]


def render_cnca_xlsx(
    template: cnca.Template,
    rows: Mapping[str, Sequence[Mapping[str, str]]],
    stamp: datetime,
    gaps: Sequence[GapRow] = (),
) -> bytes:
    """The report: for each sheet code in `rows` (in the template's order), the sheet with its
    description rows and one row per mapping (field → text) from C8; with `gaps`, a last sheet
    listing what is missing (a draft)."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    head = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    for sheet in template.sheets:
        if sheet.code not in rows:
            continue
        ws = wb.create_sheet(sheet.name)
        ws.cell(1, 1, sheet.code)
        ws.cell(2, 1, TITLE)
        ws.cell(5, 1, sheet.name)
        ws.cell(cnca.DATA_ROW, 1, START_NOTE)
        for r, label in enumerate(DESCRIPTIONS, start=1):
            ws.cell(r, 2, label).font = head
            for c, column in enumerate(sheet.columns, start=cnca.DATA_COLUMN):
                cell = put(ws, r, c, _description(column, r - 1))
                cell.fill = fill
                cell.number_format = "@"
                if r == 5:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for c, _column in enumerate(sheet.columns, start=cnca.DATA_COLUMN):
            ws.column_dimensions[get_column_letter(c)].width = 18
        for r, row in enumerate(rows[sheet.code], start=cnca.DATA_ROW):
            for c, field in enumerate(sheet.fields, start=cnca.DATA_COLUMN):
                text = cnca.clean(row.get(field, ""))
                if text:
                    cell = put(ws, r, c, text)
                    cell.data_type = "s"
                    cell.number_format = "@"
        ws.freeze_panes = ws.cell(cnca.DATA_ROW, cnca.DATA_COLUMN)
    if gaps:
        ws = wb.create_sheet(GAPS_SHEET)
        for c, text in enumerate(GAP_HEADERS, start=1):
            ws.cell(1, c, text).font = head
        for r, gap in enumerate(gaps, start=2):
            for c, text in enumerate((gap.sheet, gap.subject, gap.field, gap.meaning, gap.where), start=1):
                put(ws, r, c, text).data_type = "s"
        for c, width in enumerate((14, 22, 18, 28, 60), start=1):
            ws.column_dimensions[get_column_letter(c)].width = width
    return save_workbook_bytes(wb, stamp, creator="Audit Workbench", title=TITLE)
