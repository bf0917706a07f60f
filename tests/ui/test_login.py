"""The login dialog refuses a wrong password and lets the right one in, without blocking."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from audit_workbench.ui.dialogs.login import LoginDialog

from ..conftest import PASSWORD

pytestmark = pytest.mark.gui


def _ok(dialog: LoginDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_wrong_password_is_refused_in_the_dialog(qtbot, services, team) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(services, "zh", "clerk")
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("not-the-password")
    _ok(dialog)
    assert dialog.actor is None
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not dialog.error_label.isHidden()
    assert dialog.error_label.text() == "用户名或密码错误；再错 2 次后需等待才能重试"
    assert dialog.password_edit.text() == ""  # cleared for the next try


def test_wrong_password_in_english(qtbot, services, team) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(services, "en", "clerk")
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("nope-nope")
    _ok(dialog)
    assert dialog.error_label.text() == "wrong user name or password; 2 tries left before a delay"


def test_right_password_logs_in(qtbot, services, team) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(services, "zh")
    qtbot.addWidget(dialog)
    dialog.user_edit.setText("clerk")
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        _ok(dialog)
    assert dialog.actor is not None and dialog.actor.name == "clerk"


def test_empty_user_name(qtbot, services, team) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(services)
    qtbot.addWidget(dialog)
    _ok(dialog)
    assert dialog.error_label.text() == "请输入用户名"
