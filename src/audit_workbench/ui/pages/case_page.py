"""The case page: where one case stands in the pipeline, what this user may do next, and five tabs.

The header names the case; the stepper shows DESIGN.md's pipeline with the current state (and, for
a case that ended, where and how it ended); the action bar offers the next steps of the current
state, each disabled with the policy's reason when this user may not take it. The tabs are in
`ui/case/`: 申请 application, 文件审查 document review, 现场评分 scoring, 评审委员会 committee,
证书 certificate.

After any change the page reloads the case from the services and emits `sig_case_changed`. Score
edits are the exception: they update the scoring table from the returned `ScoreChange` at once
(typing speed matters) and the other tabs reload when next shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import Refused
from ...core.policy import Action
from ...core.workflow import CLOSED_STATES, PIPELINE, CaseState
from ..case.application_tab import ApplicationTab
from ..case.certificate_tab import CertificateTab
from ..case.committee_tab import CommitteeTab
from ..case.common import Notice, join_list
from ..case.review_tab import ReviewTab
from ..case.scoring_tab import ScoringTab
from ..case.stepper import PipelineStepper, Step
from ..context import UiContext
from ..guards import Unsaved, unsaved_of
from ..widgets.common import PageHeader

TABS = ("application", "review", "scoring", "committee", "certificate")
EDITING_RETRY_MS = 700  # a change from elsewhere waits while a points cell is being typed in

# The next steps offered in each state, in the order a user meets them (withdraw is kept apart).
NEXT_ACTIONS: dict[CaseState, tuple[Action, ...]] = {
    CaseState.draft: (Action.edit_application, Action.submit),
    CaseState.submitted: (Action.accept, Action.reject),
    CaseState.accepted: (Action.assign_team,),
    CaseState.document_review: (Action.record_review, Action.assign_team),
    CaseState.onsite_audit: (Action.score, Action.conclude, Action.assign_team),
    CaseState.committee_review: (Action.vote,),
    CaseState.approved: (Action.issue_certificate,),
}

# Which event ended a case, to place the end on the stepper.
ENDING_EVENTS = {
    CaseState.rejected: ("case.reject",),
    CaseState.withdrawn: ("case.withdraw",),
    CaseState.not_certified: ("committee.decide",),
}


class CasePage(QWidget):
    sig_case_changed = Signal(str)

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.context = context
        self.case_no: str | None = None
        self.detail: Any = None
        self._stale = False
        self._build()

    def _build(self) -> None:
        self.header = PageHeader(self.tr("案件"), parent=self)
        self.changed_notice = Notice(self)  # "王芳 刚修改了本案…"
        self.changed_notice.setObjectName("changed_notice")
        self.stepper = PipelineStepper(self)
        self.stepper.setObjectName("pipeline_stepper")

        self.actions_label = QLabel(self.tr("下一步："), self)
        self.actions_label.setObjectName("pageSubtitle")
        self.actions_row = QHBoxLayout()
        self.actions_row.setSpacing(8)
        self.actions_row.addWidget(self.actions_label)
        self.action_buttons: dict[Action, QPushButton] = {}
        for action, text in (
            (Action.edit_application, self.tr("补充申请材料")),
            (Action.submit, self.tr("提交申请")),
            (Action.accept, self.tr("受理…")),
            (Action.reject, self.tr("不予受理…")),
            (Action.assign_team, self.tr("指派评审组…")),
            (Action.record_review, self.tr("记录文件审查")),
            (Action.score, self.tr("现场评分")),
            (Action.conclude, self.tr("形成评审结论…")),
            (Action.vote, self.tr("表决")),
            (Action.issue_certificate, self.tr("颁发证书")),
        ):
            button = QPushButton(text, self)
            button.setObjectName(
                "primary" if action in (Action.submit, Action.vote, Action.issue_certificate) else ""
            )
            button.clicked.connect(lambda _=False, a=action: self.trigger(a))
            button.hide()
            self.action_buttons[action] = button
            self.actions_row.addWidget(button)
        self.ended_label = QLabel(self)
        self.ended_label.setObjectName("pageSubtitle")
        self.actions_row.addWidget(self.ended_label)
        self.actions_row.addStretch(1)
        self.withdraw_button = QPushButton(self.tr("撤回案件…"), self)
        self.withdraw_button.clicked.connect(lambda: self.trigger(Action.withdraw))
        self.action_buttons[Action.withdraw] = self.withdraw_button
        self.actions_row.addWidget(self.withdraw_button)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("case_tabs")
        self.application_tab = ApplicationTab(self.context, self)
        self.review_tab = ReviewTab(self.context, self)
        self.scoring_tab = ScoringTab(self.context, self)
        self.committee_tab = CommitteeTab(self.context, self)
        self.certificate_tab = CertificateTab(self.context, self)
        self.tabs.addTab(self.application_tab, self.tr("申请"))
        self.tabs.addTab(self.review_tab, self.tr("文件审查"))
        self.tabs.addTab(self.scoring_tab, self.tr("现场评分"))
        self.tabs.addTab(self.committee_tab, self.tr("评审委员会"))
        self.tabs.addTab(self.certificate_tab, self.tr("证书"))
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        for tab in self._tab_widgets():
            tab.sig_case_changed.connect(self._on_tab_case_changed)
        self.scoring_tab.sig_scores_changed.connect(self._on_scoring_tab_scores_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 14)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addWidget(self.changed_notice)
        layout.addWidget(self.stepper)
        layout.addLayout(self.actions_row)
        layout.addWidget(self.tabs, 1)

    def _tab_widgets(self) -> tuple[Any, ...]:
        return (
            self.application_tab,
            self.review_tab,
            self.scoring_tab,
            self.committee_tab,
            self.certificate_tab,
        )

    def unsaved_work(self) -> list[Unsaved]:
        """What the tabs hold typed and not saved (ui.guards)."""
        return unsaved_of(self._tab_widgets())

    # -- showing ----------------------------------------------------------------------------------
    def show_case(self, case_no: str, tab: str = "application") -> None:
        """Open a case at a tab: application, review, scoring, committee or certificate. The case is
        read on the database worker; the page shows it when it arrives."""
        tab = tab or "application"
        if tab not in TABS:
            raise ValueError(f"unknown case tab {tab!r}; use one of {', '.join(TABS)}")

        def loaded(answer: tuple[Any, CaseState | None]) -> None:
            self.case_no = case_no
            self.changed_notice.clear()
            self._show(*answer)
            self.set_tab(tab)
            if self.tabs.currentWidget() is self.scoring_tab:
                self.scoring_tab.tree.setFocus()

        self.context.load(
            self,
            self._read,
            case_no,
            on_loaded=loaded,
            label=self.tr("正在读取案件 {case_no}…").format(case_no=case_no),
        )

    def _read(self, case_no: str) -> tuple[Any, CaseState | None]:
        """What the page shows, read off the GUI thread: the case, and where it ended if it did."""
        detail = self.context.services.cases.get(case_no)
        state = CaseState(detail.status)
        ended = self._ended_from(case_no, state) if state not in PIPELINE else None
        return detail, ended

    def set_tab(self, tab: str) -> None:
        if tab not in TABS:
            raise ValueError(f"unknown case tab {tab!r}; use one of {', '.join(TABS)}")
        self.tabs.setCurrentIndex(TABS.index(tab))

    def current_tab(self) -> str:
        return TABS[max(0, self.tabs.currentIndex())]

    def refresh(self) -> None:
        if self.case_no is not None:
            self.reload()

    def reload(self) -> None:
        """Read the case again (on the database worker) and show it, keeping what is being typed."""
        if self.case_no is None:
            return
        case_no = self.case_no

        def loaded(answer: tuple[Any, CaseState | None]) -> None:
            if self.case_no == case_no:
                self._show(*answer)

        self.context.load(self, self._read, case_no, on_loaded=loaded)

    def changed_elsewhere(self, changes: list[Any]) -> None:
        """Someone else changed this case: say who, and show what is stored now. A points cell being
        typed in is left alone until it is saved (its value goes in first, checked against the version
        it was read at)."""
        if self.scoring_tab.tree.state() == QAbstractItemView.State.EditingState:
            QTimer.singleShot(EDITING_RETRY_MS, lambda: self.changed_elsewhere(changes))
            return
        ctx = self.context
        who = join_list(
            ctx.lang,
            sorted({self.detail.person(c.user_name) if self.detail else c.user_name for c in changes}),
        )
        self.changed_notice.show_text(
            self.tr("{who} 刚修改了本案（{time}），已载入最新内容；您正在填写的内容仍在。").format(
                who=who or self.tr("他人"), time=QTime.currentTime().toString("HH:mm")
            ),
            "info",
        )
        self.reload()

    def _show(self, detail: Any, ended: CaseState | None = None) -> None:
        self.detail = detail
        self._stale = False
        ctx = self.context
        self.header.title.setText(f"{detail.case_no}  {detail.organization.name}")
        subtitle = [
            ctx.state_label(detail.status),
            ctx.kind_label(detail.kind),
            ctx.enterprise_type_label(detail.enterprise_type),
            ctx.rubric_title(detail.rubric_id),
        ]
        if detail.awaiting_rectification:
            subtitle.insert(1, self.tr("待整改"))
        if detail.rubric_changed:
            subtitle.append(self.tr("评价规则文件已被修改，不能继续评分"))
        self.header.set_subtitle(" · ".join(s for s in subtitle if s))
        self.stepper.set_steps(self._steps(detail, ended))
        self._show_actions(detail)
        for tab in self._tab_widgets():
            tab.set_case(detail)

    def _steps(self, detail: Any, ended: CaseState | None = None) -> tuple[Step, ...]:
        ctx = self.context
        state = CaseState(detail.status)
        notes: dict[CaseState, str] = {}
        if detail.awaiting_rectification:
            open_count = sum(1 for n in detail.nonconformities if n.status == "open")
            notes[CaseState.onsite_audit] = self.tr("待整改 {n} 项").format(n=open_count)
        if detail.committee_round > 1:
            notes[CaseState.committee_review] = self.tr("第 {n} 轮").format(n=detail.committee_round)
        if state in PIPELINE:
            at = PIPELINE.index(state)
            steps = []
            for i, s in enumerate(PIPELINE):
                kind = "done" if i < at else ("current" if i == at else "ahead")
                if s is CaseState.certified and state is CaseState.certified:
                    kind = "done"
                steps.append(Step(s.value, ctx.state_label(s), kind, notes.get(s, "") if i <= at else ""))
            return tuple(steps)
        ended_from = ended or self._ended_from(detail.case_no, state)
        at = PIPELINE.index(ended_from) if ended_from in PIPELINE else 0
        steps = [
            Step(s.value, ctx.state_label(s), "done" if i <= at else "ahead") for i, s in enumerate(PIPELINE)
        ]
        steps.insert(at + 1, Step(state.value, ctx.state_label(state), "ended"))
        return tuple(steps)

    def _ended_from(self, case_no: str, state: CaseState) -> CaseState:
        """The state the case was in when it ended (from the event log's before value)."""
        fallback = {
            CaseState.rejected: CaseState.submitted,
            CaseState.not_certified: CaseState.committee_review,
        }
        try:
            events = self.context.services.log.events(entity_id=case_no, limit=50)
        except Refused:
            events = []
        for event in events:  # newest first
            if event.entity == "case" and event.action in ENDING_EVENTS.get(state, ()):
                before = (event.before or {}).get("status") if isinstance(event.before, dict) else None
                try:
                    return CaseState(before)
                except ValueError:
                    break
        return fallback.get(state, CaseState.draft)

    def _show_actions(self, detail: Any) -> None:
        ctx = self.context
        state = CaseState(detail.status)
        offered = NEXT_ACTIONS.get(state, ())
        for action, button in self.action_buttons.items():
            if action is Action.withdraw:
                continue
            button.setVisible(action in offered)
            if action in offered:
                ctx.guard(button, action, detail)
        # In the state's own order (scoring before re-assigning the team), after the "下一步" label.
        for at, action in enumerate(offered, start=1):
            self.actions_row.removeWidget(self.action_buttons[action])
            self.actions_row.insertWidget(at, self.action_buttons[action])
        self.withdraw_button.setVisible(state not in CLOSED_STATES)
        if state not in CLOSED_STATES:
            ctx.guard(self.withdraw_button, Action.withdraw, detail)
        self.actions_label.setVisible(bool(offered))
        if state in CLOSED_STATES:
            self.ended_label.setText(self.tr("案件已结束：{state}").format(state=ctx.state_label(state)))
            self.ended_label.show()
        else:
            self.ended_label.hide()

    # -- acting -----------------------------------------------------------------------------------
    def trigger(self, action: Action) -> None:
        """Take one of the offered next steps (the same as pressing its button)."""
        handlers: dict[Action, Callable[[], Any]] = {
            Action.edit_application: lambda: self.set_tab("application"),
            Action.submit: self._go(0, self.application_tab.submit),
            Action.accept: self._go(0, self.application_tab.accept_application),
            Action.reject: self._go(0, self.application_tab.reject_application),
            Action.withdraw: self.application_tab.withdraw,
            Action.assign_team: self._go(0, self.application_tab.assign_team),
            Action.record_review: self._go(1, self.review_tab.findings_edit.setFocus),
            Action.score: self._go(2, self.scoring_tab.tree.setFocus),
            Action.conclude: self._go(2, self.scoring_tab._on_conclude_button_clicked),
            Action.vote: self._go(3, self.committee_tab.comment_edit.setFocus),
            Action.issue_certificate: self._go(4, self.certificate_tab.issue),
        }
        handlers[action]()

    def _go(self, tab: int, then: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            self.tabs.setCurrentIndex(tab)
            return then()

        return run

    def _on_tab_case_changed(self) -> None:
        self.reload()
        if self.case_no is not None:
            self.sig_case_changed.emit(self.case_no)

    def _on_scoring_tab_scores_changed(self) -> None:
        self._stale = True
        if self.case_no is not None:
            self.sig_case_changed.emit(self.case_no)

    def _on_tabs_current_changed(self, index: int) -> None:
        if self._stale:
            self.reload()


def _raise(exc: Refused) -> None:
    raise exc
