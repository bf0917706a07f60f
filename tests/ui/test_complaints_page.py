"""The 投诉与申诉 page and the dashboard's card for overdue complaints and appeals: driven through
real widgets, checked against the store, in Chinese and in English."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from audit_workbench.ui import i18n
from audit_workbench.ui.files import FileDialogs
from audit_workbench.ui.pages import complaints as page_module
from audit_workbench.ui.pages.complaints import ComplaintRequest, ComplaintsPage, DecisionRequest
from audit_workbench.ui.pages.dashboard import DashboardPage

pytestmark = pytest.mark.gui


def _page(qtbot, ui_context, actor, lang="zh") -> ComplaintsPage:  # type: ignore[no-untyped-def]
    page = ComplaintsPage(ui_context(actor, lang))
    qtbot.addWidget(page)
    page.resize(1180, 640)
    page.show()
    return page


def _answer(monkeypatch: pytest.MonkeyPatch, name: str, value: Any) -> None:
    monkeypatch.setattr(page_module.ComplaintForms, name, classmethod(lambda cls, *a, **k: value))


def test_a_complaint_from_registration_to_the_letter(
    qtbot, ui_context, team, services, make_case, monkeypatch, messages, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = _page(qtbot, ui_context, team.clerk)
    assert page.new_complaint_button.isEnabled() and not page.acknowledge_button.isEnabled()
    _answer(
        monkeypatch, "new_complaint", ComplaintRequest("auditor_behaviour", "评审员迟到", "张先生", case_no)
    )
    page.new_complaint()
    (c,) = services.complaints.list(team.clerk)
    assert page.selected_complaint() is not None and page.selected_complaint().id == c.id
    assert page.complaint_model.rows()[0].status == "received"
    assert page.acknowledge_button.isEnabled() and not page.close_button.isEnabled()
    # the leader audited the case: refused by the service, the reason shown
    _answer(monkeypatch, "person", "leader")
    page.assign()
    assert messages.warnings and "不能担任调查人" in messages.warnings[-1][1]
    _answer(monkeypatch, "person", "comm2")
    page.assign()
    assert services.complaints.get(team.clerk, c.id).investigator == "comm2"
    # the clerk is not the investigator: resolving is not theirs
    assert not page.resolve_button.isEnabled()
    investigator = _page(qtbot, ui_context, team.committee2)
    investigator.select("complaint", c.id)
    assert investigator.resolve_button.isEnabled()
    _answer(monkeypatch, "text", "已核实，向投诉人致歉")
    investigator.resolve()
    page.refresh()
    page.select("complaint", c.id)
    assert page.close_button.isEnabled() and page.complaint_letter_button.isEnabled()
    target = tmp_path / "复函.pdf"
    monkeypatch.setattr(FileDialogs, "save_file", classmethod(lambda cls, *a, **k: target))
    page.save_letter("complaint")
    assert target.read_bytes().startswith(b"%PDF") and page.saved_paths == [target]
    page.close_complaint()
    assert services.complaints.get(team.clerk, c.id).status == "closed"


def test_an_appeal_decided_by_its_panel_in_english(
    qtbot, qapp, ui_context, team, services, make_case, monkeypatch, messages
) -> None:  # type: ignore[no-untyped-def]
    i18n.install("en", qapp)
    case_no = make_case("committee_review")
    services.committee.vote(team.committee, case_no, "reject", "不符合要求")
    a = services.complaints.appeal_new(team.clerk, case_no, "整改证据未被考虑")
    page = _page(qtbot, ui_context, team.clerk, "en")
    assert page.tabs.tabText(1) == "Appeals (1)"
    page.select("appeal", a.id)
    assert page.panel_button.isEnabled() and not page.decide_button.isEnabled()
    assert page.decide_button.toolTip() == "only an auditor or a committee member may decide an appeal"
    _answer(monkeypatch, "panel", ["comm1"])
    page.appoint_panel()
    assert "took part in the evaluation or decision" in messages.warnings[-1][1]
    _answer(monkeypatch, "panel", ["comm2"])
    page.appoint_panel()
    member = _page(qtbot, ui_context, team.committee2, "en")
    member.select("appeal", a.id)
    assert member.decide_button.isEnabled()
    _answer(monkeypatch, "decision", DecisionRequest("upheld", "整改证据有效"))
    member.decide()
    assert services.cases.get(case_no).status == "committee_review"
    page.refresh()
    row = page.appeal_model.rows()[0]
    assert page.appeal_model.data(page.appeal_model.index(0, 8)) == "Upheld" and row.outcome == "upheld"


def test_the_dashboard_card_counts_overdue_complaints_and_appeals(
    qtbot, ui_context, team, services, clock
) -> None:  # type: ignore[no-untyped-def]
    services.complaints.new(team.clerk, kind="other", text="证书查询网址无法打开")
    clock.now = datetime(2026, 3, 20, 9, 0, tzinfo=clock.now.tzinfo)
    board = DashboardPage(ui_context(team.clerk))
    qtbot.addWidget(board)
    assert board.card_handling.value.text() == "1"
    assert board.tabs.tabText(3) == "逾期投诉与申诉 (1)"
    assert board.handling_model.data(board.handling_model.index(0, 0)) == "投诉 1：未在期限内确认收到"
    auditor_board = DashboardPage(ui_context(team.leader))
    qtbot.addWidget(auditor_board)
    assert auditor_board.card_handling.isHidden() and auditor_board.tabs.count() == 3
