"""Small shared pieces of the case tabs: a table model over immutable rows, labels of ids, a notice bar.

`RowsModel` is the house pattern (Vorta, calibre): a `QAbstractTableModel` over a tuple of frozen row
tuples, replaced whole with begin/end reset brackets; the tabs build the rows from the frozen views
the services return, so a model never reaches for the database itself.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStyleOptionViewItem,
    QWidget,
)

from ...core import vocabulary
from ..widgets.common import ElidedTextDelegate

CodeRole = Qt.ItemDataRole.UserRole + 1  # the id behind a row: indicator code, nonconformity id…

_Index = QModelIndex | QPersistentModelIndex


def fmt_points(value: Decimal | None) -> str:
    """2.50 → "2.5", 10.0 → "10"; None → ""."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def join_list(lang: str, items: Iterable[str]) -> str:
    """A list of names as a sentence would have it: 甲、乙 in Chinese, A, B in English."""
    return (", " if lang == "en" else "、").join(items)


def _lang() -> str:
    from .. import i18n

    return i18n.current()


# Labels of ids come from the one vocabulary in the core (core/vocabulary.py), in the window's language.
def decision_label(decision: str | None) -> str:
    return vocabulary.label("decision", decision, _lang())


def material_status_label(status: str) -> str:
    return vocabulary.label("material_status", status, _lang())


def outcome_label(outcome: str) -> str:
    return vocabulary.label("review_outcome", outcome, _lang())


def nc_status_label(status: str, overdue: bool = False) -> str:
    if status == "open" and overdue:
        return QCoreApplication.translate("CaseLabels", "待整改（已逾期）")
    return vocabulary.label("nonconformity_status", status, _lang())


def nc_numbers(detail: Any) -> dict[int, str]:
    """NC-01, NC-02… by order within the case, as the audit report numbers them."""
    return {nc.id: f"NC-{n:02d}" for n, nc in enumerate(detail.nonconformities, start=1)}


def special_kind_label(kind: str) -> str:
    return vocabulary.label("special_kind", kind, _lang())


# -- a table model over rows ---------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One row: its key (an id the tab acts on), the texts of its cells, an optional tooltip and tint."""

    key: Any
    cells: tuple[str, ...]
    tooltip: str = ""
    tint: str | None = None  # a colour name for the row's text, e.g. a late nonconformity


class RowsModel(QAbstractTableModel):
    """A read-only table of `Row`s. `set_rows` replaces everything (the lists here are short)."""

    def __init__(self, headers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows: tuple[Row, ...] = ()

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def key_at(self, index: _Index) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        return row.key if row else None

    def keys(self) -> list[Any]:
        return [r.key for r in self._rows]

    # -- Qt ---------------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[index.column()] if index.column() < len(row.cells) else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            text = row.cells[index.column()] if index.column() < len(row.cells) else ""
            return row.tooltip or (text if len(text) > 30 else None)
        if role == Qt.ItemDataRole.ForegroundRole and row.tint:
            return QColor(row.tint)
        if role == CodeRole:
            return row.key
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)  # a narrow header, whole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None


def header_width(header: QHeaderView, column: int, minimum: int) -> int:
    """A column at least as wide as its header's text in this language ("证据" vs "Evidence")."""
    text = str(header.model().headerData(column, Qt.Orientation.Horizontal) or "") if header.model() else ""
    font = header.font()
    font.setBold(True)  # the theme draws headers bold
    return max(minimum, QFontMetrics(font).horizontalAdvance(text) + 22)


class RowSpacingDelegate(ElidedTextDelegate):
    """Rows a little taller than the font, so dense tables stay readable (and easy to click); text
    that does not fit is shown whole in the tooltip."""

    EXTRA = 8

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + self.EXTRA)


# -- a notice bar --------------------------------------------------------------------------------
class Notice(QFrame):
    """A one-line coloured notice: why a panel is read-only, a refusal, a saved confirmation."""

    STYLES: ClassVar[dict[str, tuple[str, str, str]]] = {
        "info": ("#eef4fb", "#9db9dd", "#1d3f6b"),
        "warning": ("#fff6e0", "#e5c069", "#6b4a00"),
        "error": ("#fdecec", "#e3a1a1", "#8a1c1c"),
        "ok": ("#eaf6ec", "#9ccaa5", "#1d5c2a"),
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.hide()

    def show_text(self, text: str, kind: str = "info") -> None:
        if not text:
            self.clear()
            return
        back, border, fore = self.STYLES.get(kind, self.STYLES["info"])
        self.setStyleSheet(
            f"QFrame#notice {{ background: {back}; border: 1px solid {border}; border-radius: 4px; }}"
            f"QFrame#notice QLabel {{ color: {fore}; }}"
        )
        self.kind = kind
        self.label.setText(text)
        self.show()

    def clear(self) -> None:
        self.label.clear()
        self.kind = ""
        self.hide()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()


def section_title(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def write_temp_file(filename: str, data: bytes) -> Path:
    """A copy of an attachment for the desktop's viewer, under its own name in a fresh folder."""
    folder = Path(tempfile.mkdtemp(prefix="audit-workbench-"))
    path = folder / (Path(filename).name or "attachment")
    path.write_bytes(data)
    return path
