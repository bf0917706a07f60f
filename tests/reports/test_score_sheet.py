"""The score sheet: what Excel sees (formulas, names, validation, protection), and strict import."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from audit_workbench.core.rubric import load_rubric
from audit_workbench.reports import score_sheet
from audit_workbench.reports.models import IndicatorRow
from audit_workbench.reports.score_sheet import (
    SHEET_METADATA,
    SHEET_NONCONFORMITIES,
    SHEET_SCORES,
    ScoreSheetError,
    parse_score_sheet,
    render_score_sheet,
)

from .formula_eval import SheetEvaluator
from .report_samples import ROOT, expected_totals, score_rows, score_sheet_doc


@pytest.fixture(scope="module")
def doc(loaded_rubric):
    return score_sheet_doc(loaded_rubric)


@pytest.fixture(scope="module")
def xlsx(doc):
    return render_score_sheet(doc)


def _book(data: bytes, **kwargs):
    return load_workbook(io.BytesIO(data), **kwargs)


def _rows_by_code(ws) -> dict[str, int]:
    out = {}
    for row in ws.iter_rows(min_col=1, max_col=1):
        value = row[0].value
        if isinstance(value, str) and re.fullmatch(r"\d+\.\d+", value):
            out[value] = row[0].row
    return out


def _edit(data: bytes, edit) -> bytes:
    wb = _book(data)
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _refusal(data: bytes, loaded_rubric, **kwargs) -> ScoreSheetError:
    with pytest.raises(ScoreSheetError) as info:
        parse_score_sheet(data, loaded_rubric.rubric, kwargs.pop("sha", loaded_rubric.sha256), **kwargs)
    return info.value


# -- what the workbook holds -------------------------------------------------------------------------
def test_sheets_and_one_row_per_indicator_with_its_code_in_column_a(xlsx, loaded_rubric) -> None:
    wb = _book(xlsx)
    assert wb.sheetnames == [SHEET_SCORES, SHEET_NONCONFORMITIES, SHEET_METADATA]
    ws = wb[SHEET_SCORES]
    rows = _rows_by_code(ws)
    assert list(rows) == list(loaded_rubric.rubric.indicator_codes)
    header = [ws.cell(5, c).value for c in range(1, 7)]
    assert header == ["编号", "指标", "满分", "得分", "不适用", "说明"]
    assert ws.cell(6, 1).value == "Code"  # English subtitles under the header
    r = rows["1.1"]
    assert ws.cell(r, 2).value == "服务理念"
    assert ws.cell(r, 3).value == Decimal("2.5") or ws.cell(r, 3).value == 2.5
    assert ws.cell(rows["8.1"], 5).value == "是"
    assert "集团研发中心" in ws.cell(rows["8.1"], 6).value
    assert ws.cell(rows["8.3"], 4).value is None


def test_subtotals_totals_and_grade_are_live_formulas(xlsx, loaded_rubric) -> None:
    wb = _book(xlsx)
    ws = wb[SHEET_SCORES]
    rubric = loaded_rubric.rubric
    formulas = {
        ws.cell(r, 2).value: ws.cell(r, 4).value
        for r in range(1, ws.max_row + 1)
        if isinstance(ws.cell(r, 4).value, str) and ws.cell(r, 4).value.startswith("=")
    }
    subtotals = [f for label, f in formulas.items() if label == "小计"]
    assert subtotals, formulas
    for label in (
        "得分合计",
        "适用满分（删减后）",
        "基本分（得分 ÷ 适用满分 × 100，保留一位小数）",
        "特别扣分",
        "特别加分",
        "总分",
        "评定等级",
    ):
        assert label in formulas, label
    subtotal_rows = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "小计"]
    assert len(subtotal_rows) == len(rubric.categories)
    for r in subtotal_rows:
        assert ws.cell(r, 4).value.startswith("=SUMIFS(D")  # points of applicable rows only
        assert ws.cell(r, 8).value.startswith("=SUM(H")  # applicable maximum
    total = formulas["总分"]
    assert total.startswith("=ROUND(MAX(0,MIN(100,") and total.endswith(",1)")
    # The base is shown rounded to 0.1, the way the app and the report show it; the total is
    # computed from the exact base, never from the rounded cell.
    base = formulas["基本分（得分 ÷ 适用满分 × 100，保留一位小数）"]
    assert base.startswith("=ROUND(IF(") and base.endswith(",1)")
    assert base[len("=ROUND(") : -len(",1)")] in total
    grade = formulas["评定等级"]
    for band in rubric.grades:
        assert f">={band.min_score}," in grade and f'"{band.label.zh}"' in grade
    assert f">={rubric.fail_at_special_deductions}," in grade and '"不通过"' in grade
    # A not-applicable row contributes nothing to the applicable maximum.
    na_row = _rows_by_code(ws)["8.1"]
    assert (
        ws.cell(na_row, 8).value
        == f'=IF(OR(E{na_row}="是",E{na_row}="yes",E{na_row}="y",E{na_row}=TRUE),0,C{na_row})'
    )


def test_defined_names_point_at_total_and_grade(xlsx) -> None:
    wb = _book(xlsx)
    ws = wb[SHEET_SCORES]
    names = {name: wb.defined_names[name] for name in ("TotalScore", "Grade")}
    for name, defined in names.items():
        ((sheet, coordinate),) = list(defined.destinations)
        assert sheet == SHEET_SCORES
        label = ws[coordinate.replace("$", "")].offset(column=-2).value
        assert label == {"TotalScore": "总分", "Grade": "评定等级"}[name]


def test_points_cells_validate_range_and_half_steps(xlsx, loaded_rubric) -> None:
    ws = _book(xlsx)[SHEET_SCORES]
    rows = _rows_by_code(ws)
    rules = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            for (row,) in cell_range.rows:
                rules[(row[0], row[1])] = dv
    for _, indicator in loaded_rubric.rubric.indicators():
        r = rows[indicator.code]
        dv = rules[(r, 4)]
        assert dv.type == "custom"
        assert dv.formula1 == f"AND(ISNUMBER(D{r}),D{r}>=0,D{r}<={indicator.max_points},MOD(D{r}*2,1)=0)"
        assert dv.allow_blank and dv.showErrorMessage
        na_rule = rules[(r, 5)]
        assert na_rule.type == "list" and na_rule.formula1 == '"是,否"'


def test_only_input_cells_are_unlocked(xlsx) -> None:
    wb = _book(xlsx)
    assert wb.security.lockStructure
    for name in wb.sheetnames:
        assert wb[name].protection.sheet, name
    ws = wb[SHEET_SCORES]
    rows = set(_rows_by_code(ws).values())
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=8):
        for cell in row:
            if cell.__class__.__name__ == "MergedCell":
                continue
            unlocked = not cell.protection.locked
            assert unlocked == (cell.row in rows and cell.column in (4, 5, 6)), cell.coordinate


def test_print_setup_and_metadata(xlsx, doc, loaded_rubric) -> None:
    wb = _book(xlsx)
    ws = wb[SHEET_SCORES]
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$5:$6"
    meta = {row[0].value: row[2].value for row in wb[SHEET_METADATA].iter_rows(min_row=3, max_col=3)}
    assert meta["case_no"] == doc.case_no
    assert meta["rubric_id"] == loaded_rubric.id
    assert meta["rubric_sha256"] == loaded_rubric.sha256
    assert meta["exported_at"] == "2025-01-17T09:30:00"
    assert meta["exported_by"] == doc.exported_by
    nc = wb[SHEET_NONCONFORMITIES]
    assert [nc.cell(3, c).value for c in (1, 2)] == ["NC-01", "5.1"]
    assert "24 小时" in nc.cell(3, 4).value
    assert wb.properties.created == wb.properties.modified == doc.exported_at


def test_same_input_same_bytes(doc, xlsx) -> None:
    assert render_score_sheet(doc) == xlsx
    assert render_score_sheet(doc, "en") == render_score_sheet(doc, "en")
    names = {info.filename: info.date_time for info in zipfile.ZipFile(io.BytesIO(xlsx)).infolist()}
    assert set(names.values()) == {(2025, 1, 17, 9, 30, 0)}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cached_styles_give_the_same_file_as_styling_every_cell(doc, lang, monkeypatch) -> None:
    cached = render_score_sheet(doc, lang)

    def every_cell(cell, **style) -> None:  # the long way: openpyxl's descriptors on every cell
        defaults = {"bold": False, "fill": None, "align": score_sheet._WRAP, "size": 10}
        defaults |= {"color": "222B36", "border": True, "fmt": None, "unlocked": False}
        score_sheet._apply_style(cell, **(defaults | style))

    monkeypatch.setattr(score_sheet, "_style", every_cell)
    assert render_score_sheet(doc, lang) == cached
    wb = _book(cached)
    ws = wb[SHEET_SCORES]
    row = _rows_by_code(ws)["1.1"]
    # Cells styled from the cache keep their own parts: a locked code, an unlocked points cell.
    assert ws.cell(row, 1).protection.locked and not ws.cell(row, 4).protection.locked
    assert ws.cell(row, 4).fill.fgColor.rgb.endswith("FFF6CC") and ws.cell(row, 4).number_format == "0.0"


def test_a_repeated_style_is_copied_and_the_cache_goes_with_its_workbook(monkeypatch) -> None:
    import gc

    from openpyxl import Workbook

    calls = []
    apply_style = score_sheet._apply_style
    monkeypatch.setattr(
        score_sheet, "_apply_style", lambda cell, *a: calls.append(a) or apply_style(cell, *a)
    )
    gc.collect()  # workbooks of earlier tests, if any (openpyxl's objects form cycles)
    assert len(score_sheet._WORKBOOK_STYLES) == 0
    books = [Workbook(), Workbook()]
    for wb in books:
        ws = wb.active
        ws["A1"] = "first"
        score_sheet._style(ws["A1"], bold=True, fill=score_sheet._FILL_HEADER, unlocked=True)
        score_sheet._style(ws["B2"], bold=True, fill=score_sheet._FILL_HEADER, unlocked=True)  # copied
        score_sheet._style(ws["C3"], bold=True)  # another combination
        assert ws["B2"]._style == ws["A1"]._style and ws["B2"]._style is not ws["A1"]._style
        assert ws["B2"].font.b and ws["B2"].fill.fgColor.rgb.endswith(score_sheet.NAVY)
        assert not ws["B2"].protection.locked and ws["C3"].protection.locked
    assert len(calls) == 4  # once per combination and workbook: arrays index their own workbook
    assert len(score_sheet._WORKBOOK_STYLES) == 2
    del books, wb, ws
    gc.collect()
    assert len(score_sheet._WORKBOOK_STYLES) == 0


def test_worksheets_are_written_in_memory_to_the_same_bytes(doc, monkeypatch, tmp_path) -> None:
    import tempfile

    from openpyxl.writer.excel import ExcelWriter

    from audit_workbench.reports import _xlsx

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    in_memory = render_score_sheet(doc)
    assert list(tmp_path.iterdir()) == []  # no temporary file, not even for a moment's use
    monkeypatch.setattr(_xlsx, "_InMemoryWriter", ExcelWriter)  # openpyxl's own: one file per sheet
    assert render_score_sheet(doc) == in_memory


def test_text_starting_with_equals_stays_text(loaded_rubric) -> None:
    rows = tuple(
        dataclasses.replace(r, note='=HYPERLINK("http://example.invalid")') if r.code == "1.1" else r
        for r in score_rows(loaded_rubric)
    )
    data = render_score_sheet(score_sheet_doc(loaded_rubric, rows=rows))
    ws = _book(data)[SHEET_SCORES]
    cell = ws.cell(_rows_by_code(ws)["1.1"], 6)
    assert cell.data_type == "s"
    parsed = parse_score_sheet(data, loaded_rubric.rubric, loaded_rubric.sha256)
    assert parsed.by_code()["1.1"].note.startswith("=HYPERLINK")


# -- recalculation ------------------------------------------------------------------------------------
def _evaluate(data: bytes) -> tuple[Decimal, str]:
    """TotalScore and Grade, recalculated by the Python formula evaluator."""
    wb = _book(data)
    ws = wb[SHEET_SCORES]
    evaluator = SheetEvaluator(ws)
    ((_, total_ref),) = list(wb.defined_names["TotalScore"].destinations)
    ((_, grade_ref),) = list(wb.defined_names["Grade"].destinations)
    total = evaluator.cell(total_ref).value
    return Decimal(f"{total:.1f}"), evaluator.cell(grade_ref).value


def _libreoffice_recalculate(data: bytes, tmp_path: Path) -> tuple[Decimal, str]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice is not None
    source = tmp_path / "in.xlsx"
    source.write_bytes(data)
    out = tmp_path / "out"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    wb = _book((out / "in.xlsx").read_bytes(), data_only=True)
    ws = wb[SHEET_SCORES]
    rows = {ws.cell(r, 2).value: r for r in range(1, ws.max_row + 1)}
    total = ws.cell(rows["总分"] if "总分" in rows else rows["Total score"], 4).value
    grade = ws.cell(rows["评定等级"] if "评定等级" in rows else rows["Grade"], 4).value
    return Decimal(f"{total:.1f}"), grade


def _grade_label(loaded_rubric, grade_id: str | None, lang: str) -> str:
    if grade_id is None:
        return "不通过" if lang == "zh" else "Not passed"
    return loaded_rubric.rubric.grade_band(grade_id).label.get(lang)


SCENARIOS = {
    "sample": dict(deductions=1, bonus=True, lang="zh"),
    "english": dict(deductions=0, bonus=False, lang="en"),
    "five deductions fail": dict(deductions=5, bonus=True, lang="zh"),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_sheet_recalculates_to_the_expected_total(name, loaded_rubric, tmp_path) -> None:
    """LibreOffice recalculates when installed; otherwise the Python evaluator does. Either way the
    expected total and grade are computed independently from the rules in DESIGN.md."""
    scenario = SCENARIOS[name]
    rows = score_rows(loaded_rubric)
    doc = score_sheet_doc(
        loaded_rubric,
        special_deductions=tuple(f"扣分理由 {i}" for i in range(scenario["deductions"])),
        bonus_reason="领先行业" if scenario["bonus"] else None,
    )
    data = render_score_sheet(doc, scenario["lang"])
    expected_total, expected_grade = expected_totals(
        loaded_rubric, rows, scenario["deductions"], scenario["bonus"]
    )
    expected = (expected_total, _grade_label(loaded_rubric, expected_grade, scenario["lang"]))
    assert _evaluate(data) == expected
    if shutil.which("soffice") or shutil.which("libreoffice"):
        assert _libreoffice_recalculate(data, tmp_path) == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_formulas_agree_with_the_scoring_rules_for_any_scores(loaded_rubric, data) -> None:
    rows = []
    for _, indicator in loaded_rubric.rubric.indicators():
        choice = data.draw(st.sampled_from(["points", "points", "points", "na", "blank"]))
        if choice == "na":
            rows.append(IndicatorRow(indicator.code, not_applicable=True, reason="不涉及"))
        elif choice == "blank":
            rows.append(IndicatorRow(indicator.code))
        else:
            steps = int(indicator.max_points * 2)
            rows.append(IndicatorRow(indicator.code, points=Decimal(data.draw(st.integers(0, steps))) / 2))
    if all(r.not_applicable for r in rows):
        rows[0] = IndicatorRow(rows[0].code, points=Decimal(0))
    deductions = data.draw(st.integers(0, 6))
    bonus = data.draw(st.booleans())
    doc = score_sheet_doc(
        loaded_rubric, rows=tuple(rows), special_deductions=tuple(f"理由{i}" for i in range(deductions)),
        bonus_reason="加分" if bonus else None,
    )  # fmt: skip
    total, grade = expected_totals(loaded_rubric, rows, deductions, bonus)
    assert _evaluate(render_score_sheet(doc)) == (total, _grade_label(loaded_rubric, grade, "zh"))


# -- import -------------------------------------------------------------------------------------------
def test_round_trip_export_edit_parse(xlsx, loaded_rubric, doc) -> None:
    def edit(wb):
        ws = wb[SHEET_SCORES]
        rows = _rows_by_code(ws)
        ws.cell(rows["1.1"], 4).value = 2  # was 2.5
        ws.cell(rows["8.3"], 4).value = 1.5  # was blank
        ws.cell(rows["2.4"], 4).value = None
        ws.cell(rows["2.4"], 5).value = "是"
        ws.cell(rows["2.4"], 6).value = "制度由集团统一管理"
        ws.cell(rows["8.1"], 5).value = "否"  # applicable again, still unscored
        ws.cell(rows["3.1"], 6).value = "组织架构图已更新"

    parsed = parse_score_sheet(
        _edit(xlsx, edit), loaded_rubric.rubric, loaded_rubric.sha256, case_no=doc.case_no
    )
    assert parsed.case_no == doc.case_no and parsed.rubric_id == loaded_rubric.id
    assert parsed.exported_by == doc.exported_by
    assert [r.code for r in parsed.rows] == list(loaded_rubric.rubric.indicator_codes)
    by = parsed.by_code()
    assert by["1.1"].points == Decimal("2.0") and by["8.3"].points == Decimal("1.5")
    assert by["2.4"].not_applicable and by["2.4"].points is None and by["2.4"].note == "制度由集团统一管理"
    assert not by["8.1"].not_applicable and by["8.1"].points is None
    assert by["3.1"].note == "组织架构图已更新"
    assert by["5.1"].points == Decimal("4.5") and "20 份" in by["5.1"].note
    untouched = parse_score_sheet(xlsx, loaded_rubric.rubric, loaded_rubric.sha256)
    assert {r.code: r.points for r in untouched.rows} == {
        r.code: (None if r.not_applicable else r.points) for r in doc.rows
    }


def test_english_sheet_round_trips(doc, loaded_rubric) -> None:
    data = render_score_sheet(doc, "en")
    ws = _book(data)[SHEET_SCORES]
    assert ws.cell(5, 1).value == "Code" and ws.cell(_rows_by_code(ws)["8.1"], 5).value == "Yes"
    parsed = parse_score_sheet(data, loaded_rubric.rubric, loaded_rubric.sha256)
    assert parsed.by_code()["8.1"].not_applicable


def test_points_typed_as_text_are_refused_with_the_cell_named(xlsx, loaded_rubric) -> None:
    """'5.5 (a quote-prefixed number) is text: Excel and LibreOffice leave it out of the sheet's sums,
    so the sheet would total one thing and the app store another. It is refused, the cell named."""
    rows = _rows_by_code(_book(xlsx)[SHEET_SCORES])

    def edit(wb):
        ws = wb[SHEET_SCORES]
        ws.cell(rows["4.2"], 4).value = "5.5"  # what openpyxl reads from a cell typed '5.5
        ws.cell(rows["4.3"], 4).value = " 6 "

    error = _refusal(_edit(xlsx, edit), loaded_rubric)
    messages = [str(p) for p in error.problems]
    assert messages == [
        f"评分表!D{rows['4.2']}: '5.5' is text, not a number, for 4.2: the sheet's formulas leave text "
        "out of its total; enter the points as a number",
        f"评分表!D{rows['4.3']}: '6' is text, not a number, for 4.3: the sheet's formulas leave text "
        "out of its total; enter the points as a number",
    ]

    # The same points as numbers are taken.
    def numbers(wb):
        ws = wb[SHEET_SCORES]
        ws.cell(rows["4.2"], 4).value = 5.5
        ws.cell(rows["4.3"], 4).value = 6

    parsed = parse_score_sheet(_edit(xlsx, numbers), loaded_rubric.rubric, loaded_rubric.sha256)
    assert parsed.by_code()["4.2"].points == Decimal("5.5") and parsed.by_code()["4.3"].points == 6


def test_out_of_range_points_are_refused_with_sheet_row_and_cell(xlsx, loaded_rubric) -> None:
    rows = _rows_by_code(_book(xlsx)[SHEET_SCORES])

    def edit(wb):
        ws = wb[SHEET_SCORES]
        ws.cell(rows["1.1"], 4).value = 3.5
        ws.cell(rows["1.2"], 4).value = -1
        ws.cell(rows["1.3"], 4).value = 1.3
        ws.cell(rows["1.4"], 4).value = "很好"
        ws.cell(rows["2.1"], 4).value = "=1+1"
        ws.cell(rows["2.2"], 4).value = True

    error = _refusal(_edit(xlsx, edit), loaded_rubric)
    messages = [str(p) for p in error.problems]
    assert f"评分表!D{rows['1.1']}: 3.5 exceeds the maximum 2.5 for 1.1" in messages
    assert f"评分表!D{rows['1.2']}: -1 is below 0 for 1.2" in messages
    assert f"评分表!D{rows['1.3']}: 1.3 is not a multiple of 0.5 for 1.3" in messages
    assert any(m.startswith(f"评分表!D{rows['1.4']}: '很好' is text, not a number") for m in messages)
    assert any(m.startswith(f"评分表!D{rows['2.1']}: a formula") for m in messages)
    assert any(m.startswith(f"评分表!D{rows['2.2']}: True is not a number") for m in messages)
    assert len(messages) == 6
    assert "6 problems" in str(error)


def test_not_applicable_needs_a_reason_and_no_points(xlsx, loaded_rubric) -> None:
    rows = _rows_by_code(_book(xlsx)[SHEET_SCORES])

    def edit(wb):
        ws = wb[SHEET_SCORES]
        ws.cell(rows["1.1"], 5).value = "是"  # keeps its 2.5 points
        ws.cell(rows["1.1"], 6).value = "不涉及"
        ws.cell(rows["1.2"], 4).value = None
        ws.cell(rows["1.2"], 5).value = "yes"
        ws.cell(rows["1.3"], 5).value = "maybe"

    messages = [str(p) for p in _refusal(_edit(xlsx, edit), loaded_rubric).problems]
    assert (
        f"评分表!D{rows['1.1']}: 1.1 is marked not applicable but has points 2.5; clear one of them"
        in messages
    )
    assert any(
        m.startswith(f"评分表!F{rows['1.2']}: 1.2 is marked not applicable: give the reason")
        for m in messages
    )
    assert any(m.startswith(f"评分表!E{rows['1.3']}: 'maybe' should be 是 or 否") for m in messages)


def test_wrong_duplicate_and_missing_codes_are_refused(xlsx, loaded_rubric) -> None:
    rows = _rows_by_code(_book(xlsx)[SHEET_SCORES])

    def edit(wb):
        ws = wb[SHEET_SCORES]
        ws.cell(rows["1.1"], 1).value = "9.9"
        ws.cell(rows["1.3"], 1).value = "1.2"
        ws.cell(rows["4.1"], 3).value = 50

    messages = [str(p) for p in _refusal(_edit(xlsx, edit), loaded_rubric).problems]
    assert f"评分表!A{rows['1.1']}: 9.9 is not an indicator of rubric sbt10401-2006-production" in messages
    assert f"评分表!A{rows['1.3']}: indicator 1.2 appears again (first in row {rows['1.2']})" in messages
    assert "评分表: indicator 1.1 is missing (was its row deleted?)" in messages
    assert "评分表: indicator 1.3 is missing (was its row deleted?)" in messages
    assert any(m.startswith(f"评分表!C{rows['4.1']}: the maximum for 4.1 was changed") for m in messages)


def test_a_deleted_row_is_refused(xlsx, loaded_rubric) -> None:
    rows = _rows_by_code(_book(xlsx)[SHEET_SCORES])
    data = _edit(xlsx, lambda wb: wb[SHEET_SCORES].delete_rows(rows["6.2"]))
    messages = [str(p) for p in _refusal(data, loaded_rubric).problems]
    assert messages == ["评分表: indicator 6.2 is missing (was its row deleted?)"]


def test_foreign_rubric_hash_or_id_or_case_is_refused(xlsx, loaded_rubric, doc) -> None:
    error = _refusal(xlsx, loaded_rubric, sha="0" * 64)
    assert len(error.problems) == 1
    assert error.problems[0].where.startswith("元数据!C")
    assert "another revision of rubric sbt10401-2006-production" in str(error)
    sales = load_rubric(ROOT / "rubrics" / "sbt10401-2006-sales.yaml")
    with pytest.raises(
        ScoreSheetError, match="rubric id 'sbt10401-2006-production' does not match 'sbt10401-2006-sales'"
    ):
        parse_score_sheet(xlsx, sales.rubric, sales.sha256)
    error = _refusal(xlsx, loaded_rubric, case_no="AWB-C-2025-9999")
    assert "case 'AWB-C-2025-0012' does not match 'AWB-C-2025-9999'" in str(error)
    tampered = _edit(xlsx, lambda wb: setattr(wb[SHEET_METADATA]["C8"], "value", "f" * 64))
    assert "another revision" in str(_refusal(tampered, loaded_rubric))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[: len(data) // 2], "not an XLSX workbook or is damaged"),
        (lambda data: b"PK\x03\x04 not really a zip", "not an XLSX workbook or is damaged"),
        (lambda data: b"", "not an XLSX workbook or is damaged"),
        (lambda data: "评分表".encode() * 100, "not an XLSX workbook or is damaged"),
    ],
)
def test_damaged_files_are_refused(xlsx, loaded_rubric, damage, message) -> None:
    error = _refusal(damage(xlsx), loaded_rubric)
    assert error.problems[0].where == "file"
    assert message in str(error)


def test_zip_that_is_not_a_workbook_and_corrupt_member_are_refused(xlsx, loaded_rubric) -> None:
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "not an XLSX workbook" in str(_refusal(other.getvalue(), loaded_rubric))
    # Flip bytes inside the compressed sheet XML: the CRC check finds it.
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 50
    broken = bytearray(xlsx)
    for i in range(offset, offset + 20):
        broken[i] ^= 0xFF
    error = _refusal(bytes(broken), loaded_rubric)
    assert error.problems[0].where == "file"


def test_missing_sheet_and_broken_header_are_refused(xlsx, loaded_rubric) -> None:
    without_meta = _edit(xlsx, lambda wb: wb.remove(wb[SHEET_METADATA]))
    assert [str(p) for p in _refusal(without_meta, loaded_rubric).problems] == [
        "file: the sheet 元数据 is missing"
    ]
    without_scores = _edit(xlsx, lambda wb: wb.remove(wb[SHEET_SCORES]))
    assert "the sheet 评分表 is missing" in str(_refusal(without_scores, loaded_rubric))
    renamed = _edit(xlsx, lambda wb: setattr(wb[SHEET_SCORES], "title", "Sheet1"))
    assert "the sheet 评分表 is missing" in str(_refusal(renamed, loaded_rubric))
    header = _edit(xlsx, lambda wb: setattr(wb[SHEET_SCORES]["D5"], "value", "分数"))
    assert "评分表!D5: column header '分数' should be 得分 (Points)" in str(_refusal(header, loaded_rubric))

    def clear_header(wb):
        wb[SHEET_SCORES]["A5"].value = None
        wb[SHEET_SCORES]["A6"].value = None  # the English subtitle row would do as a header too

    no_header = _edit(xlsx, clear_header)
    assert "the header row" in str(_refusal(no_header, loaded_rubric))


def test_every_problem_is_reported_at_once(xlsx, loaded_rubric) -> None:
    rows = _rows_by_code(_book(xlsx)[SHEET_SCORES])

    def edit(wb):
        ws = wb[SHEET_SCORES]
        ws.cell(rows["1.1"], 4).value = 9
        ws.cell(rows["7.2"], 4).value = 0.25
        wb[SHEET_METADATA]["C5"].value = "另一个案件"

    error = _refusal(_edit(xlsx, edit), loaded_rubric, case_no="AWB-C-2025-0012")
    wheres = [p.where for p in error.problems]
    assert wheres == ["元数据!C5", f"评分表!D{rows['1.1']}", f"评分表!D{rows['7.2']}"]


def test_export_refuses_rows_of_another_rubric(loaded_rubric) -> None:
    doc = score_sheet_doc(loaded_rubric, rows=(IndicatorRow("99.1", points=Decimal(1)),))
    with pytest.raises(ValueError, match=r"99\.1"):
        render_score_sheet(doc)
