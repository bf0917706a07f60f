"""First start: no database yet (or one without any user) — offer to create one, with demo data, with
a first administrator, or (on a laptop) from an audit package the office exported."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
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
    package: Path | None = None  # a laptop database made from this checkout package


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
        self.demo_radio = QRadioButton(self.tr("创建并填入示例数据（示例用户的密码均为 demo-pass-2026）"))
        self.empty_radio = QRadioButton(self.tr("创建空数据库，并设置第一位系统管理员"))
        self.package_radio = QRadioButton(self.tr("用办公室导出的审核包创建现场笔记本数据库"))
        self.package_button = QPushButton(self.tr("选择审核包…"))
        self.package_button.clicked.connect(self._on_package_button_clicked)
        self.package_label = QLabel(self.tr("评审组成员以办公室发放的一次性代码首次登录"))
        self.package_label.setObjectName("pageSubtitle")
        self.package_label.setWordWrap(True)
        self.package: Path | None = None
        self.demo_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.demo_radio)
        group.addButton(self.empty_radio)
        group.addButton(self.package_radio)
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
        for widget in (
            self.demo_radio,
            self.empty_radio,
            self.package_radio,
            self.admin_edit,
            self.password_edit,
        ):
            signal = widget.toggled if isinstance(widget, QRadioButton) else widget.textChanged
            signal.connect(self._update)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self.demo_radio)
        layout.addWidget(self.empty_radio)
        layout.addWidget(self.admin_form)
        layout.addWidget(self.package_radio)
        package_row = QHBoxLayout()
        package_row.setContentsMargins(24, 0, 0, 0)
        package_row.addWidget(self.package_button)
        package_row.addWidget(self.package_label, 1)
        layout.addLayout(package_row)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        empty = self.empty_radio.isChecked()
        from_package = self.package_radio.isChecked()
        self.admin_form.setEnabled(empty)
        self.package_button.setEnabled(from_package)
        ok = (
            not empty
            or (bool(self.admin_edit.text().strip()) and len(self.password_edit.text()) >= MIN_PASSWORD)
        ) and (not from_package or self.package is not None)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def _on_package_button_clicked(self) -> None:
        from .packages import PackageFile

        chosen = PackageFile.ask_open(self, self.tr("选择审核包"))
        if chosen is not None:
            self.package = chosen
            self.package_label.setText(chosen.name)
        self._update()

    def choice(self) -> NewDatabase:
        if self.demo_radio.isChecked():
            return NewDatabase(demo=True)
        if self.package_radio.isChecked():
            return NewDatabase(False, package=self.package)
        return NewDatabase(False, self.admin_edit.text().strip(), self.password_edit.text())

    @classmethod
    def ask(cls, location: str, parent: QWidget | None = None, empty: bool = False) -> NewDatabase | None:
        dialog = cls(location, parent, empty)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.choice()
        return None
