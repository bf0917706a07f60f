"""The form dialog every dialog of the window builds on: it validates inline and stays open.

A dialog collects a value (`value()`), checks what it can see itself (`problem()`: an empty required
field), and hands the value to its `submit` — the service call it exists for. A refusal of that call
is shown inside the dialog, under the fields, with the offending field focused; the dialog stays open
with everything typed in it, so the user corrects one field instead of typing the form again. Only a
successful submit closes it, and `ask()` returns what the submit returned (None when cancelled).

The keyboard goes to the end: the dialog opens with the cursor in its first field, Enter confirms
(in a multi-line text, Shift+Enter starts a new line), Esc cancels.

The submit runs on the window's serial database worker (ui.workers), so a dialog on the office server
never freezes the window; its buttons are disabled while the call runs. Tests replace a dialog's
`ask` with a function that calls `submit` (tests/ui/conftest.py `submitting`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import Refused

Submit = Callable[[Any], Any]  # raises Refused to keep the dialog open with the message


class EnterConfirms(QObject):
    """On a multi-line editor: Enter (or Ctrl+Enter) confirms the dialog, Shift+Enter is a new line."""

    def __init__(self, dialog: QDialog, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self.dialog = dialog
        editor.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    return False  # the editor inserts the line break
                self.dialog.accept()
                return True
        return False


class FormDialog(QDialog):
    """A form, an inline problem line and OK/Cancel. Subclasses fill `self.form` (or `self.outer`),
    call `finish()`, and define `value()` (and `problem()` for what they check themselves)."""

    # Refusal codes → the attribute name of the field a refusal of that code is about.
    FIELDS_BY_CODE: ClassVar[dict[str, str]] = {}

    def __init__(self, title: str, parent: QWidget | None = None, submit: Submit | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.submit = submit
        self.result_value: Any = None
        self.busy = False
        self.first_field: QWidget | None = None
        self.outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.outer.addLayout(self.form)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("errorText")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def finish(self, first_field: QWidget | None = None) -> None:
        """Add the problem line and the buttons; `first_field` gets the cursor when the dialog opens."""
        self.outer.addWidget(self.problem_label)
        self.outer.addWidget(self.buttons)
        self.first_field = first_field
        for editor in self.findChildren(QPlainTextEdit):
            EnterConfirms(self, editor)

    def enter_confirms(self, editor: QPlainTextEdit) -> None:
        EnterConfirms(self, editor)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.first_field is not None:
            # after the window manager has activated the dialog, or the focus is lost to it
            QTimer.singleShot(0, self._focus_first)
            self._focus_first()

    def _focus_first(self) -> None:
        field = self.first_field
        if field is None:
            return
        field.setFocus(Qt.FocusReason.PopupFocusReason)
        select_all = getattr(field, "selectAll", None)
        if callable(select_all):
            select_all()

    # -- what subclasses define -------------------------------------------------------------------
    def value(self) -> Any:
        raise NotImplementedError

    def problem(self) -> tuple[str, QWidget | None] | None:
        """What is wrong that the dialog can see itself (message, field), or None."""
        return None

    # -- the inline problem -----------------------------------------------------------------------
    def show_problem(self, text: str, field: QWidget | None = None) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()
        target = field or self.first_field
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            select_all = getattr(target, "selectAll", None)
            if callable(select_all):
                select_all()

    def clear_problem(self) -> None:
        self.problem_label.clear()
        self.problem_label.hide()

    def problem_text(self) -> str:
        return "" if self.problem_label.isHidden() else self.problem_label.text()

    def field_for(self, refusal: Refused) -> QWidget | None:
        name = self.FIELDS_BY_CODE.get(refusal.code)
        return getattr(self, name, None) if name else None

    # -- accepting --------------------------------------------------------------------------------
    def accept(self) -> None:
        if self.busy:
            return
        found = self.problem()
        if found is not None:
            self.show_problem(*found)
            return
        value = self.value()
        if self.submit is None:
            self.result_value = value
            super().accept()
            return
        self._run_submit(value)

    def _run_submit(self, value: Any) -> None:
        from .. import workers

        submit = self.submit
        assert submit is not None
        self._set_busy(True)

        def done(result: Any) -> None:
            self._set_busy(False)
            self.result_value = result if result is not None else True
            QDialog.accept(self)

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            if not isinstance(exc, Refused):
                raise exc
            self.show_problem(exc.message(), self.field_for(exc))

        workers.call(submit, value, on_done=done, on_failed=failed, label=self.windowTitle(), parent=self)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)

    def run(self) -> Any:
        """Show the dialog; the submit's result (or the value without a submit), None when cancelled."""
        if self.exec() == QDialog.DialogCode.Accepted:
            return self.result_value
        return None
