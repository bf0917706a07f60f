"""Asking for a reason (suspend, withdraw, restore, reject…): a required, multi-line text."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class ReasonDialog(QDialog):
    def __init__(self, title: str, prompt: str, ok_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText(self.tr("请填写原因（将记入审计日志）"))
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(90)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text or self.tr("确定"))
        self.ok_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text_edit.textChanged.connect(self._on_text_edit_text_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(label)
        layout.addWidget(self.text_edit)
        layout.addWidget(self.buttons)

    def _on_text_edit_text_changed(self) -> None:
        self.ok_button.setEnabled(bool(self.reason()))

    def reason(self) -> str:
        return self.text_edit.toPlainText().strip()

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, prompt: str, ok_text: str = "") -> str | None:
        """The reason typed, or None when cancelled."""
        dialog = cls(title, prompt, ok_text, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.reason():
            return dialog.reason()
        return None
