"""The dashboard page (工作台): figures, two charts and three lists, all from one service call.

What it shows: open cases; the user's work queue (what waits for this user, by role); open
nonconformities past their deadline; certificates that expire or are due for their annual
surveillance within 90 days; cases per state and certificates in force per grade as charts.
Double-clicking a row opens the case (or the certificate's case).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.policy import Action
from ...core.workflow import CLOSED_STATES, CaseState
from ...services.dashboard import (
    CertificateDue,
    Dashboard,
    DashboardLists,
    DashboardService,
    OverdueHandling,
    OverdueNonconformity,
    WorkItem,
)
from ..context import UiContext
from ..models.rows import CENTER, RIGHT, ROW_ROLE, SORT_ROLE, Column, RowTableModel
from ..theme import ACCENT, BAD, GRADE_COLOURS, OK, TEXT_MUTED, WARN
from ..widgets.charts import BarChart, RingChart
from ..widgets.common import SP, FigureCard, PageHeader, fit_columns, section_title, set_up_table, std_icon


def _one_of_each_shape(due: Iterable[CertificateDue]) -> list[CertificateDue]:
    """One entry for each way the 事项 column can read (what falls due, its reminder, what else falls
    due): the dates in it are ISO dates of one length, so the longest text is among these. Sizing the
    column from these instead of composing all 200 texts saves about 8 ms of each dashboard shown."""
    shapes: dict[tuple[str, int | None, str | None], CertificateDue] = {}
    for entry in due:
        reminder = entry.reminder if entry.status == "valid" else None
        also = entry.also_due[0] if entry.also_due is not None else None
        shapes.setdefault((entry.reason, reminder, also), entry)
    return list(shapes.values())


def _chart_card(title: str, chart: QWidget) -> QFrame:
    card = QFrame()
    card.setObjectName("card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(14, 10, 14, 8)
    layout.addWidget(section_title(title))
    layout.addWidget(chart, 1)
    return card


class DashboardPage(QWidget):
    sig_case_requested = Signal(str, str)  # case_no, tab
    sig_certificate_requested = Signal(str)  # certificate number
    sig_complaints_requested = Signal()  # the complaints and appeals page

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.context = context
        self.service = DashboardService(context.services)
        self.dashboard: Dashboard | None = None
        self._lists_wanted = 0  # counts the dashboards shown: the lists read for the last one are shown

        self.header = PageHeader(self.tr("工作台"))
        refresh = QPushButton(std_icon(SP.SP_BrowserReload), self.tr("刷新"))
        refresh.setToolTip(self.tr("重新读取数据 (F5)"))
        refresh.clicked.connect(self.refresh)
        self.header.add_widget(refresh)

        self.card_open = FigureCard(self.tr("在办案件"))
        self.card_queue = FigureCard(self.tr("待我处理"))
        self.card_overdue = FigureCard(self.tr("逾期未整改的不符合项"))
        self.card_due = FigureCard(self.tr("90 天内到期或待监督的证书"))
        self.card_in_force = FigureCard(self.tr("有效证书"))
        # complaints and appeals past their deadlines: for those who keep the register
        self.card_handling = FigureCard(self.tr("逾期的投诉与申诉"))
        self.card_handling.setVisible(context.can(Action.view_complaints))
        cards = QHBoxLayout()
        cards.setSpacing(12)
        for card in (
            self.card_open,
            self.card_queue,
            self.card_overdue,
            self.card_due,
            self.card_in_force,
            self.card_handling,
        ):
            cards.addWidget(card, 1)

        self.state_chart = BarChart()
        self.grade_chart = RingChart()
        charts = QHBoxLayout()
        charts.setSpacing(12)
        charts.addWidget(_chart_card(self.tr("各状态案件数"), self.state_chart), 3)
        charts.addWidget(_chart_card(self.tr("有效证书等级分布"), self.grade_chart), 2)

        self.queue_model: RowTableModel[WorkItem] = RowTableModel(self._queue_columns())
        self.overdue_model: RowTableModel[OverdueNonconformity] = RowTableModel(self._overdue_columns())
        self.due_model: RowTableModel[CertificateDue] = RowTableModel(self._due_columns())
        self.queue_view = self._table(self.queue_model, stretch=1)
        self.overdue_view = self._table(self.overdue_model, stretch=3)
        self.due_view = self._table(self.due_model, stretch=1)
        self.handling_model: RowTableModel[OverdueHandling] = RowTableModel(self._handling_columns())
        self.handling_view = self._table(self.handling_model, stretch=2)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        self.tabs.addTab(self.queue_view, std_icon(SP.SP_FileDialogDetailedView), "")
        self.tabs.addTab(self.overdue_view, std_icon(SP.SP_MessageBoxWarning), "")
        self.tabs.addTab(self.due_view, std_icon(SP.SP_FileDialogInfoView), "")
        if context.can(Action.view_complaints):
            self.tabs.addTab(self.handling_view, std_icon(SP.SP_MessageBoxQuestion), "")
        self.handling_view.doubleClicked.connect(self.sig_complaints_requested)
        self.queue_view.doubleClicked.connect(self._on_queue_view_double_clicked)
        self.overdue_view.doubleClicked.connect(self._on_overdue_view_double_clicked)
        self.due_view.doubleClicked.connect(self._on_due_view_double_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(14)
        layout.addWidget(self.header)
        # Certificates whose whole chain one person's fresh accounts took (issue 10): for all to see.
        self.one_hand_banner = QLabel()
        self.one_hand_banner.setObjectName("one_hand_banner")
        self.one_hand_banner.setWordWrap(True)
        self.one_hand_banner.setStyleSheet(f"color: {BAD}; font-weight: 600;")
        self.one_hand_banner.hide()
        layout.addWidget(self.one_hand_banner)
        # 本月 CNCA 上报：from the 1st to the 10th, the report due and the events it still lacks
        self.cnca_line = QLabel()
        self.cnca_line.setObjectName("cncaPending")
        self.cnca_line.hide()
        layout.addWidget(self.cnca_line)
        layout.addLayout(cards)
        layout.addLayout(charts, 5)
        layout.addWidget(self.tabs, 6)
        self.refresh()

    # -- tables -----------------------------------------------------------------------------------
    def _table(self, model: RowTableModel, stretch: int) -> QTableView:  # type: ignore[type-arg]
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(model)
        proxy.setSortRole(SORT_ROLE)
        view = QTableView()
        view.setModel(proxy)
        set_up_table(view, stretch_column=stretch)
        view.setFrameShape(QFrame.Shape.NoFrame)
        return view

    def _queue_columns(self) -> list[Column[WorkItem]]:
        c = self.context
        return [
            Column(self.tr("案件编号"), lambda w: w.case_no),
            Column(self.tr("申请组织"), lambda w: w.organization),
            Column(self.tr("类型"), lambda w: c.kind_label(w.kind)),
            Column(self.tr("状态"), lambda w: c.state_label(w.status)),
            Column(
                self.tr("下一步"),
                lambda w: c.action_label(w.next_step),
                colour=lambda w: ACCENT,
            ),
            Column(
                self.tr("未关闭不符合项"),
                lambda w: str(w.open_nonconformities) if w.open_nonconformities else "",
                sort_key=lambda w: w.open_nonconformities,
                align=CENTER,
                colour=lambda w: WARN if w.open_nonconformities else None,
            ),
            Column(
                self.tr("最近更新"),
                lambda w: c.fmt_datetime(w.updated_at),
                sort_key=lambda w: w.updated_at.isoformat(),
            ),
        ]

    def _overdue_columns(self) -> list[Column[OverdueNonconformity]]:
        return [
            Column(self.tr("案件编号"), lambda n: n.case_no),
            Column(self.tr("申请组织"), lambda n: n.organization),
            Column(
                self.tr("指标"), lambda n: n.code or self.tr("特别扣分项"), sort_key=lambda n: n.code or ""
            ),
            Column(self.tr("不符合项"), lambda n: n.text, tooltip=lambda n: n.text),
            Column(
                self.tr("整改期限"),
                lambda n: self.context.fmt_date(n.deadline),
                sort_key=lambda n: n.deadline.isoformat(),
            ),
            Column(
                self.tr("逾期天数"),
                lambda n: str(n.days_overdue),
                sort_key=lambda n: n.days_overdue,
                align=RIGHT,
                colour=lambda n: BAD,
            ),
        ]

    def _due_columns(self) -> list[Column[CertificateDue]]:
        c = self.context

        def days(d: CertificateDue) -> str:
            if d.days_left < 0:
                return self.tr("已逾期 {n} 天").format(n=-d.days_left)
            if d.days_left == 0:
                return self.tr("今天")
            return self.tr("{n} 天后").format(n=d.days_left)

        return [
            Column(self.tr("证书编号"), lambda d: d.number),
            Column(self.tr("获证组织"), lambda d: d.organization),
            Column(
                self.tr("等级"), lambda d: c.grade_label(d.grade), colour=lambda d: GRADE_COLOURS.get(d.grade)
            ),
            Column(self.tr("事项"), self._due_what, tooltip=self._due_what),
            Column(self.tr("日期"), lambda d: c.fmt_date(d.due_on), sort_key=lambda d: d.due_on.isoformat()),
            Column(
                self.tr("剩余"),
                days,
                sort_key=lambda d: d.days_left,
                align=RIGHT,
                colour=lambda d: BAD if d.days_left < 0 else WARN if d.days_left <= 30 else None,
            ),
            Column(self.tr("证书状态"), lambda d: c.certificate_state_label(d.status)),
            Column(
                self.tr("后续案件"),
                lambda d: d.follow_up_case or self.tr("尚未开启"),
                colour=lambda d: None if d.follow_up_case else TEXT_MUTED,
            ),
        ]

    def _handling_columns(self) -> list[Column[OverdueHandling]]:
        def what(o: OverdueHandling) -> str:
            return {
                "acknowledge": self.tr("投诉 {id}：未在期限内确认收到"),
                "resolve": self.tr("投诉 {id}：未在期限内处理完毕"),
                "decide": self.tr("申诉 {id}：未在期限内作出决定"),
            }[o.due].format(id=o.id)

        return [
            Column(self.tr("事项"), what, sort_key=lambda o: (o.kind, o.id)),
            Column(
                self.tr("期限"),
                lambda o: self.context.fmt_date(o.due_on),
                sort_key=lambda o: o.due_on.isoformat(),
            ),
            Column(self.tr("内容或案件"), lambda o: o.summary, tooltip=lambda o: o.summary),
            Column(
                self.tr("逾期天数"),
                lambda o: str(o.days_overdue),
                sort_key=lambda o: o.days_overdue,
                align=RIGHT,
                colour=lambda o: BAD,
            ),
        ]

    def _due_what(self, due: CertificateDue) -> str:
        """What falls due ("年度监督审核"), and what else does ("；证书到期 2027-03-01")."""
        c = self.context
        text = c.label("due_reason", due.reason)
        reminder = due.reminder
        if reminder is not None and due.status == "valid":
            text += self.tr("（已逾期）") if reminder == 0 else self.tr("（{n} 天提醒）").format(n=reminder)
        if due.also_due is not None:
            reason, day = due.also_due
            text += self.tr("；另{what} {date}").format(
                what=c.label("due_reason", reason), date=c.fmt_date(day)
            )
        return text

    # -- data -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the dashboard on the database worker and show it when it arrives.

        The first read is in two: what the page shows at once (`DashboardService.summary`, which
        the window starts before the page is built), then the lists on its other tabs, so that the
        first paint does not wait for them. Later reads (F5, someone else's change) are whole, so a
        list on show never empties while it is read again."""
        if self.dashboard is None:
            self.context.load(
                self,
                self.service.summary,
                self.context.actor,
                on_loaded=self.show_dashboard,
                ahead="dashboard",
            )
        else:
            self.context.load(self, self.service.overview, self.context.actor, on_loaded=self.show_dashboard)

    def changed_elsewhere(self, changes: object, complete: bool = True) -> None:
        self.refresh()

    def show_dashboard(self, board: Dashboard) -> None:
        c = self.context
        self.dashboard = board
        roles = (
            "、".join(c.role_label(r) for r in sorted(c.actor.roles))
            if c.lang == "zh"
            else ", ".join(c.role_label(r) for r in sorted(c.actor.roles))
        )
        self.header.set_subtitle(
            self.tr("{today} · {user}（{roles}）").format(
                today=c.fmt_date(board.today), user=c.actor.display_name, roles=roles
            )
        )
        pending = board.cnca_pending
        if pending is None:
            self.cnca_line.hide()
        else:
            self.cnca_line.setText(
                self.tr("本月 CNCA 上报：截止 {day} 日，{count} 条待报").format(
                    day=pending.deadline.day, count=pending.count
                )
            )
            self.cnca_line.setStyleSheet(f"color: {WARN if pending.count else TEXT_MUTED};")
            self.cnca_line.show()
        open_cases = sum(n for state, n in board.cases_by_state if CaseState(state) not in CLOSED_STATES)
        self.card_open.set_value(open_cases)
        self.card_queue.set_value(board.work_queue_total, ACCENT if board.work_queue_total else None)
        self.card_in_force.set_value(board.certificates_in_force, OK if board.certificates_in_force else None)
        handling = board.overdue_complaints + board.overdue_appeals
        self.card_handling.set_value(len(handling), BAD if handling else None)
        self.card_handling.setToolTip(
            self.tr("逾期投诉 {c} 件，逾期申诉 {a} 件").format(
                c=len(board.overdue_complaints), a=len(board.overdue_appeals)
            )
        )
        self.handling_model.set_rows(handling)
        if self.tabs.count() > 3:
            self.tabs.setTabText(3, self.tr("逾期投诉与申诉 ({n})").format(n=len(handling)))
        reminders = dict(board.surveillance_reminders)
        self.card_due.set_note(
            self.tr("监督提醒：逾期 {overdue} · 7天内 {d7} · 30天内 {d30} · 90天内 {d90}").format(
                overdue=reminders.get(0, 0),
                d7=reminders.get(7, 0),
                d30=reminders.get(30, 0),
                d90=reminders.get(90, 0),
            )
            if any(reminders.values())
            else "",
            BAD if reminders.get(0) or reminders.get(7) else WARN,
        )

        self.state_chart.set_data([(c.state_label(s), n) for s, n in board.cases_by_state], ACCENT)
        self.grade_chart.set_data(
            [(c.grade_label(g), n, GRADE_COLOURS[g]) for g, n in board.grade_distribution],
            self.tr("{n} 张").format(n=board.certificates_in_force),
            self.tr("暂无有效证书"),
        )

        if board.one_hand_chains:
            head = self.tr(
                "{n} 张证书的受理、评审、表决、颁证均由同一人新建或授权的账户完成，请复核："
            ).format(n=len(board.one_hand_chains))
            self.one_hand_banner.setText(
                "\n".join([head, *(f.message(c.lang) for f in board.one_hand_chains[:5])])
            )
        self.one_hand_banner.setVisible(bool(board.one_hand_chains))
        self.queue_model.set_rows(board.work_queue)
        self.tabs.setTabText(0, self.tr("待我处理 ({n})").format(n=board.work_queue_total))
        self._show_lists(board)
        self._lists_wanted += 1  # lists read for an older dashboard are not shown over this one
        if not board.lists_read:
            wanted = self._lists_wanted
            self.context.load(
                (id(self), "lists"),
                self.service.lists,
                on_loaded=lambda lists: self._on_lists_loaded(lists, wanted),
            )
        states = [c.state_label(s.value) for s in CaseState]
        fit_columns(
            self.queue_view,
            {
                0: "AW2026-00000",
                2: c.longest(c.kind_label(k) for k in ("initial", "surveillance", "renewal")),
                3: c.longest(states),
                4: c.longest(c.action_label(w.next_step) for w in board.work_queue),
                6: "2026-12-31 23:59",
            },
        )

    def _on_lists_loaded(self, lists: DashboardLists, wanted: int) -> None:
        if wanted == self._lists_wanted and self.dashboard is not None:
            self.dashboard = self.dashboard.with_lists(lists)
            self._show_lists(self.dashboard)

    def _show_lists(self, board: Dashboard) -> None:
        """The overdue nonconformities and the certificates due: their cards, tabs and rows (the
        rows empty until read, the totals already counted)."""
        c = self.context
        self.card_overdue.set_value(board.overdue_total, BAD if board.overdue_total else None)
        self.card_due.set_value(
            board.certificates_due_certificates, WARN if board.certificates_due_certificates else None
        )
        self.overdue_model.set_rows(board.overdue_nonconformities)
        self.due_model.set_rows(board.certificates_due)
        self.tabs.setTabText(1, self.tr("逾期不符合项 ({n})").format(n=board.overdue_total))
        self.tabs.setTabText(2, self.tr("证书到期与监督 ({n})").format(n=board.certificates_due_total))
        fit_columns(
            self.overdue_view,
            {
                0: "AW2026-00000",
                1: "武汉江城电梯工程有限公司",
                2: self.tr("特别扣分项"),
                4: "2026-12-31",
                5: "999",
            },
        )
        fit_columns(
            self.due_view,
            {
                0: "AWB-2026-00000",
                2: c.longest(c.grade_label(g) for g in ("five_star", "four_star", "three_star", "qualified")),
                3: c.longest(self._due_what(d) for d in _one_of_each_shape(board.certificates_due))
                or c.label("due_reason", "surveillance"),
                4: "2026-12-31",
                5: self.tr("已逾期 {n} 天").format(n=999),
                6: c.longest(c.certificate_state_label(s) for s in ("valid", "suspended")),
            },
        )

    # -- opening cases ----------------------------------------------------------------------------
    @staticmethod
    def _row(index: QModelIndex):  # type: ignore[no-untyped-def]
        return index.data(ROW_ROLE)

    def _on_queue_view_double_clicked(self, index: QModelIndex) -> None:
        item: WorkItem = self._row(index)
        tab = {
            "score": "scoring",
            "vote": "committee",
            "issue_certificate": "certificate",
            "record_review": "review",
        }.get(item.next_step, "application")
        self.sig_case_requested.emit(item.case_no, tab)

    def _on_overdue_view_double_clicked(self, index: QModelIndex) -> None:
        self.sig_case_requested.emit(self._row(index).case_no, "scoring")

    def _on_due_view_double_clicked(self, index: QModelIndex) -> None:
        due: CertificateDue = self._row(index)
        if due.follow_up_case:
            self.sig_case_requested.emit(due.follow_up_case, "application")
        else:
            self.sig_certificate_requested.emit(due.number)
