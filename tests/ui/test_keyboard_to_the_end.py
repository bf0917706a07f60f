"""The keyboard to the end: the N, S, R, E dialogs open with the cursor in their first field, Enter
confirms and Esc cancels, and after N or S the cursor moves to the next indicator, so the next score
lands where the auditor expects. Dialogs validate inline and stay open with what was typed.

The dialogs here are the real ones: their `exec()` is replaced by showing them and typing into the
widget that has the focus, as a user at the keyboard would."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QPlainTextEdit, QSpinBox

from audit_workbench.core.policy import Action
from audit_workbench.services import Services
from audit_workbench.ui.case import dialogs
from audit_workbench.ui.dialogs.keyboard import KeyboardHelpDialog, sections
from audit_workbench.ui.main_window import MainWindow
from audit_workbench.ui.pages.case_page import CasePage

from ..conftest import CaseMaker, Team

pytestmark = pytest.mark.gui


def open_scoring(qtbot, ui_context, actor, case_no: str) -> CasePage:  # type: ignore[no-untyped-def]
    page = CasePage(ui_context(actor))
    qtbot.addWidget(page)
    page.resize(1300, 760)
    page.show()
    qtbot.waitExposed(page)
    page.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is page.windowHandle())
    page.show_case(case_no, "scoring")
    page.scoring_tab.tree.setFocus()
    return page


def at_the_keyboard(monkeypatch, qtbot, cls: type[QDialog], keys: Callable[[Any, Any], None]) -> list[Any]:  # type: ignore[no-untyped-def]
    """When a `cls` dialog runs, show it and hand it and the widget with the focus to `keys`."""
    seen: list[Any] = []

    def exec_(dialog: Any) -> int:
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.windowHandle().requestActivate()
        qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is dialog.windowHandle())
        focused = QApplication.focusWidget()
        seen.append((dialog, focused))
        keys(dialog, focused)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
        return dialog.result()

    monkeypatch.setattr(cls, "exec", exec_)
    return seen


def type_points(qtbot, page: CasePage, text: str) -> None:  # type: ignore[no-untyped-def]
    tree = page.scoring_tab.tree
    qtbot.keyClick(tree, text[0])
    editor = tree.indexWidget(tree.currentIndex())
    assert isinstance(editor, QLineEdit)
    for ch in text[1:]:
        qtbot.keyClick(editor, ch)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_n_then_enter_lands_the_next_score_on_the_next_indicator(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_scoring(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    first = tab.tree.current_code()
    second = tab.model.neighbour(first, 1)

    def reason(dialog: Any, focused: Any) -> None:
        qtbot.keyClicks(focused, "no installation")
        qtbot.keyClick(focused, Qt.Key.Key_Return)

    seen = at_the_keyboard(monkeypatch, qtbot, dialogs.TextDialog, reason)
    qtbot.keyClick(tab.tree, "n")
    ((dialog, focused),) = seen
    assert focused is dialog.editor, "the reason dialog opens with the cursor in its field"
    entry = services.cases.get(case_no).entries[first]
    assert entry.not_applicable and entry.reason == "no installation"
    assert tab.tree.current_code() == second and page.focusWidget() is tab.tree

    type_points(qtbot, page, "2")  # the next score goes to the next indicator
    entries = services.cases.get(case_no).entries
    assert entries[second].points == Decimal(2)
    assert entries[first].not_applicable and entries[first].points is None


def test_s_then_enter_scores_the_sample_and_moves_on(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_scoring(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    rubric = services.rubrics.get(services.cases.get(case_no).rubric_id).rubric
    first = next(i.code for _, i in rubric.indicators() if i.sampled)  # checked on a sample
    tab.tree.go_to(first)

    def counts(dialog: Any, focused: Any) -> None:
        assert focused is dialog.sampled_spin
        focused.selectAll()
        qtbot.keyClicks(focused, "20")
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        spin = QApplication.focusWidget()
        assert isinstance(spin, QSpinBox) and spin is dialog.nonconforming_spin
        spin.selectAll()
        qtbot.keyClicks(spin, "2")
        qtbot.keyClick(spin, Qt.Key.Key_Return)

    at_the_keyboard(monkeypatch, qtbot, dialogs.SampleDialog, counts)
    qtbot.keyClick(tab.tree, "s")
    entry = services.cases.get(case_no).entries[first]
    assert (entry.sampled, entry.nonconforming) == (20, 2)
    assert tab.tree.current_code() == tab.model.neighbour(first, 1) and page.focusWidget() is tab.tree


def test_escape_cancels_and_the_cursor_stays(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_scoring(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    first = tab.tree.current_code()

    def escape(dialog: Any, focused: Any) -> None:
        qtbot.keyClicks(focused, "half typed")
        qtbot.keyClick(focused, Qt.Key.Key_Escape)

    at_the_keyboard(monkeypatch, qtbot, dialogs.TextDialog, escape)
    qtbot.keyClick(tab.tree, "n")
    assert first not in services.cases.get(case_no).entries
    assert tab.tree.current_code() == first and page.focusWidget() is tab.tree


def test_r_opens_with_the_cursor_in_the_text_and_enter_raises_it(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_scoring(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab

    def nonconformity(dialog: Any, focused: Any) -> None:
        assert focused is dialog.text_edit and isinstance(focused, QPlainTextEdit)
        qtbot.keyClick(focused, Qt.Key.Key_Return)  # nothing typed: said in the dialog, which stays
        assert dialog.isVisible() and dialog.problem_text() == "请填写不符合事实"
        qtbot.keyClicks(focused, "leaflets missing")
        qtbot.keyClick(focused, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        qtbot.keyClicks(focused, "at two outlets")
        qtbot.keyClick(focused, Qt.Key.Key_Return)

    at_the_keyboard(monkeypatch, qtbot, dialogs.NonconformityDialog, nonconformity)
    with qtbot.waitSignal(page.sig_case_changed):
        qtbot.keyClick(tab.tree, "r")
    (nc,) = services.cases.get(case_no).nonconformities
    assert nc.text == "leaflets missing\nat two outlets"


def test_e_opens_with_the_cursor_in_the_note(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    case_no = make_case("onsite_audit")
    page = open_scoring(qtbot, ui_context, team.leader, case_no)
    tab = page.scoring_tab
    code = tab.tree.current_code()

    def evidence(dialog: Any, focused: Any) -> None:
        assert focused is dialog.note_edit
        qtbot.keyClicks(focused, "manual seen")
        qtbot.keyClick(focused, Qt.Key.Key_Return)

    at_the_keyboard(monkeypatch, qtbot, dialogs.EvidenceDialog, evidence)
    qtbot.keyClick(tab.tree, "e")
    assert [(e.code, e.note) for e in services.cases.get(case_no).evidence] == [(code, "manual seen")]
    assert page.focusWidget() is tab.tree  # the keyboard is back on the table


def test_the_accept_dialog_keeps_what_was_typed_when_the_fee_is_wrong(
    qtbot, ui_context, services: Services, team: Team, make_case: CaseMaker, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A fee typed "38,000" used to be refused and the dialog closed with everything typed in it: the
    fee is now read as people write it, and a fee that is no number is said in the dialog."""
    case_no = make_case("submitted")
    page = CasePage(ui_context(team.clerk))
    qtbot.addWidget(page)
    page.show_case(case_no)

    def accept(dialog: Any, focused: Any) -> None:
        assert focused is dialog.contract_edit
        qtbot.keyClicks(focused, "HT-2026-007")
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        qtbot.keyClicks(QApplication.focusWidget(), "38.000,00")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert dialog.isVisible(), "an invalid fee keeps the dialog open"
        assert "不是数字" in dialog.problem_text() and QApplication.focusWidget() is dialog.fee_edit
        assert dialog.contract_edit.text() == "HT-2026-007", "the other fields are intact"
        dialog.fee_edit.setText("38,000")
        assert dialog.fee_hint.text() == "即 38,000 元"
        qtbot.keyClick(dialog.fee_edit, Qt.Key.Key_Return)

    at_the_keyboard(monkeypatch, qtbot, dialogs.AcceptDialog, accept)
    page.trigger(Action.accept)
    detail = services.cases.get(case_no)
    assert (detail.status, detail.contract_no, detail.fee) == ("accepted", "HT-2026-007", Decimal(38000))


def test_the_keyboard_reference_is_under_help_and_f1(qtbot, ui_context, team: Team) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(ui_context(team.leader), "test.sqlite3")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is window.windowHandle())
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(
        lambda: any(
            w.isVisible() for w in QApplication.topLevelWidgets() if isinstance(w, KeyboardHelpDialog)
        )
    )
    (help_dialog,) = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, KeyboardHelpDialog) and w.isVisible()
    ]
    texts = {
        help_dialog.table.item(r, c).text()
        for r in range(help_dialog.table.rowCount())
        for c in range(2)
        if help_dialog.table.item(r, c)
    }
    for key in ("N", "S", "C", "E", "R", "F1", "Esc", "Ctrl+L"):
        assert key in texts, key
    assert sum(len(keys) for _, keys in sections()) + len(sections()) == help_dialog.table.rowCount()
    help_dialog.close()
