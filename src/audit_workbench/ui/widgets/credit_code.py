"""The unified social credit code checked as it is typed (core.creditcode), with the reason shown.

`CreditCodeChecker` attaches to a line editor and a label under it: it keeps the editor to the
code's characters, upper-cases what is typed, and says in the label how many characters are
missing, which character is not allowed, or which check character was expected. The new
application dialog and the application tab share it, so a clerk sees the same words in both.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLabel, QLineEdit

from ...core import creditcode

LENGTH = 18


class CreditCodeChecker(QObject):
    """Checks `edit` on every keystroke and shows the verdict in `status`."""

    sig_validity_changed = Signal(bool)

    def __init__(self, edit: QLineEdit, status: QLabel) -> None:
        super().__init__(edit)
        self.edit = edit
        self.status = status
        self._valid = False
        edit.setMaxLength(LENGTH)
        edit.setPlaceholderText(self.tr("18 位统一社会信用代码"))
        edit.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9A-Za-z]{0,18}"), edit))
        status.setWordWrap(True)
        edit.textChanged.connect(self._on_edit_text_changed)
        self._on_edit_text_changed(edit.text())

    def is_valid(self) -> bool:
        return self._valid

    def recheck(self) -> None:
        """Check the editor's text again (after it was set with its signals blocked)."""
        self._on_edit_text_changed(self.edit.text())

    def problem(self) -> str:
        """What is wrong with the code as typed ("" when it is valid)."""
        return "" if self._valid else self.status.text()

    def _on_edit_text_changed(self, text: str) -> None:
        upper = text.upper()
        if upper != text:
            position = self.edit.cursorPosition()
            self.edit.setText(upper)  # re-enters this slot with the upper-case text
            self.edit.setCursorPosition(position)
            return
        if not text:
            self._show(self.tr("请输入统一社会信用代码") if self.edit.isModified() else "", ok=None)
        elif len(text) < LENGTH:
            self._show(self.tr("还差 {n} 位").format(n=LENGTH - len(text)), ok=None)
        else:
            try:
                creditcode.validate(text)
            except creditcode.CreditCodeError:
                self._show(self._problem(text), ok=False)
            else:
                self._show(self.tr("✓ 校验通过"), ok=True)
        valid = creditcode.is_valid(text)
        if valid != self._valid:
            self._valid = valid
            self.sig_validity_changed.emit(valid)

    def _problem(self, text: str) -> str:
        for position, ch in enumerate(text, start=1):
            if ch not in creditcode.ALPHABET:
                return self.tr("第 {n} 位字符“{ch}”不允许出现在统一社会信用代码中").format(n=position, ch=ch)
        if not text[2:8].isdigit():
            return self.tr("第 3–8 位应为行政区划码（数字）")
        expected = creditcode.check_character(text[:17])
        return self.tr("校验位应为“{expected}”，而不是“{got}”").format(expected=expected, got=text[17])

    def _show(self, text: str, ok: bool | None) -> None:
        self.status.setText(text)
        self.status.setObjectName({True: "okText", False: "errorText", None: "pageSubtitle"}[ok])
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
