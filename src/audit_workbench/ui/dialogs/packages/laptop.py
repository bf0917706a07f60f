"""The laptop's keys in the window: the one-time codes shown once at checkout, the laptop password set
at a member's first login, and the password that signs the results going back.

Each dialog has classmethods (`present`, `ask_new`, `ask_signing`) that tests replace, so nothing
blocks on `exec()`.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ....services.users import MIN_PASSWORD_LENGTH
from ...widgets.common import set_up_table


class LaptopCodesDialog(QDialog):
    """一次性笔记本代码: each team member's code, shown once (the office keeps none of them)."""

    def __init__(self, codes: Mapping[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.codes = dict(codes)
        self.setWindowTitle(self.tr("一次性笔记本代码"))
        self.setMinimumWidth(520)
        intro = QLabel(
            self.tr(
                "请将每位评审组成员的一次性代码交给本人（打印或抄写）。代码只显示这一次，办公室不保存。"
                "成员在现场笔记本上首次登录时以代码作为密码，并设置本机密码；评审结果用其签名带回。"
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.codes), 2)
        self.table.setHorizontalHeaderLabels([self.tr("评审组成员"), self.tr("一次性代码")])
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for row, (name, code) in enumerate(sorted(self.codes.items())):
            self.table.setItem(row, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(code)
            item.setFont(fixed)
            self.table.setItem(row, 1, item)
        set_up_table(self.table, stretch_column=1, sortable=False)
        self.copy_button = QPushButton(self.tr("复制全部"))
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("已交给各成员"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def text(self) -> str:
        return "\n".join(f"{name}\t{code}" for name, code in sorted(self.codes.items()))

    def _on_copy_button_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.text())

    @classmethod
    def present(cls, codes: Mapping[str, str], parent: QWidget | None = None) -> None:
        if codes:
            cls(codes, parent).exec()


class LaptopPasswordDialog(QDialog):
    """设置本机密码 (new: twice) or 输入本机密码 (to sign the results, or to keep a new key)."""

    def __init__(self, user: str, message: str, new: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new = new
        self.setWindowTitle(self.tr("设置本机密码") if new else self.tr("输入本机密码"))
        self.setMinimumWidth(440)
        intro = QLabel(message)
        intro.setWordWrap(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_edit = QLineEdit()
        self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        form = QFormLayout()
        form.addRow(self.tr("用户"), QLabel(user))
        form.addRow(self.tr("本机密码"), self.password_edit)
        if new:
            self.password_edit.setPlaceholderText(self.tr("至少 {n} 个字符").format(n=MIN_PASSWORD_LENGTH))
            form.addRow(self.tr("再次输入"), self.again_edit)
        else:
            self.again_edit.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("确定"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.password_edit.textChanged.connect(self._update)
        self.again_edit.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self, *_args: object) -> None:
        password = self.password_edit.text()
        problem = ""
        if self.new and password and len(password) < MIN_PASSWORD_LENGTH:
            problem = self.tr("本机密码至少需要 {n} 个字符").format(n=MIN_PASSWORD_LENGTH)
        elif self.new and self.again_edit.text() and self.again_edit.text() != password:
            problem = self.tr("两次输入的密码不一致")
        self.error_label.setText(problem)
        self.ok_button.setEnabled(
            bool(password) and not problem and (not self.new or self.again_edit.text() == password)
        )

    def password(self) -> str:
        return self.password_edit.text()

    @classmethod
    def ask_new(cls, user: str, message: str, parent: QWidget | None = None) -> str | None:
        """The laptop password a first login with a one-time code sets (None: cancelled)."""
        dialog = cls(user, message, True, parent)
        return dialog.password() if dialog.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def ask_keep(cls, user: str, message: str, parent: QWidget | None = None) -> str | None:
        """The member's laptop password, to keep the key a new one-time code brings (None: cancelled)."""
        dialog = cls(user, message, False, parent)
        return dialog.password() if dialog.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def ask_signing(cls, user: str, parent: QWidget | None = None) -> str | None:
        """The laptop password that opens the member's signing key (None: cancelled)."""
        dialog = cls(
            user,
            QCoreApplication.translate(
                "LaptopPasswordDialog", "带回办公室的评审结果将用您的签名密钥签署。请输入本机密码。"
            ),
            False,
            parent,
        )
        return dialog.password() if dialog.exec() == QDialog.DialogCode.Accepted else None
