"""The window's charts: bars (the dashboard's cases per state, the committee's score rate per
category) and a ring (the dashboard's certificates in force per grade).

Both are drawn with QPainter. They were QtCharts views until 2026-12-07: loading QtCharts, making
its Python types and laying out its graphics scene cost about 0.1 s of every start at the dashboard
(docs/benchmarks.md), and the first committee tab opened paid it too, for charts that are a few
rectangles, arcs and labels.

Each chart keeps what it shows (`bars`, `slices`), and says it in its accessible description.
Hovering a bar or a slice shows its label and count as a tooltip; `bar_at` and `slice_at` answer
which one is under a point.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

TEXT_COLOUR = "#1c2733"
AXIS_COLOUR = "#c9d1dc"
EMPTY_COLOUR = "#e3e8ef"
MARGIN = 4.0
BAR_WIDTH = 0.62  # of each row's height
BAR_ROW_MAX = 2.4  # a row is at most this many lines of text high: few bars are not fat slabs
PIE_SIZE = 0.86  # of the room the ring has
HOLE_SIZE = 0.52  # of the ring's diameter
LEGEND_SWATCH = 10.0
LEGEND_GAP = 8.0


class _Chart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def tooltip_at(self, point: QPointF) -> str:
        """The tooltip for what is under `point` ("" for nothing)."""
        return ""


@dataclass(frozen=True)
class _BarRow:
    label: str
    value: float
    band: QRectF  # the whole row: where a hover counts as this bar
    label_rect: QRectF
    bar: QRectF
    value_rect: QRectF


def _plain(value: float) -> str:
    return f"{value:g}"


class BarChart(_Chart):
    """Horizontal bars, one per label in the given order from the top, with the value at the bar's
    end. Labels are never cut while they fit in half the width (Chinese names are short); beyond
    that they are elided, and the tooltip gives them whole. The bars' scale runs from 0 to
    `maximum` (the largest value when not given)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[tuple[str, float]] = []
        self.colour = QColor(TEXT_COLOUR)
        self.maximum: float | None = None
        self.format: Callable[[float], str] = _plain

    def set_data(
        self,
        bars: Sequence[tuple[str, float]],
        colour: str,
        *,
        maximum: float | None = None,
        format: Callable[[float], str] = _plain,
    ) -> None:
        """`bars`: (label, value), drawn top to bottom in the given order; `format` writes a value."""
        self.bars = [(str(label), value) for label, value in bars]
        self.colour = QColor(colour)
        self.maximum = maximum
        self.format = format
        self.setAccessibleDescription("；".join(f"{label} {format(value)}" for label, value in self.bars))
        self.update()

    def rows(self) -> list[_BarRow]:
        """Where each bar, its label and its count are drawn at the widget's present size."""
        if not self.bars:
            return []
        metrics = QFontMetrics(self.font())
        area = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        row_height = min(area.height() / len(self.bars), metrics.height() * BAR_ROW_MAX)
        label_width = min(
            max(metrics.horizontalAdvance(label) for label, _ in self.bars) + 8.0, area.width() / 2
        )
        values = [value for _, value in self.bars]
        top = self.maximum or max(*values, 1)
        # room for the widest value the scale can show: bars on a fixed scale stay comparable
        value_width = max(metrics.horizontalAdvance(self.format(value)) for value in (top, *values)) + 6.0
        room = max(area.width() - label_width - value_width, 0.0)
        thickness = row_height * BAR_WIDTH
        rows = []
        for k, (label, value) in enumerate(self.bars):
            y = area.top() + k * row_height
            length = room * min(value / top, 1.0)
            if value > 0:
                length = max(length, 2.0)  # a count of one among thousands is still seen
            bar = QRectF(area.left() + label_width, y + (row_height - thickness) / 2, length, thickness)
            rows.append(
                _BarRow(
                    label,
                    value,
                    QRectF(area.left(), y, area.width(), row_height),
                    QRectF(area.left(), y, label_width - 6.0, row_height),
                    bar,
                    QRectF(bar.right() + 4.0, y, value_width, row_height),
                )
            )
        return rows

    def bar_at(self, point: QPointF) -> int | None:
        """The index of the bar whose row is under `point`, if any."""
        for k, row in enumerate(self.rows()):
            if row.band.contains(point):
                return k
        return None

    def tooltip_at(self, point: QPointF) -> str:
        k = self.bar_at(point)
        if k is None:
            return ""
        label, value = self.bars[k]
        return f"{label}：{self.format(value)}"

    def paintEvent(self, event: QPaintEvent) -> None:
        rows = self.rows()
        if not rows:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        axis_x = rows[0].bar.left()
        painter.setPen(QPen(QColor(AXIS_COLOUR), 1))
        painter.drawLine(
            QPointF(axis_x - 0.5, rows[0].band.top()), QPointF(axis_x - 0.5, rows[-1].band.bottom())
        )
        centred_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        centred_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        for row in rows:
            painter.setPen(QColor(TEXT_COLOUR))
            label = metrics.elidedText(row.label, Qt.TextElideMode.ElideRight, int(row.label_rect.width()))
            painter.drawText(row.label_rect, centred_right, label)
            if row.value > 0:
                painter.fillRect(row.bar, self.colour)
            painter.drawText(row.value_rect, centred_left, self.format(row.value))
        painter.end()


@dataclass(frozen=True)
class _Slice:
    label: str
    count: int
    colour: str
    start: float  # degrees clockwise from twelve o'clock
    span: float


class RingChart(_Chart):
    """A ring (donut) of shares from twelve o'clock clockwise, the total in the middle and a legend
    on the right. With nothing to share out, a grey ring with `empty_text` in the middle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slices: list[tuple[str, int, str]] = []
        self.centre_text = ""

    def set_data(self, slices: Sequence[tuple[str, int, str]], centre: str, empty_text: str) -> None:
        """`slices`: (label, count, colour) in legend order; those counting 0 are left out unless all
        are. `centre`: the text in the middle (the total); `empty_text` instead when all are 0."""
        self.slices = [(str(label), int(count), colour) for label, count, colour in slices]
        total = self.total()
        self.centre_text = centre if total else empty_text
        self.setAccessibleDescription(
            "；".join(f"{label} {count}" for label, count, _ in self.slices if count) or empty_text
        )
        self.update()

    def total(self) -> int:
        return sum(count for _, count, _ in self.slices)

    def shares(self) -> list[_Slice]:
        """The slices drawn, with their angles."""
        total = self.total()
        shares, start = [], 0.0
        for label, count, colour in self.slices:
            if not count:
                continue
            span = 360.0 * count / total
            shares.append(_Slice(label, count, colour, start, span))
            start += span
        return shares

    def _legend(self) -> list[tuple[str, str]]:
        return [(f"{s.label}  {s.count}", s.colour) for s in self.shares()]

    def _geometry(self) -> tuple[QRectF, QRectF, float]:
        """The ring's outer and inner squares and the left edge of the legend."""
        metrics = QFontMetrics(self.font())
        legend = self._legend()
        legend_width = (
            max(metrics.horizontalAdvance(text) for text, _ in legend) + LEGEND_SWATCH + LEGEND_GAP + MARGIN
            if legend
            else 0.0
        )
        area = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN - legend_width, -MARGIN)
        diameter = max(min(area.width(), area.height()) * PIE_SIZE, 0.0)
        outer = QRectF(0, 0, diameter, diameter)
        outer.moveCenter(area.center())
        hole = diameter * HOLE_SIZE
        inner = QRectF(0, 0, hole, hole)
        inner.moveCenter(area.center())
        return outer, inner, area.right() + MARGIN

    def slice_at(self, point: QPointF) -> int | None:
        """The index in `shares()` of the slice under `point`, if any."""
        outer, inner, _ = self._geometry()
        centre = outer.center()
        dx, dy = point.x() - centre.x(), point.y() - centre.y()
        radius = math.hypot(dx, dy)
        if not inner.width() / 2 <= radius <= outer.width() / 2:
            return None
        clockwise = math.degrees(math.atan2(dx, -dy)) % 360.0  # 0 at twelve o'clock
        for k, share in enumerate(self.shares()):
            if share.start <= clockwise < share.start + share.span:
                return k
        return None

    def tooltip_at(self, point: QPointF) -> str:
        k = self.slice_at(point)
        if k is None:
            return ""
        share = self.shares()[k]
        return f"{share.label}：{share.count}（{100 * share.count / self.total():.0f}%）"

    def paintEvent(self, event: QPaintEvent) -> None:
        outer, inner, legend_left = self._geometry()
        if outer.width() <= 0:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        shares = self.shares()
        if len(shares) <= 1:  # a whole ring: no seam
            ring = QPainterPath()
            ring.setFillRule(Qt.FillRule.OddEvenFill)
            ring.addEllipse(outer)
            ring.addEllipse(inner)
            painter.fillPath(ring, QColor(shares[0].colour if shares else EMPTY_COLOUR))
        else:
            painter.setPen(QPen(QColor("white"), 2))
            for share in shares:
                # QPainterPath's angles run anticlockwise from three o'clock
                start = 90.0 - share.start
                path = QPainterPath()
                path.arcMoveTo(outer, start)
                path.arcTo(outer, start, -share.span)
                path.arcTo(inner, start - share.span, share.span)
                path.closeSubpath()
                painter.setBrush(QColor(share.colour))
                painter.drawPath(path)
        if self.centre_text:
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * 1.25)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(QColor(TEXT_COLOUR))
            painter.drawText(inner, Qt.AlignmentFlag.AlignCenter, self.centre_text)
            painter.setFont(self.font())
        legend = self._legend()
        if legend:
            metrics = painter.fontMetrics()
            line = metrics.height() * 1.5
            y = outer.center().y() - line * len(legend) / 2
            for text, colour in legend:
                swatch = QRectF(legend_left, y + (line - LEGEND_SWATCH) / 2, LEGEND_SWATCH, LEGEND_SWATCH)
                painter.fillRect(swatch, QColor(colour))
                painter.setPen(QColor(TEXT_COLOUR))
                painter.drawText(
                    QRectF(swatch.right() + LEGEND_GAP, y, self.width() - swatch.right() - LEGEND_GAP, line),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    text,
                )
                y += line
        painter.end()
