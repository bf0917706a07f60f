"""The people and impartiality page, the team dialog's candidates and the committee tab's reasons:
driven through real widgets, checked against the store."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from audit_workbench.core.creditcode import complete
from audit_workbench.core.policy import Action
from audit_workbench.services.people import TeamCandidate
from audit_workbench.ui.case import dialogs as case_dialogs
from audit_workbench.ui.dialogs import people as people_dialogs
from audit_workbench.ui.dialogs.people import DeclareInterestDialog, InterestRequest, qdate
from audit_workbench.ui.main_window import MainWindow
from audit_workbench.ui.pages.people import PeoplePage

from ..conftest import PASSWORD

pytestmark = pytest.mark.gui

ORG = complete("91440113MA9W3G6K8")


def _page(qtbot, ui_context, actor, lang="zh") -> PeoplePage:  # type: ignore[no-untyped-def]
    page = PeoplePage(ui_context(actor, lang))
    qtbot.addWidget(page)
    page.resize(1180, 640)
    page.show()
    return page


def _select(page: PeoplePage, name: str) -> None:
    row = page.people_model.find(lambda p: p.user_name == name)
    assert row >= 0, name
    page.people_view.setCurrentIndex(page.people_model.index(row, 0))


def _answer(monkeypatch, cls, value) -> list:  # type: ignore[no-untyped-def]
    calls: list = []

    def ask(_cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((args, kwargs))
        return value

    monkeypatch.setattr(cls, "ask", classmethod(ask))
    return calls


# -- people ---------------------------------------------------------------------------------------------
def test_the_admin_edits_a_record_checked_as_it_is_typed(qtbot, ui_context, team, services) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, ui_context, team.admin)
    _select(page, "member")
    editor = page.editor
    assert editor.title.text() == "member"
    assert not editor.save_button.isEnabled() and editor.save_button.toolTip() == "没有修改"
    # a registration number with a space inside and a Chinese character: the reason under the field
    editor.registration_edit.clear()
    editor.registration_edit.setText("注册 1")
    assert editor.errors["registration"].isVisible()
    assert "注册号应为" in editor.errors["registration"].text()
    assert not editor.save_button.isEnabled()
    editor.registration_edit.clear()
    assert "须登记 CCAA 注册号" in editor.errors["registration"].text()
    qtbot.keyClicks(editor.registration_edit, "2020-n1sc-7654321")
    assert not editor.errors["registration"].isVisible()
    # an identity number with a wrong check character
    editor.id_type_combo.setCurrentIndex(editor.id_type_combo.findData("01"))
    assert "请输入证件号码" in editor.errors["identity"].text()
    qtbot.keyClicks(editor.id_number_edit, "110105194912310021")
    assert "校验码不对" in editor.errors["identity"].text() and not editor.save_button.isEnabled()
    editor.id_number_edit.clear()
    qtbot.keyClicks(editor.id_number_edit, "11010519491231002X")
    assert not editor.errors["identity"].isVisible()
    # dates the wrong way round
    editor.from_edit.setDate(qdate(date(2031, 1, 1)))
    assert "不能早于起始日期" in editor.errors["dates"].text() and not editor.save_button.isEnabled()
    editor.from_edit.setDate(qdate(date(2024, 1, 1)))
    editor.area_boxes["sales"].setChecked(False)
    editor.qualification_combo.setCurrentIndex(editor.qualification_combo.findData("senior"))
    assert editor.save_button.isEnabled(), editor.save_button.toolTip()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    stored = services.people.get(team.admin, "member")
    assert (stored.qualification, stored.registration_no, stored.id_number_masked, stored.areas) == (
        "senior",
        "2020-N1SC-7654321",
        "1101**********002X",
        ("production",),
    )
    assert stored.valid_from == date(2024, 1, 1)
    assert "已保存" in page.notice.text()
    # what the table shows, the number masked in the editor too
    assert (
        editor.id_number_edit.text() == "" and "1101**********002X" in editor.id_number_edit.placeholderText()
    )
    row = page.people_model.find(lambda p: p.user_name == "member")
    assert page.people_model.index(row, 1).data() == "高级审核员"


def test_a_record_changed_meanwhile_is_not_overwritten(qtbot, ui_context, team, services, messages) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, ui_context, team.admin)
    _select(page, "leader")
    services.people.set(team.admin, "leader", qualification="senior")  # someone else, meanwhile
    page.editor.qualification_combo.setCurrentIndex(page.editor.qualification_combo.findData("expert"))
    qtbot.mouseClick(page.editor.save_button, Qt.MouseButton.LeftButton)
    assert messages.warnings and "已被他人修改" in messages.warnings[-1][1]
    assert services.people.get(team.admin, "leader").qualification == "senior"


def test_an_auditor_sees_their_own_record_read_only_and_signs_the_declaration(  # type: ignore[no-untyped-def]
    qtbot, ui_context, team, services, clock, monkeypatch
) -> None:
    clock.now = clock.now.replace(year=2027)  # a new year: nobody has signed yet
    page = _page(qtbot, ui_context, team.member)
    assert [p.user_name for p in page.people_model.rows()] == ["member"]
    assert not page.editor.qualification_combo.isEnabled()
    assert page.editor.qualification_combo.toolTip() == "只有系统管理员可以人员资格管理"
    assert "只读" in page.editor.notice.text()
    assert not page.add_training_button.isEnabled()
    assert "尚未签署 2027 年度公正性声明" in page.notice.text()
    calls = _answer(monkeypatch, people_dialogs.DeclarationDialog, 2027)
    assert page.sign_button.isEnabled()
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    assert calls[0][0][2] == [2027, 2028]  # the years offered
    assert 2027 in services.people.get(team.member, "member").declared_years
    assert "已签署 2027 年度公正性声明" in page.notice.text()
    row = page.people_model.find(lambda p: p.user_name == "member")
    assert page.people_model.index(row, 4).data() == "已签署"


def test_training_and_witnessed_audits_are_added_from_the_page(
    qtbot, ui_context, team, services, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, ui_context, team.admin)
    _select(page, "leader")
    _answer(
        monkeypatch,
        people_dialogs.TrainingDialog,
        people_dialogs.TrainingRequest(date(2026, 1, 15), "公正性培训", "4", "质量部"),
    )
    qtbot.mouseClick(page.add_training_button, Qt.MouseButton.LeftButton)
    assert [t.title for t in services.people.get(team.admin, "leader").training] == ["公正性培训"]
    assert page.person_tabs.tabText(1) == "培训记录 (1)" and page.person_tabs.currentIndex() == 1
    _answer(
        monkeypatch,
        people_dialogs.WitnessedAuditDialog,
        people_dialogs.WitnessRequest(date(2026, 2, 1), "陈静", "competent", "", ""),
    )
    qtbot.mouseClick(page.add_witnessed_button, Qt.MouseButton.LeftButton)
    assert page.witnessed_model.index(0, 3).data() == "胜任"


# -- declared interests ------------------------------------------------------------------------------
def test_declaring_approving_and_ending_an_interest(qtbot, ui_context, team, services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    mine = _page(qtbot, ui_context, team.committee)
    mine.tabs.setCurrentIndex(1)
    calls = _answer(
        monkeypatch,
        DeclareInterestDialog,
        InterestRequest(
            "comm1", ORG, "family", date(2020, 1, 1), None, "medium", "表姐在该公司任职，不涉及售后服务"
        ),
    )
    assert mine.declare_button.isEnabled()
    qtbot.mouseClick(mine.declare_button, Qt.MouseButton.LeftButton)
    assert calls[0][0][1] == [("comm1", "comm1")]  # one declares for oneself only
    assert mine.tabs.tabText(1) == "利益冲突申报（1 项待批准）"
    assert mine.interests_model.index(0, 7).data() == "待批准，回避"
    # one's own: not to be approved by oneself
    assert not mine.approve_button.isEnabled()
    assert mine.approve_button.toolTip() == "不能批准本人利益关系的应对措施"
    # a clerk may not approve at all; the second committee member may
    clerk = _page(qtbot, ui_context, team.clerk)
    clerk.interests_view.setCurrentIndex(clerk.interests_model.index(0, 0))
    assert not clerk.approve_button.isEnabled() and "系统管理员" in clerk.approve_button.toolTip()
    other = _page(qtbot, ui_context, team.committee2)
    assert other.interests_model.rowCount() == 0  # a committee member reads only their own
    admin = _page(qtbot, ui_context, team.admin)
    admin.interests_view.setCurrentIndex(admin.interests_model.index(0, 0))
    assert admin.approve_button.isEnabled(), admin.approve_button.toolTip()
    qtbot.mouseClick(admin.approve_button, Qt.MouseButton.LeftButton)
    assert admin.interests_model.index(0, 5).data() == "admin"
    assert admin.interests_model.index(0, 7).data() == "有效"
    assert not admin.approve_button.isEnabled() and "已由 admin 批准" in admin.approve_button.toolTip()
    # ended: by the person, on a day the dialog gives
    _answer(monkeypatch, people_dialogs.EndInterestDialog, date(2026, 2, 28))
    mine.load_interests()
    mine.interests_view.setCurrentIndex(mine.interests_model.index(0, 0))
    qtbot.mouseClick(mine.end_button, Qt.MouseButton.LeftButton)
    assert services.impartiality.list(team.committee)[0].ends_on == date(2026, 2, 28)
    assert mine.interests_model.index(0, 7).data() == "已结束"
    assert not mine.end_button.isEnabled() and "2026-02-28" in mine.end_button.toolTip()


def test_the_declare_dialog_checks_as_it_is_typed(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = DeclareInterestDialog([("leader", "王芳"), ("member", "刘洋")], "member", date(2026, 3, 2))
    qtbot.addWidget(dialog)
    assert dialog.person_combo.currentData() == "member" and dialog.person_combo.isEnabled()
    assert not dialog.ok_button.isEnabled() and dialog.ok_button.toolTip() == "请输入统一社会信用代码"
    qtbot.keyClicks(dialog.code_edit, ORG[:-1] + ("0" if ORG[-1] != "0" else "1"))
    assert not dialog.ok_button.isEnabled() and "校验位" in dialog.ok_button.toolTip()
    dialog.code_edit.clear()
    qtbot.keyClicks(dialog.code_edit, ORG.lower())
    assert dialog.ok_button.isEnabled(), dialog.ok_button.toolTip()
    dialog.lasting_check.setChecked(False)
    dialog.to_edit.setDate(qdate(date(2020, 1, 1)))
    dialog.from_edit.setDate(qdate(date(2021, 1, 1)))
    assert not dialog.ok_button.isEnabled() and dialog.dates_error.text() == "结束日期不能早于起始日期"
    dialog.to_edit.setDate(qdate(date(2024, 6, 30)))
    dialog.risk_combo.setCurrentIndex(dialog.risk_combo.findData("medium"))
    assert not dialog.ok_button.isEnabled() and dialog.mitigation_error.text() == "中风险须说明应对措施"
    dialog.mitigation_edit.insertPlainText("已回避")  # QTest cannot type CJK characters
    assert dialog.ok_button.isEnabled()
    assert dialog.request() == InterestRequest(
        "member", ORG, "former_employee", date(2021, 1, 1), date(2024, 6, 30), "medium", "已回避"
    )


# -- the team dialog and the committee tab ------------------------------------------------------------
def test_the_team_dialog_shows_who_may_not_be_on_the_team_and_why(qtbot, services, team, make_case) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("accepted")
    services.impartiality.declare(
        team.admin,
        "member",
        credit_code=services.cases.get(case_no).organization.credit_code,
        kind="consultant",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 6, 30),
        risk="low",
    )
    services.people.set(team.admin, "outsider", qualification="trainee", areas=[])
    candidates: list[TeamCandidate] = services.people.team_candidates(team.clerk, case_no)
    dialog = case_dialogs.TeamDialog(candidates, None, [], "zh")
    qtbot.addWidget(dialog)
    items = {
        dialog.members_list.item(n).data(Qt.ItemDataRole.UserRole): dialog.members_list.item(n)
        for n in range(dialog.members_list.count())
    }
    member = items["member"]
    assert not member.flags() & Qt.ItemFlag.ItemIsEnabled
    assert "2027-06-30 前不得参与" in member.toolTip()
    assert items["outsider"].flags() & Qt.ItemFlag.ItemIsEnabled and "实习审核员" in items["outsider"].text()
    leaders = dialog.leader_combo.model()
    outsider = next(
        n for n in range(leaders.rowCount()) if leaders.item(n).data(Qt.ItemDataRole.UserRole) == "outsider"
    )
    assert not leaders.item(outsider).isEnabled() and "不能担任组长" in leaders.item(outsider).toolTip()
    assert dialog.note.isVisibleTo(dialog)
    assert dialog.choice().leader == "dual"  # the first who may lead


def test_a_committee_member_with_a_high_risk_interest_sees_why_the_vote_is_disabled(  # type: ignore[no-untyped-def]
    qtbot, ui_context, team, services, make_case
) -> None:
    from audit_workbench.ui.pages.case_page import CasePage

    case_no = make_case("committee_review")
    services.impartiality.declare(
        team.committee,
        "comm1",
        credit_code=services.cases.get(case_no).organization.credit_code,
        kind="financial",
        starts_on=date(2019, 5, 1),
        risk="high",
    )
    page = CasePage(ui_context(team.committee))
    qtbot.addWidget(page)
    page.show_case(case_no, "committee")
    tab = page.committee_tab
    assert not tab.vote_button.isEnabled()
    assert (
        tab.vote_button.toolTip()
        == "您申报了与该组织的高风险利益关系（在该组织有经济利益，2019-05-01 起），不能参与表决"
    )
    assert "高风险利益关系" in tab.notice.text()
    other = CasePage(ui_context(team.committee2))
    qtbot.addWidget(other)
    other.show_case(case_no, "committee")
    assert other.committee_tab.vote_button.isEnabled()


def test_every_user_finds_the_page_in_the_window(qtbot, ui_context, team) -> None:  # type: ignore[no-untyped-def]
    for actor in (team.admin, team.clerk, team.leader, team.committee):
        window = MainWindow(ui_context(actor), "test.sqlite3")
        qtbot.addWidget(window)
        assert not window.nav_items["people"].isHidden()
        window.show_page("people")
        assert window.current_key() == "people"


def test_the_page_in_english(qtbot, ui_context, team, qapp) -> None:  # type: ignore[no-untyped-def]
    from audit_workbench.ui import i18n

    i18n.install("en", qapp)
    page = _page(qtbot, ui_context, team.admin, "en")
    assert page.header.title.text() == "People and impartiality"
    assert page.tabs.tabText(0) == "Qualifications"
    _select(page, "leader")
    row = page.people_model.find(lambda p: p.user_name == "leader")
    assert page.people_model.index(row, 1).data() == "Auditor"
    assert page.people_model.index(row, 4).data() == "Signed"
    assert page.editor.area_boxes["production"].text() == "Production"
    assert Action.manage_people  # the admin may edit
    assert page.editor.qualification_combo.isEnabled()


def test_a_login_is_all_it_takes_for_a_new_person(services, team) -> None:  # type: ignore[no-untyped-def]
    """A user added today appears on the page with no record and no declaration."""
    services.users.add(team.admin, "newbie", PASSWORD, ["auditor"])
    view = services.people.get(team.admin, "newbie")
    assert (view.qualification, view.status, view.declared_this_year) == (None, "none", False)
