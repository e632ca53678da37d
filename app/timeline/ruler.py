"""The time ruler above the timeline: ticks at the current zoom, click to seek, shift-drag to
set the loop region."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from app import style
from app.timeline.scale import TimeScale, format_tick


class RulerWidget(QWidget):
    seekRequested = Signal(int)  # samples
    loopChanged = Signal(object)  # (start, end) in samples, or None

    def __init__(self, scale: TimeScale, parent=None) -> None:
        super().__init__(parent)
        self.scale = scale
        self.scroll_x = 0
        self.playhead = 0
        self.loop: tuple[int, int] | None = None
        self._loop_anchor: int | None = None
        self.setFixedHeight(style.RULER_HEIGHT)
        self.setMouseTracking(False)
        self.font_small = QFont()
        self.font_small.setPointSizeF(8)
        scale.changed.connect(self.update)

    def set_scroll(self, x: int) -> None:
        self.scroll_x = x
        self.update()

    def set_playhead(self, samples: int) -> None:
        self.playhead = samples
        self.update()

    def samples_at(self, widget_x: float) -> int:
        return max(self.scale.samples(widget_x + self.scroll_x), 0)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), style.BACKGROUND.lighter(125))
        rate = self.scale.sample_rate
        step_s = self.scale.tick_step_s()
        left_s = self.samples_at(0) / rate
        right_s = self.samples_at(self.width()) / rate
        painter.setFont(self.font_small)
        first = int(left_s // step_s)
        for index in range(first, int(right_s // step_s) + 2):
            t = index * step_s
            x = self.scale.x(t * rate) - self.scroll_x
            painter.setPen(QPen(style.GRID_MAJOR, 1))
            painter.drawLine(QPointF(x, self.height() - 10), QPointF(x, self.height()))
            for minor in range(1, 4):
                mx = x + self.scale.x(step_s * rate * minor / 4)
                painter.drawLine(QPointF(mx, self.height() - 4), QPointF(mx, self.height()))
            painter.setPen(style.TEXT_DIM)
            label = format_tick(int(round(t * rate)), rate, step_s)
            painter.drawText(QRectF(x + 4, 0, 200, self.height() - 10),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
        if self.loop is not None:
            a, b = (self.scale.x(v) - self.scroll_x for v in self.loop)
            painter.fillRect(QRectF(a, 0, b - a, 6), style.LOOP.lighter(200))
        x = self.scale.x(self.playhead) - self.scroll_x
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.PLAYHEAD)
        painter.drawPolygon(QPolygonF([QPointF(x - 6, 0), QPointF(x + 6, 0),
                                       QPointF(x, 10)]))

    def mousePressEvent(self, event) -> None:
        samples = self.samples_at(event.position().x())
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._loop_anchor = samples
        else:
            self.seekRequested.emit(samples)

    def mouseMoveEvent(self, event) -> None:
        samples = self.samples_at(event.position().x())
        if self._loop_anchor is not None:
            low, high = sorted((self._loop_anchor, samples))
            if high > low:
                self.loop = (low, high)
                self.loopChanged.emit(self.loop)
                self.update()
        else:
            self.seekRequested.emit(samples)

    def mouseReleaseEvent(self, event) -> None:
        self._loop_anchor = None
