"""Page headers, figure cards and the table set-up every list in the window shares."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontMetrics, QHelpEvent, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

SP = QStyle.StandardPixmap


def std_icon(pixmap: QStyle.StandardPixmap) -> QIcon:
    """One of the style's standard icons (no icon files to ship or license)."""
    return QApplication.style().standardIcon(pixmap)


class PageHeader(QWidget):
    """The title of a page, a muted subtitle under it, and room on the right for buttons."""

    def __init__(self, title: str, subtitle: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.title = QLabel(title)
        self.title.setObjectName("pageTitle")
        self.subtitle = QLabel(subtitle)
        self.subtitle.setObjectName("pageSubtitle")
        self.subtitle.setVisible(bool(subtitle))
        texts.addWidget(self.title)
        texts.addWidget(self.subtitle)
        layout.addLayout(texts, 1)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(8)
        layout.addLayout(self.buttons)

    def set_subtitle(self, text: str) -> None:
        self.subtitle.setText(text)
        self.subtitle.setVisible(bool(text))

    def add_widget(self, widget: QWidget) -> None:
        self.buttons.addWidget(widget)


class FigureCard(QFrame):
    """A number with its label (e.g. "待我处理 4"), optionally coloured to draw the eye."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        self.value = QLabel("–")
        self.value.setObjectName("cardValue")
        self.label = QLabel(label)
        self.label.setObjectName("cardLabel")
        self.label.setWordWrap(True)
        layout.addWidget(self.value)
        layout.addWidget(self.label)

        self.note = QLabel()
        self.note.setObjectName("cardLabel")
        self.note.setWordWrap(True)
        self.note.hide()
        layout.addWidget(self.note)

    def set_value(self, value: int | str, colour: str | None = None) -> None:
        self.value.setText(f"{value:,}" if isinstance(value, int) else value)
        self.value.setStyleSheet(f"color: {colour};" if colour else "")

    def set_note(self, text: str, colour: str | None = None) -> None:
        """A line under the label (e.g. the surveillance reminders); hidden when empty."""
        self.note.setText(text)
        self.note.setStyleSheet(f"color: {colour};" if colour else "")
        self.note.setVisible(bool(text))


class ElidedTextDelegate(QStyledItemDelegate):
    """A cell whose text does not fit — "2025-0…", "Organisational…" — shows it whole in its tooltip
    (unless the model gives a tooltip of its own). Every table of the window uses it."""

    def helpEvent(
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem, index: Any
    ) -> bool:
        if (
            event is not None
            and event.type() == QEvent.Type.ToolTip
            and index.isValid()
            and not index.data(Qt.ItemDataRole.ToolTipRole)
        ):
            text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            if text and elided(view, option, index, self):
                QToolTip.showText(event.globalPos(), text, view)
                return True
        return super().helpEvent(event, view, option, index)


def elided(
    view: QAbstractItemView, option: QStyleOptionViewItem, index: Any, delegate: QStyledItemDelegate
) -> bool:
    """Whether the cell's text is wider than the room the style gives it."""
    text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
    opt = QStyleOptionViewItem(option)
    delegate.initStyleOption(opt, index)
    opt.rect = view.visualRect(index)
    style = view.style()
    room = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, view).width()
    return QFontMetrics(opt.font).horizontalAdvance(text) > room - 4


def scrolling(widget: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """`widget` in a frameless vertical scroll area: on a short screen (1366×768) a column of forms
    scrolls instead of being squashed until its labels overlap."""
    area = QScrollArea(parent)
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.viewport().setAutoFillBackground(False)
    widget.setAutoFillBackground(False)
    return area


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def set_up_table(view: QTableView, *, stretch_column: int | None = None, sortable: bool = True) -> None:
    """Rows selected whole, alternating colours, comfortable row height, no cramped headers."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    # No sort indicator at first: rows keep the order the service gave (e.g. longest waiting first).
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(sortable)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setItemDelegate(ElidedTextDelegate(view))
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.verticalHeader().setVisible(False)
    metrics = QFontMetrics(view.font())
    view.verticalHeader().setDefaultSectionSize(metrics.height() + 14)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setMinimumSectionSize(48)
    header.setStretchLastSection(stretch_column is None)
    if stretch_column is not None:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)


def fit_columns(view: QTableView, samples: dict[int, str]) -> None:
    """Set each column wide enough for its header and a sample of its longest expected text.

    Measured with the view's font, so Chinese headers ("统一社会信用代码") are never cut.
    """
    metrics = QFontMetrics(view.font())
    bold = view.horizontalHeader().font()
    bold.setBold(True)
    header_metrics = QFontMetrics(bold)
    model = view.model()
    for column in range(model.columnCount()):
        header = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        width = header_metrics.horizontalAdvance(header) + 34  # padding and the sort arrow
        if column in samples:
            width = max(width, metrics.horizontalAdvance(samples[column]) + 24)
        view.setColumnWidth(column, width)


def muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("pageSubtitle")
    label.setWordWrap(True)
    return label
