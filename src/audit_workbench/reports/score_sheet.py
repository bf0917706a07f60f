"""The score sheet workbook: exported for the audit team to fill in, and read back strictly.

``render_score_sheet`` writes three sheets. 评分表 holds one row per indicator (its code in column A)
grouped by category with subtotal rows, and a summary whose earned points, applicable maximum, base
score, total and grade are live formulas, so Excel or LibreOffice recalculate them as the team
types; the workbook names ``TotalScore`` and ``Grade`` point at the last two. Only the input cells
(得分, 不适用, 说明) are unlocked; data validation keeps points within 0…maximum in steps of 0.5.
不符合项 lists the nonconformities, 元数据 the case, the rubric id and SHA-256, and who exported it when.

``parse_score_sheet`` reads an edited copy back and checks everything — that it is our workbook for
this rubric, its structure, every code, every value — and either returns all the rows or raises
``ScoreSheetError`` listing every problem with the sheet, row and cell to look at.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
import zlib
from copy import copy
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from audit_workbench.core.rubric import HALF, Rubric
from audit_workbench.reports._common import check_lang, fmt_date, label
from audit_workbench.reports._xlsx import put, save_workbook_bytes
from audit_workbench.reports.models import IndicatorRow, ScoreSheetDoc

SHEET_SCORES = "评分表"
SHEET_NONCONFORMITIES = "不符合项"
SHEET_METADATA = "元数据"
FORMAT_ID = "awb-score-sheet"
FORMAT_VERSION = "1"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 16 * 1024 * 1024  # an exported sheet unpacks to under 100 KB; openpyxl holds all of it
# Rows read below the header: the rubric's own rows (an indicator each, a heading and a subtotal per
# category) twice over, plus the summary; a sheet with rows further down is refused, not read.
ROW_MARGIN = 50
MAX_LISTED_PROBLEMS = 20  # a refusal lists this many problems, then says how many more

# Columns of 评分表.
COL_CODE, COL_NAME, COL_MAX, COL_POINTS, COL_NA, COL_NOTE, COL_EVIDENCE, COL_APPLICABLE = range(1, 9)
HEADERS: dict[str, tuple[str, ...]] = {
    "zh": ("编号", "指标", "满分", "得分", "不适用", "说明", "证据数", "适用满分"),
    "en": ("Code", "Indicator", "Max", "Points", "N/A", "Notes", "Evidence", "Applicable max"),
}
YES = {"zh": "是", "en": "Yes"}
NO = {"zh": "否", "en": "No"}
_TRUE_WORDS = frozenset({"是", "yes", "y"})
_FALSE_WORDS = frozenset({"否", "no", "n"})
_INDICATOR_CODE = re.compile(r"^\d+(\.\d+)+$")

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "商品售后服务评价 评分表",
        "organization": "受评组织",
        "case": "案件编号",
        "rubric": "评分规则",
        "exported": "导出",
        "hint": "仅黄色单元格可填写：得分（0 至满分，步长 0.5）、不适用（是/否）、说明。"
        "标为不适用的指标须在“说明”中写明删减理由。合计与等级自动计算。",
        "subtotal": "小计",
        "earned": "得分合计",
        "applicable": "适用满分（删减后）",
        "base": "基本分（得分 ÷ 适用满分 × 100，保留一位小数）",
        "deduction_count": "特别扣分项（项）",
        "deductions": "特别扣分",
        "bonus": "特别加分",
        "total": "总分",
        "grade": "评定等级",
        "not_passed": "不通过",
        "grade_rule": "{bands}；特别扣分项达 {fail} 项不通过",
        "deduction_list": "特别扣分项",
        "bonus_list": "特别加分项",
        "points_prompt": "0 至 {max} 分，步长 0.5",
        "points_error": "得分须在 0 至 {max} 之间，且为 0.5 的整数倍。",
        "na_prompt": "选“是”表示该指标不适用（须在说明中写明理由）",
        "nc_title": "不符合项",
        "nc_headers": "编号|指标|类型|不符合描述|整改措施|验证情况|状态|提出日期|要求完成日期|关闭日期",
        "nc_special": "特别扣分项",
        "nc_regular": "一般",
        "nc_none": "无不符合项。",
        "meta_title": "元数据（请勿修改）",
        "meta_headers": "键|项目|值",
        "page": "第 &P 页 共 &N 页",
        "sign_leader": "审核组长（签字）：",
        "sign_date": "日期：",
    },
    "en": {
        "title": "After-sales service evaluation — score sheet",
        "organization": "Organisation",
        "case": "Case no.",
        "rubric": "Rubric",
        "exported": "Exported",
        "hint": "Fill in the yellow cells only: points (0 to the maximum in steps of 0.5), N/A (Yes/No) "
        "and notes. An indicator marked N/A needs the reason in Notes. Totals and grade are calculated.",
        "subtotal": "Subtotal",
        "earned": "Points earned",
        "applicable": "Applicable maximum",
        "base": "Base score (earned ÷ applicable × 100, to one decimal)",
        "deduction_count": "Special deduction items",
        "deductions": "Special deductions",
        "bonus": "Special bonus",
        "total": "Total score",
        "grade": "Grade",
        "not_passed": "Not passed",
        "grade_rule": "{bands}; not passed with {fail} or more special deduction items",
        "deduction_list": "Special deduction items",
        "bonus_list": "Special bonus item",
        "points_prompt": "0 to {max} points, in steps of 0.5",
        "points_error": "Points must be between 0 and {max}, in steps of 0.5.",
        "na_prompt": "Yes: the indicator does not apply (give the reason in Notes)",
        "nc_title": "Nonconformities",
        "nc_headers": "No.|Indicator|Type|Nonconformity|Corrective action|Verification|Status|Raised|Due|Closed",
        "nc_special": "Special deduction",
        "nc_regular": "Regular",
        "nc_none": "No nonconformities.",
        "meta_title": "Metadata (do not edit)",
        "meta_headers": "Key|Item|Value",
        "page": "Page &P of &N",
        "sign_leader": "Audit team leader (signature):",
        "sign_date": "Date:",
    },
}
META_LABELS: dict[str, tuple[str, str]] = {
    "format": ("文件格式", "Format"),
    "format_version": ("格式版本", "Format version"),
    "case_no": ("案件编号", "Case no."),
    "organization": ("受评组织", "Organisation"),
    "rubric_id": ("评分规则编号", "Rubric id"),
    "rubric_sha256": ("评分规则 SHA-256", "Rubric SHA-256"),
    "rubric_title": ("评分规则名称", "Rubric title"),
    "exported_at": ("导出时间", "Exported at"),
    "exported_by": ("导出人", "Exported by"),
    "language": ("语言", "Language"),
}

NAVY = "1B355C"
_THIN = Side(style="thin", color="B7BFCA")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILL_HEADER = PatternFill("solid", fgColor=NAVY)
_FILL_SUBHEADER = PatternFill("solid", fgColor="E4E9F1")
_FILL_CATEGORY = PatternFill("solid", fgColor="D6E0EE")
_FILL_SUBTOTAL = PatternFill("solid", fgColor="F1F3F6")
_FILL_INPUT = PatternFill("solid", fgColor="FFF6CC")
_FILL_TOTAL = PatternFill("solid", fgColor="E8F0E0")
_UNLOCKED = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="top")
_MIDDLE = Alignment(vertical="center")
_HEADING = Alignment(horizontal="center", vertical="center", wrap_text=True)
_SUBHEADING = Alignment(horizontal="center", vertical="center")
_RIGHT = Alignment(horizontal="right")
_RIGHT_TOP = Alignment(horizontal="right", vertical="top")
POINTS_FORMAT = "0.0"


# -- export ---------------------------------------------------------------------------------------
def render_score_sheet(doc: ScoreSheetDoc, lang: str = "zh", password: str | None = None) -> bytes:
    """The score sheet as XLSX bytes. ``password`` optionally guards the sheet protection."""
    check_lang(lang)
    rubric = doc.rubric
    if rubric.id != doc.rubric_id:
        raise ValueError(f"the rubric given is {rubric.id!r}, the document names {doc.rubric_id!r}")
    rows = {row.code: row for row in doc.rows}
    unknown = sorted(set(rows) - set(rubric.indicator_codes))
    if unknown:
        raise ValueError(f"rows for codes not in rubric {rubric.id}: {', '.join(unknown)}")
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_SCORES
    total_cell, grade_cell = _write_scores(ws, doc, rows, lang, password)
    wb.defined_names["TotalScore"] = DefinedName(
        "TotalScore", attr_text=f"'{SHEET_SCORES}'!{_abs(total_cell)}"
    )
    wb.defined_names["Grade"] = DefinedName("Grade", attr_text=f"'{SHEET_SCORES}'!{_abs(grade_cell)}")
    _write_nonconformities(wb.create_sheet(SHEET_NONCONFORMITIES), doc, lang, password)
    _write_metadata(wb.create_sheet(SHEET_METADATA), doc, lang, password)
    wb.security = WorkbookProtection(lockStructure=True)
    if password:
        wb.security.workbookPassword = password
    wb.active = 0
    return save_workbook_bytes(
        wb,
        doc.exported_at,
        creator=doc.exported_by or "Audit Workbench",
        title=f"{TEXT[lang]['title']} {doc.case_no}",
    )


def _abs(coordinate: str) -> str:
    match = re.fullmatch(r"([A-Z]+)(\d+)", coordinate)
    assert match is not None
    return f"${match.group(1)}${match.group(2)}"


def _protect(ws: Worksheet, password: str | None) -> None:
    ws.protection.sheet = True
    # Let the team resize rows and columns to read long notes; everything else stays locked.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False
    if password:
        ws.protection.password = password


def _print_setup(ws: Worksheet, lang: str, title_rows: str | None, landscape: bool = False) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = TEXT[lang]["page"]
    ws.oddFooter.center.size = 8


def _style(
    cell: Any,
    *,
    bold: bool = False,
    fill: PatternFill | None = None,
    align: Alignment = _WRAP,
    size: float = 10,
    color: str = "222B36",
    border: bool = True,
    fmt: str | None = None,
    unlocked: bool = False,
) -> None:
    """Font, alignment, fill, border, number format and protection of a cell not styled before.

    A sheet repeats a few dozen combinations over hundreds of cells, and openpyxl's style
    descriptors hash every part into the workbook's style lists on every assignment. The first cell
    of a combination is styled through them; the next ones get a copy of its finished style array
    (``cell._style``, the way openpyxl copies styles itself), so the file is the same.
    """
    if cell.has_style:  # the cache holds whole styles: a partly styled cell goes the long way
        _apply_style(cell, bold, fill, align, size, color, border, fmt, unlocked)
        return
    styles = _WORKBOOK_STYLES.get(cell.parent.parent)
    if styles is None:
        styles = _WORKBOOK_STYLES[cell.parent.parent] = {}
    # By identity: the style objects are module constants, and the entry keeps them alive.
    key = (bold, id(fill), id(align), size, color, border, fmt, unlocked)
    hit = styles.get(key)
    if hit is not None and hit[0] is fill and hit[1] is align:
        cell._style = copy(hit[2])
        return
    _apply_style(cell, bold, fill, align, size, color, border, fmt, unlocked)
    styles[key] = (fill, align, copy(cell._style))


# Per workbook: a style array holds indices into its workbook's style lists.
_WORKBOOK_STYLES: WeakKeyDictionary[Workbook, dict[tuple[Any, ...], tuple[Any, Any, StyleArray]]] = (
    WeakKeyDictionary()
)


@functools.lru_cache(maxsize=64)
def _font(size: float, bold: bool, color: str) -> Font:
    return Font(name="Microsoft YaHei", size=size, bold=bold, color=color)


def _apply_style(
    cell: Any,
    bold: bool,
    fill: PatternFill | None,
    align: Alignment,
    size: float,
    color: str,
    border: bool,
    fmt: str | None,
    unlocked: bool,
) -> None:
    cell.font = _font(size, bold, color)
    cell.alignment = align
    if fill is not None:
        cell.fill = fill
    if border:
        cell.border = _BORDER
    if fmt:
        cell.number_format = fmt
    if unlocked:
        cell.protection = _UNLOCKED


def _write_scores(
    ws: Worksheet, doc: ScoreSheetDoc, rows: dict[str, IndicatorRow], lang: str, password: str | None
) -> tuple[str, str]:
    t = TEXT[lang]
    other = "en" if lang == "zh" else "zh"
    rubric = doc.rubric
    widths = (8, 30, 7, 7, 8, 52, 7, 9) if lang == "zh" else (8, 34, 7, 7, 7, 46, 9, 11)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    last = get_column_letter(len(widths))

    # Title block.
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = t["title"]
    _style(ws["A1"], bold=True, size=15, color=NAVY, border=False, align=_MIDDLE)
    ws.row_dimensions[1].height = 26
    info = (
        (t["organization"], doc.organization, t["case"], doc.case_no),
        (
            t["rubric"],
            f"{rubric.title.get(lang)} ({doc.rubric_id})",
            t["exported"],
            f"{doc.exported_at:%Y-%m-%d %H:%M} {doc.exported_by}",
        ),
    )
    colon = "：" if lang == "zh" else ": "
    for r, (l1, v1, l2, v2) in enumerate(info, start=2):
        left, right = f"{l1}{colon}{v1}", f"{l2}{colon}{v2}"
        put(ws, r, 1, left)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
        put(ws, r, 6, right)
        ws.merge_cells(start_row=r, start_column=6, end_row=r, end_column=8)
        _style(ws.cell(r, 1), border=False)
        _style(ws.cell(r, 6), border=False)
        lines = max(_lines(left, sum(widths[:5])), _lines(right, sum(widths[5:])))
        ws.row_dimensions[r].height = 14 * lines + 2
    ws.merge_cells(f"A4:{last}4")
    ws["A4"] = t["hint"]
    _style(ws["A4"], size=9, color="5E6773", border=False)
    ws.row_dimensions[4].height = 28

    header_row = 5
    for col, text in enumerate(HEADERS[lang], start=1):
        cell = ws.cell(header_row, col, text)
        _style(
            cell,
            bold=True,
            fill=_FILL_HEADER,
            color="FFFFFF",
            align=_HEADING,
        )
        sub = ws.cell(header_row + 1, col, HEADERS[other][col - 1])
        _style(
            sub,
            size=8,
            fill=_FILL_SUBHEADER,
            color="5E6773",
            align=_SUBHEADING,
        )
    ws.row_dimensions[header_row].height = 20 if lang == "zh" else 30
    ws.freeze_panes = ws.cell(header_row + 2, 1)

    yes = YES[lang]
    r = header_row + 2
    subtotal_rows: list[int] = []
    na_ranges: list[str] = []
    for category in rubric.categories:
        ws.cell(r, COL_CODE, category.code)
        put(ws, r, COL_NAME, category.name.get(lang))
        ws.cell(r, COL_MAX, category.max_points)
        for col in range(1, len(widths) + 1):
            _style(
                ws.cell(r, col),
                bold=True,
                fill=_FILL_CATEGORY,
                fmt=POINTS_FORMAT if col == COL_MAX else None,
                align=_CENTER if col in (COL_CODE, COL_MAX) else _WRAP,
            )
        r += 1
        start = r
        for indicator in category.indicators:
            row = rows.get(indicator.code, IndicatorRow(code=indicator.code))
            ws.cell(r, COL_CODE, indicator.code)
            name = indicator.name.get(lang) + ("（抽样）" if indicator.sampled and lang == "zh" else "")
            name += " (sampled)" if indicator.sampled and lang == "en" else ""
            put(ws, r, COL_NAME, name)
            ws.cell(r, COL_MAX, indicator.max_points)
            ws.cell(r, COL_POINTS, None if row.not_applicable else row.points)
            ws.cell(r, COL_NA, yes if row.not_applicable else None)
            note = row.reason if row.not_applicable and row.reason else row.note
            if row.not_applicable and row.reason and row.note and row.note != row.reason:
                note = f"{row.reason}\n{row.note}"
            put(ws, r, COL_NOTE, note or None)
            ws.cell(r, COL_EVIDENCE, row.evidence_count)
            e = f"{get_column_letter(COL_NA)}{r}"
            c = f"{get_column_letter(COL_MAX)}{r}"
            ws.cell(r, COL_APPLICABLE, f'=IF(OR({e}="{YES["zh"]}",{e}="yes",{e}="y",{e}=TRUE),0,{c})')
            for col in range(1, len(widths) + 1):
                cell = ws.cell(r, col)
                is_input = col in (COL_POINTS, COL_NA, COL_NOTE)
                _style(
                    cell,
                    fill=_FILL_INPUT if is_input else None,
                    fmt=POINTS_FORMAT if col in (COL_MAX, COL_POINTS, COL_APPLICABLE) else None,
                    align=_CENTER
                    if col in (COL_CODE, COL_MAX, COL_POINTS, COL_NA, COL_EVIDENCE, COL_APPLICABLE)
                    else _WRAP,
                    unlocked=is_input,
                )
            _validate_points(ws, r, indicator.max_points, lang)
            _fit_height(ws, r, ((name, widths[COL_NAME - 1]), (note or "", widths[COL_NOTE - 1])))
            r += 1
        end = r - 1
        na_ranges.append(f"{get_column_letter(COL_NA)}{start}:{get_column_letter(COL_NA)}{end}")
        ws.cell(r, COL_NAME, t["subtotal"])
        ws.cell(r, COL_MAX, f"=SUM({_col(COL_MAX)}{start}:{_col(COL_MAX)}{end})")
        ws.cell(
            r,
            COL_POINTS,
            f"=SUMIFS({_col(COL_POINTS)}{start}:{_col(COL_POINTS)}{end},"
            f'{_col(COL_APPLICABLE)}{start}:{_col(COL_APPLICABLE)}{end},">0")',
        )
        ws.cell(r, COL_APPLICABLE, f"=SUM({_col(COL_APPLICABLE)}{start}:{_col(COL_APPLICABLE)}{end})")
        for col in range(1, len(widths) + 1):
            _style(
                ws.cell(r, col),
                bold=col != COL_CODE,
                fill=_FILL_SUBTOTAL,
                fmt=POINTS_FORMAT if col in (COL_MAX, COL_POINTS, COL_APPLICABLE) else None,
                align=_RIGHT if col == COL_NAME else _CENTER,
            )
        subtotal_rows.append(r)
        r += 1

    na_rule = DataValidation(
        type="list",
        formula1=f'"{YES[lang]},{NO[lang]}"',
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
    )
    na_rule.promptTitle = HEADERS[lang][COL_NA - 1]
    na_rule.prompt = t["na_prompt"]
    na_rule.errorTitle = HEADERS[lang][COL_NA - 1]
    na_rule.error = f"{YES[lang]} / {NO[lang]}"
    na_rule.sqref = " ".join(na_ranges)  # type: ignore[assignment]
    ws.add_data_validation(na_rule)

    # Summary with live formulas.
    r += 1
    cells: dict[str, str] = {}
    deduction_list_start = r + 10
    deductions = tuple(reason for reason in doc.special_deductions if reason.strip())
    bonus_row = deduction_list_start + max(len(deductions), 1) + 1
    d_col = _col(COL_POINTS)

    def summary(
        key: str,
        formula: str | Decimal | int,
        fmt: str,
        max_formula: str | None = None,
        applicable_formula: str | None = None,
        note: str | None = None,
        strong: bool = False,
    ) -> None:
        nonlocal r
        ws.cell(r, COL_NAME, t[key])
        if max_formula is not None:
            ws.cell(r, COL_MAX, max_formula)
        ws.cell(r, COL_POINTS, formula)
        if applicable_formula is not None:
            ws.cell(r, COL_APPLICABLE, applicable_formula)
        if note:
            ws.cell(r, COL_NOTE, note)
        for col in range(1, len(widths) + 1):
            _style(
                ws.cell(r, col),
                bold=strong or col == COL_NAME,
                fill=_FILL_TOTAL if strong else None,
                fmt=fmt if col in (COL_MAX, COL_POINTS, COL_APPLICABLE) else None,
                align=_RIGHT_TOP if col == COL_NAME else (_WRAP if col == COL_NOTE else _CENTER),
                size=11 if strong else 10,
            )
        cells[key] = f"{d_col}{r}"
        r += 1

    sub = ",".join(f"{{c}}{row}" for row in subtotal_rows)
    summary(
        "earned",
        f"=SUM({sub.format(c=d_col)})",
        POINTS_FORMAT,
        max_formula=f"=SUM({sub.format(c=_col(COL_MAX))})",
        applicable_formula=f"=SUM({sub.format(c=_col(COL_APPLICABLE))})",
    )
    earned_row = r - 1
    summary("applicable", f"={_col(COL_APPLICABLE)}{earned_row}", POINTS_FORMAT)
    # The base is shown to one decimal, as the app and the report show it; the total is computed
    # from the exact base (as core.scoring computes it), not from the rounded cell.
    exact_base = f"IF({cells['applicable']}>0,{cells['earned']}/{cells['applicable']}*100,0)"
    summary("base", f"=ROUND({exact_base},1)", "0.0")
    if deductions:
        first, end = deduction_list_start + 1, deduction_list_start + len(deductions)
        count_formula: str | int = f"=COUNTA({_col(COL_NAME)}{first}:{_col(COL_NAME)}{end})"
    else:
        count_formula = 0
    summary("deduction_count", count_formula, "0")
    summary("deductions", f"={cells['deduction_count']}*{rubric.special_deduction_points}", POINTS_FORMAT)
    bonus_formula = (
        f"=MIN(COUNTA({_col(COL_NAME)}{bonus_row + 1}),{rubric.max_special_bonus})*{rubric.special_bonus_points}"
        if doc.bonus_reason
        else 0
    )
    summary("bonus", bonus_formula, POINTS_FORMAT)
    total_formula = (
        f"=ROUND(MAX(0,MIN({rubric.max_points},{exact_base}-{cells['deductions']}+{cells['bonus']})),1)"
    )
    summary("total", total_formula, POINTS_FORMAT, strong=True)
    not_passed = t["not_passed"]
    grade_formula = f'"{not_passed}"'
    for band in reversed(rubric.grades):
        grade_formula = f'IF({cells["total"]}>={band.min_score},"{band.label.get(lang)}",{grade_formula})'
    grade_formula = (
        f'=IF({cells["deduction_count"]}>={rubric.fail_at_special_deductions},"{not_passed}",{grade_formula})'
    )
    sep = " · "
    bands = sep.join(f"≥{band.min_score} {band.label.get(lang)}" for band in rubric.grades)
    grade_note = t["grade_rule"].format(bands=bands, fail=rubric.fail_at_special_deductions)
    summary("grade", grade_formula, "@", note=grade_note, strong=True)
    _fit_height(ws, r - 1, ((grade_note, widths[COL_NOTE - 1]),))
    merged_width = sum(widths[COL_NAME - 1 : COL_NOTE])

    # The special items the totals count.
    r = deduction_list_start
    ws.cell(r, COL_NAME, t["deduction_list"])
    _style(ws.cell(r, COL_NAME), bold=True, border=False, color=NAVY)
    for i, reason in enumerate(deductions, start=1):
        ws.cell(r + i, COL_CODE, i)
        put(ws, r + i, COL_NAME, reason)
        ws.merge_cells(start_row=r + i, start_column=COL_NAME, end_row=r + i, end_column=COL_NOTE)
        _style(ws.cell(r + i, COL_CODE), align=_CENTER)
        _style(ws.cell(r + i, COL_NAME))
        _fit_height(ws, r + i, ((reason, merged_width),))
    if not deductions:
        ws.cell(r + 1, COL_NAME, "—")
    ws.cell(bonus_row, COL_NAME, t["bonus_list"])
    _style(ws.cell(bonus_row, COL_NAME), bold=True, border=False, color=NAVY)
    if doc.bonus_reason:
        ws.cell(bonus_row + 1, COL_CODE, 1)
        put(ws, bonus_row + 1, COL_NAME, doc.bonus_reason)
        ws.merge_cells(
            start_row=bonus_row + 1, start_column=COL_NAME, end_row=bonus_row + 1, end_column=COL_NOTE
        )
        _style(ws.cell(bonus_row + 1, COL_CODE), align=_CENTER)
        _style(ws.cell(bonus_row + 1, COL_NAME))
        _fit_height(ws, bonus_row + 1, ((doc.bonus_reason, merged_width),))
    else:
        ws.cell(bonus_row + 1, COL_NAME, "—")

    # Sign-off: the printed sheet is signed by the team leader.
    sign_row = bonus_row + 4
    ws.cell(sign_row, COL_NAME, t["sign_leader"])
    ws.cell(sign_row, COL_NOTE, t["sign_date"])
    for col in (COL_NAME, COL_NOTE):
        _style(ws.cell(sign_row, col), border=False, color="5E6773")
        ws.cell(sign_row, col).border = Border(bottom=_THIN)
    ws.row_dimensions[sign_row].height = 30

    _protect(ws, password)
    _print_setup(ws, lang, f"{header_row}:{header_row + 1}")
    ws.print_area = f"A1:{last}{sign_row}"
    return cells["total"], cells["grade"]


def _lines(text: str, width: float) -> int:
    """Roughly how many lines a wrapped cell needs: CJK characters take two width units, others one."""
    lines = 0
    for paragraph in str(text).split("\n"):
        units = sum(2.0 if ord(ch) > 0x2E7F else 0.9 for ch in paragraph)
        lines += max(1, -(-int(units) // max(int(width) - 1, 1)))
    return lines


def _fit_height(ws: Worksheet, row: int, texts: tuple[tuple[str, float], ...]) -> None:
    # Spreadsheets do not grow a row for wrapped text when they open a file: set the height here.
    lines = max(_lines(text, width) for text, width in texts)
    if lines > 1:
        ws.row_dimensions[row].height = 13.5 * lines + 2


def _col(col: int) -> str:
    return get_column_letter(col)


def _validate_points(ws: Worksheet, row: int, maximum: Decimal, lang: str) -> None:
    # One rule per cell (Excel honours one validation per cell): a number, 0…max, in 0.5 steps.
    cell = f"{_col(COL_POINTS)}{row}"
    rule = DataValidation(
        type="custom",
        formula1=f"AND(ISNUMBER({cell}),{cell}>=0,{cell}<={maximum},MOD({cell}*2,1)=0)",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
    )
    rule.errorTitle = HEADERS[lang][COL_POINTS - 1]
    rule.error = TEXT[lang]["points_error"].format(max=maximum)
    rule.promptTitle = HEADERS[lang][COL_POINTS - 1]
    rule.prompt = TEXT[lang]["points_prompt"].format(max=maximum)
    rule.add(cell)
    ws.add_data_validation(rule)


def _write_nonconformities(ws: Worksheet, doc: ScoreSheetDoc, lang: str, password: str | None) -> None:
    t = TEXT[lang]
    headers = t["nc_headers"].split("|")
    widths = (8, 8, 10, 40, 34, 30, 11, 11, 11, 11)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[_col(col)].width = width
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(widths))
    put(ws, 1, 1, f"{t['nc_title']} — {doc.organization} ({doc.case_no})")
    _style(ws["A1"], bold=True, size=14, color=NAVY, border=False, align=_MIDDLE)
    ws.row_dimensions[1].height = 24
    for col, text in enumerate(headers, start=1):
        _style(
            ws.cell(2, col, text),
            bold=True,
            fill=_FILL_HEADER,
            color="FFFFFF",
            align=_HEADING,
        )
    ws.freeze_panes = "A3"
    r = 3
    for nc in doc.nonconformities:
        values = (
            nc.number,
            nc.indicator_code or "—",
            t["nc_special"] if nc.special_deduction else t["nc_regular"],
            nc.description,
            nc.corrective_action,
            nc.verification,
            label("nonconformity_status", nc.status, lang),
            fmt_date(nc.raised_on, lang),
            fmt_date(nc.due_on, lang),
            fmt_date(nc.closed_on, lang),
        )
        for col, value in enumerate(values, start=1):
            _style(put(ws, r, col, value or None), align=_CENTER if col in (1, 2, 3, 7) else _WRAP)
        r += 1
    if not doc.nonconformities:
        ws.cell(r, 1, t["nc_none"])
    _protect(ws, password)
    _print_setup(ws, lang, "2:2", landscape=True)


def _write_metadata(ws: Worksheet, doc: ScoreSheetDoc, lang: str, password: str | None) -> None:
    t = TEXT[lang]
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 20
    ws.column_dimensions["C"].width = 70
    ws["A1"] = t["meta_title"]
    _style(ws["A1"], bold=True, size=13, color=NAVY, border=False)
    for col, text in enumerate(t["meta_headers"].split("|"), start=1):
        _style(ws.cell(2, col, text), bold=True, fill=_FILL_HEADER, color="FFFFFF")
    values = {
        "format": FORMAT_ID,
        "format_version": FORMAT_VERSION,
        "case_no": doc.case_no,
        "organization": doc.organization,
        "rubric_id": doc.rubric_id,
        "rubric_sha256": doc.rubric_sha256,
        "rubric_title": doc.rubric.title.get(lang),
        "exported_at": doc.exported_at.isoformat(timespec="seconds"),
        "exported_by": doc.exported_by,
        "language": lang,
    }
    for r, (key, value) in enumerate(values.items(), start=3):
        zh, en = META_LABELS[key]
        _style(ws.cell(r, 1, key), color="5E6773")
        _style(ws.cell(r, 2, en if lang == "en" else zh), bold=True)
        cell = put(ws, r, 3, value)
        _style(cell)
        cell.number_format = "@"  # keep ids and hashes as text
    _protect(ws, password)
    _print_setup(ws, lang, None)


# -- import ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParsedIndicator:
    code: str
    points: Decimal | None
    not_applicable: bool
    note: str  # the auditor's note, or the reason when not applicable
    row: int  # where it was read, for messages


@dataclass(frozen=True)
class ParsedScoreSheet:
    case_no: str
    rubric_id: str
    rubric_sha256: str
    exported_at: str
    exported_by: str
    rows: tuple[ParsedIndicator, ...]  # in the rubric's order

    def by_code(self) -> dict[str, ParsedIndicator]:
        return {row.code: row for row in self.rows}


@dataclass(frozen=True)
class SheetProblem:
    where: str  # 评分表!D12, or a sheet name, or "file"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ScoreSheetError(ValueError):
    """The workbook cannot be imported. ``problems`` lists every problem found, each with its place."""

    def __init__(self, problems: list[SheetProblem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = "the score sheet was refused" + (f" ({count} problems)" if count > 1 else "")
        lines = [f"  {p}" for p in self.problems[:MAX_LISTED_PROBLEMS]]
        if count > MAX_LISTED_PROBLEMS:
            lines.append(f"  … and {count - MAX_LISTED_PROBLEMS} more")
        super().__init__(head + ":\n" + "\n".join(lines))

    def listed_zh(self) -> str:
        """The first problems and how many more, for the Chinese refusal (bounded as the English)."""
        text = "; ".join(str(p) for p in self.problems[:MAX_LISTED_PROBLEMS])
        more = len(self.problems) - MAX_LISTED_PROBLEMS
        return text + (f"；另有 {more} 个问题" if more > 0 else "")


def parse_score_sheet(
    data: bytes, rubric: Rubric, rubric_sha256: str, case_no: str | None = None
) -> ParsedScoreSheet:
    """Read points, not applicable and notes per indicator from an exported and edited score sheet.

    Checks, and reports all at once: that the file is an XLSX workbook with our sheets, that its
    metadata names this rubric id, this rubric hash (and this case, if given), that the header row
    is intact, that every indicator of the rubric appears exactly once and nothing else does, and
    that every value is well formed: points numeric, 0…maximum, in steps of 0.5, not applicable only
    with a reason in 说明 and no points.
    """
    workbook = _open_workbook(data)
    problems: list[SheetProblem] = []
    missing = [name for name in (SHEET_SCORES, SHEET_METADATA) if name not in workbook.sheetnames]
    if missing:
        raise ScoreSheetError([SheetProblem("file", f"the sheet {name} is missing") for name in missing])
    meta = _read_metadata(workbook[SHEET_METADATA], rubric, rubric_sha256, case_no, problems)
    rows = _read_scores(workbook[SHEET_SCORES], rubric, problems)
    if problems:
        raise ScoreSheetError(problems)
    return ParsedScoreSheet(
        case_no=meta.get("case_no", ""),
        rubric_id=meta.get("rubric_id", ""),
        rubric_sha256=meta.get("rubric_sha256", ""),
        exported_at=meta.get("exported_at", ""),
        exported_by=meta.get("exported_by", ""),
        rows=rows,
    )


def _open_workbook(data: bytes) -> Workbook:
    if not isinstance(data, bytes | bytearray):
        raise ScoreSheetError([SheetProblem("file", "expected the bytes of an XLSX file")])
    if len(data) > MAX_FILE_BYTES:
        raise ScoreSheetError([SheetProblem("file", f"is {len(data)} bytes, more than a score sheet can be")])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise ScoreSheetError([SheetProblem("file", "unpacks to more than a score sheet can hold")])
            bad = archive.testzip()
            if bad is not None:
                raise ScoreSheetError([SheetProblem("file", f"the zip member {bad} is damaged")])
            if "xl/workbook.xml" not in archive.namelist():
                raise ScoreSheetError([SheetProblem("file", "is a zip file but not an XLSX workbook")])
    except zipfile.BadZipFile as exc:
        raise ScoreSheetError(
            [SheetProblem("file", f"is not an XLSX workbook or is damaged (corrupt zip: {exc})")]
        ) from None
    except ScoreSheetError:
        raise
    except (zipfile.LargeZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise ScoreSheetError([SheetProblem("file", f"is damaged: cannot be unpacked ({exc})")]) from None
    try:
        return load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged XML
        raise ScoreSheetError(
            [SheetProblem("file", f"is damaged: {exc.__class__.__name__}: {str(exc)[:200]}")]
        ) from None


def _read_metadata(
    ws: Worksheet, rubric: Rubric, rubric_sha256: str, case_no: str | None, problems: list[SheetProblem]
) -> dict[str, str]:
    meta: dict[str, str] = {}
    where_of: dict[str, str] = {}
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 200), max_col=3):
        key = row[0].value
        if isinstance(key, str) and key.strip() in META_LABELS:
            value = row[2].value
            meta[key.strip()] = "" if value is None else str(value).strip()
            where_of[key.strip()] = f"{ws.title}!C{row[0].row}"

    def check(key: str, expected: str, what: str) -> None:
        if key not in meta:
            problems.append(SheetProblem(ws.title, f"the {what} ({key}) is missing"))
        elif meta[key] != expected:
            problems.append(SheetProblem(where_of[key], f"{what} {meta[key]!r} does not match {expected!r}"))

    check("format", FORMAT_ID, "file format")
    check("format_version", FORMAT_VERSION, "format version")
    check("rubric_id", rubric.id, "rubric id")
    if (
        "rubric_sha256" in meta
        and meta.get("rubric_id") == rubric.id
        and meta["rubric_sha256"] != rubric_sha256
    ):
        problems.append(
            SheetProblem(
                where_of["rubric_sha256"],
                f"the sheet was exported for another revision of rubric {rubric.id} "
                f"(SHA-256 {meta['rubric_sha256'][:12]}…, expected {rubric_sha256[:12]}…)",
            )
        )
    elif "rubric_sha256" not in meta:
        problems.append(SheetProblem(ws.title, "the rubric SHA-256 (rubric_sha256) is missing"))
    if case_no is not None:
        check("case_no", case_no, "case")
    return meta


def _find_header(ws: Worksheet) -> int | None:
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 30), max_col=1):
        value = row[0].value
        if isinstance(value, str) and value.strip() in (HEADERS["zh"][0], HEADERS["en"][0]):
            return row[0].row
    return None


def _read_scores(ws: Worksheet, rubric: Rubric, problems: list[SheetProblem]) -> tuple[ParsedIndicator, ...]:
    sheet = ws.title
    header = _find_header(ws)
    if header is None:
        problems.append(SheetProblem(sheet, f"the header row ({', '.join(HEADERS['zh'][:6])}) is missing"))
        return ()
    header_ok = True
    for col in range(1, COL_NOTE + 1):
        value = ws.cell(header, col).value
        expected = (HEADERS["zh"][col - 1], HEADERS["en"][col - 1])
        if not isinstance(value, str) or value.strip() not in expected:
            header_ok = False
            problems.append(
                SheetProblem(
                    f"{sheet}!{_col(col)}{header}",
                    f"column header {value!r} should be {expected[0]} ({expected[1]})",
                )
            )
    if not header_ok:
        return ()
    known = {indicator.code: indicator for _, indicator in rubric.indicators()}
    found: dict[str, ParsedIndicator] = {}
    last = header + 2 * (len(known) + 2 * len(rubric.categories)) + ROW_MARGIN
    if ws.max_row > last:
        problems.append(
            SheetProblem(
                sheet,
                f"the sheet has {ws.max_row} rows; a score sheet of rubric {rubric.id} has at most {last}: "
                f"rows after {last} were not read (delete them)",
            )
        )
    for r in range(header + 1, min(ws.max_row, last) + 1):
        raw_code = ws.cell(r, COL_CODE).value
        if raw_code is None:
            continue
        code = str(raw_code).strip()
        if not _INDICATOR_CODE.match(code):
            continue  # category, subtotal and summary rows
        where = f"{sheet}!A{r}"
        if code not in known:
            problems.append(SheetProblem(where, f"{code} is not an indicator of rubric {rubric.id}"))
            continue
        if code in found:
            problems.append(
                SheetProblem(where, f"indicator {code} appears again (first in row {found[code].row})")
            )
            continue
        indicator = known[code]
        max_value = ws.cell(r, COL_MAX).value
        if _as_decimal(max_value) != indicator.max_points:
            problems.append(
                SheetProblem(
                    f"{sheet}!{_col(COL_MAX)}{r}",
                    f"the maximum for {code} was changed to {max_value!r} "
                    f"(the rubric says {indicator.max_points})",
                )
            )
        points = _read_points(ws, r, code, indicator.max_points, problems)
        not_applicable = _read_flag(ws, r, problems)
        note_cell = ws.cell(r, COL_NOTE)
        note = "" if note_cell.value is None else str(note_cell.value).strip()
        if note_cell.data_type == "f":
            problems.append(
                SheetProblem(f"{sheet}!{_col(COL_NOTE)}{r}", "a formula is not a note; enter text")
            )
        if not_applicable and points is not None:
            problems.append(
                SheetProblem(
                    f"{sheet}!{_col(COL_POINTS)}{r}",
                    f"{code} is marked not applicable but has points {_plain(points)}; clear one of them",
                )
            )
        if not_applicable and not note:
            problems.append(
                SheetProblem(
                    f"{sheet}!{_col(COL_NOTE)}{r}",
                    f"{code} is marked not applicable: give the reason in "
                    f"{HEADERS['zh'][COL_NOTE - 1]} ({HEADERS['en'][COL_NOTE - 1]})",
                )
            )
        found[code] = ParsedIndicator(code, points, not_applicable, note, r)
    for code in rubric.indicator_codes:
        if code not in found:
            problems.append(SheetProblem(sheet, f"indicator {code} is missing (was its row deleted?)"))
    return tuple(found[code] for code in rubric.indicator_codes if code in found)


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _read_points(
    ws: Worksheet, r: int, code: str, maximum: Decimal, problems: list[SheetProblem]
) -> Decimal | None:
    where = f"{ws.title}!{_col(COL_POINTS)}{r}"
    cell = ws.cell(r, COL_POINTS)
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        problems.append(SheetProblem(where, f"{value!r} is not a number of points for {code}"))
        return None
    if cell.data_type == "f":
        problems.append(
            SheetProblem(
                where, f"a formula ({str(value).strip()[:40]}) is not allowed for {code}; enter a number"
            )
        )
        return None
    if isinstance(value, str):
        # Points typed as text ('5.5, or into a cell formatted as text) are left out of the sheet's
        # own sums in Excel and LibreOffice: the sheet would show one total and the app store another.
        problems.append(
            SheetProblem(
                where,
                f"{value.strip()[:40]!r} is text, not a number, for {code}: the sheet's formulas leave text "
                "out of its total; enter the points as a number",
            )
        )
        return None
    points = _as_decimal(value)
    if points is None or not points.is_finite():
        problems.append(SheetProblem(where, f"{str(value)[:40]!r} is not a number of points for {code}"))
        return None
    if points < 0:
        problems.append(SheetProblem(where, f"{_plain(points)} is below 0 for {code}"))
        return None
    if points > maximum:
        problems.append(
            SheetProblem(where, f"{_plain(points)} exceeds the maximum {_plain(maximum)} for {code}")
        )
        return None
    if points % HALF != 0:
        problems.append(SheetProblem(where, f"{_plain(points)} is not a multiple of 0.5 for {code}"))
        return None
    return points.quantize(HALF / 5)  # one decimal place: 2.5, 3.0


def _read_flag(ws: Worksheet, r: int, problems: list[SheetProblem]) -> bool:
    value = ws.cell(r, COL_NA).value
    if value is None or value is False:
        return False
    if value is True:
        return True
    text = str(value).strip().casefold()
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS or text == "":
        return False
    problems.append(
        SheetProblem(
            f"{ws.title}!{_col(COL_NA)}{r}",
            f"{str(value)[:20]!r} should be {YES['zh']} or {NO['zh']} (Yes or No), or empty",
        )
    )
    return False
