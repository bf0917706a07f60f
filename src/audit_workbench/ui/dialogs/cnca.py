"""上报 CNCA…: the month's report to the regulator, checked before it is written.

The dialog asks the same service as `register cnca`: it lists every required field that is missing
(the sheet, the certificate or case, the field, where to fill it in); double-clicking a line opens the
record. The report is written only when nothing is missing, or as a draft with the gaps in a sheet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core import cnca
from ...services.cnca import CncaReport, Gap
from ..context import Messages, UiContext
from ..files import FileDialogs
from ..models.rows import ROW_ROLE, Column, RowTableModel
from ..theme import BAD, OK
from ..widgets.common import set_up_table


class ReportPath:
    """Where to save the report. Tests replace `ask`."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, suggested: str) -> Path | None:
        return FileDialogs.save_file(parent, title, suggested, "Excel (*.xlsx)", purpose="exports")


def _months(today: date, count: int = 12) -> list[str]:
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(cnca.month_text(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


class CncaReportDialog(QDialog):
    sig_open = Signal(str)  # a certificate or case number to open

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.report: CncaReport | None = None
        self.setWindowTitle(self.tr("上报 CNCA"))
        self.resize(900, 520)
        template = context.services.cnca.template
        self.month_combo = QComboBox()
        months = _months(context.services.today())
        for month in months:
            self.month_combo.addItem(month, month)
        self.month_combo.setCurrentIndex(1)  # last month: due by the 10th
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.gaps_model: RowTableModel[Gap] = RowTableModel(
            [
                Column(self.tr("表"), lambda g: template.sheet(g.sheet).name),
                Column(self.tr("证书/案件"), lambda g: g.subject),
                Column(self.tr("缺少"), lambda g: f"{g.meaning}（{g.field}）"),
                Column(self.tr("在哪里填写"), lambda g: g.where),
            ]
        )
        self.gaps_view = QTableView()
        self.gaps_view.setModel(self.gaps_model)
        set_up_table(self.gaps_view, stretch_column=3, sortable=False)
        self.gaps_view.doubleClicked.connect(self._on_gap_double_clicked)
        self.export_button = QPushButton(self.tr("导出…"))
        self.export_button.setObjectName("primary")
        self.draft_button = QPushButton(self.tr("导出草稿…"))
        close = QPushButton(self.tr("关闭"))
        self.export_button.clicked.connect(lambda: self.export(draft=False))
        self.draft_button.clicked.connect(lambda: self.export(draft=True))
        close.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("上报月份")))
        top.addWidget(self.month_combo)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.draft_button, self.export_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.gaps_view, 1)
        layout.addLayout(buttons)
        self.month_combo.currentIndexChanged.connect(self.check)
        self.check()

    def month(self) -> str:
        return str(self.month_combo.currentData())

    def check(self) -> None:
        """Gather the month's rows and list what is missing."""
        report = self.context.run_service(self.context.services.cnca.gather, self.context.actor, self.month())
        self.report = report
        if report is None:
            self.gaps_model.set_rows([])
            self.summary.setText(
                self.context.refusal_text(self.context.last_refusal) if self.context.last_refusal else ""
            )
            self.export_button.setEnabled(False)
            self.draft_button.setEnabled(False)
            return
        text = self.tr("{month}：证书信息 {c} 条，审核结果 {r} 条，审核计划 {p} 条").format(
            month=report.month, c=len(report.certificates), r=len(report.results), p=len(report.plans)
        )
        if report.late:
            text += self.tr("（含以前月份补报 {n} 条）").format(n=report.late)
        if report.gaps:
            text += self.tr("；缺少 {n} 项必填信息，补齐后才能正式导出。").format(n=len(report.gaps))
            colour = BAD
        else:
            text += self.tr("；信息完整。")
            colour = OK
        self.summary.setText(text)
        self.summary.setStyleSheet(f"color: {colour};")
        self.gaps_model.set_rows(report.gaps)
        self.export_button.setEnabled(report.complete)
        self.draft_button.setEnabled(True)

    def export(self, *, draft: bool) -> Path | None:
        suggested = f"CNCA-{self.month()}" + ("-草稿" if draft else "") + ".xlsx"
        path = ReportPath.ask(self, self.tr("保存 CNCA 上报文件"), suggested)
        if path is None:
            return None
        result = self.context.run_service(
            self.context.services.cnca.export, self.context.actor, self.month(), path, draft=draft, force=True
        )
        if result is None:
            return None
        Messages.information(
            self,
            self.tr("导出完成"),
            self.tr("已写入：{path}").format(path=result.path)
            + ("\n" + self.tr("草稿：缺失项列在“缺失项”表中，未标记为已上报。") if draft else ""),
        )
        self.check()
        return result.path

    def _on_gap_double_clicked(self, index: object) -> None:
        gap: Gap = self.gaps_model.index(index.row(), 0).data(ROW_ROLE)  # type: ignore[attr-defined]
        self.sig_open.emit(gap.subject.split(" ")[0])
