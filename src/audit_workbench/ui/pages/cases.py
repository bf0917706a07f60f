"""The case list page (案件): every case, filtered and searched by the database, loaded lazily.

Type-ahead search on organisation name (also by its pinyin or pinyin initials, "hz" for 杭州),
credit code (any part of it) and case number runs 150 ms after the last keystroke (a debounce timer), so typing a long name costs one query, not one per character.
Double-click or Enter opens the case. Clerks create new applications here.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.policy import Action, Role
from ...core.rubric import GRADE_ORDER
from ...core.workflow import CaseState
from ...services.cases import CaseQuery
from ..context import Messages, UiContext
from ..dialogs.new_case import NewCaseDialog
from ..models.case_list import COLUMNS, UNSORTABLE, CaseListModel
from ..widgets.common import SP, PageHeader, fit_columns, set_up_table, std_icon

SEARCH_DELAY_MS = 150


class CaseListPage(QWidget):
    sig_case_requested = Signal(str, str)  # case_no, tab
    sig_case_created = Signal(str)

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.context = context
        self.header = PageHeader(self.tr("案件"))

        self.new_button = QPushButton(std_icon(SP.SP_FileIcon), self.tr("新建申请"))
        self.new_button.setObjectName("primary")
        self.new_button.clicked.connect(self._on_new_button_clicked)
        context.guard(self.new_button, Action.create_case, tip=self.tr("登记新的认证申请 (Ctrl+N)"))
        self.open_button = QPushButton(std_icon(SP.SP_DirOpenIcon), self.tr("打开"))
        self.open_button.setToolTip(self.tr("打开所选案件 (Enter)"))
        self.open_button.clicked.connect(self._open_current)
        self.header.add_widget(self.open_button)
        self.header.add_widget(self.new_button)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            self.tr("搜索组织名称（可用拼音或首字母）、统一社会信用代码或案件编号")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.addAction(
            std_icon(SP.SP_FileDialogContentsView), QLineEdit.ActionPosition.LeadingPosition
        )
        self.search_edit.setMinimumWidth(340)
        self.state_combo = QComboBox()
        self.state_combo.addItem(self.tr("全部状态"), None)
        for state in CaseState:
            self.state_combo.addItem(context.state_label(state.value), state.value)
        self.rubric_combo = QComboBox()
        self.rubric_combo.addItem(self.tr("全部评价规则"), None)
        for rubric_id in context.services.rubrics.ids():
            self.rubric_combo.addItem(context.rubric_short(rubric_id), rubric_id)
            self.rubric_combo.setItemData(
                self.rubric_combo.count() - 1, context.rubric_title(rubric_id), Qt.ItemDataRole.ToolTipRole
            )
        self.grade_combo = QComboBox()
        self.grade_combo.addItem(self.tr("全部等级"), None)
        for grade in reversed(GRADE_ORDER):
            self.grade_combo.addItem(context.grade_label(grade.value), grade.value)
        self.member_combo = QComboBox()
        self.member_combo.addItem(self.tr("全部评审员"), None)
        for user in context.services.users.list():
            if Role.auditor.value in user.roles:
                self.member_combo.addItem(user.display_name or user.name, user.name)
                self.member_combo.setItemData(
                    self.member_combo.count() - 1, context.person_tip(user.name), Qt.ItemDataRole.ToolTipRole
                )
        self.clear_button = QPushButton(self.tr("清除筛选"))
        self.clear_button.clicked.connect(self.clear_filters)
        self.count_label = QLabel()
        self.count_label.setObjectName("pageSubtitle")

        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.search_edit, 2)
        for combo in (self.state_combo, self.rubric_combo, self.grade_combo, self.member_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            filters.addWidget(combo)
            combo.currentIndexChanged.connect(self._apply_filters)
        filters.addWidget(self.clear_button)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        self.model = CaseListModel(context, self)
        self.model.sig_total_changed.connect(self._on_model_total_changed)
        self.view = QTableView()
        self.view.setModel(self.model)
        set_up_table(self.view, stretch_column=1)
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.horizontalHeader().sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        self.view.activated.connect(self._on_view_double_clicked)  # Enter on a row
        fit_columns(
            self.view,
            {
                0: "AW2026-000000",
                1: "上海申凉空调安装维修服务有限公司",
                2: "91310115MA0000000X",
                3: context.longest(context.kind_label(k) for k in ("initial", "surveillance", "renewal")),
                4: context.longest(context.state_label(s.value) for s in CaseState),
                5: context.longest(context.rubric_short(r) for r in context.services.rubrics.ids()),
                6: "100.0",
                7: context.longest(context.grade_label(g.value) for g in GRADE_ORDER),
                8: "2026-12-31 23:59",
            },
        )

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self._apply_filters)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._apply_filters)

        new_action = QAction(self)
        new_action.setShortcut(QKeySequence.StandardKey.New)
        new_action.triggered.connect(self._on_new_button_clicked)
        self.addAction(new_action)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.header)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        self._on_model_total_changed(self.model.total)

    # -- filtering --------------------------------------------------------------------------------
    def _on_search_edit_text_changed(self, _text: str) -> None:
        self.search_timer.start()  # restarts: the query runs once typing pauses

    def current_query(self) -> CaseQuery:
        return replace(
            self.model.query,
            search=self.search_edit.text().strip() or None,
            status=self.state_combo.currentData(),
            rubric_id=self.rubric_combo.currentData(),
            grade=self.grade_combo.currentData(),
            team_member=self.member_combo.currentData(),
        )

    def _apply_filters(self) -> None:
        self.search_timer.stop()
        query = self.current_query()
        if query != self.model.query:
            self.model.set_query(query)

    def clear_filters(self) -> None:
        for combo in (self.state_combo, self.rubric_combo, self.grade_combo, self.member_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self._apply_filters()

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def _on_model_total_changed(self, total: int) -> None:
        if self.model.total_capped:  # a search's count stops early: "1,000+"
            self.count_label.setText(self.tr("共 {n}+ 件").format(n=f"{total - 1:,}"))
        else:
            self.count_label.setText(self.tr("共 {n} 件").format(n=f"{total:,}"))

    def _on_header_sort_indicator_changed(self, column: int, _order: Qt.SortOrder) -> None:
        """A column the database cannot order by keeps the indicator on the column that orders."""
        if COLUMNS[column][0] not in UNSORTABLE:
            return
        current = next(n for n, (key, _) in enumerate(COLUMNS) if key == self.model.query.order_by)
        order = Qt.SortOrder.DescendingOrder if self.model.query.descending else Qt.SortOrder.AscendingOrder
        header = self.view.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(current, order)
        header.blockSignals(False)

    # -- refreshing -------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.model.reload()

    def refresh_case(self, case_no: str) -> None:
        self.model.refresh_case(case_no)

    def changed_elsewhere(self, changes: list[Any], complete: bool = True) -> None:
        """Cases changed elsewhere: their rows update in place (the scroll and selection stay); a new
        case, or more changes than were listed, reload the list (it may now match the filters)."""
        if not complete or any(c.action == "case.create" for c in changes):
            self.model.reload()
            return
        for case_no in sorted({c.case_no for c in changes if c.case_no}):
            self.model.refresh_case(case_no)

    # -- opening and creating ---------------------------------------------------------------------
    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.sig_case_requested.emit(self.model.case_no_at(index.row()), "")

    def _open_current(self) -> None:
        self._on_view_double_clicked(self.view.currentIndex())

    def _on_new_button_clicked(self) -> None:
        if not self.context.can(Action.create_case):
            return
        ctx = self.context
        detail = NewCaseDialog.ask(
            ctx,
            self,
            submit=lambda application: ctx.services.cases.create(
                ctx.actor,
                org_name=application.org_name,
                credit_code=application.credit_code,
                enterprise_type=application.enterprise_type,
                headcount=application.headcount,
                scope=application.scope,
                address=application.address,
                rubric_id=application.rubric_id,
                contact=application.contact,
                existing_organization=application.existing_organization,
            ),
        )
        if detail is None:
            return
        # an application for an organisation on record: what differed was proposed, not applied
        org = self.context.services.organizations.get(detail.organization.credit_code)
        proposed = [p for p in org.pending if p.case_no == detail.case_no]
        if proposed:
            Messages.information(
                self,
                self.tr("新建申请"),
                self.tr(
                    "申请 {case_no} 已按登记的组织“{name}”建立。与登记不同的内容已作为变更提议 #{id} 记录，"
                    "登记信息未修改。"
                ).format(case_no=detail.case_no, name=org.name, id=proposed[0].id),
            )
        self.model.reload()
        self.sig_case_created.emit(detail.case_no)
        self.sig_case_requested.emit(detail.case_no, "application")
