"""The case list (案件) as a lazily loading table model: rows come a page at a time from the services.

With 100,000 cases the window holds only the pages the user scrolled through: `canFetchMore` /
`fetchMore` ask `CaseService.list(offset, limit)` for the next page while the last page came back
full, and the total comes from `CaseService.count`. The count of a search stops at
SEARCH_COUNT_CAP: then the total is "1,000+" (`total_capped`) until the last page is loaded and the
number is known. Sorting and filtering are done by the database (order_by and the CaseQuery
filters), never by a proxy over loaded rows, so they are right for the whole table, not just the
loaded part. Rows are immutable tuples; a change of filter or order resets the model.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from ...services import cases as case_service
from ...services.cases import CaseQuery
from ..context import UiContext
from ..theme import STATE_COLOURS
from .rows import LEFT, RIGHT, ROW_ROLE

PAGE_SIZE = 200

Index = QModelIndex | QPersistentModelIndex


class CaseRow(NamedTuple):
    case_no: str
    organization: str
    credit_code: str
    kind: str
    status: str
    rubric_id: str
    total: Decimal | None
    grade: str | None
    updated_at: datetime


# (key used by CaseQuery.order_by, header source text); the header is translated in headerData.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_no", QT_TRANSLATE_NOOP("CaseListModel", "案件编号")),
    ("organization", QT_TRANSLATE_NOOP("CaseListModel", "申请组织")),
    ("credit_code", QT_TRANSLATE_NOOP("CaseListModel", "统一社会信用代码")),
    ("kind", QT_TRANSLATE_NOOP("CaseListModel", "类型")),
    ("status", QT_TRANSLATE_NOOP("CaseListModel", "状态")),
    ("rubric_id", QT_TRANSLATE_NOOP("CaseListModel", "评价规则")),
    ("total", QT_TRANSLATE_NOOP("CaseListModel", "得分")),
    ("grade", QT_TRANSLATE_NOOP("CaseListModel", "等级")),
    ("updated_at", QT_TRANSLATE_NOOP("CaseListModel", "最近更新")),
)
# Columns the database cannot order by (CaseService.SORTABLE) keep the current order.
UNSORTABLE = {"kind"}


def row_of(summary: Any) -> CaseRow:
    return CaseRow(
        summary.case_no,
        summary.organization.name,
        summary.organization.credit_code,
        summary.kind,
        summary.status,
        summary.rubric_id,
        summary.recommended_total,
        summary.decided_grade or summary.recommended_grade,
        summary.updated_at,
    )


class CaseListModel(QAbstractTableModel):
    """Cases matching a CaseQuery, loaded PAGE_SIZE rows at a time."""

    sig_total_changed = Signal(int)

    def __init__(self, context: UiContext, parent: Any = None, page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self.context = context
        self.page_size = page_size
        self.query = CaseQuery()
        self._rows: list[CaseRow] = []
        self._total = 0
        self._capped = False
        self._more = False
        self._fetching = False
        self._generation = 0
        self._reload_key, self._more_key = object(), object()
        self.reload()

    # -- loading ----------------------------------------------------------------------------------
    @property
    def total(self) -> int:
        """How many cases match, loaded or not (when `total_capped`: at least this many)."""
        return self._total

    @property
    def total_capped(self) -> bool:
        """Whether the search matches more cases than its count went to (shown as "1,000+")."""
        return self._capped

    def set_query(self, query: CaseQuery) -> None:
        self.query = replace(query, offset=0, limit=None)
        self.reload()

    def update_query(self, **changes: Any) -> None:
        self.set_query(replace(self.query, **changes))

    def reload(self) -> None:
        """Count again and load the first page (after a filter, an order or a data change), on the
        database worker; a newer query's answer replaces an older one's."""
        query = self.query
        self._generation += 1
        generation = self._generation
        self._fetching = False

        def loaded(answer: tuple[int, list[Any]]) -> None:
            if generation != self._generation:
                return
            total, page = answer
            self.beginResetModel()
            self._total = total
            self._capped = bool(query.search) and total >= case_service.SEARCH_COUNT_CAP
            self._rows = [row_of(s) for s in page]
            self._more = len(self._rows) == self.page_size
            self.endResetModel()
            self.sig_total_changed.emit(self._total)

        self.context.load(
            self._reload_key, self.context.services.cases.first_page, query, self.page_size, on_loaded=loaded
        )

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        """While the last page came back full (and, with an exact count, fewer rows are loaded) and
        no page is on its way."""
        if parent.isValid() or not self._more or self._fetching:
            return False
        return self._capped or len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetching:
            return
        self._fetching = True
        generation = self._generation
        query = replace(self.query, offset=len(self._rows), limit=self.page_size)

        def loaded(page: list[Any]) -> None:
            if generation != self._generation:
                return  # a reload came in between: its rows are the ones to show
            self._fetching = False
            self._add_page(page)

        self.context.load(self._more_key, self.context.services.cases.list, query, on_loaded=loaded)

    def _add_page(self, page: list[Any]) -> None:
        rows = [row_of(s) for s in page]
        self._more = len(rows) == self.page_size
        if rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        if not rows and not self._capped:
            self._total = len(self._rows)  # cases vanished since the count
        elif self._capped and not self._more:
            self._capped = False  # every match is loaded: now the number is known
            self._total = len(self._rows)
            self.sig_total_changed.emit(self._total)

    def refresh_case(self, case_no: str) -> None:
        """One case changed: update its row in place if loaded (a full reload would lose the scroll)."""
        if self.position_of(case_no) < 0:
            return

        def loaded(summary: Any) -> None:
            position = self.position_of(case_no)
            if position < 0:
                return
            self._rows[position] = row_of(summary)
            self.dataChanged.emit(self.index(position, 0), self.index(position, len(COLUMNS) - 1))

        self.context.load(
            ("row", case_no),
            self.context.services.cases.summary,
            case_no,
            on_loaded=loaded,
            on_refused=lambda _: self.reload(),
        )

    def position_of(self, case_no: str) -> int:
        return next((n for n, r in enumerate(self._rows) if r.case_no == case_no), -1)

    def case_no_at(self, position: int) -> str:
        return self._rows[position].case_no

    # -- Qt's interface ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("CaseListModel", COLUMNS[section][1])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if COLUMNS[section][0] == "total" else LEFT)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if key == "total" else LEFT)
        if role == Qt.ItemDataRole.ForegroundRole and key == "status":
            return QBrush(QColor(STATE_COLOURS.get(row.status, "#1c2733")).darker(130))
        if role == Qt.ItemDataRole.ToolTipRole and key in ("organization", "rubric_id"):
            return self._text(row, key) if key == "organization" else self.context.rubric_title(row.rubric_id)
        if role == ROW_ROLE:
            return row
        return None

    def _text(self, row: CaseRow, key: str) -> str:
        c = self.context
        if key == "case_no":
            return row.case_no
        if key == "organization":
            return row.organization
        if key == "credit_code":
            return row.credit_code
        if key == "kind":
            return c.kind_label(row.kind)
        if key == "status":
            return c.state_label(row.status)
        if key == "rubric_id":
            return c.rubric_short(row.rubric_id)
        if key == "total":
            return "" if row.total is None else f"{row.total:.1f}"
        if key == "grade":
            return c.grade_label(row.grade)
        if key == "updated_at":
            return c.fmt_datetime(row.updated_at)
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][0]
        if key in UNSORTABLE:
            return
        query = replace(self.query, order_by=key, descending=order == Qt.SortOrder.DescendingOrder)
        if query != self.query:  # the view asks again for the order it has (e.g. when set up)
            self.set_query(query)
