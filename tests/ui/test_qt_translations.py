"""Qt's own dialogs in Chinese: the shipped catalogue, and the few words it lacks (ui.i18n.qt_gaps)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

from audit_workbench.ui import i18n

pytestmark = pytest.mark.gui


def test_the_file_dialog_speaks_chinese(qtbot) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    i18n.install("zh", app)
    dialog = QFileDialog(None, "选择文件")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert "查找范围(&L)：" in labels and "文件类型(&T)：" in labels and "文件名称(&N)：" in labels
    assert not {"&Look in:", "Files of &type:", "File &name:"} & labels
    assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder") == "文件夹"
    # the gaps translator answers only its own words: everything else still comes from the catalogues
    assert QCoreApplication.translate("QFileDialog", "New Folder") == "新建文件夹"
    assert QCoreApplication.translate("MainWindow", "工作台") == "工作台"


def test_english_has_no_chinese_gaps(qtbot) -> None:  # type: ignore[no-untyped-def]
    i18n.install("en", QApplication.instance())
    assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder") == "Folder"
