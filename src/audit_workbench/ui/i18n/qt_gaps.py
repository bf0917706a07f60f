"""Qt's own strings that the Chinese catalogue shipped with PySide6 lacks.

`qtbase_zh_CN.qm` (PySide6's translations folder) is loaded for Qt's dialogs, but it lags the
library: Qt 6 renamed "Look in:" to "&Look in:" and "Files of type:" to "Files of &type:", and the
file icon provider's words ("Folder", "Computer") are not in it at all, so the file dialog came up
half in English. (File sizes and dates in the dialog follow the computer's own locale, not the
window's language: a Chinese desktop shows them in Chinese.) This translator answers exactly those, and nothing else; it is
installed after Qt's catalogue, so it is asked first (Qt asks the newest translator first).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTranslator

ZH: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "File"): "文件",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
    ("QAbstractFileIconProvider", "Computer"): "计算机",
    ("QAbstractFileIconProvider", "Desktop"): "桌面",
    ("QAbstractFileIconProvider", "Trashcan"): "回收站",
    ("QAbstractFileIconProvider", "Network"): "网络",
    ("QAbstractFileIconProvider", "Unknown"): "未知",
}


class QtGapsTranslator(QTranslator):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def isEmpty(self) -> bool:
        return False

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # Qt's virtual. None is a null string, "not mine" (an empty string would be a translation
        # into nothing, and would blank every other word of the window).
        return ZH.get((context, source))
