"""证书 — issue the certificate of an approved case, show it, preview, print and save its documents.

The documents (certificate PDF, audit report PDF, score sheet XLSX) are built by
`services.documents` when it is installed; until then this tab shows the certificate's data only.
Rendering runs off the GUI thread (ui.workers), and the preview is Qt's own PDF viewer (QtPdf).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import Refused
from ...core.policy import Action
from .. import workers
from ..context import Messages, UiContext
from ..widgets.common import scrolling
from .common import Notice
from .dialogs import Files, PrintDialog


def documents_service(context: UiContext) -> Any:
    """The engine's documents service (`services.documents`), or None in a build without it."""
    if importlib.util.find_spec("audit_workbench.services.documents") is None:
        return None
    return getattr(context.services, "documents", None)


class CertificateTab(QWidget):
    sig_case_changed = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.detail: Any = None
        self.pdf_bytes: bytes | None = None
        self.saved_paths: list[Path] = []
        self._build()

    def _build(self) -> None:
        self.notice = Notice(self)
        data_box = QGroupBox(self.tr("证书"), self)
        self.form = QFormLayout(data_box)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QLabel] = {}
        for key, label in (
            ("number", self.tr("证书编号")),
            ("organization", self.tr("获证组织")),
            ("credit_code", self.tr("统一社会信用代码")),
            ("grade", self.tr("等级")),
            ("scope", self.tr("认证范围")),
            ("rubric", self.tr("评价规则")),
            ("issued_on", self.tr("发证日期")),
            ("expires_on", self.tr("有效期至")),
            ("status", self.tr("状态")),
            ("surveillance", self.tr("下次监督审核")),
        ):
            value = QLabel(data_box)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            self.form.addRow(label, value)

        self.issue_button = QPushButton(self.tr("颁发证书"), self)
        self.issue_button.setObjectName("primary")
        self.issue_button.clicked.connect(self.issue)
        self.save_pdf_button = QPushButton(self.tr("保存证书 PDF…"), self)
        self.save_pdf_button.clicked.connect(self.save_certificate_pdf)
        self.print_button = QPushButton(self.tr("打印证书…"), self)
        self.print_button.clicked.connect(self.print_certificate)
        self.save_sheet_button = QPushButton(self.tr("保存评分表（xlsx）…"), self)
        self.save_sheet_button.clicked.connect(self.save_score_sheet)
        self.save_report_button = QPushButton(self.tr("保存评审报告（PDF）…"), self)
        self.save_report_button.clicked.connect(self.save_report)
        buttons = QVBoxLayout()
        for button in (
            self.issue_button,
            self.save_pdf_button,
            self.print_button,
            self.save_sheet_button,
            self.save_report_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(data_box)
        left_layout.addLayout(buttons, 1)

        self.preview_holder = QWidget(self)
        self.preview_layout = QVBoxLayout(self.preview_holder)
        self.preview_layout.setContentsMargins(0, 0, 0, 0)
        self.preview_message = QLabel(self.preview_holder)
        self.preview_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_message.setWordWrap(True)
        self.preview_message.setStyleSheet("color: #6b7380;")
        self.preview_layout.addWidget(self.preview_message, 1)
        self.pdf_document: Any = None
        self.pdf_view: Any = None

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(scrolling(left, self))  # scrolls rather than squash on a short screen
        splitter.addWidget(self.preview_holder)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([460, 820])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)

    # -- showing ----------------------------------------------------------------------------------
    def set_case(self, detail: Any) -> None:
        self.detail = detail
        ctx = self.context
        cert = detail.certificate
        if cert is None:
            for label in self.fields.values():
                label.setText("—")
            self.fields["organization"].setText(detail.organization.name)
            self.fields["credit_code"].setText(detail.organization.credit_code)
            self.fields["scope"].setText(detail.scope)
            self.fields["rubric"].setText(ctx.rubric_title(detail.rubric_id))
            grade = detail.decided_grade
            self.fields["grade"].setText(ctx.grade_label(grade) if grade else "—")
            self.fields["status"].setText(self.tr("未颁发"))
        else:
            self.fields["number"].setText(cert.number)
            self.fields["organization"].setText(cert.organization.name)
            self.fields["credit_code"].setText(cert.organization.credit_code)
            self.fields["grade"].setText(ctx.grade_label(cert.grade))
            self.fields["scope"].setText(cert.scope)
            self.fields["rubric"].setText(ctx.rubric_title(cert.rubric_id))
            self.fields["issued_on"].setText(ctx.fmt_date(cert.issued_on))
            self.fields["expires_on"].setText(ctx.fmt_date(cert.expires_on))
            status = ctx.certificate_state_label(cert.status)
            if cert.status_reason:
                status += self.tr("（{reason}）").format(reason=cert.status_reason)
            self.fields["status"].setText(status)
            self.fields["surveillance"].setText(ctx.fmt_date(cert.next_surveillance) or "—")
        can_issue = ctx.guard(self.issue_button, Action.issue_certificate, detail)
        self.issue_button.setVisible(cert is None)
        if cert is None and detail.status == "approved" and not can_issue:
            self.notice.show_text(ctx.explain(Action.issue_certificate, detail) or "", "info")
        elif cert is None and detail.status != "approved":
            self.notice.show_text(
                self.tr("案件处于“{state}”状态：评审委员会批准后才能颁发证书。").format(
                    state=ctx.state_label(detail.status)
                ),
                "info",
            )
        else:
            self.notice.clear()
        self._show_documents()

    def _show_documents(self) -> None:
        documents = documents_service(self.context)
        cert = self.detail.certificate
        has_docs = documents is not None
        no_docs_tip = self.tr("证书和报告的生成模块尚未安装")
        for button in (self.save_pdf_button, self.print_button):
            button.setEnabled(has_docs and cert is not None and button is not self.print_button)
            button.setToolTip(
                ""
                if has_docs and cert is not None
                else (no_docs_tip if not has_docs else self.tr("尚未颁发证书"))
            )
        for button in (self.save_sheet_button, self.save_report_button):
            button.setEnabled(has_docs)
            button.setToolTip("" if has_docs else no_docs_tip)
        self.pdf_bytes = None
        if not has_docs:
            self._preview_text(self.tr("证书预览将在证书生成模块安装后显示。"))
        elif cert is None:
            self._preview_text(self.tr("颁发证书后在此预览。"))
        else:
            self._render_preview(documents)

    def _preview_text(self, text: str) -> None:
        if self.pdf_view is not None:
            self.pdf_view.hide()
        self.preview_message.setText(text)
        self.preview_message.show()

    def _render_preview(self, documents: Any) -> None:
        number = self.detail.certificate.number
        lang = self.context.lang
        self._preview_text(self.tr("正在生成证书预览…"))

        def render(progress: workers.Progress, cancel: Any) -> bytes:
            return documents.certificate_pdf(number, lang=lang)

        def show(data: bytes) -> None:
            cert = self.detail.certificate if self.detail is not None else None
            if cert is not None and cert.number == number:  # still the certificate on screen
                self.show_pdf(data)

        workers.runner().run(
            render,
            show,
            label=self.tr("正在生成证书…"),
            parent=self,
            on_failed=lambda exc: self._preview_text(self.tr("无法生成证书预览：{error}").format(error=exc)),
            show_progress=False,
        )

    def show_pdf(self, data: bytes) -> None:
        """Show a PDF in the preview (QtPdf's own viewer, one page fitted to the panel)."""
        self.pdf_bytes = data
        try:
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtPdfWidgets import QPdfView
        except ImportError:  # the PySide6-Pdf wheel is not installed: saving still works
            self._preview_text(self.tr("此安装缺少 Qt PDF 组件（PySide6-Pdf），无法预览；仍可保存证书 PDF。"))
            return
        if self.pdf_view is None:
            self.pdf_document = QPdfDocument(self)
            self.pdf_view = QPdfView(self.preview_holder)
            self.pdf_view.setObjectName("certificate_preview")
            self.pdf_view.setPageMode(QPdfView.PageMode.SinglePage)
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitInView)
            self.pdf_view.setDocument(self.pdf_document)
            palette = self.pdf_view.palette()
            palette.setColor(QPalette.ColorRole.Dark, QColor("#e3e8ee"))  # around the page: light, not grey
            self.pdf_view.setPalette(palette)
            self.preview_layout.addWidget(self.pdf_view, 1)
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.pdf_document.load(self._buffer)
        self.preview_message.hide()
        self.pdf_view.show()
        self.print_button.setEnabled(True)

    # -- documents --------------------------------------------------------------------------------
    def _save(self, title: str, suggested: str, filters: str, make: Callable[[Any], bytes]) -> None:
        """Ask where, render off the GUI thread, write the file, say so."""
        documents = documents_service(self.context)
        if documents is None:
            return
        path = Files.save_file(self, title, suggested, filters)
        if path is None:
            return

        def render(progress: workers.Progress, cancel: Any) -> bytes:
            return make(documents)

        def write(data: bytes) -> None:
            # The save dialog asked before replacing a file; the guard still never writes over the
            # database or into its attachments folder.
            try:
                self.context.services.outputs.write(path, data, force=True)
            except Refused as exc:
                Messages.warning(self, title, self.context.refusal_text(exc))
                return
            except OSError as exc:
                Messages.warning(
                    self, title, self.tr("无法写入 {path}：{error}").format(path=path, error=exc.strerror)
                )
                return
            self.saved_paths.append(path)
            Messages.information(self, title, self.tr("已保存：{path}").format(path=path))

        workers.runner().run(render, write, label=title, parent=self)

    def save_certificate_pdf(self) -> None:
        cert = self.detail.certificate
        if cert is None:
            return
        lang = self.context.lang
        self._save(
            self.tr("保存证书"),
            f"{cert.number}.pdf",
            "PDF (*.pdf)",
            lambda d: d.certificate_pdf(cert.number, lang=lang),
        )

    def save_score_sheet(self) -> None:
        ctx, case_no = self.context, self.detail.case_no
        self._save(
            self.tr("保存评分表"),
            f"{case_no}-评分表.xlsx" if ctx.lang == "zh" else f"{case_no}-score-sheet.xlsx",
            "Excel (*.xlsx)",
            lambda d: d.score_sheet(ctx.actor, case_no, lang=ctx.lang),
        )

    def save_report(self) -> None:
        ctx, case_no = self.context, self.detail.case_no
        self._save(
            self.tr("保存评审报告"),
            f"{case_no}-评审报告.pdf" if ctx.lang == "zh" else f"{case_no}-audit-report.pdf",
            "PDF (*.pdf)",
            lambda d: d.audit_report(case_no, lang=ctx.lang),
        )

    def print_certificate(self) -> bool:
        if self.pdf_document is None or self.pdf_bytes is None:
            return False
        from PySide6.QtGui import QPainter
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if not PrintDialog.ask(self, printer):
            return False
        painter = QPainter()
        if not painter.begin(printer):
            return False
        try:
            for page in range(self.pdf_document.pageCount()):
                if page:
                    printer.newPage()
                rect = painter.viewport()
                size = (
                    self.pdf_document.pagePointSize(page)
                    .toSize()
                    .scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
                )
                image = self.pdf_document.render(page, size)
                painter.drawImage(rect.x(), rect.y(), image)
        finally:
            painter.end()
        return True

    # -- issuing ----------------------------------------------------------------------------------
    def issue(self) -> None:
        """Issue the certificate: first the preview of exactly what the issue would write (number,
        grade, dates), then one question, then the issue."""
        ctx, case_no = self.context, self.detail.case_no
        documents = documents_service(ctx)
        if documents is None:
            return

        def previewed(answer: tuple[Any, bytes]) -> None:
            view, pdf = answer
            if not IssuePreviewDialog.ask(self, ctx, view, pdf):
                return
            ctx.act(
                ctx.services.certificates.issue,
                ctx.actor,
                case_no,
                on_done=lambda _view: self.sig_case_changed.emit(),
                label=self.tr("正在颁发证书…"),
                parent=self,
            )

        ctx.act(
            documents.certificate_preview,
            ctx.actor,
            case_no,
            ctx.lang,
            on_done=previewed,
            label=self.tr("正在生成证书预览…"),
            parent=self,
        )


class IssuePreviewDialog(QDialog):
    """The certificate as it will be issued, and the one question before it is: 颁发 or 取消."""

    def __init__(self, context: UiContext, view: Any, pdf: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("颁发证书 — 预览"))
        ctx = context
        summary = QLabel(
            self.tr(
                "将为 {org} 颁发证书 {number}：{grade}，有效期 {issued} 至 {expires}。\n"
                "颁发后证书即生效并计入证书登记册，不能撤回（只能暂停或撤销）。"
            ).format(
                org=view.organization.name,
                number=view.number,
                grade=ctx.grade_label(view.grade),
                issued=ctx.fmt_date(view.issued_on),
                expires=ctx.fmt_date(view.expires_on),
            ),
            self,
        )
        summary.setObjectName("issue_summary")
        summary.setWordWrap(True)
        note = QLabel(self.tr("样张：二维码不含签名，仅供核对。"), self)
        note.setObjectName("pageSubtitle")
        self.summary = summary
        self.preview = PdfPreview(self)
        self.preview.show_pdf(pdf)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("颁发证书"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)  # Enter does not issue: issuing is a click on 颁发证书
        self.cancel_button = cancel
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.preview, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        cancel.setFocus()
        screen = self.screen().availableGeometry() if self.screen() else None
        width = min(900, int(screen.width() * 0.85)) if screen else 900
        height = min(720, int(screen.height() * 0.85)) if screen else 720
        self.resize(width, height)

    @classmethod
    def ask(cls, parent: QWidget | None, context: UiContext, view: Any, pdf: bytes) -> bool:
        """True when the user chose to issue. Tests replace this."""
        return cls(context, view, pdf, parent).exec() == QDialog.DialogCode.Accepted


class PdfPreview(QWidget):
    """One PDF page fitted to the widget (QtPdf), or a line saying why there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.message = QLabel(self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.layout_.addWidget(self.message)
        self.view: Any = None
        self.document: Any = None

    def show_pdf(self, data: bytes) -> None:
        try:
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtPdfWidgets import QPdfView
        except ImportError:
            self.message.setText(self.tr("此安装缺少 Qt PDF 组件（PySide6-Pdf），无法预览。"))
            return
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.SinglePage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.view.setDocument(self.document)
        palette = self.view.palette()
        palette.setColor(QPalette.ColorRole.Dark, QColor("#e3e8ee"))
        self.view.setPalette(palette)
        self.layout_.addWidget(self.view, 1)
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.message.hide()
