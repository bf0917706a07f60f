"""The dialogs of the people and impartiality page: declaring an interest, ending one, a training,
a witnessed audit, and signing the annual impartiality declaration.

Each has a classmethod `ask(...)` returning a small frozen value (None when cancelled) that tests
replace. They check what they can as it is typed — a credit code, an end before the start, a
medium risk without its mitigation — with the reason under the field and OK disabled; the services
check everything again and their refusal is shown after the dialog closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...core.people import (
    INTEREST_KIND_LABELS,
    RISK_LABELS,
    WITNESS_OUTCOME_LABELS,
    DeclarationText,
    InterestKind,
    Risk,
    WitnessOutcome,
)
from ..widgets.credit_code import CreditCodeChecker


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_edit(day: date, parent: QWidget | None = None) -> QDateEdit:
    edit = QDateEdit(qdate(day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def error_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("errorText")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class _Dialog(QDialog):
    """A form, its buttons, and OK enabled only while `problems()` finds none."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(500)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(18, 16, 18, 14)
        self.outer.setSpacing(10)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.outer.addLayout(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish(self) -> None:
        self.outer.addWidget(self.buttons)
        self.revalidate()

    def problems(self) -> str:
        return ""

    def revalidate(self, *_args: object) -> None:
        problem = self.problems()
        self.ok_button.setEnabled(not problem)
        self.ok_button.setToolTip(problem)
        if self.isVisible():  # a reason shown or hidden under a field: make room for it
            self.adjustSize()


# -- a declared interest ------------------------------------------------------------------------------
@dataclass(frozen=True)
class InterestRequest:
    person: str
    credit_code: str
    kind: str
    starts_on: date
    ends_on: date | None
    risk: str
    mitigation: str


class DeclareInterestDialog(_Dialog):
    """A person's interest in an organisation: whose (oneself unless one may record others'), the
    organisation's credit code, the kind, the period, the risk and, for a medium risk, the mitigation."""

    def __init__(
        self,
        people: Sequence[tuple[str, str]],
        person: str,
        today: date,
        lang: str = "zh",
        cooling_years: int = 2,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("申报利益关系"), self.tr("申报"), parent)
        pick = 1 if lang == "en" else 0
        self.person_combo = QComboBox(self)
        for name, display in people:
            self.person_combo.addItem(f"{display}（{name}）" if display != name else name, name)
        self.person_combo.setCurrentIndex(max(0, self.person_combo.findData(person)))
        self.person_combo.setEnabled(len(people) > 1)
        self.code_edit = QLineEdit(self)
        self.code_status = QLabel(self)
        self.code_checker = CreditCodeChecker(self.code_edit, self.code_status)
        self.kind_combo = QComboBox(self)
        for kind in InterestKind:
            self.kind_combo.addItem(_cap(INTEREST_KIND_LABELS[kind][pick]), kind.value)
        self.from_edit = date_edit(today, self)
        self.lasting_check = QCheckBox(self.tr("至今仍存在"), self)
        self.lasting_check.setChecked(True)
        self.to_edit = date_edit(today, self)
        self.to_edit.setEnabled(False)
        self.dates_error = error_label(self)
        self.risk_combo = QComboBox(self)
        for risk in Risk:
            self.risk_combo.addItem(_cap(RISK_LABELS[risk][pick]), risk.value)
        self.mitigation_edit = QPlainTextEdit(self)
        self.mitigation_edit.setTabChangesFocus(True)
        self.mitigation_edit.setFixedHeight(76)
        self.mitigation_edit.setPlaceholderText(
            self.tr("如何避免该利益关系影响认证工作（中风险必填，须经他人批准）")
        )
        self.mitigation_error = error_label(self)
        self.rule = QLabel(
            self.tr(
                "高风险：不得参与该组织的评审与表决。中风险：应对措施经他人批准后方可参与。"
                "提供咨询：咨询结束后 {years} 年内不得参与。"
            ).format(years=cooling_years),
            self,
        )
        self.rule.setObjectName("pageSubtitle")
        self.rule.setWordWrap(True)
        self.form.addRow(self.tr("申报人"), self.person_combo)
        self.form.addRow(self.tr("统一社会信用代码"), self.code_edit)
        self.form.addRow("", self.code_status)
        self.form.addRow(self.tr("关系类型"), self.kind_combo)
        self.form.addRow(self.tr("起始日期"), self.from_edit)
        self.form.addRow(self.tr("结束日期"), self.lasting_check)
        self.form.addRow("", self.to_edit)
        self.form.addRow("", self.dates_error)
        self.form.addRow(self.tr("风险等级"), self.risk_combo)
        self.form.addRow(self.tr("应对措施"), self.mitigation_edit)
        self.form.addRow("", self.mitigation_error)
        self.outer.addWidget(self.rule)
        for signal in (
            self.code_edit.textChanged,
            self.from_edit.dateChanged,
            self.to_edit.dateChanged,
            self.risk_combo.currentIndexChanged,
            self.mitigation_edit.textChanged,
        ):
            signal.connect(self.revalidate)
        self.lasting_check.toggled.connect(self._on_lasting_check_toggled)
        self.finish()

    def _on_lasting_check_toggled(self, lasting: bool) -> None:
        self.to_edit.setEnabled(not lasting)
        self.revalidate()

    def problems(self) -> str:
        dates = ""
        if not self.lasting_check.isChecked() and self.to_edit.date() < self.from_edit.date():
            dates = self.tr("结束日期不能早于起始日期")
        show_error(self.dates_error, dates)
        mitigation = ""
        if (
            self.risk_combo.currentData() == Risk.medium.value
            and not self.mitigation_edit.toPlainText().strip()
        ):
            mitigation = self.tr("中风险须说明应对措施")
        show_error(self.mitigation_error, mitigation)
        code = ""
        if not self.code_checker.is_valid():
            code = self.code_checker.problem() or self.tr("请输入统一社会信用代码")
        return code or dates or mitigation

    def request(self) -> InterestRequest:
        return InterestRequest(
            person=str(self.person_combo.currentData()),
            credit_code=self.code_edit.text().strip(),
            kind=str(self.kind_combo.currentData()),
            starts_on=pydate(self.from_edit.date()),
            ends_on=None if self.lasting_check.isChecked() else pydate(self.to_edit.date()),
            risk=str(self.risk_combo.currentData()),
            mitigation=self.mitigation_edit.toPlainText().strip(),
        )

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        people: Sequence[tuple[str, str]],
        person: str,
        today: date,
        lang: str = "zh",
        cooling_years: int = 2,
    ) -> InterestRequest | None:
        dialog = cls(people, person, today, lang, cooling_years, parent)
        return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None


class EndInterestDialog(_Dialog):
    """The day a declared interest ended (or will end)."""

    def __init__(self, description: str, starts_on: date, today: date, parent: QWidget | None = None):
        super().__init__(self.tr("利益关系结束"), self.tr("确定"), parent)
        label = QLabel(description, self)
        label.setWordWrap(True)
        self.outer.insertWidget(0, label)
        self.starts_on = starts_on
        self.end_edit = date_edit(max(today, starts_on), self)
        self.error = error_label(self)
        self.form.addRow(self.tr("结束日期"), self.end_edit)
        self.form.addRow("", self.error)
        self.end_edit.dateChanged.connect(self.revalidate)
        self.finish()

    def problems(self) -> str:
        problem = ""
        if pydate(self.end_edit.date()) < self.starts_on:
            problem = self.tr("结束日期不能早于起始日期（{day}）").format(day=self.starts_on.isoformat())
        show_error(self.error, problem)
        return problem

    def day(self) -> date:
        return pydate(self.end_edit.date())

    @classmethod
    def ask(cls, parent: QWidget | None, description: str, starts_on: date, today: date) -> date | None:
        dialog = cls(description, starts_on, today, parent)
        return dialog.day() if dialog.exec() == QDialog.DialogCode.Accepted else None


# -- training and witnessed audits --------------------------------------------------------------------
@dataclass(frozen=True)
class TrainingRequest:
    taken_on: date
    title: str
    hours: str
    provider: str


class TrainingDialog(_Dialog):
    def __init__(self, who: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("添加培训记录 — {who}").format(who=who), self.tr("添加"), parent)
        self.today = today
        self.date_edit = date_edit(today, self)
        self.date_edit.setMaximumDate(qdate(today))
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText(self.tr("例如 GB/T 27922-2011 标准培训"))
        self.hours_edit = QLineEdit(self)
        self.hours_edit.setPlaceholderText(self.tr("学时，如 16"))
        self.provider_edit = QLineEdit(self)
        self.provider_edit.setPlaceholderText(self.tr("培训机构"))
        self.form.addRow(self.tr("培训日期"), self.date_edit)
        self.form.addRow(self.tr("培训名称"), self.title_edit)
        self.form.addRow(self.tr("学时"), self.hours_edit)
        self.form.addRow(self.tr("培训机构"), self.provider_edit)
        self.title_edit.textChanged.connect(self.revalidate)
        self.finish()

    def problems(self) -> str:
        return "" if self.title_edit.text().strip() else self.tr("请填写培训名称")

    def request(self) -> TrainingRequest:
        return TrainingRequest(
            pydate(self.date_edit.date()),
            self.title_edit.text().strip(),
            self.hours_edit.text().strip(),
            self.provider_edit.text().strip(),
        )

    @classmethod
    def ask(cls, parent: QWidget | None, who: str, today: date) -> TrainingRequest | None:
        dialog = cls(who, today, parent)
        return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None


@dataclass(frozen=True)
class WitnessRequest:
    witnessed_on: date
    witness: str
    outcome: str
    case_no: str
    note: str


class WitnessedAuditDialog(_Dialog):
    def __init__(self, who: str, today: date, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(self.tr("添加见证评价 — {who}").format(who=who), self.tr("添加"), parent)
        self.date_edit = date_edit(today, self)
        self.date_edit.setMaximumDate(qdate(today))
        self.witness_edit = QLineEdit(self)
        self.witness_edit.setPlaceholderText(self.tr("见证人姓名及资格"))
        self.outcome_combo = QComboBox(self)
        for outcome in WitnessOutcome:
            self.outcome_combo.addItem(
                WITNESS_OUTCOME_LABELS[outcome][1 if lang == "en" else 0], outcome.value
            )
        self.case_edit = QLineEdit(self)
        self.case_edit.setPlaceholderText(self.tr("本系统中的案件编号（可不填）"))
        self.note_edit = QLineEdit(self)
        self.form.addRow(self.tr("见证日期"), self.date_edit)
        self.form.addRow(self.tr("见证人"), self.witness_edit)
        self.form.addRow(self.tr("结论"), self.outcome_combo)
        self.form.addRow(self.tr("案件"), self.case_edit)
        self.form.addRow(self.tr("说明"), self.note_edit)
        self.witness_edit.textChanged.connect(self.revalidate)
        self.finish()

    def problems(self) -> str:
        return "" if self.witness_edit.text().strip() else self.tr("请填写见证人")

    def request(self) -> WitnessRequest:
        return WitnessRequest(
            pydate(self.date_edit.date()),
            self.witness_edit.text().strip(),
            str(self.outcome_combo.currentData()),
            self.case_edit.text().strip(),
            self.note_edit.text().strip(),
        )

    @classmethod
    def ask(cls, parent: QWidget | None, who: str, today: date, lang: str = "zh") -> WitnessRequest | None:
        dialog = cls(who, today, lang, parent)
        return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None


# -- the annual declaration -------------------------------------------------------------------------------
class DeclarationDialog(_Dialog):
    """The declaration's text, for the year chosen; OK signs it."""

    def __init__(
        self, text: DeclarationText, years: Sequence[int], lang: str = "zh", parent: QWidget | None = None
    ) -> None:
        super().__init__(text.title(lang), self.tr("本人已阅读并签署"), parent)
        self.setMinimumWidth(560)
        self.year_combo = QComboBox(self)
        for year in years:
            self.year_combo.addItem(self.tr("{year} 年度").format(year=year), year)
        self.body = QPlainTextEdit(text.text(lang), self)
        self.body.setReadOnly(True)
        self.body.setMinimumHeight(200)
        self.form.addRow(self.tr("声明年度"), self.year_combo)
        self.outer.addWidget(self.body)
        self.finish()

    def year(self) -> int:
        return int(self.year_combo.currentData())

    @classmethod
    def ask(
        cls, parent: QWidget | None, text: DeclarationText, years: Sequence[int], lang: str = "zh"
    ) -> int | None:
        dialog = cls(text, years, lang, parent)
        return dialog.year() if dialog.exec() == QDialog.DialogCode.Accepted else None
