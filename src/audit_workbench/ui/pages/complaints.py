"""Complaints and appeals (投诉与申诉): the register and the appeals, with their actions.

Two tabs. 投诉: every complaint with its deadlines (past ones in red), to register one, acknowledge
it, put an investigator on it, record its resolution (the investigator), close it and write the
letter to the complainant. 申诉: every appeal with its panel and decision deadline, to register one
against a case's decision, appoint its panel, record the panel's decision (a panel member) and write
the letter to the appellant. Buttons are disabled with the policy's reason; the services check
everything again (an investigator or panel member who took part in the case is refused there, and
the refusal is shown). Clerks and administrators see the whole register; others the complaints they
investigate and the appeals on whose panel they sit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.complaints import (
    APPEAL_OUTCOME_LABELS,
    APPEAL_STATE_LABELS,
    APPEAL_SUBJECT_LABELS,
    COMPLAINT_KIND_LABELS,
    COMPLAINT_STATE_LABELS,
    AppealOutcome,
    AppealState,
    AppealSubject,
    ComplaintKind,
    ComplaintState,
)
from ...core.errors import Refused
from ...core.policy import Action
from ...services.complaints import AppealView, ComplaintView
from ..context import Messages, UiContext
from ..files import FileDialogs
from ..models.rows import ROW_ROLE, SORT_ROLE, Column, RowTableModel
from ..theme import BAD, OK, TEXT_MUTED
from ..widgets.common import SP, PageHeader, fit_columns, set_up_table, std_icon


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- the forms (each `ask` returns a small value, or None when cancelled; tests replace them) -------
@dataclass(frozen=True)
class ComplaintRequest:
    kind: str
    text: str
    source: str
    case_no: str


@dataclass(frozen=True)
class AppealRequest:
    case_no: str
    grounds: str


@dataclass(frozen=True)
class DecisionRequest:
    outcome: str
    reason: str


class _Form(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.outer.addLayout(self.form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.outer.addWidget(buttons)

    def text_edit(self, placeholder: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(90)
        edit.setPlaceholderText(placeholder)
        return edit


class ComplaintForms:
    """The page's forms, as classmethods the tests replace."""

    @classmethod
    def new_complaint(cls, parent: QWidget | None, lang: str) -> ComplaintRequest | None:
        form = _Form(QCoreApplication.translate("ComplaintForms", "登记投诉"), parent)
        kind = QComboBox(form)
        for k in ComplaintKind:
            kind.addItem(_cap(COMPLAINT_KIND_LABELS[k][1 if lang == "en" else 0]), k.value)
        source = QLineEdit(form)
        source.setPlaceholderText(QCoreApplication.translate("ComplaintForms", "投诉人姓名或单位（可匿名）"))
        case_no = QLineEdit(form)
        case_no.setPlaceholderText(QCoreApplication.translate("ComplaintForms", "所涉案件编号（可不填）"))
        text = form.text_edit(QCoreApplication.translate("ComplaintForms", "投诉内容"))
        form.form.addRow(QCoreApplication.translate("ComplaintForms", "投诉类别"), kind)
        form.form.addRow(QCoreApplication.translate("ComplaintForms", "投诉人"), source)
        form.form.addRow(QCoreApplication.translate("ComplaintForms", "所涉案件"), case_no)
        form.form.addRow(QCoreApplication.translate("ComplaintForms", "投诉内容"), text)
        if form.exec() != QDialog.DialogCode.Accepted:
            return None
        return ComplaintRequest(
            str(kind.currentData()), text.toPlainText(), source.text().strip(), case_no.text().strip()
        )

    @classmethod
    def text(cls, parent: QWidget | None, title: str, label: str) -> str | None:
        form = _Form(title, parent)
        edit = form.text_edit()
        form.form.addRow(label, edit)
        return edit.toPlainText() if form.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def person(cls, parent: QWidget | None, title: str, people: Sequence[tuple[str, str]]) -> str | None:
        form = _Form(title, parent)
        combo = QComboBox(form)
        for name, display in people:
            combo.addItem(f"{display}（{name}）" if display != name else name, name)
        form.form.addRow(QCoreApplication.translate("ComplaintForms", "调查人"), combo)
        return str(combo.currentData()) if form.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def panel(cls, parent: QWidget | None, people: Sequence[tuple[str, str]]) -> list[str] | None:
        form = _Form(QCoreApplication.translate("ComplaintForms", "指定申诉评议组"), parent)
        listing = QListWidget(form)
        for name, display in people:
            item = QListWidgetItem(f"{display}（{name}）" if display != name else name)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            listing.addItem(item)
        form.form.addRow(QCoreApplication.translate("ComplaintForms", "评议组成员"), listing)
        if form.exec() != QDialog.DialogCode.Accepted:
            return None
        return [
            str(listing.item(n).data(Qt.ItemDataRole.UserRole))
            for n in range(listing.count())
            if listing.item(n).checkState() == Qt.CheckState.Checked
        ]

    @classmethod
    def new_appeal(cls, parent: QWidget | None) -> AppealRequest | None:
        form = _Form(QCoreApplication.translate("ComplaintForms", "登记申诉"), parent)
        case_no = QLineEdit(form)
        grounds = form.text_edit(QCoreApplication.translate("ComplaintForms", "申诉理由"))
        form.form.addRow(QCoreApplication.translate("ComplaintForms", "案件编号"), case_no)
        form.form.addRow(QCoreApplication.translate("ComplaintForms", "申诉理由"), grounds)
        if form.exec() != QDialog.DialogCode.Accepted:
            return None
        return AppealRequest(case_no.text().strip(), grounds.toPlainText())

    @classmethod
    def decision(cls, parent: QWidget | None, lang: str) -> DecisionRequest | None:
        form = _Form(QCoreApplication.translate("ComplaintForms", "作出申诉决定"), parent)
        outcome = QComboBox(form)
        for o in AppealOutcome:
            outcome.addItem(_cap(APPEAL_OUTCOME_LABELS[o][1 if lang == "en" else 0]), o.value)
        reason = form.text_edit(QCoreApplication.translate("ComplaintForms", "决定理由"))
        form.form.addRow(QCoreApplication.translate("ComplaintForms", "申诉结论"), outcome)
        form.form.addRow(QCoreApplication.translate("ComplaintForms", "理由"), reason)
        if form.exec() != QDialog.DialogCode.Accepted:
            return None
        return DecisionRequest(str(outcome.currentData()), reason.toPlainText())


# -- the page ------------------------------------------------------------------------------------------
class ComplaintsPage(QWidget):
    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.context = context
        self.service = context.services.complaints
        self.saved_paths: list[Path] = []

        settings = context.services.settings.all()
        self.header = PageHeader(
            self.tr("投诉与申诉"),
            self.tr(
                "投诉 {ack} 个工作日内确认收到、{resolve} 个工作日内处理完毕；申诉须在决定后 {window} 个工作日内提出，"
                "{decide} 日内由未参与该案的评议组作出决定"
            ).format(
                ack=settings["complaint_acknowledge_days"],
                resolve=settings["complaint_resolve_days"],
                window=settings["appeal_window_days"],
                decide=settings["appeal_decide_days"],
            ),
        )
        self.header.subtitle.setWordWrap(True)
        refresh = QPushButton(std_icon(SP.SP_BrowserReload), self.tr("刷新"))
        refresh.clicked.connect(self.refresh)
        self.header.add_widget(refresh)

        self.complaint_model: RowTableModel[ComplaintView] = RowTableModel(self._complaint_columns())
        self.appeal_model: RowTableModel[AppealView] = RowTableModel(self._appeal_columns())
        self.complaint_view = self._table(self.complaint_model, stretch=3)
        self.appeal_view = self._table(self.appeal_model, stretch=5)

        self.new_complaint_button = QPushButton(self.tr("登记投诉…"))
        self.acknowledge_button = QPushButton(self.tr("确认收到"))
        self.assign_button = QPushButton(self.tr("指派调查人…"))
        self.resolve_button = QPushButton(self.tr("记录处理结果…"))
        self.close_button = QPushButton(self.tr("关闭投诉"))
        self.complaint_letter_button = QPushButton(self.tr("生成复函…"))
        self.new_appeal_button = QPushButton(self.tr("登记申诉…"))
        self.panel_button = QPushButton(self.tr("指定评议组…"))
        self.decide_button = QPushButton(self.tr("作出决定…"))
        self.appeal_letter_button = QPushButton(self.tr("生成复函…"))
        for button, slot in (
            (self.new_complaint_button, self.new_complaint),
            (self.acknowledge_button, self.acknowledge),
            (self.assign_button, self.assign),
            (self.resolve_button, self.resolve),
            (self.close_button, self.close_complaint),
            (self.complaint_letter_button, lambda: self.save_letter("complaint")),
            (self.new_appeal_button, self.new_appeal),
            (self.panel_button, self.appoint_panel),
            (self.decide_button, self.decide),
            (self.appeal_letter_button, lambda: self.save_letter("appeal")),
        ):
            button.clicked.connect(slot)

        self.tabs = QTabWidget()
        self.tabs.addTab(
            self._tab(
                self.complaint_view,
                (
                    self.new_complaint_button,
                    self.acknowledge_button,
                    self.assign_button,
                    self.resolve_button,
                    self.close_button,
                    self.complaint_letter_button,
                ),
            ),
            self.tr("投诉"),
        )
        self.tabs.addTab(
            self._tab(
                self.appeal_view,
                (self.new_appeal_button, self.panel_button, self.decide_button, self.appeal_letter_button),
            ),
            self.tr("申诉"),
        )
        self.complaint_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.appeal_view.selectionModel().selectionChanged.connect(self._update_buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        self.refresh()

    def _table(self, model: RowTableModel, stretch: int) -> QTableView:  # type: ignore[type-arg]
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(model)
        proxy.setSortRole(SORT_ROLE)
        view = QTableView()
        view.setModel(proxy)
        set_up_table(view, stretch_column=stretch)
        return view

    @staticmethod
    def _tab(view: QTableView, buttons: Sequence[QPushButton]) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(view, 1)
        return tab

    # -- columns ----------------------------------------------------------------------------------
    def _complaint_columns(self) -> list[Column[ComplaintView]]:
        c = self.context

        def late(v: ComplaintView, due: str) -> str | None:
            return BAD if v.overdue == due else None

        return [
            Column(self.tr("编号"), lambda v: str(v.id), sort_key=lambda v: v.id),
            Column(
                self.tr("收到日期"), lambda v: c.fmt_date(v.received_on), sort_key=lambda v: v.received_on
            ),
            Column(self.tr("类别"), lambda v: _cap(c.pick(COMPLAINT_KIND_LABELS[ComplaintKind(v.kind)]))),
            Column(self.tr("投诉内容"), lambda v: v.text, tooltip=lambda v: v.text),
            Column(self.tr("投诉人"), lambda v: v.source),
            Column(self.tr("所涉案件"), lambda v: v.case_no or ""),
            Column(
                self.tr("状态"),
                lambda v: _cap(c.pick(COMPLAINT_STATE_LABELS[ComplaintState(v.status)])),
                colour=lambda v: OK if v.status == ComplaintState.closed else None,
            ),
            Column(self.tr("调查人"), lambda v: c.person(v.investigator) if v.investigator else ""),
            Column(
                self.tr("确认期限"),
                lambda v: c.fmt_date(v.acknowledge_by),
                sort_key=lambda v: v.acknowledge_by,
                colour=lambda v: late(v, "acknowledge"),
            ),
            Column(
                self.tr("处理期限"),
                lambda v: c.fmt_date(v.resolve_by),
                sort_key=lambda v: v.resolve_by,
                colour=lambda v: late(v, "resolve"),
            ),
        ]

    def _appeal_columns(self) -> list[Column[AppealView]]:
        c = self.context
        return [
            Column(self.tr("编号"), lambda v: str(v.id), sort_key=lambda v: v.id),
            Column(
                self.tr("收到日期"), lambda v: c.fmt_date(v.received_on), sort_key=lambda v: v.received_on
            ),
            Column(self.tr("案件编号"), lambda v: v.case_no),
            Column(self.tr("申诉组织"), lambda v: v.organization),
            Column(
                self.tr("申诉事项"), lambda v: _cap(c.pick(APPEAL_SUBJECT_LABELS[AppealSubject(v.subject)]))
            ),
            Column(self.tr("申诉理由"), lambda v: v.grounds, tooltip=lambda v: v.grounds),
            Column(self.tr("状态"), lambda v: _cap(c.pick(APPEAL_STATE_LABELS[AppealState(v.status)]))),
            Column(self.tr("评议组"), lambda v: "、".join(c.person(p) for p in v.panel)),
            Column(
                self.tr("结论"),
                lambda v: _cap(c.pick(APPEAL_OUTCOME_LABELS[AppealOutcome(v.outcome)])) if v.outcome else "",
                tooltip=lambda v: v.reason,
            ),
            Column(
                self.tr("决定期限"),
                lambda v: c.fmt_date(v.decide_by),
                sort_key=lambda v: v.decide_by,
                colour=lambda v: BAD if v.overdue else (TEXT_MUTED if v.outcome else None),
            ),
        ]

    # -- data -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        actor = self.context.actor

        def read() -> tuple[list[ComplaintView], list[AppealView]]:
            return self.service.list(actor), self.service.appeals(actor)

        self.context.load(self, read, on_loaded=self.show_rows)

    def changed_elsewhere(self, changes: object, complete: bool = True) -> None:
        self.refresh()

    def show_rows(self, rows: tuple[list[ComplaintView], list[AppealView]]) -> None:
        complaints, appeals = rows
        self.complaint_model.set_rows(complaints)
        self.appeal_model.set_rows(appeals)
        self.tabs.setTabText(0, self.tr("投诉 ({n})").format(n=len(complaints)))
        self.tabs.setTabText(1, self.tr("申诉 ({n})").format(n=len(appeals)))
        c = self.context
        fit_columns(
            self.complaint_view,
            {
                0: "999",
                1: "2026-12-31",
                2: c.longest(_cap(c.pick(label)) for label in COMPLAINT_KIND_LABELS.values()),
                4: "某某电器有限公司",
                5: "AW2026-00000",
                6: c.longest(_cap(c.pick(label)) for label in COMPLAINT_STATE_LABELS.values()),
                8: "2026-12-31",
                9: "2026-12-31",
            },
        )
        fit_columns(
            self.appeal_view,
            {
                0: "999",
                1: "2026-12-31",
                2: "AW2026-00000",
                4: c.longest(_cap(c.pick(label)) for label in APPEAL_SUBJECT_LABELS.values()),
                6: c.longest(_cap(c.pick(label)) for label in APPEAL_STATE_LABELS.values()),
                9: "2026-12-31",
            },
        )
        self._update_buttons()

    def selected_complaint(self) -> ComplaintView | None:
        rows = self.complaint_view.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def selected_appeal(self) -> AppealView | None:
        rows = self.appeal_view.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def select(self, kind: str, item_id: int) -> None:
        """Select a complaint or an appeal by its id (after an action, and for tests)."""
        view, model = (
            (self.complaint_view, self.complaint_model)
            if kind == "complaint"
            else (self.appeal_view, self.appeal_model)
        )
        position = model.find(lambda r: r.id == item_id)
        if position < 0:
            return
        proxy = view.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        view.selectRow(proxy.mapFromSource(model.index(position, 0)).row())
        self.tabs.setCurrentIndex(0 if kind == "complaint" else 1)

    def _update_buttons(self, *_args: object) -> None:
        c = self.context
        complaint = self.selected_complaint()
        appeal = self.selected_appeal()
        c.guard(self.new_complaint_button, Action.handle_complaint)
        c.guard(self.new_appeal_button, Action.handle_appeal)
        state = ComplaintState(complaint.status) if complaint else None
        for button, allowed in (
            (self.acknowledge_button, state is ComplaintState.received),
            (
                self.assign_button,
                state in (ComplaintState.received, ComplaintState.acknowledged, ComplaintState.investigated),
            ),
            (self.close_button, state is ComplaintState.resolved),
            (self.complaint_letter_button, state in (ComplaintState.resolved, ComplaintState.closed)),
        ):
            if c.guard(button, Action.handle_complaint) and not allowed:
                button.setEnabled(False)
        mine = complaint is not None and complaint.investigator == c.actor.name
        if c.guard(self.resolve_button, Action.investigate_complaint) and not (
            mine and state is ComplaintState.investigated
        ):
            self.resolve_button.setEnabled(False)
            if complaint is not None and not mine:
                self.resolve_button.setToolTip(self.tr("只有该投诉的调查人可以记录处理结果"))
        open_appeal = appeal is not None and appeal.status != AppealState.decided
        if c.guard(self.panel_button, Action.handle_appeal) and not open_appeal:
            self.panel_button.setEnabled(False)
        if c.guard(self.appeal_letter_button, Action.handle_appeal) and not (appeal and appeal.outcome):
            self.appeal_letter_button.setEnabled(False)
        on_panel = appeal is not None and c.actor.name in appeal.panel
        if c.guard(self.decide_button, Action.decide_appeal) and not (on_panel and open_appeal):
            self.decide_button.setEnabled(False)
            if appeal is not None and not on_panel:
                self.decide_button.setToolTip(self.tr("只有该申诉评议组的成员可以作出决定"))

    # -- actions ----------------------------------------------------------------------------------
    def _do(self, kind: str, call: Callable[..., Any], *args: Any) -> None:
        def done(view: Any) -> None:
            self.refresh_then_select(kind, view.id)

        self.context.act(call, self.context.actor, *args, on_done=done, parent=self)

    def refresh_then_select(self, kind: str, item_id: int) -> None:
        actor = self.context.actor

        def read() -> tuple[list[ComplaintView], list[AppealView]]:
            return self.service.list(actor), self.service.appeals(actor)

        def shown(rows: tuple[list[ComplaintView], list[AppealView]]) -> None:
            self.show_rows(rows)
            self.select(kind, item_id)

        self.context.load(self, read, on_loaded=shown)

    def _people(self, roles: set[str]) -> list[tuple[str, str]]:
        return [
            (u.name, u.display_name or u.name)
            for u in self.context.services.users.list()
            if u.active and roles & set(u.roles)
        ]

    def new_complaint(self) -> None:
        request = ComplaintForms.new_complaint(self, self.context.lang)
        if request is not None:
            self._do(
                "complaint",
                lambda actor: self.service.new(
                    actor,
                    kind=request.kind,
                    text=request.text,
                    source=request.source or None,
                    case_no=request.case_no or None,
                ),
            )

    def acknowledge(self) -> None:
        complaint = self.selected_complaint()
        if complaint is not None:
            self._do("complaint", self.service.acknowledge, complaint.id)

    def assign(self) -> None:
        complaint = self.selected_complaint()
        if complaint is None:
            return
        people = self._people({"clerk", "auditor", "committee"})
        who = ComplaintForms.person(self, self.tr("指派调查人"), people)
        if who:
            self._do("complaint", self.service.assign, complaint.id, who)

    def resolve(self) -> None:
        complaint = self.selected_complaint()
        if complaint is None:
            return
        text = ComplaintForms.text(self, self.tr("记录处理结果"), self.tr("处理结果"))
        if text is not None:
            self._do("complaint", self.service.resolve, complaint.id, text)

    def close_complaint(self) -> None:
        complaint = self.selected_complaint()
        if complaint is not None:
            self._do("complaint", self.service.close, complaint.id)

    def new_appeal(self) -> None:
        request = ComplaintForms.new_appeal(self)
        if request is not None:
            self._do("appeal", self.service.appeal_new, request.case_no, request.grounds)

    def appoint_panel(self) -> None:
        appeal = self.selected_appeal()
        if appeal is None:
            return
        members = ComplaintForms.panel(self, self._people({"auditor", "committee"}))
        if members is not None:
            self._do("appeal", self.service.panel, appeal.id, members)

    def decide(self) -> None:
        appeal = self.selected_appeal()
        if appeal is None:
            return
        request = ComplaintForms.decision(self, self.context.lang)
        if request is not None:
            self._do("appeal", self.service.decide, appeal.id, request.outcome, request.reason)

    def save_letter(self, kind: str) -> None:
        """Ask where, render the letter on the database worker, write it through the output guard."""
        item = self.selected_complaint() if kind == "complaint" else self.selected_appeal()
        if item is None:
            return
        title = self.tr("保存复函")
        word = self.tr("投诉") if kind == "complaint" else self.tr("申诉")
        path = FileDialogs.save_file(self, title, f"{word}{item.id}-复函.pdf", "PDF (*.pdf)")
        if path is None:
            return

        def write(data: bytes) -> None:
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

        self.context.act(
            self.service.letter_pdf, self.context.actor, kind, item.id, on_done=write, parent=self
        )
