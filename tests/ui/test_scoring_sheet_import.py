"""Importing an edited score sheet through the scoring tab's button (`ScoreSheetFile.ask` replaced):
the new points are stored and shown; a refused sheet shows the message and changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from audit_workbench.reports.score_sheet import COL_POINTS as SHEET_POINTS
from audit_workbench.reports.score_sheet import SHEET_SCORES
from audit_workbench.services import Services
from audit_workbench.ui.case import scoring_tab
from audit_workbench.ui.case.common import fmt_points
from audit_workbench.ui.case.scoring_model import COL_POINTS
from audit_workbench.ui.pages.case_page import CasePage

from ..conftest import dump

pytestmark = pytest.mark.gui


def open_page(qtbot, ui_context, actor, case_no: str) -> CasePage:  # type: ignore[no-untyped-def]
    page = CasePage(ui_context(actor))
    qtbot.addWidget(page)
    page.show_case(case_no, "scoring")
    return page


def edited_sheet(
    services: Services, actor, case_no: str, code: str, value: object, path: Path
) -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    """The exported score sheet with `value` typed into the points cell of indicator `code`; the
    file and the cell ("评分表!D8")."""
    book = openpyxl.load_workbook(io.BytesIO(services.documents.score_sheet(actor, case_no)))
    ws = book[SHEET_SCORES]
    (row,) = [c.row for (c,) in ws.iter_rows(min_col=1, max_col=1) if c.value == code]
    ws.cell(row, SHEET_POINTS).value = value
    book.save(path)
    return path, f"{SHEET_SCORES}!{ws.cell(row, SHEET_POINTS).coordinate}"


def choose(monkeypatch, path: Path | None) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(scoring_tab.ScoreSheetFile, "ask", classmethod(lambda cls, *a, **k: path))


def first_indicator(services: Services, case_no: str):  # type: ignore[no-untyped-def]
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    return next(i for _, i in rubric.indicators())


def test_an_edited_sheet_is_imported_and_shown(
    qtbot, monkeypatch, messages, services, ui_context, team, make_case, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    indicator = first_indicator(services, case_no)
    page = open_page(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    assert tab.import_sheet_button.isEnabled()
    points = indicator.max_points - Decimal("0.5")
    sheet, _ = edited_sheet(
        services, team.leader, case_no, indicator.code, float(points), tmp_path / "评分表.xlsx"
    )
    choose(monkeypatch, sheet)

    tab.import_sheet_button.click()

    assert not messages.warnings
    assert services.cases.get(case_no).entries[indicator.code].points == points
    shown = page.scoring_tab.model.index_of(indicator.code, COL_POINTS).data()
    assert shown == fmt_points(points)
    assert "评分表.xlsx" in tab.status_label.text()


def test_a_value_over_the_maximum_is_refused_and_changes_nothing(
    qtbot, monkeypatch, messages, services, ui_context, team, make_case, db_path, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    indicator = first_indicator(services, case_no)
    page = open_page(qtbot, ui_context, team.leader, case_no)
    sheet, cell = edited_sheet(
        services, team.leader, case_no, indicator.code, float(indicator.max_points + 1), tmp_path / "x.xlsx"
    )
    choose(monkeypatch, sheet)
    before = dump(db_path)

    page.scoring_tab.import_sheet_button.click()

    ((_title, text),) = messages.warnings
    assert "评分表被拒绝" in text and cell in text
    assert dump(db_path) == before
    assert indicator.code not in services.cases.get(case_no).entries
    assert page.scoring_tab.model.index_of(indicator.code, COL_POINTS).data() in ("", None)


def test_only_those_who_may_score_can_import(qtbot, services, ui_context, team, make_case) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    context = ui_context(team.clerk)
    page = CasePage(context)
    qtbot.addWidget(page)
    page.show_case(case_no, "scoring")
    button = page.scoring_tab.import_sheet_button
    assert not button.isEnabled()
    assert button.toolTip() == context.explain("score", services.cases.get(case_no))
