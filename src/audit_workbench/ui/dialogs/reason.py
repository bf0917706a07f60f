"""Asking for a reason (suspend, withdraw, restore…): a required, multi-line text, handed to the
action it is for; a refusal is shown in the dialog, which stays open (ui.dialogs.form). With `codes`
(a suspension's or withdrawal's reason codes) the reason code is chosen too, and the value is
(code, reason)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QPlainTextEdit, QWidget

from .form import FormDialog, Submit


class ReasonDialog(FormDialog):
    FIELDS_BY_CODE = {"missing_value": "text_edit", "too_long": "text_edit"}  # noqa: RUF012

    def __init__(
        self,
        title: str,
        prompt: str,
        ok_text: str = "",
        parent: QWidget | None = None,
        submit: Submit | None = None,
        codes: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(title, parent, submit)
        self.code_combo: QComboBox | None = None
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText(self.tr("请填写原因（将记入审计日志）；回车确定，Shift+回车换行"))
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(90)
        self.ok_button.setText(ok_text or self.tr("确定"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.outer.setContentsMargins(18, 16, 18, 14)
        self.outer.setSpacing(10)
        self.outer.insertWidget(0, label)
        self.outer.insertWidget(1, self.text_edit)
        if codes:
            self.code_combo = QComboBox()
            self.code_combo.setAccessibleName(self.tr("原因代码"))
            for code, text in codes:
                self.code_combo.addItem(f"{code} {text}", code)
            self.outer.insertWidget(1, self.code_combo)
        self.finish(self.code_combo or self.text_edit)

    def reason(self) -> str:
        return self.text_edit.toPlainText().strip()

    def value(self) -> Any:
        if self.code_combo is not None:
            return (self.code_combo.currentData(), self.reason())
        return self.reason()

    def problem(self) -> tuple[str, QWidget | None] | None:
        if not self.reason():
            return self.tr("请填写原因"), self.text_edit
        return None

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        title: str,
        prompt: str,
        ok_text: str = "",
        submit: Submit | None = None,
        codes: Sequence[tuple[str, str]] | None = None,
    ) -> Any:
        """What `submit` returned (the reason itself without one), or None when cancelled."""
        return cls(title, prompt, ok_text, parent, submit, codes).run()
