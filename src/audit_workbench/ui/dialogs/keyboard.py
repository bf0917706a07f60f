"""帮助 › 键盘操作 (F1): every key of the window on one page, in the UI language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """(section, [(keys, what they do)]) — the source of the help page (and of its test)."""
    return [
        (
            QCoreApplication.translate("KeyboardHelp", "整个窗口"),
            [
                (
                    "Ctrl+1 … Ctrl+5",
                    QCoreApplication.translate(
                        "KeyboardHelp", "工作台、案件、当前案件、证书登记册、系统设置"
                    ),
                ),
                ("F5", QCoreApplication.translate("KeyboardHelp", "刷新当前页面")),
                ("Ctrl+L", QCoreApplication.translate("KeyboardHelp", "切换用户")),
                ("Ctrl+Q", QCoreApplication.translate("KeyboardHelp", "退出（有未保存的修改时先询问）")),
                ("F1", QCoreApplication.translate("KeyboardHelp", "本页：键盘操作")),
            ],
        ),
        (
            QCoreApplication.translate("KeyboardHelp", "案件列表"),
            [
                ("Ctrl+F", QCoreApplication.translate("KeyboardHelp", "搜索组织名称、信用代码或案件编号")),
                ("Ctrl+N", QCoreApplication.translate("KeyboardHelp", "新建申请")),
                (
                    QCoreApplication.translate("KeyboardHelp", "回车"),
                    QCoreApplication.translate("KeyboardHelp", "打开所选案件"),
                ),
            ],
        ),
        (
            QCoreApplication.translate("KeyboardHelp", "申请"),
            [("Ctrl+S", QCoreApplication.translate("KeyboardHelp", "保存申请组织信息"))],
        ),
        (
            QCoreApplication.translate("KeyboardHelp", "现场评分"),
            [
                (
                    QCoreApplication.translate("KeyboardHelp", "数字、回车"),
                    QCoreApplication.translate(
                        "KeyboardHelp", "键入分数，回车保存并跳到下一项（Tab 同样保存，Esc 取消）"
                    ),
                ),
                ("N", QCoreApplication.translate("KeyboardHelp", "不适用（填写原因后跳到下一项）")),
                ("S", QCoreApplication.translate("KeyboardHelp", "按抽样评分（填写抽样数后跳到下一项）")),
                ("+ / −", QCoreApplication.translate("KeyboardHelp", "加减 0.5 分")),
                ("F", QCoreApplication.translate("KeyboardHelp", "满分")),
                ("Del", QCoreApplication.translate("KeyboardHelp", "清除评分")),
                (
                    "C",
                    QCoreApplication.translate(
                        "KeyboardHelp", "编辑说明：回车保存并回到评分表，Shift+回车换行，Esc 放弃"
                    ),
                ),
                ("E", QCoreApplication.translate("KeyboardHelp", "添加证据")),
                ("R", QCoreApplication.translate("KeyboardHelp", "就所选指标开具不符合项")),
                ("Ctrl+Z / Ctrl+Y", QCoreApplication.translate("KeyboardHelp", "撤销 / 重做")),
            ],
        ),
        (
            QCoreApplication.translate("KeyboardHelp", "对话框"),
            [
                (
                    QCoreApplication.translate("KeyboardHelp", "回车"),
                    QCoreApplication.translate("KeyboardHelp", "确定（多行文字中 Shift+回车换行）"),
                ),
                ("Esc", QCoreApplication.translate("KeyboardHelp", "取消")),
                ("Tab", QCoreApplication.translate("KeyboardHelp", "下一栏")),
            ],
        ),
    ]


class KeyboardHelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("键盘操作"))
        self.table = QTableWidget(self)
        self.table.setObjectName("keyboard_help")
        self.table.setColumnCount(2)
        self.table.setHorizontalHeaderLabels([self.tr("按键"), self.tr("作用")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        rows = 0
        for title, keys in sections():
            self.table.setRowCount(rows + 1 + len(keys))
            heading = QTableWidgetItem(title)
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            self.table.setItem(rows, 0, heading)
            self.table.setSpan(rows, 0, 1, 2)
            rows += 1
            for key, what in keys:
                key_item = QTableWidgetItem(key)
                key_item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(rows, 0, key_item)
                self.table.setItem(rows, 1, QTableWidgetItem(what))
                rows += 1
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        screen = self.screen().availableGeometry() if self.screen() else None
        self.resize(
            min(720, screen.width() - 40) if screen else 720,
            min(640, screen.height() - 60) if screen else 640,
        )

    @classmethod
    def show_for(cls, parent: QWidget | None) -> KeyboardHelpDialog:
        """Shown without blocking, so it can stay open beside the window while one learns the keys."""
        dialog = cls(parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
