"""The dashboard's charts (QtCharts): cases per state as bars, certificates in force per grade as a ring."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QApplication, QWidget


def _chart() -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundVisible(False)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.layout().setContentsMargins(0, 0, 0, 0)
    chart.legend().setFont(QApplication.font())
    return chart


class _View(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_chart(), parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.setStyleSheet("background: transparent;")

    def clear(self) -> None:
        """No series, no axes: the empty chart the page shows until its data comes."""
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        chart.legend().setVisible(False)

    def warm_up(self) -> None:
        """Draw a sample once and clear it: PySide makes the Python types of QtCharts' enums on first
        use (some 50, about 12 ms), which the page does while its data is still being read rather
        than after it arrived."""
        self._sample()
        self.clear()

    def _sample(self) -> None:
        """What the chart draws to warm up (each chart its own kind of series; a bare view none)."""


class CountBarChart(_View):
    """Horizontal bars, one per label, with the count at the bar's end."""

    def set_data(self, bars: Sequence[tuple[str, int]], colour: str) -> None:
        """`bars`: (label, count), drawn top to bottom in the given order."""
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        series = QHorizontalBarSeries()
        series.setBarWidth(0.62)
        labels = [label for label, _ in reversed(bars)]
        bar_set = QBarSet("")
        bar_set.append([count for _, count in reversed(bars)])
        bar_set.setColor(QColor(colour))
        bar_set.setBorderColor(QColor(colour))
        bar_set.setLabelColor(QColor("#1c2733"))
        series.append(bar_set)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append(labels)
        categories.setGridLineVisible(False)
        categories.setLabelsFont(QApplication.font())
        categories.setTruncateLabels(False)  # Chinese state names must never read "…"
        values = QValueAxis()
        top = max([count for _, count in bars] + [1])
        values.setRange(0, top * 1.18 + 0.5)
        values.setLabelFormat("%d")
        values.setTickCount(min(6, int(top) + 2))
        values.setGridLinePen(QPen(QColor("#e6eaf0")))
        values.setLabelsVisible(False)
        values.setLineVisible(False)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(values)
        chart.legend().setVisible(False)

    def _sample(self) -> None:
        self.set_data([("", 1)], "#000000")


class RingChart(_View):
    """A ring (donut) of shares, with the total in the middle and a legend on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = ""

    def set_data(self, slices: Sequence[tuple[str, int, str]], centre: str, empty_text: str) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        series = QPieSeries()
        series.setHoleSize(0.52)
        series.setPieSize(0.86)
        total = sum(count for _, count, _ in slices)
        for label, count, colour in slices:
            if total and not count:
                continue
            piece = series.append(f"{label}  {count}", count if total else 1)
            piece.setBrush(QBrush(QColor(colour if total else "#e3e8ef")))
            piece.setPen(QPen(QColor("white"), 2))
        chart.addSeries(series)
        legend = chart.legend()
        legend.setVisible(bool(total))
        legend.setAlignment(Qt.AlignmentFlag.AlignRight)
        font = QFont(QApplication.font())
        legend.setFont(font)
        self.centre_text = centre if total else empty_text
        self.viewport().update()

    def clear(self) -> None:
        super().clear()
        self.centre_text = ""

    def _sample(self) -> None:
        self.set_data([("", 1, "#000000")], "", "")

    def drawForeground(self, painter: QPainter, rect) -> None:  # type: ignore[no-untyped-def]
        super().drawForeground(painter, rect)
        text = getattr(self, "centre_text", "")
        if not text:
            return
        area = self.chart().plotArea()
        series = self.chart().series()
        if not series:
            return
        painter.save()
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#1c2733"))
        # The pie is centred in the plot area; the legend sits to its right.
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
