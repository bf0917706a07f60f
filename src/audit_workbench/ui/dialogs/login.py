"""The login dialog: user name and password, checked by the user service before the window opens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import Refused
from ...services import Actor, Services
from ..widgets.common import SP, std_icon


class LoginDialog(QDialog):
    def __init__(
        self,
        services: Services,
        lang: str = "zh",
        user_name: str = "",
        body_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.lang = lang
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("登录 — 售后服务认证工作台"))
        self.setWindowIcon(std_icon(SP.SP_DialogApplyButton))
        self.setMinimumWidth(400)

        title = QLabel(self.tr("售后服务认证工作台"))
        title.setObjectName("pageTitle")
        subtitle = QLabel(body_name or self.tr("GB/T 27922 商品售后服务评价体系认证"))
        subtitle.setObjectName("pageSubtitle")

        self.user_edit = QLineEdit(user_name)
        self.user_edit.setPlaceholderText(self.tr("用户名"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("密码"))
        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(10)
        form.addRow(self.tr("用户名"), self.user_edit)
        form.addRow(self.tr("密码"), self.password_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("登录"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        (self.password_edit if user_name else self.user_edit).setFocus()

    def _on_buttons_accepted(self) -> None:
        name = self.user_edit.text().strip()
        if not name:
            self._show_error(self.tr("请输入用户名"))
            return
        try:
            try:
                self.actor = self.services.users.login(name, self.password_edit.text())
            except Refused as exc:
                if exc.code not in ("new_password_required", "laptop_password_required"):
                    raise
                # a laptop's first login with a one-time code: the laptop password, then in
                from .packages.laptop import LaptopPasswordDialog

                if exc.code == "new_password_required":
                    laptop = LaptopPasswordDialog.ask_new(name, exc.message(self.lang), self)
                else:
                    laptop = LaptopPasswordDialog.ask_keep(name, exc.message(self.lang), self)
                if laptop is None:
                    return
                self.actor = self.services.users.login(name, self.password_edit.text(), new_password=laptop)
        except Refused as exc:
            self._show_error(exc.message(self.lang))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        self.accept()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    @classmethod
    def ask(
        cls,
        services: Services,
        lang: str = "zh",
        user_name: str = "",
        body_name: str = "",
        parent: QWidget | None = None,
    ) -> Actor | None:
        """The logged-in user, or None when the user cancelled."""
        dialog = cls(services, lang, user_name, body_name, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.actor
        return None
