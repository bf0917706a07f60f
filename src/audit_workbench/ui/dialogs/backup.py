"""Backing up the database from the window (administrators only) and the weekly reminder.

文件 › 备份数据库… asks for a file (`BackupFile.ask`) and runs `services.backup.backup` in the
background with a cancellable progress dialog: one signed file holding a consistent snapshot of the
database and its attachments, taken while the window keeps working. The message that follows says
that the body's signing key is not in the backup, and how to keep it (`keys backup`).

When an administrator logs in and the database was never backed up, or not for more than
`REMIND_AFTER`, a notice bar under the menu says so, with a button that starts the backup (and one
that hides it until the next login). Nobody else sees the bar or the menu entry. A database on a
server is backed up with the server's tools: the entry is disabled with that reason, and no reminder.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QToolBar,
    QWidget,
)

from ...core.errors import Refused
from ...core.policy import Role
from .. import workers
from ..context import Messages, UiContext
from ..widgets.common import SP, std_icon

if TYPE_CHECKING:
    from ...services.backup import BackupSummary  # the service itself is imported when it is used

REMIND_AFTER = timedelta(days=7)


class BackupFile:
    """Where to write a backup. Tests replace `ask`."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, suggested: str) -> Path | None:
        filters = QCoreApplication.translate("BackupFile", "数据库备份 (*.awb)")
        # The service never overwrites a file (it says so): no second "replace?" question first.
        name, _ = QFileDialog.getSaveFileName(
            parent, title, suggested, filters, options=QFileDialog.Option.DontConfirmOverwrite
        )
        return Path(name) if name else None


def with_awb_suffix(path: Path) -> Path:
    return path if path.suffix.lower() == ".awb" else path.with_name(path.name + ".awb")


def on_server(context: UiContext) -> bool:
    return not str(context.services.db.url).startswith("sqlite")


def backup_overdue(context: UiContext) -> tuple[bool, datetime | None]:
    """(whether to remind, when the last backup was): never, or longer ago than REMIND_AFTER."""
    from ...services.backup import last_backup

    last = last_backup(context.services)
    if last is None:
        return True, None
    now = context.services.now()
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return now - last > REMIND_AFTER, last


class BackupReminderBar(QFrame):
    """The notice under the menu: how old the last backup is, 立即备份…, 稍后提醒."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backupReminder")
        self.setStyleSheet(
            "QFrame#backupReminder { background: #fff4dc; border: 1px solid #f0d49a; border-radius: 4px; }"
            "QFrame#backupReminder QLabel { color: #6b4500; }"
        )
        icon = QLabel()
        icon.setPixmap(std_icon(SP.SP_MessageBoxWarning).pixmap(18, 18))
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.backup_button = QPushButton(std_icon(SP.SP_DialogSaveButton), self.tr("立即备份…"))
        self.backup_button.setObjectName("primary")
        self.later_button = QPushButton(self.tr("稍后提醒"))
        self.later_button.setToolTip(self.tr("下次登录时再提醒"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        layout.setSpacing(10)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.backup_button)
        layout.addWidget(self.later_button)

    def set_last(self, context: UiContext, last: datetime | None) -> None:
        if last is None:
            text = self.tr("本数据库尚未备份过。建议至少每周备份一次，以免电脑故障时丢失认证记录。")
        else:
            days = max((context.services.now() - last).days, 0)
            text = self.tr("上次备份是 {days} 天前（{when}）。建议至少每周备份一次。").format(
                days=days, when=context.fmt_datetime(last)
            )
        self.text_label.setText(text)


class BackupActions(QObject):
    """文件 › 备份数据库… and the reminder bar, for one main window (administrators only)."""

    def __init__(self, window: QMainWindow, menu: QMenu, before: QAction | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.action = QAction(std_icon(SP.SP_DialogSaveButton), self.tr("备份数据库(&K)…"), window)
        self.action.triggered.connect(self.back_up)
        self.separator = QAction(window)
        self.separator.setSeparator(True)
        if before is not None:
            menu.insertActions(before, [self.action, self.separator])
        else:
            menu.addActions([self.action, self.separator])
        self.bar = BackupReminderBar()
        self.bar.backup_button.clicked.connect(self.back_up)
        self.bar.later_button.clicked.connect(self.hide_reminder)
        self.toolbar = QToolBar(self.tr("备份提醒"), window)
        self.toolbar.setObjectName("backupReminderBar")
        self.toolbar.setMovable(False)
        self.toolbar.setFloatable(False)
        self.toolbar.toggleViewAction().setVisible(False)
        self.toolbar.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self.toolbar.setStyleSheet("QToolBar { border: none; padding: 6px 10px 0 10px; }")
        self.toolbar.addWidget(self.bar)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.toolbar.hide()
        self.last_summary: BackupSummary | None = None

    @property
    def context(self) -> UiContext:
        return self.window.context  # type: ignore[attr-defined,no-any-return]

    @property
    def reminder_shown(self) -> bool:
        return not self.toolbar.isHidden()

    def show_user(self) -> None:
        """Show the entry (and, when a backup is due, the reminder) to administrators only."""
        context = self.context
        admin = context.has_role(Role.admin)
        self.action.setVisible(admin)
        self.separator.setVisible(admin)
        server = on_server(context)
        self.action.setEnabled(admin and not server)
        tip = (
            self.tr("服务器数据库请使用服务器自带工具（pg_dump）备份")
            if server
            else self.tr("将数据库和附件备份为一个带校验的文件，备份时可继续工作")
        )
        self.action.setToolTip(tip)
        self.action.setStatusTip(tip)
        self.check_reminder()

    def check_reminder(self) -> None:
        context = self.context
        if not context.has_role(Role.admin) or on_server(context):
            self.hide_reminder()
            return
        due, last = backup_overdue(context)
        if not due:
            self.hide_reminder()
            return
        self.bar.set_last(context, last)
        self.toolbar.show()

    def hide_reminder(self) -> None:
        self.toolbar.hide()

    def back_up(self) -> None:
        context = self.context
        if not context.has_role(Role.admin):  # the entry is hidden; never reached from the window
            return
        suggested = f"audit-workbench-{context.services.today():%Y-%m-%d}.awb"
        path = BackupFile.ask(self.window, self.tr("备份数据库"), suggested)
        if path is None:
            return
        path = with_awb_suffix(path)
        services, actor = context.services, context.actor
        from ...services.backup import backup

        def work(progress: workers.Progress, cancel: threading.Event) -> BackupSummary:
            progress(0, 0)  # the snapshot itself reports nothing: a busy bar until the files
            return backup(services, actor, path, progress=progress, cancel=cancel)

        workers.runner().run(
            work, self._done, label=self.tr("正在备份数据库…"), parent=self.window, on_failed=self._failed
        )

    def _done(self, summary: BackupSummary) -> None:
        self.last_summary = summary
        self.check_reminder()
        Messages.information(
            self.window,
            self.tr("备份完成"),
            self.tr(
                "已备份到 {file}\n{events} 条事件记录，{attachments} 个附件，共 {size}。\n校验值 SHA-256：{sha}\n"
                "日志锚点：{anchor}\n备份已用机构密钥签名（{key}）。"
            ).format(
                file=summary.path,
                events=summary.events,
                attachments=summary.attachments,
                size=_size(summary.bytes),
                sha=summary.sha256,
                anchor=summary.anchor,
                key=summary.signed_by[:19] + "…",
            )
            + "\n\n"
            + key_custody_text(),
        )

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, Refused):
            if exc.code == "cancelled":
                self.window.statusBar().showMessage(self.tr("备份已取消，未写入任何内容"), 5000)
                return
            Messages.warning(self.window, self.tr("无法备份数据库"), self.context.refusal_text(exc))
            return
        if isinstance(exc, OSError):
            Messages.warning(self.window, self.tr("无法备份数据库"), str(exc))
            return
        raise exc


def key_custody_text() -> str:
    """What the backup does not hold, and how to keep it: shown after every backup."""
    return QCoreApplication.translate(
        "BackupActions",
        "注意：机构的签名密钥不在数据库备份中。请另行保管：在命令行运行\n"
        "audit-workbench --user 管理员 keys backup -o 密钥备份.pem\n"
        "（以口令加密），把该文件与口令分开、离开本机保存。在另一台电脑上恢复数据库后，用\n"
        "audit-workbench --user 管理员 keys restore 密钥备份.pem 安装密钥，才能继续签发证书。",
    )


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{max(n, 1) / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
