"""The dialogs of the case page. Each has a classmethod `ask(..., submit=…)`: the dialog collects
its value and hands it to `submit` (the service call); a refusal is shown inside the dialog, which
stays open with what was typed (ui.dialogs.form). `ask` returns what `submit` returned, or None when
cancelled; tests replace `ask` so nothing blocks on `exec()`.

Keys: each dialog opens with the cursor in its first field; Enter confirms (Shift+Enter is a new
line in a multi-line text); Esc cancels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ...core.numbers import NumberError, parse_amount
from ...core.people import QUALIFICATION_LABELS, Qualification
from ...core.policy import Denial
from ...services.people import TeamCandidate
from ..dialogs.form import FormDialog, Submit
from ..files import FileDialogs
from .common import fmt_points

_FormDialog = FormDialog  # the name the dialogs of other modules knew


# -- a reason or any one text -------------------------------------------------------------------------
class TextDialog(FormDialog):
    """One text: a reason (not applicable, reject, withdraw), a corrective action, a conclusion."""

    def __init__(
        self,
        title: str,
        prompt: str,
        text: str = "",
        multiline: bool = False,
        parent: QWidget | None = None,
        submit: Submit | None = None,
        required: bool = True,
        ok_text: str = "",
    ) -> None:
        super().__init__(title, parent, submit)
        self.required = required
        if ok_text:
            self.ok_button.setText(ok_text)
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        self.outer.insertWidget(0, self.prompt)
        if multiline:
            self.editor: QLineEdit | QPlainTextEdit = QPlainTextEdit(text, self)
            self.editor.setTabChangesFocus(True)
            self.editor.setMinimumHeight(110)
            self.editor.setPlaceholderText(self.tr("回车确定，Shift+回车换行"))
        else:
            self.editor = QLineEdit(text, self)
        self.editor.setObjectName("dialog_text")
        self.outer.insertWidget(1, self.editor)
        self.finish(self.editor)

    def text(self) -> str:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        return self.editor.text()

    def value(self) -> str:
        return self.text()

    def problem(self) -> tuple[str, QWidget | None] | None:
        if self.required and not self.text().strip():
            return self.tr("请填写内容"), self.editor
        return None

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        title: str,
        prompt: str,
        text: str = "",
        multiline: bool = False,
        submit: Submit | None = None,
        ok_text: str = "",
    ) -> Any:
        return cls(title, prompt, text, multiline, parent, submit, ok_text=ok_text).run()


# -- accept an application ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AcceptRequest:
    contract_no: str
    fee: str
    document_days: Decimal | None = None  # None: the computed days
    onsite_days: Decimal | None = None
    override_reason: str | None = None


class AcceptDialog(FormDialog):
    """Contract number, fee and the audit days computed from the headcount, with an optional override."""

    def __init__(
        self,
        headcount: int,
        document_days: Decimal,
        onsite_days: Decimal,
        parent: QWidget | None = None,
        submit: Submit | None = None,
    ) -> None:
        super().__init__(self.tr("受理申请"), parent, submit)
        self.contract_edit = QLineEdit(self)
        self.contract_edit.setObjectName("contract_edit")
        self.contract_edit.setPlaceholderText(self.tr("例如 HT-2026-001"))
        self.fee_edit = QLineEdit(self)
        self.fee_edit.setObjectName("fee_edit")
        self.fee_edit.setPlaceholderText(self.tr("人民币元，如 38,000 或 3.8万"))
        self.fee_hint = QLabel(self)
        self.fee_hint.setObjectName("pageSubtitle")
        self.form.addRow(self.tr("合同编号"), self.contract_edit)
        self.form.addRow(self.tr("认证费用（元）"), self.fee_edit)
        self.form.addRow("", self.fee_hint)
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
        self.fee_edit.textChanged.connect(self._on_fee_edit_text_changed)
        self.finish(self.contract_edit)

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

    def _on_fee_edit_text_changed(self, text: str) -> None:
        """Say what the fee reads as ("38,000" → 38000 元), so a typing slip shows before OK."""
        try:
            amount = parse_amount(text) if text.strip() else None
        except NumberError:
            self.fee_hint.setText("")
            return
        self.fee_hint.setText(
            "" if amount is None else self.tr("即 {amount} 元").format(amount=f"{amount:,}")
        )

    def problem(self) -> tuple[str, QWidget | None] | None:
        if not self.contract_edit.text().strip():
            return self.tr("请填写合同编号"), self.contract_edit
        fee = self.fee_edit.text()
        if not fee.strip():
            return self.tr("请填写认证费用"), self.fee_edit
        try:
            parse_amount(fee)
        except NumberError as exc:
            return self.tr("认证费用：{problem}").format(problem=exc.message()), self.fee_edit
        if self.override_check.isChecked() and not self.reason_edit.text().strip():
            return self.tr("调整人日须说明原因"), self.reason_edit
        return None

    def field_for(self, refusal: Any) -> QWidget | None:
        message = refusal.message_en
        if "fee" in message:
            return self.fee_edit
        if "contract" in message:
            return self.contract_edit
        if "reason" in message:
            return self.reason_edit
        if "days" in message:
            return self.onsite_spin
        return None

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

    def value(self) -> AcceptRequest:
        return self.request()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        headcount: int,
        document_days: Decimal,
        onsite_days: Decimal,
        submit: Submit | None = None,
    ) -> Any:
        return cls(headcount, document_days, onsite_days, parent, submit).run()


# -- the audit team -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TeamChoice:
    leader: str
    members: tuple[str, ...]


class TeamDialog(FormDialog):
    """The team leader and the members, chosen among the active auditors.

    Each candidate is shown with their qualification; one who may not be on this case's team (a
    declared interest, no declaration this year, an expired qualification, a missing area) or may
    not lead it (a trainee, a technical expert) is shown disabled with the reason as tooltip —
    the services refuse such a team anyway, and their refusal is shown in the dialog."""

    def __init__(
        self,
        candidates: Sequence[TeamCandidate],
        leader: str | None,
        members: Sequence[str],
        lang: str = "zh",
        parent: QWidget | None = None,
        submit: Submit | None = None,
    ) -> None:
        super().__init__(self.tr("指派评审组"), parent, submit)
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
            else:
                item.setToolTip(self.tr("登录名：{login}").format(login=c.user_name))
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
                item.setToolTip(self.tr("登录名：{login}").format(login=c.user_name))
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
        self.finish(self.leader_combo)

    def _text(self, c: TeamCandidate) -> str:
        # people by name (the login is in the tooltip)
        name = c.display_name or c.user_name
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

    def value(self) -> TeamChoice:
        return self.choice()

    def problem(self) -> tuple[str, QWidget | None] | None:
        if not self.leader_combo.currentData():
            return self.tr("请选择组长"), self.leader_combo
        return None

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        candidates: Sequence[TeamCandidate],
        leader: str | None = None,
        members: Sequence[str] = (),
        lang: str = "zh",
        submit: Submit | None = None,
    ) -> Any:
        return cls(candidates, leader, members, lang, parent, submit).run()


# -- a sampled indicator ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SampleCounts:
    sampled: int
    nonconforming: int


class SampleDialog(FormDialog):
    """How many records were sampled and how many of them did not conform."""

    FIELDS_BY_CODE = {"bad_score": "nonconforming_spin"}  # noqa: RUF012

    def __init__(
        self,
        indicator: str,
        sampled: int | None,
        nonconforming: int | None,
        parent: QWidget | None = None,
        submit: Submit | None = None,
    ):
        super().__init__(self.tr("按抽样评分"), parent, submit)
        note = QLabel(
            self.tr("{indicator}：得分 = 满分 × 符合数 ÷ 抽样数，按 0.5 分取整。").format(indicator=indicator)
        )
        note.setWordWrap(True)
        self.outer.insertWidget(0, note)
        self.sampled_spin = QSpinBox(self)
        self.sampled_spin.setObjectName("sampled_spin")
        self.sampled_spin.setRange(0, 1_000_000)
        self.sampled_spin.setValue(sampled or 10)
        self.nonconforming_spin = QSpinBox(self)
        self.nonconforming_spin.setObjectName("nonconforming_spin")
        self.nonconforming_spin.setRange(0, 1_000_000)
        self.nonconforming_spin.setValue(nonconforming or 0)
        self.form.addRow(self.tr("抽样数"), self.sampled_spin)
        self.form.addRow(self.tr("不符合数"), self.nonconforming_spin)
        self.finish(self.sampled_spin)

    def counts(self) -> SampleCounts:
        return SampleCounts(self.sampled_spin.value(), self.nonconforming_spin.value())

    def value(self) -> SampleCounts:
        return self.counts()

    def problem(self) -> tuple[str, QWidget | None] | None:
        counts = self.counts()
        if counts.sampled < 1:
            return self.tr("抽样数至少为 1"), self.sampled_spin
        if counts.nonconforming > counts.sampled:
            return self.tr("不符合数不能多于抽样数"), self.nonconforming_spin
        return None

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        indicator: str,
        sampled: int | None = None,
        nonconforming: int | None = None,
        submit: Submit | None = None,
    ) -> Any:
        return cls(indicator, sampled, nonconforming, parent, submit).run()


# -- a nonconformity ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class NonconformityRequest:
    text: str
    deadline: date


class NonconformityDialog(FormDialog):
    """What does not conform, and the rectification deadline."""

    FIELDS_BY_CODE = {"missing_value": "text_edit", "too_long": "text_edit", "bad_date": "deadline_edit"}  # noqa: RUF012

    def __init__(
        self, indicator: str, deadline: date, parent: QWidget | None = None, submit: Submit | None = None
    ) -> None:
        super().__init__(self.tr("开具不符合项"), parent, submit)
        self.form.addRow(self.tr("指标"), QLabel(indicator or self.tr("（不针对单个指标）"), self))
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setObjectName("nc_text")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(90)
        self.text_edit.setPlaceholderText(self.tr("回车确定，Shift+回车换行"))
        self.deadline_edit = QDateEdit(QDate(deadline.year, deadline.month, deadline.day), self)
        self.deadline_edit.setCalendarPopup(True)
        self.deadline_edit.setDisplayFormat("yyyy-MM-dd")
        self.form.addRow(self.tr("不符合事实"), self.text_edit)
        self.form.addRow(self.tr("整改期限"), self.deadline_edit)
        self.finish(self.text_edit)

    def request(self) -> NonconformityRequest:
        day = self.deadline_edit.date()
        return NonconformityRequest(self.text_edit.toPlainText(), date(day.year(), day.month(), day.day()))

    def value(self) -> NonconformityRequest:
        return self.request()

    def problem(self) -> tuple[str, QWidget | None] | None:
        if not self.text_edit.toPlainText().strip():
            return self.tr("请填写不符合事实"), self.text_edit
        return None

    @classmethod
    def ask(cls, parent: QWidget | None, indicator: str, deadline: date, submit: Submit | None = None) -> Any:
        return cls(indicator, deadline, parent, submit).run()


# -- evidence -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EvidenceRequest:
    note: str
    file: Path | None


class EvidenceDialog(FormDialog):
    """A note on what was seen, and optionally a file or photo."""

    FIELDS_BY_CODE = {"missing_value": "note_edit", "bad_file": "file_edit"}  # noqa: RUF012

    def __init__(
        self,
        indicator: str,
        file: Path | None = None,
        parent: QWidget | None = None,
        submit: Submit | None = None,
    ) -> None:
        super().__init__(self.tr("添加证据"), parent, submit)
        self.form.addRow(self.tr("指标"), QLabel(indicator, self))
        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setObjectName("evidence_note")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMinimumHeight(90)
        self.note_edit.setPlaceholderText(self.tr("回车确定，Shift+回车换行"))
        self.file_edit = QLineEdit(str(file) if file else "", self)
        browse = QPushButton(self.tr("浏览…"), self)
        browse.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.file_edit)
        row.addWidget(browse)
        self.form.addRow(self.tr("说明"), self.note_edit)
        self.form.addRow(self.tr("文件或照片"), row)
        self.finish(self.note_edit)

    def _on_browse_clicked(self) -> None:
        files = Files.open_files(self, self.tr("选择证据文件"), purpose="evidence")
        if files:
            self.file_edit.setText(str(files[0]))

    def request(self) -> EvidenceRequest:
        name = self.file_edit.text().strip()
        return EvidenceRequest(self.note_edit.toPlainText(), Path(name) if name else None)

    def value(self) -> EvidenceRequest:
        return self.request()

    def problem(self) -> tuple[str, QWidget | None] | None:
        request = self.request()
        if not request.note.strip() and request.file is None:
            return self.tr("请填写说明或选择文件"), self.note_edit
        if request.file is not None and not request.file.is_file():
            return self.tr("找不到文件 {path}").format(path=request.file), self.file_edit
        return None

    @classmethod
    def ask(
        cls, parent: QWidget | None, indicator: str, file: Path | None = None, submit: Submit | None = None
    ) -> Any:
        return cls(indicator, file, parent, submit).run()


# -- files, the desktop and the printer ---------------------------------------------------------------
class Files:
    """File choosers and the desktop's "open with". Tests replace these classmethods.

    The choosers remember the last folder per purpose and take several files at once (ui.files)."""

    @classmethod
    def open_files(
        cls, parent: QWidget | None, title: str, filters: str = "", purpose: str = "attachments"
    ) -> list[Path]:
        return FileDialogs.open_files(parent, title, filters, purpose)

    @classmethod
    def save_file(
        cls, parent: QWidget | None, title: str, suggested: str, filters: str = "", purpose: str = "documents"
    ) -> Path | None:
        return FileDialogs.save_file(parent, title, suggested, filters, purpose)

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
