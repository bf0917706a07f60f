"""First start: no database yet (or one without any user) — offer to create one, with demo data or
with a first administrator."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...services.users import MIN_PASSWORD_LENGTH as MIN_PASSWORD


@dataclass(frozen=True)
class NewDatabase:
    demo: bool
    admin_name: str = ""
    admin_password: str = ""


class CreateDatabaseDialog(QDialog):
    def __init__(self, location: str, parent: QWidget | None = None, empty: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("创建数据库"))
        self.setMinimumWidth(520)
        text = (
            self.tr("数据库中还没有任何用户：\n{location}\n\n是否现在设置？")
            if empty
            else self.tr("尚未找到数据库：\n{location}\n\n是否现在创建？")
        )
        intro = QLabel(text.format(location=location))
        intro.setWordWrap(True)
        self.demo_radio = QRadioButton(self.tr("创建并填入示例数据（示例用户的密码均为 demo1234）"))
        self.empty_radio = QRadioButton(self.tr("创建空数据库，并设置第一位系统管理员"))
        self.demo_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.demo_radio)
        group.addButton(self.empty_radio)
        self.admin_edit = QLineEdit("admin")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("至少 {n} 个字符").format(n=MIN_PASSWORD))
        self.admin_form = QWidget()
        form = QFormLayout(self.admin_form)
        form.setContentsMargins(24, 0, 0, 0)
        form.addRow(self.tr("管理员用户名"), self.admin_edit)
        form.addRow(self.tr("密码"), self.password_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("创建"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for widget in (self.demo_radio, self.empty_radio, self.admin_edit, self.password_edit):
            signal = widget.toggled if isinstance(widget, QRadioButton) else widget.textChanged
            signal.connect(self._update)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self.demo_radio)
        layout.addWidget(self.empty_radio)
        layout.addWidget(self.admin_form)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        empty = self.empty_radio.isChecked()
        self.admin_form.setEnabled(empty)
        ok = not empty or (
            bool(self.admin_edit.text().strip()) and len(self.password_edit.text()) >= MIN_PASSWORD
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def choice(self) -> NewDatabase:
        if self.demo_radio.isChecked():
            return NewDatabase(demo=True)
        return NewDatabase(False, self.admin_edit.text().strip(), self.password_edit.text())

    @classmethod
    def ask(cls, location: str, parent: QWidget | None = None, empty: bool = False) -> NewDatabase | None:
        dialog = cls(location, parent, empty)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.choice()
        return None
