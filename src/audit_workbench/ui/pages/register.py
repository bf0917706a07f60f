"""The certificate register page (证书登记册): every certificate, its status, expiry and surveillance.

Clerks suspend, restore and withdraw certificates here (each with a reason, recorded in the event
log), open a surveillance or renewal audit, and export the register as CSV (reports.register, run
off the GUI thread). Every action that is not allowed for the selected certificate or this user is
disabled and its tooltip says why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.policy import Action
from ...core.workflow import CERTIFICATE_TRANSITIONS, CertificateState
from ...reports.models import RegisterRow
from ...reports.register import render_register_csv
from ...services.views import CertificateView
from .. import workers
from ..context import Messages, UiContext
from ..dialogs.cnca import CncaReportDialog
from ..dialogs.follow_up import FollowUpDialog
from ..dialogs.reason import ReasonDialog
from ..files import FileDialogs
from ..models.rows import ROW_ROLE, SORT_ROLE, Column, RowTableModel
from ..theme import BAD, CERTIFICATE_COLOURS, GRADE_COLOURS, TEXT_MUTED, WARN
from ..widgets.common import SP, PageHeader, fit_columns, set_up_table, std_icon

if TYPE_CHECKING:  # reports.batch pulls in reportlab: loaded only when a batch is printed
    from ...reports.batch import BatchResult

FOLLOW_UP_FROM = {
    "surveillance": frozenset({CertificateState.valid, CertificateState.suspended}),
    "renewal": frozenset({CertificateState.valid, CertificateState.suspended, CertificateState.expired}),
}


class SavePath:
    """Where to save an export. Tests replace `ask`."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, suggested: str, filters: str) -> Path | None:
        return FileDialogs.save_file(parent, title, suggested, filters, purpose="exports")


class OutputFolder:
    """Where to write a batch of files. Tests replace `ask`."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str) -> Path | None:
        return FileDialogs.folder(parent, title, purpose="certificates")


class _RegisterFilter(QSortFilterProxyModel):
    """Client-side filter: the register holds thousands of rows at most, all loaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = ""
        self.status: str | None = None
        self.setSortRole(SORT_ROLE)

    def set_filter(self, search: str, status: str | None) -> None:
        self.beginFilterChange()
        self.search = search.strip().upper()
        self.status = status
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # type: ignore[override]
        cert: CertificateView = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        if self.status and cert.status != self.status:
            return False
        if self.search:
            haystack = (
                f"{cert.number} {cert.organization.name} {cert.organization.credit_code} {cert.case_no}"
            )
            return self.search in haystack.upper()
        return True


class RegisterPage(QWidget):
    sig_case_requested = Signal(str, str)  # case_no, tab
    sig_case_created = Signal(str)

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.context = context
        self.loaded = False
        self._pending_select: str | None = None
        self.header = PageHeader(self.tr("证书登记册"))

        self.suspend_button = QPushButton(std_icon(SP.SP_MediaPause), self.tr("暂停"))
        self.restore_button = QPushButton(std_icon(SP.SP_DialogApplyButton), self.tr("恢复"))
        self.withdraw_button = QPushButton(std_icon(SP.SP_DialogCancelButton), self.tr("撤销"))
        self.follow_up_button = QPushButton(std_icon(SP.SP_FileDialogNewFolder), self.tr("开启后续审核…"))
        self.open_button = QPushButton(std_icon(SP.SP_DirOpenIcon), self.tr("打开案件"))
        self.export_button = QPushButton(std_icon(SP.SP_DialogSaveButton), self.tr("导出 CSV…"))
        self.export_button.setToolTip(self.tr("将当前列表导出为 CSV（Excel 可直接打开）"))
        self.suspend_button.clicked.connect(lambda: self._change("suspend"))
        self.restore_button.clicked.connect(lambda: self._change("restore"))
        self.withdraw_button.clicked.connect(lambda: self._change("withdraw"))
        self.follow_up_button.clicked.connect(self._on_follow_up_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.print_batch_button = QPushButton(std_icon(SP.SP_FileIcon), self.tr("批量打印证书…"))
        self.print_batch_button.clicked.connect(self._on_print_batch_button_clicked)
        self.header.add_widget(self.print_batch_button)
        self.header.add_widget(self.export_button)
        # The month's report to the regulator (CNCA), by the 10th of the following month
        self.cnca_button = QPushButton(std_icon(SP.SP_FileDialogContentsView), self.tr("上报 CNCA…"))
        self.cnca_button.clicked.connect(self.open_cnca_report)
        context.guard(
            self.cnca_button, Action.disclose_identity, tip=self.tr("生成本机构每月向 CNCA 上报的数据文件")
        )
        self.header.add_widget(self.cnca_button)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("搜索证书编号、组织、信用代码或案件编号"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(340)
        self.status_combo = QComboBox()
        self.status_combo.addItem(self.tr("全部状态"), None)
        for state in CertificateState:
            self.status_combo.addItem(context.certificate_state_label(state.value), state.value)
        self.status_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.count_label = QLabel()
        self.count_label.setObjectName("pageSubtitle")
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.search_edit, 2)
        bar.addWidget(self.status_combo)
        bar.addStretch(1)
        for button in (
            self.suspend_button,
            self.restore_button,
            self.withdraw_button,
            self.follow_up_button,
            self.open_button,
        ):
            bar.addWidget(button)

        self.model: RowTableModel[CertificateView] = RowTableModel(self._columns())
        self.proxy = _RegisterFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        set_up_table(self.view, stretch_column=1)  # the organisation takes what is left
        # Ctrl/Shift+click picks several certificates for batch printing.
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.doubleClicked.connect(self._on_open_button_clicked)
        self.view.selectionModel().currentRowChanged.connect(self._update_actions)
        self.search_edit.textChanged.connect(self._on_filters_changed)
        self.status_combo.currentIndexChanged.connect(self._on_filters_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.header)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)
        self.refresh()
        fit_columns(
            self.view,
            {
                0: "AWB-2026-000000",
                2: "91310115MA0000000X",
                3: context.longest(
                    context.grade_label(g) for g in ("five_star", "four_star", "three_star", "qualified")
                ),
                4: context.certificate_state_label("superseded") + "  ",
                5: "2026-12-31",
                6: "2026-12-31",
                7: "2026-12-31",
                8: "AW2026-000000",
                9: self.tr("监督审核逾期未进行"),  # longer reasons are elided, whole in the tooltip
            },
        )

    def _columns(self) -> list[Column[CertificateView]]:
        c = self.context
        return [
            Column(self.tr("证书编号"), lambda v: v.number),
            Column(self.tr("获证组织"), lambda v: v.organization.name, tooltip=lambda v: v.scope),
            Column(self.tr("统一社会信用代码"), lambda v: v.organization.credit_code),
            Column(
                self.tr("等级"), lambda v: c.grade_label(v.grade), colour=lambda v: GRADE_COLOURS.get(v.grade)
            ),
            Column(
                self.tr("状态"),
                lambda v: c.certificate_state_label(v.status),
                colour=lambda v: CERTIFICATE_COLOURS.get(v.status),
                tooltip=lambda v: v.status_reason,
            ),
            Column(
                self.tr("颁证日期"),
                lambda v: c.fmt_date(v.issued_on),
                sort_key=lambda v: v.issued_on.isoformat(),
            ),
            Column(
                self.tr("有效期至"),
                lambda v: c.fmt_date(v.expires_on),
                sort_key=lambda v: v.expires_on.isoformat(),
            ),
            Column(
                self.tr("下次监督"),
                lambda v: c.fmt_date(v.next_surveillance) if v.next_surveillance else "—",
                sort_key=lambda v: v.next_surveillance.isoformat() if v.next_surveillance else "9999",
                colour=self._surveillance_colour,
                tooltip=lambda v: self.tr("监督审核已逾期") if self._overdue(v) else None,
            ),
            Column(self.tr("案件编号"), lambda v: v.case_no),
            Column(
                self.tr("状态原因"),
                lambda v: (v.status_reason or "").replace("\n", " "),
                tooltip=lambda v: v.status_reason,
            ),
        ]

    def _overdue(self, cert: CertificateView) -> bool:
        return cert.next_surveillance is not None and cert.next_surveillance < self.context.services.today()

    def _surveillance_colour(self, cert: CertificateView) -> str | None:
        if cert.next_surveillance is None:
            return TEXT_MUTED
        days = (cert.next_surveillance - self.context.services.today()).days
        return BAD if days < 0 else WARN if days <= 90 else None

    # -- data -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the register on the database worker; the selection stays on its certificate."""
        selected = self.selected()
        keep = self._pending_select or (selected.number if selected is not None else None)

        def loaded(certificates: list[CertificateView]) -> None:
            self.loaded = True
            self.model.set_rows(certificates)
            self._on_filters_changed()
            self._pending_select = None
            if not (keep is not None and self.select(keep)) and self.proxy.rowCount():
                self.view.setCurrentIndex(self.proxy.index(0, 0))
            self._update_actions()

        self.context.load(self, self.context.services.certificates.list, on_loaded=loaded)

    def changed_elsewhere(self, changes: object, complete: bool = True) -> None:
        self.refresh()

    def _on_filters_changed(self) -> None:
        self.proxy.set_filter(self.search_edit.text(), self.status_combo.currentData())
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(
            self.tr("共 {total} 张证书").format(total=total)
            if shown == total
            else self.tr("显示 {shown} / {total} 张证书").format(shown=shown, total=total)
        )
        self._update_actions()

    def selected(self) -> CertificateView | None:
        index = self.view.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def select(self, number: str) -> bool:
        if not self.loaded:
            self._pending_select = number  # chosen once the register has arrived
            return True
        position = self.model.find(lambda v: v.number == number)
        if position < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(position, 0))
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    # -- actions ----------------------------------------------------------------------------------
    def _state_reason(
        self, cert: CertificateView, allowed: frozenset[CertificateState], verb: str
    ) -> str | None:
        if CertificateState(cert.status) in allowed:
            return None
        return self.tr("证书状态为“{state}”，不能{verb}").format(
            state=self.context.certificate_state_label(cert.status), verb=verb
        )

    def _update_actions(self, *_args: object) -> None:
        cert = self.selected()
        role_reason = self.context.explain(Action.manage_certificate)
        verbs = {
            self.suspend_button: ("suspend", self.tr("暂停"), self.tr("暂停所选证书（需填写原因）")),
            self.restore_button: ("restore", self.tr("恢复"), self.tr("恢复被暂停的证书（需填写原因）")),
            self.withdraw_button: (
                "withdraw",
                self.tr("撤销"),
                self.tr("撤销所选证书（需填写原因，不可恢复）"),
            ),
        }
        for button, (action, verb, tip) in verbs.items():
            if role_reason:
                reason: str | None = role_reason
            elif cert is None:
                reason = self.tr("请先选择一张证书")
            else:
                reason = self._state_reason(cert, CERTIFICATE_TRANSITIONS[action][0], verb)
            self._set_enabled(button, reason, tip)
        if role_reason:
            follow_reason: str | None = role_reason
        elif cert is None:
            follow_reason = self.tr("请先选择一张证书")
        else:
            follow_reason = self._state_reason(cert, FOLLOW_UP_FROM["renewal"], self.tr("开启后续审核"))
        self._set_enabled(self.follow_up_button, follow_reason, self.tr("为所选证书开启监督审核或再认证"))
        self._set_enabled(
            self.open_button, None if cert else self.tr("请先选择一张证书"), self.tr("打开颁发此证书的案件")
        )
        self.context.guard(
            self.print_batch_button,
            Action.manage_certificate,
            tip=self.tr("将所选证书（未选择时为全部有效证书）生成 PDF 保存到一个文件夹"),
        )

    @staticmethod
    def _set_enabled(button: QPushButton, reason: str | None, tip: str) -> None:
        button.setEnabled(reason is None)
        button.setToolTip(tip if reason is None else reason)

    def _change(self, action: str) -> None:
        cert = self.selected()
        if cert is None:
            return
        titles = {
            "suspend": (self.tr("暂停证书"), self.tr("暂停证书 {number}（{org}）的原因："), self.tr("暂停")),
            "restore": (self.tr("恢复证书"), self.tr("恢复证书 {number}（{org}）的原因："), self.tr("恢复")),
            "withdraw": (
                self.tr("撤销证书"),
                self.tr("撤销证书 {number}（{org}）的原因：\n撤销后不能恢复。"),
                self.tr("撤销"),
            ),
        }
        title, prompt, ok = titles[action]
        service = self.context.services.certificates
        call: Callable[..., CertificateView] = getattr(service, action)
        actor = self.context.actor
        codes = None

        def submit(answer: Any) -> CertificateView:
            if isinstance(answer, tuple):  # (reason code, reason)
                return call(actor, cert.number, answer[1], code=answer[0])
            return call(actor, cert.number, answer)

        if action in ("suspend", "withdraw"):
            lang = self.context.lang
            codes = [(r.code, r.label(lang)) for r in service.status_reasons.of(action)]
        updated = ReasonDialog.ask(
            self,
            title,
            prompt.format(number=cert.number, org=cert.organization.name),
            ok,
            submit=submit,
            codes=codes,
        )
        if updated is None:
            return
        position = self.model.find(lambda v: v.number == cert.number)
        self.model.replace_row(position, updated)
        self._update_actions()

    def _on_follow_up_button_clicked(self) -> None:
        cert = self.selected()
        if cert is None:
            return
        status = CertificateState(cert.status)
        kinds = tuple(k for k, allowed in FOLLOW_UP_FROM.items() if status in allowed)
        ctx = self.context
        case_no = FollowUpDialog.ask(
            ctx,
            cert.number,
            kinds,
            self,
            submit=lambda answer: ctx.services.certificates.open_follow_up(
                ctx.actor, cert.number, answer.kind, answer.contract_no
            ),
        )
        if case_no is None:
            return
        self.sig_case_created.emit(case_no)
        self.sig_case_requested.emit(case_no, "application")

    def _on_open_button_clicked(self, *_args: object) -> None:
        cert = self.selected()
        if cert is not None and cert.case_no:
            self.sig_case_requested.emit(cert.case_no, "certificate")

    # -- export -----------------------------------------------------------------------------------
    def shown_certificates(self) -> list[CertificateView]:
        return [self.proxy.index(r, 0).data(ROW_ROLE) for r in range(self.proxy.rowCount())]

    def _on_export_button_clicked(self) -> None:
        suggested = self.tr("证书登记册") + f"-{self.context.services.today().isoformat()}.csv"
        path = SavePath.ask(self, self.tr("导出证书登记册"), suggested, self.tr("CSV 文件 (*.csv)"))
        if path is None:
            return
        c = self.context
        rows = [
            RegisterRow(
                number=v.number,
                organization=v.organization.name,
                credit_code=v.organization.credit_code,
                grade_label=c.grade_label(v.grade),
                scope=v.scope,
                issued_on=v.issued_on,
                expires_on=v.expires_on,
                status=v.status,
                next_surveillance=v.next_surveillance,
            )
            for v in self.shown_certificates()
        ]
        lang = c.lang
        outputs = c.services.outputs
        anchor = c.services.documents.anchor()  # the log's head, printed under the register

        def export(progress: workers.Progress, cancel: threading.Event) -> Path:
            progress(0, 2)
            data = render_register_csv(rows, lang, anchor=anchor)
            progress(1, 2)
            outputs.write(path, data, force=True)  # the dialog asked; never the database
            progress(2, 2)
            return path

        def done(saved: Path) -> None:
            Messages.information(
                self,
                self.tr("导出完成"),
                self.tr("已导出 {n} 张证书到：\n{path}").format(n=len(rows), path=saved),
            )

        def failed(exc: BaseException) -> None:
            Messages.warning(self, self.tr("导出失败"), str(exc))

        workers.runner().run(
            export, done, label=self.tr("正在导出证书登记册…"), parent=self, on_failed=failed
        )

    # -- the report to CNCA ----------------------------------------------------------------------
    def open_cnca_report(self) -> CncaReportDialog:
        dialog = CncaReportDialog(self.context, self)
        dialog.sig_open.connect(self._open_record)
        dialog.open()
        return dialog

    def _open_record(self, subject: str) -> None:
        """A certificate number is selected in the register; a case number opens the case."""
        if not self.select(subject):
            self.sig_case_requested.emit(subject, "application")

    # -- batch printing ---------------------------------------------------------------------------
    def certificates_to_print(self) -> list[CertificateView]:
        """The selected certificates, or every valid one when none is selected."""
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        if rows:
            return [self.proxy.index(r, 0).data(ROW_ROLE) for r in rows]
        return [v for v in self.model.rows() if v.status == CertificateState.valid.value]

    def _on_print_batch_button_clicked(self) -> None:
        reason = self.context.explain(Action.manage_certificate)
        if reason:
            Messages.information(self, self.tr("批量打印证书"), reason)
            return
        numbers = [v.number for v in self.certificates_to_print()]
        if not numbers:
            Messages.information(self, self.tr("批量打印证书"), self.tr("没有可打印的证书"))
            return
        out_dir = OutputFolder.ask(self, self.tr("选择保存证书 PDF 的文件夹"))
        if out_dir is None:
            return
        documents, lang = self.context.services.documents, self.context.lang
        outcome: list[BatchResult] = []

        def work(progress: workers.Progress, cancel: threading.Event) -> BatchResult:
            def report(done: int, total: int) -> None:
                # print_batch stops by itself on cancel and says what it wrote: never raise here.
                if not cancel.is_set():
                    progress(done, total)

            progress(0, len(numbers))
            result = documents.print_batch(numbers, out_dir, lang=lang, progress=report, cancel=cancel)
            outcome.append(result)
            return result

        def cancelled() -> None:
            if outcome:
                self._show_batch_summary(outcome[0], out_dir)

        workers.runner().run(
            work,
            lambda result: self._show_batch_summary(result, out_dir),
            label=self.tr("正在批量打印 {n} 张证书…").format(n=len(numbers)),
            parent=self,
            on_failed=lambda exc: Messages.warning(self, self.tr("批量打印失败"), str(exc)),
            on_cancelled=cancelled,
        )

    def _show_batch_summary(self, result: BatchResult, out_dir: Path) -> None:
        lines = [
            self.tr("已生成 {n} 份证书 PDF，保存在：\n{path}").format(n=len(result.written), path=out_dir)
        ]
        if result.failed:
            lines.append(self.tr("{n} 张证书未能生成：").format(n=len(result.failed)))
            lines.extend(f"  {number}：{error}" for number, error in result.failed)
        if result.cancelled:
            lines.append(self.tr("已取消，{n} 张证书未打印。").format(n=len(result.skipped)))
        text = "\n".join(lines)
        if result.ok:
            Messages.information(self, self.tr("批量打印完成"), text)
        else:
            Messages.warning(self, self.tr("批量打印未全部完成"), text)
