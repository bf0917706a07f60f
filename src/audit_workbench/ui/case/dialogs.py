"""The dialogs of the case page. Each has a classmethod `ask(...)` that returns the user's answer
(a small frozen value) or None when cancelled; tests replace `ask` so nothing blocks on `exec()`.

The dialogs only collect input: whether a reason may be empty, a fee is a number or a deadline is
in the past is the services' to say, and their refusal is shown after the dialog closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.people import QUALIFICATION_LABELS, Qualification
from ...core.policy import Denial
from ...services.people import TeamCandidate
from .common import fmt_points


class _FormDialog(QDialog):
    """A dialog with a form and OK/Cancel buttons."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.outer.addLayout(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish(self) -> None:
        self.outer.addWidget(self.buttons)


# -- a reason or any one text -------------------------------------------------------------------------
class TextDialog(_FormDialog):
    """One text: a reason (not applicable, reject, withdraw), a corrective action, a conclusion."""

    def __init__(
        self, title: str, prompt: str, text: str = "", multiline: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, parent)
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        self.outer.insertWidget(0, self.prompt)
        if multiline:
            self.editor: QLineEdit | QPlainTextEdit = QPlainTextEdit(text, self)
            self.editor.setTabChangesFocus(True)
            self.editor.setMinimumHeight(110)
        else:
            self.editor = QLineEdit(text, self)
            self.editor.selectAll()
        self.outer.insertWidget(1, self.editor)
        self.finish()

    def text(self) -> str:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        return self.editor.text()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        title: str,
        prompt: str,
        text: str = "",
        multiline: bool = False,
    ) -> str | None:
        dialog = cls(title, prompt, text, multiline, parent)
        return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


# -- accept an application ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AcceptRequest:
    contract_no: str
    fee: str
    document_days: Decimal | None = None  # None: the computed days
    onsite_days: Decimal | None = None
    override_reason: str | None = None


class AcceptDialog(_FormDialog):
    """Contract number, fee and the audit days computed from the headcount, with an optional override."""

    def __init__(
        self,
        headcount: int,
        document_days: Decimal,
        onsite_days: Decimal,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("受理申请"), parent)
        self.contract_edit = QLineEdit(self)
        self.contract_edit.setPlaceholderText(self.tr("例如 HT-2026-001"))
        self.fee_edit = QLineEdit(self)
        self.fee_edit.setPlaceholderText(self.tr("人民币元"))
        self.form.addRow(self.tr("合同编号"), self.contract_edit)
        self.form.addRow(self.tr("认证费用（元）"), self.fee_edit)
        self.computed_label = QLabel(
            self.tr("按 {headcount} 人计算：文件审查 {doc} 人日，现场审查 {site} 人日").format(
                headcount=headcount, doc=fmt_points(document_days), site=fmt_points(onsite_days)
            ),
            self,
        )
        self.computed_label.setWordWrap(True)
        self.form.addRow(self.tr("审查人日"), self.computed_label)
        self.override_check = QCheckBox(self.tr("调整人日"), self)
        self.form.addRow("", self.override_check)
        self.document_spin = self._days(document_days)
        self.onsite_spin = self._days(onsite_days)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText(self.tr("调整的原因"))
        self.form.addRow(self.tr("文件审查人日"), self.document_spin)
        self.form.addRow(self.tr("现场审查人日"), self.onsite_spin)
        self.form.addRow(self.tr("调整原因"), self.reason_edit)
        self.override_check.toggled.connect(self._on_override_check_toggled)
        self._on_override_check_toggled(False)
        self.finish()

    def _days(self, value: Decimal) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setDecimals(1)
        spin.setSingleStep(0.5)
        spin.setRange(0, 999)
        spin.setValue(float(value))
        return spin

    def _on_override_check_toggled(self, on: bool) -> None:
        for widget in (self.document_spin, self.onsite_spin, self.reason_edit):
            widget.setEnabled(on)

    def request(self) -> AcceptRequest:
        if not self.override_check.isChecked():
            return AcceptRequest(self.contract_edit.text(), self.fee_edit.text())
        return AcceptRequest(
            self.contract_edit.text(),
            self.fee_edit.text(),
            Decimal(str(self.document_spin.value())),
            Decimal(str(self.onsite_spin.value())),
            self.reason_edit.text(),
        )

    @classmethod
    def ask(
        cls, parent: QWidget | None, headcount: int, document_days: Decimal, onsite_days: Decimal
    ) -> AcceptRequest | None:
        dialog = cls(headcount, document_days, onsite_days, parent)
        return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None


# -- the audit team -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TeamChoice:
    leader: str
    members: tuple[str, ...]


class TeamDialog(_FormDialog):
    """The team leader and the members, chosen among the active auditors.

    Each candidate is shown with their qualification; one who may not be on this case's team (a
    declared interest, no declaration this year, an expired qualification, a missing area) or may
    not lead it (a trainee, a technical expert) is shown disabled with the reason as tooltip —
    the services refuse such a team anyway."""

    def __init__(
        self,
        candidates: Sequence[TeamCandidate],
        leader: str | None,
        members: Sequence[str],
        lang: str = "zh",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("指派评审组"), parent)
        self.setMinimumWidth(560)
        self.lang = lang
        self.leader_combo = QComboBox(self)
        model = QStandardItemModel(self.leader_combo)
        for c in candidates:
            item = QStandardItem(self._text(c))
            item.setData(c.user_name, Qt.ItemDataRole.UserRole)
            if c.leader_denial is not None:
                item.setEnabled(False)
                item.setToolTip(self._reason(c.leader_denial))
            model.appendRow(item)
        self.leader_combo.setModel(model)
        chosen = self.leader_combo.findData(leader) if leader else -1
        if chosen < 0 or not model.item(chosen).isEnabled():
            chosen = next((n for n in range(model.rowCount()) if model.item(n).isEnabled()), -1)
        self.leader_combo.setCurrentIndex(chosen)
        self.members_list = QListWidget(self)
        for c in candidates:
            item = QListWidgetItem(self._text(c))
            item.setData(Qt.ItemDataRole.UserRole, c.user_name)
            if c.member_denial is None:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                state = Qt.CheckState.Checked if c.user_name in members else Qt.CheckState.Unchecked
            else:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsUserCheckable)
                item.setToolTip(self._reason(c.member_denial))
                state = Qt.CheckState.Unchecked
            item.setCheckState(state)
            self.members_list.addItem(item)
        self.form.addRow(self.tr("组长"), self.leader_combo)
        self.form.addRow(self.tr("组员"), self.members_list)
        blocked = sum(1 for c in candidates if c.member_denial is not None)
        self.note = QLabel(
            self.tr(
                "灰色的人员不能进入本案评审组（利益冲突、未签署年度公正性声明、资格过期或不具备专业能力范围），将鼠标悬停可查看原因。"
            )
            if blocked
            else ""
        )
        self.note.setObjectName("pageSubtitle")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(blocked))
        self.outer.addWidget(self.note)
        self.finish()

    def _text(self, c: TeamCandidate) -> str:
        name = f"{c.display_name}（{c.user_name}）" if c.display_name != c.user_name else c.user_name
        if c.qualification is None:
            return name + self.tr(" · 无资格登记")
        zh, en = QUALIFICATION_LABELS[Qualification(c.qualification)]
        return f"{name} · {en if self.lang == 'en' else zh}"

    def _reason(self, denial: Denial) -> str:
        return denial.en if self.lang == "en" else denial.zh

    def choice(self) -> TeamChoice:
        leader = self.leader_combo.currentData() or ""
        members = []
        for row in range(self.members_list.count()):
            item = self.members_list.item(row)
            name = item.data(Qt.ItemDataRole.UserRole)
            if item.checkState() == Qt.CheckState.Checked and name != leader:
                members.append(name)
        return TeamChoice(leader, tuple(members))

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        candidates: Sequence[TeamCandidate],
        leader: str | None = None,
        members: Sequence[str] = (),
        lang: str = "zh",
    ) -> TeamChoice | None:
        dialog = cls(candidates, leader, members, lang, parent)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None


# -- a sampled indicator ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SampleCounts:
    sampled: int
    nonconforming: int


class SampleDialog(_FormDialog):
    """How many records were sampled and how many of them did not conform."""

    def __init__(
        self, indicator: str, sampled: int | None, nonconforming: int | None, parent: QWidget | None = None
    ):
        super().__init__(self.tr("按抽样评分"), parent)
        note = QLabel(
            self.tr("{indicator}：得分 = 满分 × 符合数 ÷ 抽样数，按 0.5 分取整。").format(indicator=indicator)
        )
        note.setWordWrap(True)
        self.outer.insertWidget(0, note)
        self.sampled_spin = QSpinBox(self)
        self.sampled_spin.setRange(0, 1_000_000)
        self.sampled_spin.setValue(sampled or 10)
        self.nonconforming_spin = QSpinBox(self)
        self.nonconforming_spin.setRange(0, 1_000_000)
        self.nonconforming_spin.setValue(nonconforming or 0)
        self.form.addRow(self.tr("抽样数"), self.sampled_spin)
        self.form.addRow(self.tr("不符合数"), self.nonconforming_spin)
        self.finish()

    def counts(self) -> SampleCounts:
        return SampleCounts(self.sampled_spin.value(), self.nonconforming_spin.value())

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        indicator: str,
        sampled: int | None = None,
        nonconforming: int | None = None,
    ) -> SampleCounts | None:
        dialog = cls(indicator, sampled, nonconforming, parent)
        return dialog.counts() if dialog.exec() == QDialog.DialogCode.Accepted else None


# -- a nonconformity ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class NonconformityRequest:
    text: str
    deadline: date


class NonconformityDialog(_FormDialog):
    """What does not conform, and the rectification deadline."""

    def __init__(self, indicator: str, deadline: date, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("开具不符合项"), parent)
        self.form.addRow(self.tr("指标"), QLabel(indicator or self.tr("（不针对单个指标）"), self))
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(90)
        self.deadline_edit = QDateEdit(QDate(deadline.year, deadline.month, deadline.day), self)
        self.deadline_edit.setCalendarPopup(True)
        self.deadline_edit.setDisplayFormat("yyyy-MM-dd")
        self.form.addRow(self.tr("不符合事实"), self.text_edit)
        self.form.addRow(self.tr("整改期限"), self.deadline_edit)
        self.finish()

    def request(self) -> NonconformityRequest:
        day = self.deadline_edit.date()
        return NonconformityRequest(self.text_edit.toPlainText(), date(day.year(), day.month(), day.day()))

    @classmethod
    def ask(cls, parent: QWidget | None, indicator: str, deadline: date) -> NonconformityRequest | None:
        dialog = cls(indicator, deadline, parent)
        return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None


# -- evidence -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EvidenceRequest:
    note: str
    file: Path | None


class EvidenceDialog(_FormDialog):
    """A note on what was seen, and optionally a file or photo."""

    def __init__(self, indicator: str, file: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("添加证据"), parent)
        self.form.addRow(self.tr("指标"), QLabel(indicator, self))
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMinimumHeight(90)
        self.file_edit = QLineEdit(str(file) if file else "", self)
        browse = QPushButton(self.tr("浏览…"), self)
        browse.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.file_edit)
        row.addWidget(browse)
        self.form.addRow(self.tr("说明"), self.note_edit)
        self.form.addRow(self.tr("文件或照片"), row)
        self.finish()

    def _on_browse_clicked(self) -> None:
        files = Files.open_files(self, self.tr("选择证据文件"))
        if files:
            self.file_edit.setText(str(files[0]))

    def request(self) -> EvidenceRequest:
        name = self.file_edit.text().strip()
        return EvidenceRequest(self.note_edit.toPlainText(), Path(name) if name else None)

    @classmethod
    def ask(cls, parent: QWidget | None, indicator: str, file: Path | None = None) -> EvidenceRequest | None:
        dialog = cls(indicator, file, parent)
        return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None


# -- files, the desktop and the printer ---------------------------------------------------------------
class Files:
    """File choosers and the desktop's "open with". Tests replace these classmethods."""

    @classmethod
    def open_files(cls, parent: QWidget | None, title: str, filters: str = "") -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(parent, title, "", filters)
        return [Path(n) for n in names]

    @classmethod
    def save_file(cls, parent: QWidget | None, title: str, suggested: str, filters: str = "") -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
        return Path(name) if name else None

    @classmethod
    def open_url(cls, path: Path) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class PrintDialog:
    """The system print dialog for a printer; returns True when the user chose to print."""

    @classmethod
    def ask(cls, parent: QWidget | None, printer: object) -> bool:
        from PySide6.QtPrintSupport import QPrintDialog

        dialog = QPrintDialog(printer, parent)  # type: ignore[arg-type]
        return dialog.exec() == QDialog.DialogCode.Accepted
