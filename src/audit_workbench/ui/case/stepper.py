"""The pipeline stepper: the main line of DESIGN.md's states, where the case is and where it ended.

A painted widget (no child widgets), so it stays one line high and readable at any width. The
steps and labels come from the caller (`set_steps`), which knows the language; the stepper knows
only how to draw done, current, ahead and ended.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

DONE = QColor("#2e7d4f")
CURRENT = QColor("#1f6fd1")
AHEAD = QColor("#b5bcc6")
ENDED = QColor("#c0392b")
TEXT = QColor("#2b2f36")
MUTED = QColor("#7b8390")


@dataclass(frozen=True)
class Step:
    state: str
    label: str
    kind: str  # done | current | ahead | ended
    note: str = ""  # a second line, e.g. "待整改" or the state the case ended in


class PipelineStepper(QWidget):
    RADIUS = 10

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._steps: tuple[Step, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_steps(self, steps: tuple[Step, ...]) -> None:
        self._steps = steps
        summary = " → ".join(f"{s.label}{'（' + s.note + '）' if s.note else ''}" for s in steps)
        current = next((s for s in steps if s.kind in ("current", "ended")), None)
        self.setAccessibleName(summary)
        self.setToolTip(
            current.label + (f"：{current.note}" if current and current.note else "") if current else ""
        )
        self.updateGeometry()
        self.update()

    def steps(self) -> tuple[Step, ...]:
        return self._steps

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        return QSize(120 * max(1, len(self._steps)), 2 * self.RADIUS + 2 * metrics.height() + 18)

    def minimumSizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        return QSize(60 * max(1, len(self._steps)), 2 * self.RADIUS + 2 * metrics.height() + 18)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._steps:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        n = len(self._steps)
        width = self.width()
        slot = width / n
        cy = 6 + self.RADIUS
        centers = [QPointF(slot * i + slot / 2, cy) for i in range(n)]
        # connecting lines first, so the circles sit on top
        for i in range(n - 1):
            done = self._steps[i].kind == "done" and self._steps[i + 1].kind in ("done", "current", "ended")
            painter.setPen(QPen(DONE if done else AHEAD, 2))
            a, b = centers[i], centers[i + 1]
            painter.drawLine(QPointF(a.x() + self.RADIUS + 2, cy), QPointF(b.x() - self.RADIUS - 2, cy))
        label_font = QFont(self.font())
        bold_font = QFont(self.font())
        bold_font.setBold(True)
        small_font = QFont(self.font())
        small_font.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.9))
        metrics = QFontMetrics(label_font)
        for i, (step, center) in enumerate(zip(self._steps, centers, strict=True)):
            colour = {"done": DONE, "current": CURRENT, "ended": ENDED}.get(step.kind, AHEAD)
            circle = QRectF(center.x() - self.RADIUS, cy - self.RADIUS, 2 * self.RADIUS, 2 * self.RADIUS)
            if step.kind == "ahead":
                painter.setPen(QPen(AHEAD, 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
            else:
                painter.setPen(QPen(colour, 2))
                painter.setBrush(colour)
            painter.drawEllipse(circle)
            if step.kind == "current":
                painter.setPen(QPen(colour, 1.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(circle.adjusted(-4, -4, 4, 4))
            painter.setPen(QPen(QColor("white"), 2))
            if step.kind == "done":
                painter.drawLine(QPointF(center.x() - 4.5, cy), QPointF(center.x() - 1, cy + 3.5))
                painter.drawLine(QPointF(center.x() - 1, cy + 3.5), QPointF(center.x() + 5, cy - 3.5))
            elif step.kind == "ended":
                painter.drawLine(QPointF(center.x() - 4, cy - 4), QPointF(center.x() + 4, cy + 4))
                painter.drawLine(QPointF(center.x() - 4, cy + 4), QPointF(center.x() + 4, cy - 4))
            else:
                painter.setFont(small_font)
                painter.setPen(QColor("white") if step.kind == "current" else MUTED)
                number = sum(1 for s in self._steps[: i + 1] if s.kind != "ended")  # the pipeline's own count
                painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, str(number))
            text_top = cy + self.RADIUS + 6
            rect = QRectF(slot * i + 2, text_top, slot - 4, metrics.height())
            painter.setFont(bold_font if step.kind in ("current", "ended") else label_font)
            painter.setPen(TEXT if step.kind != "ahead" else MUTED)
            if step.kind == "ended":
                painter.setPen(ENDED)
            painter.drawText(
                rect,
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                metrics.elidedText(step.label, Qt.TextElideMode.ElideRight, int(rect.width())),
            )
            if step.note:
                painter.setFont(small_font)
                painter.setPen(ENDED if step.kind == "ended" else CURRENT)
                note_rect = rect.translated(0, metrics.height() + 1)
                painter.drawText(
                    note_rect,
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    QFontMetrics(small_font).elidedText(
                        step.note, Qt.TextElideMode.ElideRight, int(rect.width())
                    ),
                )
        painter.end()
