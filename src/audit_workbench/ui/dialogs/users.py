"""Adding a user and changing a user's roles (administrators only; the user service checks again)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ...core.policy import Role
from ...services.users import MIN_PASSWORD_LENGTH
from ..context import UiContext
from .form import FormDialog, Submit


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


def _buttons(dialog: FormDialog, ok_text: str) -> None:
    dialog.ok_button.setText(ok_text)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
        QCoreApplication.translate("UserDialogs", "取消")
    )


class AddUserDialog(FormDialog):
    """A new user: login name, name, first password and roles. The user service checks the rules
    (name, password strength); its refusal is shown here and the dialog stays open."""

    FIELDS_BY_CODE = {  # noqa: RUF012
        "bad_user_name": "name_edit",
        "user_exists": "name_edit",
        "weak_password": "password_edit",
        "no_role": "name_edit",
    }

    def __init__(
        self, context: UiContext, parent: QWidget | None = None, submit: Submit | None = None
    ) -> None:
        super().__init__(self.tr("新增用户"), parent, submit)
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
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setVerticalSpacing(10)
        self.form.addRow(self.tr("用户名"), self.name_edit)
        self.form.addRow(self.tr("姓名"), self.display_edit)
        self.form.addRow(self.tr("初始密码"), self.password_edit)
        self.form.addRow(self.tr("角色"), self.role_boxes)
        _buttons(self, self.tr("新增"))
        self.finish(self.name_edit)

    def problem(self) -> tuple[str, QWidget | None] | None:
        if not self.name_edit.text().strip():
            return self.tr("请填写用户名"), self.name_edit
        if not self.display_edit.text().strip():
            return self.tr("请填写姓名（窗口和文件中以姓名称呼用户）"), self.display_edit
        if not self.password_edit.text():
            return self.tr("请填写初始密码"), self.password_edit
        if not self.role_boxes.roles():
            return self.tr("请至少选择一个角色"), None
        return None

    def new_user(self) -> NewUser:
        return NewUser(
            self.name_edit.text().strip(),
            self.display_edit.text().strip(),
            self.password_edit.text(),
            self.role_boxes.roles(),
        )

    def value(self) -> NewUser:
        return self.new_user()

    @classmethod
    def ask(cls, context: UiContext, parent: QWidget | None = None, submit: Submit | None = None) -> Any:
        return cls(context, parent, submit).run()


class RolesDialog(FormDialog):
    def __init__(
        self,
        context: UiContext,
        user_name: str,
        roles: tuple[str, ...],
        parent: QWidget | None = None,
        submit: Submit | None = None,
    ) -> None:
        super().__init__(self.tr("设置角色 — {name}").format(name=context.person(user_name)), parent, submit)
        self.setMinimumWidth(480)
        self.role_boxes = _RoleBoxes(context, roles)
        note = QLabel(self.tr("一人可兼任多个角色；参与评审的人员不能对同一案件表决。"))
        note.setObjectName("pageSubtitle")
        note.setWordWrap(True)
        self.outer.insertWidget(0, self.role_boxes)
        self.outer.insertWidget(1, note)
        _buttons(self, self.tr("保存"))
        first = next(iter(self.role_boxes.boxes.values()), None)
        self.finish(first)

    def problem(self) -> tuple[str, QWidget | None] | None:
        if not self.role_boxes.roles():
            return self.tr("请至少选择一个角色"), None
        return None

    def value(self) -> tuple[str, ...]:
        return self.role_boxes.roles()

    @classmethod
    def ask(
        cls,
        context: UiContext,
        user_name: str,
        roles: tuple[str, ...],
        parent: QWidget | None = None,
        submit: Submit | None = None,
    ) -> Any:
        return cls(context, user_name, roles, parent, submit).run()


class PasswordDialog(FormDialog):
    """A new password, typed twice (an administrator resetting a user's). The user service says
    whether it is strong enough; the dialog stays open until it is."""

    FIELDS_BY_CODE = {"weak_password": "password_edit"}  # noqa: RUF012

    def __init__(self, user_name: str, parent: QWidget | None = None, submit: Submit | None = None) -> None:
        super().__init__(self.tr("重置密码 — {name}").format(name=user_name), parent, submit)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("新密码"), self.password_edit)
        self.form.addRow(self.tr("再次输入"), self.repeat_edit)
        _buttons(self, self.tr("保存"))
        self.finish(self.password_edit)

    def problem(self) -> tuple[str, QWidget | None] | None:
        if not self.password_edit.text():
            return self.tr("请输入新密码"), self.password_edit
        if self.password_edit.text() != self.repeat_edit.text():
            return self.tr("两次输入的密码不一致"), self.repeat_edit
        return None

    def value(self) -> str:
        return self.password_edit.text()

    @classmethod
    def ask(cls, user_name: str, parent: QWidget | None = None, submit: Submit | None = None) -> Any:
        return cls(user_name, parent, submit).run()


class ChangeOwnPasswordDialog(FormDialog):
    """文件 › 修改我的密码: the current password, then the new one twice."""

    FIELDS_BY_CODE = {  # noqa: RUF012
        "login_failed": "current_edit",
        "login_delayed": "current_edit",
        "weak_password": "password_edit",
    }

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("修改我的密码 — {name}").format(name=context.actor.display_name), parent)
        self.context = context
        self.current_edit = QLineEdit()
        self.current_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("当前密码"), self.current_edit)
        self.form.addRow(self.tr("新密码"), self.password_edit)
        self.form.addRow(self.tr("再次输入"), self.repeat_edit)
        _buttons(self, self.tr("修改"))
        self.submit = self._change
        self.finish(self.current_edit)

    def problem(self) -> tuple[str, QWidget | None] | None:
        if not self.current_edit.text():
            return self.tr("请输入当前密码"), self.current_edit
        if not self.password_edit.text():
            return self.tr("请输入新密码"), self.password_edit
        if self.password_edit.text() != self.repeat_edit.text():
            return self.tr("两次输入的密码不一致"), self.repeat_edit
        return None

    def value(self) -> tuple[str, str]:
        return self.current_edit.text(), self.password_edit.text()

    def _change(self, passwords: tuple[str, str]) -> bool:
        current, new = passwords
        services, actor = self.context.services, self.context.actor
        services.users.login(actor.name, current)  # the current password, checked as a login is
        services.users.change_password(actor, actor.name, new)
        return True

    @classmethod
    def ask(cls, context: UiContext, parent: QWidget | None = None) -> Any:
        return cls(context, parent).run()
