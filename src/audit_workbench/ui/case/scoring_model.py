"""The rubric of a case as a two-level Qt model: category rows, each with its indicator rows.

Columns: code, indicator, maximum, points, not applicable, note, evidence count. Category rows show
the category's subtotal as the services computed it (`ScoreResult.categories`), never a sum made
here. The model is read-only: the scoring tab sends edits to the services and feeds the resulting
`ScoreChange` back through `apply_change`, so what the table shows is what is stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ...core.rubric import Category, Indicator, Rubric
from ...core.scoring import CategoryResult, IndicatorEntry, ScoreResult
from .common import CodeRole, fmt_points

_Index = QModelIndex | QPersistentModelIndex
_TOP = 0  # internal id of a category row; an indicator row stores its category row + 1

COL_CODE, COL_NAME, COL_MAX, COL_POINTS, COL_NA, COL_NOTE, COL_EVIDENCE = range(7)

CATEGORY_BACKGROUND = QColor("#eef1f5")
UNSCORED_BACKGROUND = QColor("#fff7e0")
NA_FOREGROUND = QColor("#7b8390")


class ScoringModel(QAbstractItemModel):
    sig_score_changed = Signal(object)  # ScoreResult

    def __init__(self, lang: str = "zh", parent: Any = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.rubric: Rubric | None = None
        self._categories: tuple[Category, ...] = ()
        self._entries: dict[str, IndicatorEntry] = {}
        self._versions: dict[str, int] = {}
        self._evidence: dict[str, int] = {}
        self._results: dict[str, CategoryResult] = {}
        self._row_of: dict[str, tuple[int, int]] = {}
        self.score: ScoreResult | None = None
        self.editable = False
        # Short headers leave the indicator's name the room (English words are longer); the
        # whole word is the header's tooltip.
        self._headers = (
            self.tr("编号"),
            self.tr("指标"),
            self.tr("满分", "short column header"),
            self.tr("得分", "short column header"),
            self.tr("不适用", "short column header"),
            self.tr("说明"),
            self.tr("证据", "short column header"),
        )
        self._header_tips = (
            "",
            "",
            self.tr("满分"),
            self.tr("得分"),
            self.tr("不适用"),
            "",
            self.tr("证据条数"),
        )

    # -- loading ----------------------------------------------------------------------------------
    def set_case(
        self,
        rubric: Rubric,
        entries: dict[str, IndicatorEntry],
        versions: dict[str, int],
        score: ScoreResult,
        evidence_counts: dict[str, int],
    ) -> None:
        self.beginResetModel()
        self.rubric = rubric
        self._categories = rubric.categories
        self._entries = dict(entries)
        self._versions = dict(versions)
        self._evidence = dict(evidence_counts)
        self._set_score(score)
        self._row_of = {
            indicator.code: (ci, ii)
            for ci, category in enumerate(self._categories)
            for ii, indicator in enumerate(category.indicators)
        }
        self.endResetModel()
        self.sig_score_changed.emit(score)

    def _set_score(self, score: ScoreResult) -> None:
        self.score = score
        self._results = {c.code: c for c in score.categories}

    def apply_change(
        self, code: str, entry: IndicatorEntry | None, version: int | None, score: ScoreResult
    ) -> None:
        """Show what the services stored for one indicator, and the new totals."""
        if entry is None:
            self._entries.pop(code, None)
            self._versions.pop(code, None)
        else:
            self._entries[code] = entry
            self._versions[code] = version or 0
        self._set_score(score)
        ci, ii = self._row_of[code]
        parent = self.index(ci, 0)
        last = self.columnCount() - 1
        self.dataChanged.emit(self.index(ii, 0, parent), self.index(ii, last, parent))
        # every category subtotal may have moved (the base score is normalised over all of them)
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._categories) - 1, last))
        self.sig_score_changed.emit(score)

    def set_evidence_count(self, code: str, count: int) -> None:
        self._evidence[code] = count
        ci, ii = self._row_of[code]
        index = self.index(ii, COL_EVIDENCE, self.index(ci, 0))
        self.dataChanged.emit(index, index)
        category = self.index(ci, COL_EVIDENCE)
        self.dataChanged.emit(category, category)

    # -- look-ups ---------------------------------------------------------------------------------
    def entry(self, code: str) -> IndicatorEntry | None:
        return self._entries.get(code)

    def version(self, code: str) -> int:
        return self._versions.get(code, 0)

    def indicator_at(self, index: _Index) -> Indicator | None:
        if not index.isValid() or index.internalId() == _TOP:
            return None
        category = self._categories[index.internalId() - 1]
        return category.indicators[index.row()]

    def category_at(self, index: _Index) -> Category | None:
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            return self._categories[index.row()]
        return self._categories[index.internalId() - 1]

    def index_of(self, code: str, column: int = COL_POINTS) -> QModelIndex:
        if code not in self._row_of:
            return QModelIndex()
        ci, ii = self._row_of[code]
        return self.index(ii, column, self.index(ci, 0))

    def codes(self) -> Iterator[str]:
        for category in self._categories:
            for indicator in category.indicators:
                yield indicator.code

    def neighbour(self, code: str, step: int) -> str | None:
        """The indicator `step` places after (or before) `code`, across categories; None at the ends."""
        codes = list(self.codes())
        if code not in codes:
            return None
        at = codes.index(code) + step
        return codes[at] if 0 <= at < len(codes) else None

    # -- Qt: structure ----------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(self._headers) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row >= len(self._categories):
                return QModelIndex()
            return self.createIndex(row, column, _TOP)
        if parent.internalId() != _TOP or parent.column() != 0:
            return QModelIndex()
        category = self._categories[parent.row()]
        if row >= len(category.indicators):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _TOP)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._categories)
        if parent.internalId() == _TOP and parent.column() == 0:
            return len(self._categories[parent.row()].indicators)
        return 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return len(self._headers)

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == _TOP:
            return Qt.ItemFlag.ItemIsEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self.editable and index.column() == COL_POINTS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(self._headers)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips[section] or None
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (COL_MAX, COL_POINTS, COL_EVIDENCE):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    # -- Qt: data ---------------------------------------------------------------------------------
    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            return self._category_data(self._categories[index.row()], index.column(), role)
        indicator = self._categories[index.internalId() - 1].indicators[index.row()]
        return self._indicator_data(indicator, index.column(), role)

    def _category_data(self, category: Category, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            result = self._results.get(category.code)
            if column == COL_CODE:
                return category.code
            if column == COL_NAME:
                return category.name.get(self.lang)
            if column == COL_MAX:
                return fmt_points(category.max_points)
            if column == COL_POINTS and result is not None:
                if result.applicable_max != category.max_points:
                    return f"{fmt_points(result.earned)} / {fmt_points(result.applicable_max)}"
                return fmt_points(result.earned)
            if column == COL_NA:
                count = sum(
                    1
                    for i in category.indicators
                    if (e := self._entries.get(i.code)) is not None and e.not_applicable
                )
                return str(count) if count else ""
            if column == COL_EVIDENCE:
                total = sum(self._evidence.get(i.code, 0) for i in category.indicators)
                return str(total) if total else ""
            return ""
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_NAME:
            return f"{category.code} {category.name.get(self.lang)}"
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_POINTS:
            result = self._results.get(category.code)
            if result is not None:
                return self.tr("已评 {scored}/{count} 项；得分 {earned}，适用满分 {applicable}").format(
                    scored=result.scored,
                    count=result.indicators,
                    earned=fmt_points(result.earned),
                    applicable=fmt_points(result.applicable_max),
                )
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(CATEGORY_BACKGROUND)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column)
        if role == CodeRole:
            return category.code
        return None

    def _indicator_data(self, indicator: Indicator, column: int, role: int) -> Any:
        entry = self._entries.get(indicator.code)
        scored = entry is not None and entry.scored
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_CODE:
                return indicator.code
            if column == COL_NAME:
                name = indicator.name.get(self.lang)
                return name + self.tr("（抽样）") if indicator.sampled else name
            if column == COL_MAX:
                return fmt_points(indicator.max_points)
            if column == COL_POINTS:
                if entry is None:
                    return ""
                if entry.not_applicable:
                    return "—"
                return fmt_points(entry.points)
            if column == COL_NA:
                return self.tr("不适用") if entry is not None and entry.not_applicable else ""
            if column == COL_NOTE:
                return (entry.note.splitlines() or [""])[0] if entry else ""
            if column == COL_EVIDENCE:
                count = self._evidence.get(indicator.code, 0)
                return str(count) if count else ""
            return None
        if role == Qt.ItemDataRole.EditRole:
            if column == COL_POINTS:
                return fmt_points(entry.points) if entry is not None and entry.points is not None else ""
            return self._indicator_data(indicator, column, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(indicator, entry, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column)
        if role == Qt.ItemDataRole.BackgroundRole and column == COL_POINTS and not scored:
            return QBrush(UNSCORED_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and entry is not None and entry.not_applicable:
            return QBrush(NA_FOREGROUND)
        if role == Qt.ItemDataRole.FontRole and column == COL_POINTS:
            font = QFont()
            font.setBold(True)
            return font
        if role == CodeRole:
            return indicator.code
        return None

    def _tooltip(self, indicator: Indicator, entry: IndicatorEntry | None, column: int) -> str | None:
        if entry is not None and entry.not_applicable and column in (COL_POINTS, COL_NA):
            return self.tr("不适用：{reason}").format(reason=entry.reason)
        if entry is not None and entry.sampled is not None and column == COL_POINTS:
            return self.tr("抽样 {sampled}，不符合 {nonconforming}").format(
                sampled=entry.sampled, nonconforming=entry.nonconforming or 0
            )
        if column == COL_NOTE and entry is not None and entry.note:
            return entry.note
        if column == COL_NAME:
            return indicator.name.get(self.lang)
        if column == COL_POINTS and (entry is None or not entry.scored):
            return self.tr("未评分")
        return None

    @staticmethod
    def _alignment(column: int) -> int:
        if column in (COL_MAX, COL_POINTS, COL_EVIDENCE, COL_NA):
            return int(Qt.AlignmentFlag.AlignCenter)
        return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
