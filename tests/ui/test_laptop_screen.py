"""On the common laptop (1366×768, the tests' offscreen screen): the window opens within the available
screen and remembers its geometry, and every page lays out without squashing a field or a line of
text below the height it needs (the application form and the certificate's data once overlapped)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from audit_workbench.ui.main_window import MainWindow

from ..conftest import CaseMaker, Team

pytestmark = pytest.mark.gui


def available() -> QRect:
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    return screen.availableGeometry()


def test_the_tests_run_on_a_laptop_screen(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert (available().width(), available().height()) == (1366, 768)


def shown(qtbot, ui_context, actor, page: str) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ui_context(actor), "test.sqlite3")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_page(page)
    return window


def test_the_window_opens_within_the_screen_and_remembers_its_geometry(qtbot, ui_context, team: Team) -> None:  # type: ignore[no-untyped-def]
    window = shown(qtbot, ui_context, team.clerk, "dashboard")
    assert available().contains(window.frameGeometry()), (window.frameGeometry(), available())
    window.resize(1100, 640)
    window.move(40, 30)
    window.closeEvent(QCloseEvent())
    again = shown(qtbot, ui_context, team.clerk, "dashboard")
    assert (again.width(), again.height()) == (1100, 640)
    assert again.x() == window.x() and again.y() == window.y()


def squashed(root: QWidget) -> list[str]:
    """Visible fields and lines of text shorter than they need to be drawn whole."""
    found = []
    for widget in root.findChildren(QWidget):
        if (
            not widget.isVisibleTo(root)
            or widget.width() <= 0
            or isinstance(widget.parent(), QAbstractSpinBox)
        ):
            continue  # (a spin box's own line editor is drawn inside its frame)
        if isinstance(widget, QLabel) and widget.text():
            need = (
                widget.heightForWidth(widget.width())
                if widget.wordWrap()
                else widget.minimumSizeHint().height()
            )
        elif isinstance(widget, QLineEdit | QComboBox | QSpinBox) or (
            isinstance(widget, QAbstractButton) and widget.text()
        ):
            need = widget.minimumSizeHint().height()
        else:
            continue
        if widget.height() + 1 < need:
            name = widget.objectName() or type(widget).__name__
            text = getattr(widget, "text", lambda: "")()
            found.append(f"{name} {text[:20]!r}: {widget.height()} < {need}")
    return found


PAGES = [
    ("clerk", "dashboard"),
    ("clerk", "cases"),
    ("clerk", "register"),
    ("admin", "settings"),
]
CASE_TABS = [
    ("clerk", "draft", "case"),
    ("clerk", "certified", "certificate"),
    ("leader", "onsite_audit", "scoring"),
    ("leader", "document_review", "case"),
    ("committee", "committee_review", "committee"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_is_usable_at_1366_by_768(
    qtbot, ui_context, team: Team, make_case: CaseMaker, lang: str
) -> None:  # type: ignore[no-untyped-def]
    cases = {state: make_case(state) for state in {state for _, state, _ in CASE_TABS}}
    for user, page in PAGES + [(u, f"{tab}:{cases[state]}") for u, state, tab in CASE_TABS]:
        window = MainWindow(ui_context(getattr(team, user), lang), "test.sqlite3")
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.show_page(page)
        if page.startswith("case:") and user == "leader":
            window.pages["case"].set_tab("review")  # type: ignore[attr-defined]
        qtbot.wait(50)
        assert available().contains(window.frameGeometry())
        assert not squashed(window), (lang, page, squashed(window))
        window.closeEvent(QCloseEvent())
