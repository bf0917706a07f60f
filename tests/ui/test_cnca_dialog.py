"""上报 CNCA… from the register: the same check as `register cnca`, the gaps listed with where to fill
them in (double-click opens the record), a draft written with them, the report once complete; the
settings page edits the report's settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from audit_workbench.ui.dialogs.cnca import ReportPath
from audit_workbench.ui.pages.register import RegisterPage
from audit_workbench.ui.pages.settings import SettingsPage

pytestmark = pytest.mark.gui


def test_the_month_checked_drafted_then_reported(
    qtbot, ui_context, services, team, make_case, clock, messages, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("approved")
    code = services.cases.get(case_no).organization.credit_code
    services.organizations.change(team.clerk, code, address="北京市海淀区中关村大街 1 号", reason="登记地址")
    number = services.certificates.issue(team.clerk, case_no).number
    for key, value in (
        ("cnca_approval_no", "CNCA-R-2016-999"),
        ("cnca_project_code", "C02"),
        ("cnca_service_area", "S03"),
    ):
        services.settings.set(team.admin, key, value)
    for name, number_id in (("leader", "110105198001010016"), ("member", "110105198001010032")):
        services.people.set(team.admin, name, qualification="auditor", id_type="01", id_number=number_id)
    clock.now = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)

    page = RegisterPage(ui_context(team.clerk))
    qtbot.addWidget(page)
    assert page.cnca_button.isEnabled()
    dialog = page.open_cnca_report()
    assert dialog.month() == "2026-03"
    fields = {dialog.gaps_model.index(r, 2).data() for r in range(dialog.gaps_model.rowCount())}
    assert (
        "获证组织所属国民经济行业（BEL_INDUSTRY）" in fields
        and "被审核组织联系人（ORG_CONTACT_PERSON）" in fields
    )
    assert not dialog.export_button.isEnabled() and dialog.draft_button.isEnabled()
    assert "缺少" in dialog.summary.text()

    draft = tmp_path / "draft.xlsx"
    monkeypatch.setattr(ReportPath, "ask", classmethod(lambda cls, parent, title, suggested: draft))
    assert dialog.export(draft=True) == draft
    assert "缺失项" in load_workbook(draft).sheetnames

    opened = []
    page.sig_case_requested.connect(lambda case, tab: opened.append(case))
    row = next(
        r for r in range(dialog.gaps_model.rowCount()) if dialog.gaps_model.index(r, 1).data() == case_no
    )
    dialog._on_gap_double_clicked(dialog.gaps_model.index(row, 0))
    assert opened == [case_no]

    services.cnca.set_particulars(team.clerk, code, industry="3851", phone="010-6000 0000", contact="王经理")
    dialog.check()
    assert dialog.export_button.isEnabled() and dialog.gaps_model.rowCount() == 0
    final = tmp_path / "final.xlsx"
    monkeypatch.setattr(ReportPath, "ask", classmethod(lambda cls, parent, title, suggested: final))
    assert dialog.export(draft=False) == final
    assert load_workbook(final)["证书信息表"]["W8"].value == number  # 认证证书号, field 21 (from column C)
    assert services.cnca.pending().count == 0  # type: ignore[union-attr]


def test_an_auditor_may_not_report(qtbot, ui_context, team) -> None:  # type: ignore[no-untyped-def]
    page = RegisterPage(ui_context(team.leader))
    qtbot.addWidget(page)
    assert not page.cnca_button.isEnabled()


def test_the_settings_page_edits_the_report_settings(qtbot, ui_context, services, team, messages) -> None:  # type: ignore[no-untyped-def]
    page = SettingsPage(ui_context(team.admin))
    qtbot.addWidget(page)
    page.cnca_edits["cnca_approval_no"].setText("cnca-r-2016-999")
    page.cnca_edits["cnca_service_area"].setText("S03")
    page.save_button.click()
    assert services.settings.get("cnca_approval_no") == "CNCA-R-2016-999"
    assert page.cnca_edits["cnca_approval_no"].text() == "CNCA-R-2016-999"
    page.cnca_edits["cnca_service_area"].setText("TOO-LONG")
    page.save_button.click()
    assert messages.warnings and services.settings.get("cnca_service_area") == "S03"
