"""The application tab: the organisation form a clerk edits while the case is a draft (credit code
checked as typed, saved against the version loaded, conflicts reloaded), and materials that collect
several files, any of which can be removed again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragMoveEvent, QDropEvent, QGuiApplication

from audit_workbench.core.creditcode import complete
from audit_workbench.services import Actor, Services
from audit_workbench.ui import i18n
from audit_workbench.ui.case import dialogs
from audit_workbench.ui.pages.case_page import CasePage

from ..conftest import CaseMaker, Team

pytestmark = pytest.mark.gui

NEW_CODE = complete("91330100MA2H4K8P1")


def open_page(qtbot, ui_context, actor: Actor, case_no: str, lang: str = "zh") -> CasePage:  # type: ignore[no-untyped-def]
    page = CasePage(ui_context(actor, lang))
    qtbot.addWidget(page)
    page.resize(1300, 860)
    page.show()
    qtbot.waitExposed(page)
    page.show_case(case_no, "application")
    return page


def drop_files(view, row: int, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(view.visualRect(view.model().index(row, 1)).center())
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    move = QDragMoveEvent(point, Qt.DropAction.CopyAction, mime, buttons, mods)
    view.dragMoveEvent(move)
    assert move.isAccepted()
    view.dropEvent(QDropEvent(point, Qt.DropAction.CopyAction, mime, buttons, mods))


def events_of(services: Services, case_no: str) -> list[str]:
    return [e.action for e in reversed(services.log.events(entity_id=case_no, limit=1000))]


# -- the organisation form ------------------------------------------------------------------------
def test_a_clerk_edits_the_organisation_of_a_draft(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("draft")
    page = open_page(qtbot, ui_context, team.clerk, case_no)
    tab = page.application_tab
    assert tab.org_editor.isVisibleTo(tab) and not tab.org_view.isVisibleTo(tab)
    detail = services.cases.get(case_no)
    assert tab.name_edit.text() == detail.organization.name
    assert tab.code_edit.text() == detail.organization.credit_code
    assert tab.headcount_spin.value() == 120
    assert tab.type_label.text() == "生产型"
    assert not tab.save_org_button.isEnabled()
    assert tab.save_org_button.toolTip() == "没有未保存的修改"

    # the credit code is checked at every keystroke, the reason shown under the field
    tab.code_edit.selectAll()
    qtbot.keyClicks(tab.code_edit, NEW_CODE[:10].lower())
    assert tab.code_edit.text() == NEW_CODE[:10]
    assert tab.code_status.text() == "还差 8 位"
    assert not tab.save_org_button.isEnabled()
    assert tab.save_org_button.toolTip() == "还差 8 位" == tab.org_state_label.text()
    qtbot.keyClicks(tab.code_edit, NEW_CODE[10:17] + ("0" if NEW_CODE[17] != "0" else "1"))
    assert tab.code_status.objectName() == "errorText"
    assert tab.code_status.text() == f"校验位应为“{NEW_CODE[17]}”，而不是“{tab.code_edit.text()[17]}”"
    assert not tab.save_org_button.isEnabled()
    qtbot.keyClick(tab.code_edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(tab.code_edit, NEW_CODE[17])
    assert tab.code_status.text() == "✓ 校验通过" and tab.code_status.objectName() == "okText"

    # the other fields; an empty name is named as the problem
    tab.name_edit.clear()
    assert tab.org_state_label.text() == "组织名称不能为空" and not tab.save_org_button.isEnabled()
    tab.name_edit.insert("杭州新锐厨电有限公司")
    tab.address_edit.insert("杭州市余杭区文一西路 1 号")
    tab.headcount_spin.setValue(480)
    tab.scope_edit.setPlainText("厨房电器的售后服务")
    assert tab.save_org_button.isEnabled() and tab.org_state_label.text() == "有未保存的修改"

    with qtbot.waitSignal(page.sig_case_changed):
        qtbot.mouseClick(tab.save_org_button, Qt.MouseButton.LeftButton)
    detail = services.cases.get(case_no)
    assert (detail.organization.name, detail.organization.credit_code, detail.organization.address) == (
        "杭州新锐厨电有限公司",
        NEW_CODE,
        "杭州市余杭区文一西路 1 号",
    )
    assert (detail.headcount, detail.scope) == (480, "厨房电器的售后服务")
    assert events_of(services, case_no)[-1] == "case.update"
    assert not tab.form_dirty() and tab.org_state_label.text() == "✓ 已保存"
    assert page.header.title.text() == f"{case_no}  杭州新锐厨电有限公司"
    assert tab.fields["headcount"].text() == "480"


def test_ctrl_s_saves_and_revert_restores(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("draft")
    page = open_page(qtbot, ui_context, team.clerk, case_no)
    tab = page.application_tab
    tab.scope_edit.setPlainText("空调器的售后服务")
    qtbot.mouseClick(tab.revert_org_button, Qt.MouseButton.LeftButton)
    assert tab.scope_edit.toPlainText() == "家用电器的售后服务" and not tab.form_dirty()

    tab.headcount_spin.setValue(300)
    page.windowHandle().requestActivate()  # offscreen: a shortcut needs the active window
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is page.windowHandle())
    tab.headcount_spin.setFocus()
    with qtbot.waitSignal(page.sig_case_changed):
        qtbot.keyClick(tab.headcount_spin, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert services.cases.get(case_no).headcount == 300


def test_a_conflicting_save_reloads_the_form(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, messages
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("draft")
    page = open_page(qtbot, ui_context, team.clerk, case_no)
    tab = page.application_tab
    detail = services.cases.get(case_no)
    # someone else corrects the organisation meanwhile
    services.cases.update_application(
        team.clerk,
        case_no,
        org_name="测试电器股份有限公司",
        credit_code=detail.organization.credit_code,
        headcount=150,
        scope=detail.scope,
        expected_version=detail.version,
    )
    tab.headcount_spin.setValue(200)
    qtbot.mouseClick(tab.save_org_button, Qt.MouseButton.LeftButton)
    stored = services.cases.get(case_no)
    assert stored.headcount == 150, "the conflicting save changed nothing"
    assert tab.name_edit.text() == "测试电器股份有限公司" and tab.headcount_spin.value() == 150
    assert not tab.form_dirty()
    assert "已被他人修改" in tab.notice.text()
    assert not messages.warnings, "a conflict reloads; it is not an error box"


def test_a_change_elsewhere_in_the_case_keeps_what_is_typed(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, sample_file: Path, clock
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("draft")
    page = open_page(qtbot, ui_context, team.clerk, case_no)
    tab = page.application_tab
    tab.headcount_spin.setValue(210)
    clock.now += timedelta(minutes=5)
    # another clerk attaches a material (the case's version moves, the organisation does not)
    services.cases.add_material_files(team.clerk, case_no, 3, [sample_file])
    qtbot.mouseClick(tab.save_org_button, Qt.MouseButton.LeftButton)
    assert services.cases.get(case_no).headcount == 120
    assert tab.headcount_spin.value() == 210 and tab.form_dirty(), "the typed value stays"
    assert "您填写的内容仍在" in tab.notice.text()
    assert tab.materials_model.material_at(2).status == "provided", "the reload shows the new material"
    with qtbot.waitSignal(page.sig_case_changed):
        qtbot.mouseClick(tab.save_org_button, Qt.MouseButton.LeftButton)
    assert services.cases.get(case_no).headcount == 210


def test_the_form_is_read_only_for_others_and_after_submission(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    draft = make_case("draft")
    page = open_page(qtbot, ui_context, team.leader, draft)
    tab = page.application_tab
    assert tab.org_view.isVisibleTo(tab) and not tab.org_editor.isVisibleTo(tab)
    assert tab.fields["name"].text() == services.cases.get(draft).organization.name

    submitted = make_case("submitted")
    page = open_page(qtbot, ui_context, team.clerk, submitted)
    tab = page.application_tab
    assert tab.org_view.isVisibleTo(tab) and not tab.org_editor.isVisibleTo(tab)
    assert tab.fields["headcount"].text() == "120"


def test_the_form_in_english(qtbot, qapp, ui_context, team: Team, make_case: CaseMaker) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("draft")
    i18n.install("en", qapp)
    page = open_page(qtbot, ui_context, team.clerk, case_no, lang="en")
    tab = page.application_tab
    tab.code_edit.setText(tab.code_edit.text()[:15])
    assert tab.code_status.text() == "Characters missing: 3"
    assert tab.save_org_button.text() == "Save the application"
    assert tab.org_state_label.text() == "Characters missing: 3"
    assert tab.type_label.text() == "Production"


# -- materials with several files -----------------------------------------------------------------
def test_files_are_added_and_removed(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, monkeypatch, messages, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("draft")
    page = open_page(qtbot, ui_context, team.clerk, case_no)
    tab = page.application_tab
    first, second, third = (tmp_path / n for n in ("章程.pdf", "章程附件.pdf", "修正案.pdf"))
    for n, path in enumerate((first, second, third)):
        path.write_bytes(b"%PDF-1.4 " + bytes([65 + n]))

    tab.materials_view.selectRow(0)
    assert not tab.remove_file_button.isEnabled()
    assert tab.remove_file_button.toolTip() == "所选材料没有文件"
    monkeypatch.setattr(dialogs.Files, "open_files", classmethod(lambda cls, *a, **k: [first]))
    qtbot.mouseClick(tab.attach_button, Qt.MouseButton.LeftButton)
    drop_files(tab.materials_view, 0, [second])  # a second file is added, not swapped in
    drop_files(tab.materials_view, 0, [third])
    files = services.cases.get(case_no).materials[0].files
    assert [f.filename for f in files] == ["章程.pdf", "章程附件.pdf", "修正案.pdf"]
    assert tab.materials_model.data(tab.materials_model.index(0, 3)) == "章程.pdf、章程附件.pdf、修正案.pdf"

    # several files: the button offers a menu of them; choosing one asks, then removes it
    tab.materials_view.selectRow(0)
    assert tab.remove_file_button.isEnabled()
    menu = tab.removal_menu(tab.materials_model.material_at(0), tab)
    assert [a.text() for a in menu.actions()] == ["章程.pdf", "章程附件.pdf", "修正案.pdf"]
    messages.confirm_answer = False
    menu.actions()[1].trigger()
    assert len(services.cases.get(case_no).materials[0].files) == 3, "declined: nothing removed"
    messages.confirm_answer = True
    menu.actions()[1].trigger()
    assert messages.questions[-1] == ("移除文件", "从第 1 项材料中移除文件“章程附件.pdf”？")
    assert [f.filename for f in services.cases.get(case_no).materials[0].files] == ["章程.pdf", "修正案.pdf"]
    assert events_of(services, case_no)[-1] == "material.remove_file"

    # the row's context menu: open and remove submenus with the files
    context = tab.context_menu(tab.materials_model.material_at(0))
    titles = [a.text() for a in context.actions()]
    assert titles == ["添加文件…", "打开文件", "移除文件", "标记不适用…"]
    remove = context.actions()[2].menu()
    remove.actions()[1].trigger()
    # one file left: the button removes it at once (after asking); the item is missing again
    tab.materials_view.selectRow(0)
    qtbot.mouseClick(tab.remove_file_button, Qt.MouseButton.LeftButton)
    material = services.cases.get(case_no).materials[0]
    assert (material.status, material.files) == ("missing", ())
    assert tab.materials_model.data(tab.materials_model.index(0, 2)) == "未提供"
    assert "12 项材料" in tab.notice.text()


def test_others_see_the_file_actions_disabled_with_the_reason(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("submitted")
    page = open_page(qtbot, ui_context, team.clerk, case_no)
    tab = page.application_tab
    tab.materials_view.selectRow(0)
    reason = "案件处于“已提交”状态，不能编辑申请资料"
    for button in (tab.attach_button, tab.remove_file_button, tab.not_applicable_button):
        assert not button.isEnabled() and button.toolTip() == reason
    assert tab.open_button.isEnabled(), "anyone may still open the files"
    menu = tab.context_menu(tab.materials_model.material_at(0))
    add, opener, remove, not_applicable = menu.actions()
    assert opener.isEnabled()
    for action in (add, remove, not_applicable):
        assert not action.isEnabled() and action.toolTip() == reason
    assert not tab.materials_view.acceptDrops()
