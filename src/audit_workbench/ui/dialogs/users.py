"""Adding a user and changing a user's roles (administrators only; the user service checks again)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...core.policy import Role
from ...services.users import MIN_PASSWORD_LENGTH
from ..context import UiContext


@dataclass(frozen=True)
class NewUser:
    name: str
    display_name: str
    password: str
    roles: tuple[str, ...]


class _RoleBoxes(QWidget):
    def __init__(
        self, context: UiContext, checked: tuple[str, ...] = (), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        self.boxes: dict[str, QCheckBox] = {}
        for role in Role:
            box = QCheckBox(context.role_label(role.value))
            box.setChecked(role.value in checked)
            self.boxes[role.value] = box
            layout.addWidget(box)
        layout.addStretch(1)

    def roles(self) -> tuple[str, ...]:
        return tuple(r for r, box in self.boxes.items() if box.isChecked())


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
        QCoreApplication.translate("UserDialogs", "取消")
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class AddUserDialog(QDialog):
    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新增用户"))
        self.setMinimumWidth(520)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("登录名，不含空格，例如 zhangwei"))
        self.display_edit = QLineEdit()
        self.display_edit.setPlaceholderText(self.tr("姓名，例如 张伟"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(
            self.tr("初始密码，至少 {n} 个字符").format(n=MIN_PASSWORD_LENGTH)
        )
        self.role_boxes = _RoleBoxes(context)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(10)
        form.addRow(self.tr("用户名"), self.name_edit)
        form.addRow(self.tr("姓名"), self.display_edit)
        form.addRow(self.tr("初始密码"), self.password_edit)
        form.addRow(self.tr("角色"), self.role_boxes)
        self.buttons = _buttons(self, self.tr("新增"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        for edit in (self.name_edit, self.password_edit):
            edit.textChanged.connect(self._update_ok)
        for box in self.role_boxes.boxes.values():
            box.toggled.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = (
            bool(self.name_edit.text().strip())
            and len(self.password_edit.text()) >= MIN_PASSWORD_LENGTH
            and bool(self.role_boxes.roles())
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def new_user(self) -> NewUser:
        return NewUser(
            self.name_edit.text().strip(),
            self.display_edit.text().strip(),
            self.password_edit.text(),
            self.role_boxes.roles(),
        )

    @classmethod
    def ask(cls, context: UiContext, parent: QWidget | None = None) -> NewUser | None:
        dialog = cls(context, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.new_user()
        return None


class RolesDialog(QDialog):
    def __init__(
        self, context: UiContext, user_name: str, roles: tuple[str, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("设置角色 — {name}").format(name=user_name))
        self.setMinimumWidth(480)
        self.role_boxes = _RoleBoxes(context, roles)
        note = QLabel(self.tr("一人可兼任多个角色；参与评审的人员不能对同一案件表决。"))
        note.setObjectName("pageSubtitle")
        note.setWordWrap(True)
        self.buttons = _buttons(self, self.tr("保存"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addWidget(self.role_boxes)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        for box in self.role_boxes.boxes.values():
            box.toggled.connect(self._update_ok)

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.role_boxes.roles()))

    @classmethod
    def ask(
        cls, context: UiContext, user_name: str, roles: tuple[str, ...], parent: QWidget | None = None
    ) -> tuple[str, ...] | None:
        dialog = cls(context, user_name, roles, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.role_boxes.roles()
        return None


class PasswordDialog(QDialog):
    def __init__(self, user_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("重置密码 — {name}").format(name=user_name))
        self.setMinimumWidth(420)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("新密码"), self.password_edit)
        form.addRow(self.tr("再次输入"), self.repeat_edit)
        self.buttons = _buttons(self, self.tr("保存"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        for edit in (self.password_edit, self.repeat_edit):
            edit.textChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        text = self.password_edit.text()
        ok = len(text) >= MIN_PASSWORD_LENGTH and text == self.repeat_edit.text()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    @classmethod
    def ask(cls, user_name: str, parent: QWidget | None = None) -> str | None:
        dialog = cls(user_name, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.password_edit.text()
        return None
