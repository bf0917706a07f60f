"""Nothing typed is ever lost: closing the window, leaving a page, opening another case and
switching the user with unsaved edits ask save / discard / cancel, and cancel keeps every edit;
scoring notes are saved as the cursor leaves their indicator, as scores are."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication

from audit_workbench.services import Services
from audit_workbench.ui.main_window import MainWindow

from ..conftest import CaseMaker, Team

pytestmark = pytest.mark.gui


def window_on(qtbot, ui_context, actor, spec: str) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ui_context(actor), "test.sqlite3")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_page(spec)
    return window


def type_an_address(window: MainWindow, text: str = "苏州工业园区星湖街 328 号") -> None:
    tab = window.pages["case"].application_tab  # type: ignore[attr-defined]
    tab.address_edit.setText(text)
    assert tab.form_dirty() and "未保存" in tab.org_state_label.text()


def test_closing_with_unsaved_edits_asks_and_keeps_them_on_cancel(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, messages
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("draft")
    window = window_on(qtbot, ui_context, team.clerk, f"case:{case_no}")
    type_an_address(window)

    messages.unsaved_answer = "cancel"
    event = QCloseEvent()
    window.closeEvent(event)
    assert not event.isAccepted(), "cancel keeps the window open"
    ((items, going),) = messages.unsaved
    assert items == [f"{case_no} 的申请组织信息"] and going == "关闭窗口"
    tab = window.pages["case"].application_tab  # type: ignore[attr-defined]
    assert tab.address_edit.text() == "苏州工业园区星湖街 328 号", "what was typed is still there"
    assert services.cases.get(case_no).organization.address == ""

    messages.unsaved_answer = "save"
    event = QCloseEvent()
    window.closeEvent(event)
    assert event.isAccepted()
    assert services.cases.get(case_no).organization.address == "苏州工业园区星湖街 328 号"


def test_closing_and_discarding_drops_the_edit(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, messages
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("draft")
    window = window_on(qtbot, ui_context, team.clerk, f"case:{case_no}")
    type_an_address(window)
    messages.unsaved_answer = "discard"
    event = QCloseEvent()
    window.closeEvent(event)
    assert event.isAccepted() and len(messages.unsaved) == 1
    assert services.cases.get(case_no).organization.address == ""


def test_nothing_unsaved_closes_without_a_question(
    qtbot, ui_context, team: Team, make_case: CaseMaker, messages
) -> None:  # type: ignore[no-untyped-def]
    window = window_on(qtbot, ui_context, team.clerk, f"case:{make_case('draft')}")
    event = QCloseEvent()
    window.closeEvent(event)
    assert event.isAccepted() and not messages.unsaved


def test_leaving_the_page_asks_and_cancel_stays_on_it(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, messages
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("draft")
    window = window_on(qtbot, ui_context, team.clerk, f"case:{case_no}")
    type_an_address(window)
    messages.unsaved_answer = "cancel"
    window.navigation.setCurrentItem(window.nav_items["dashboard"])
    assert window.current_key() == "case" and window.navigation.currentItem() is window.nav_items["case"]
    assert messages.unsaved[-1][1] == f"离开“{case_no}”"
    assert window.pages["case"].application_tab.address_edit.text() == "苏州工业园区星湖街 328 号"  # type: ignore[attr-defined]

    messages.unsaved_answer = "save"
    window.navigation.setCurrentItem(window.nav_items["dashboard"])
    assert window.current_key() == "dashboard"
    assert services.cases.get(case_no).organization.address == "苏州工业园区星湖街 328 号"


def test_opening_another_case_asks_first(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, messages
) -> None:  # type: ignore[no-untyped-def]
    first, second = make_case("draft"), make_case("draft")
    window = window_on(qtbot, ui_context, team.clerk, f"case:{first}")
    type_an_address(window)
    messages.unsaved_answer = "cancel"
    window.open_case(second)
    assert window.current_case == first
    assert window.pages["case"].case_no == first  # type: ignore[attr-defined]
    assert messages.unsaved[-1] == ([f"{first} 的申请组织信息"], f"打开案件 {second}")
    messages.unsaved_answer = "discard"
    window.open_case(second)
    assert window.current_case == second
    assert services.cases.get(first).organization.address == ""


def test_switching_the_user_asks_first(
    qtbot, ui_context, team: Team, make_case: CaseMaker, messages, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from audit_workbench.ui.dialogs.login import LoginDialog

    case_no = make_case("draft")
    window = window_on(qtbot, ui_context, team.clerk, f"case:{case_no}")
    type_an_address(window)
    asked_login: list[str] = []
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, *a, **k: asked_login.append("x")))
    messages.unsaved_answer = "cancel"
    assert not window.switch_user()
    assert not asked_login, "no login is asked for while the edit is unsettled"
    assert messages.unsaved[-1][1] == "切换用户"
    assert window.pages["case"].application_tab.address_edit.text() == "苏州工业园区星湖街 328 号"  # type: ignore[attr-defined]


def test_a_vote_comment_typed_and_not_cast_is_asked_about(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, messages
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("committee_review")
    window = window_on(qtbot, ui_context, team.committee, f"committee:{case_no}")
    tab = window.pages["case"].committee_tab  # type: ignore[attr-defined]
    tab.comment_edit.setPlainText("评分记录完整")
    messages.unsaved_answer = "cancel"
    event = QCloseEvent()
    window.closeEvent(event)
    assert not event.isAccepted()
    assert messages.unsaved[-1][0] == [f"{case_no} 尚未提交的表决意见"]
    assert tab.comment_edit.toPlainText() == "评分记录完整"


def test_a_scoring_note_is_saved_when_another_indicator_is_chosen(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, messages
) -> None:  # type: ignore[no-untyped-def]
    """Typed and not saved, a note used to vanish when another indicator was clicked; now it is saved
    as the cursor leaves its indicator, as a score typed and not Entered is."""
    case_no = make_case("onsite_audit")
    window = window_on(qtbot, ui_context, team.leader, f"scoring:{case_no}")
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is window.windowHandle())
    tab = window.pages["case"].scoring_tab  # type: ignore[attr-defined]
    first = tab.tree.current_code()
    qtbot.keyClick(tab.tree, "c")
    assert tab.note_edit.hasFocus()
    tab.note_edit.insertPlainText("Service philosophy posted at every outlet")
    # another indicator chosen with the mouse
    second = tab.model.neighbour(first, 1)
    rect = tab.tree.visualRect(tab.model.index_of(second))
    qtbot.mouseClick(tab.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.tree.current_code() == second
    assert services.cases.get(case_no).entries[first].note == "Service philosophy posted at every outlet"
    assert tab.note_edit.toPlainText() == ""  # the second indicator's (empty) note
    assert not messages.unsaved and not tab.unsaved_work()


def test_a_scoring_note_typed_is_saved_by_enter_and_a_new_line_is_shift_enter(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    window = window_on(qtbot, ui_context, team.leader, f"scoring:{case_no}")
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is window.windowHandle())
    tab = window.pages["case"].scoring_tab  # type: ignore[attr-defined]
    code = tab.tree.current_code()
    qtbot.keyClick(tab.tree, "c")
    qtbot.keyClicks(tab.note_edit, "line one")
    qtbot.keyClick(tab.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(tab.note_edit, "line two")
    qtbot.keyClick(tab.note_edit, Qt.Key.Key_Return)
    assert services.cases.get(case_no).entries[code].note == "line one\nline two"
    assert tab.tree.hasFocus()


def test_a_settings_edit_is_asked_about(qtbot, ui_context, services: Services, team: Team, messages) -> None:  # type: ignore[no-untyped-def]
    window = window_on(qtbot, ui_context, team.admin, "settings")
    page = window.pages["settings"]
    page.body_address_edit.setText("上海市浦东新区")  # type: ignore[attr-defined]
    messages.unsaved_answer = "save"
    window.navigation.setCurrentItem(window.nav_items["dashboard"])
    assert messages.unsaved[-1][0] == ["系统设置的修改"]
    assert services.settings.get("body_address") == "上海市浦东新区"


def test_the_people_page_asks_before_another_person_or_closing(
    qtbot, ui_context, services: Services, team: Team, messages
) -> None:  # type: ignore[no-untyped-def]
    """Another engineer's page adopts the guard by giving its widget an `unsaved_work()`."""
    window = window_on(qtbot, ui_context, team.admin, "people")
    page = window.pages["people"]
    row = page.people_model.find(lambda p: p.user_name == "member")  # type: ignore[attr-defined]
    page.people_view.setCurrentIndex(page.people_model.index(row, 0))  # type: ignore[attr-defined]
    editor = page.editor  # type: ignore[attr-defined]
    editor.registration_edit.clear()
    qtbot.keyClicks(editor.registration_edit, "2020-n1sc-7654321")
    assert editor.changed()

    messages.unsaved_answer = "cancel"
    other = page.people_model.find(lambda p: p.user_name == "leader")  # type: ignore[attr-defined]
    page.people_view.setCurrentIndex(page.people_model.index(other, 0))  # type: ignore[attr-defined]
    assert editor.person.user_name == "member" and editor.changed(), "cancel keeps the typing"
    assert messages.unsaved[-1] == (["member 的资格信息"], "选择另一位人员")

    event = QCloseEvent()
    window.closeEvent(event)
    assert not event.isAccepted()
    messages.unsaved_answer = "save"
    event = QCloseEvent()
    window.closeEvent(event)
    assert event.isAccepted()
    assert services.people.get(team.admin, "member").registration_no == "2020-N1SC-7654321"
