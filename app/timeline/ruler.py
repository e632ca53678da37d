"""The ruler above the timeline: the story's scenes as titled blocks on top, time ticks below.

- Scene band: click a scene to select its clips (Ctrl/Shift: add them), double-click to
  rename it, drag the edge between two scenes to retime them.
- Ticks: click to seek, drag to scrub (the audio under the mouse plays while the transport
  is stopped), shift-drag to set the loop region.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from app import style
from app.document.retime import Span, boundary_limits, moved_spans
from app.timeline.scale import TimeScale
from app.timeline.timecode import format_tick

BOUNDARY_GRAB_PX = 5
MIN_SCENE_PX = 6


class RulerWidget(QWidget):
    seekRequested = Signal(int)  # samples
    scrubRequested = Signal(int)  # samples: dragging over the ticks
    scrubFinished = Signal(int)  # samples: where the mouse let go
    loopChanged = Signal(object)  # (start, end) in samples, or None
    sceneClicked = Signal(str, bool)  # scene id, add to the selection
    sceneActivated = Signal(str)  # scene id (double click: rename)
    sceneBoundaryMoved = Signal(str, str, int)  # scene id, "start" or "end", new position

    def __init__(self, scale: TimeScale, document=None, parent=None) -> None:
        super().__init__(parent)
        self.scale = scale
        self.scroll_x = 0
        self.playhead = 0
        self.loop: tuple[int, int] | None = None
        self.selected_scene: str | None = None
        self._loop_anchor: int | None = None
        self._scrubbing = False
        self._boundary: tuple[str, str, int, int, int] | None = None  # id, side, low, high, now
        self.setFixedHeight(style.RULER_HEIGHT)
        self.setMouseTracking(True)
        self.font_small = QFont()
        self.font_small.setPointSizeF(8)
        self.document = None
        scale.changed.connect(self.update)
        if document is not None:
            self.set_document(document)

    def set_document(self, document) -> None:
        if self.document is not None:
            self.document.scenesChanged.disconnect(self.update)
            self.document.storyReset.disconnect(self.update)
        self.document = document
        document.scenesChanged.connect(self.update)
        document.storyReset.connect(self.update)
        self.selected_scene = None
        self._boundary = None
        self.set_loop(None)
        self.update()

    # -- state from outside ------------------------------------------------------------
    def set_scroll(self, x: int) -> None:
        if x != self.scroll_x:
            self.scroll_x = x
            self.update()

    def set_playhead(self, samples: int) -> None:
        if samples != self.playhead:
            self.playhead = samples
            self.update()

    def set_loop(self, region: tuple[int, int] | None) -> None:
        if region != self.loop:
            self.loop = region
            self.loopChanged.emit(region)
            self.update()

    def set_selected_scene(self, scene_id: str | None) -> None:
        if scene_id != self.selected_scene:
            self.selected_scene = scene_id
            self.update()

    def samples_at(self, widget_x: float) -> int:
        return max(self.scale.samples(widget_x + self.scroll_x), 0)

    def widget_x(self, samples: int) -> float:
        return self.scale.x(samples) - self.scroll_x

    # -- painting ----------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), style.BACKGROUND.lighter(125))
        self._paint_scenes(painter)
        self._paint_ticks(painter)
        if self.loop is not None:
            a, b = (self.widget_x(v) for v in self.loop)
            painter.fillRect(QRectF(a, style.SCENE_BAND_HEIGHT, b - a, 5), style.LOOP.lighter(200))
        x = self.widget_x(self.playhead)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.PLAYHEAD)
        top = style.SCENE_BAND_HEIGHT
        painter.drawPolygon(QPolygonF([QPointF(x - 6, top), QPointF(x + 6, top),
                                       QPointF(x, top + 10)]))

    def _scene_spans(self) -> list[tuple[str, str, int, int]]:
        """(id, title, start, end) of each scene, with a boundary drag's preview applied."""
        if self.document is None:
            return []
        spans = [(s.id, s.title or "Scene", s.start, s.end) for s in self.document.story.scenes]
        if self._boundary is not None:
            scene_id, side, _, _, position = self._boundary
            index = next(i for i, s in enumerate(spans) if s[0] == scene_id)
            moved = moved_spans([Span(s[2], s[3]) for s in spans], index, side, position)
            for i, span in moved.items():
                spans[i] = (spans[i][0], spans[i][1], span.start, span.end)
        return spans

    def _paint_scenes(self, painter: QPainter) -> None:
        band_height = style.SCENE_BAND_HEIGHT
        painter.fillRect(QRectF(0, 0, self.width(), band_height), style.BACKGROUND.lighter(110))
        painter.setFont(self.font_small)
        metrics = QFontMetrics(self.font_small)
        for index, (scene_id, title, start, end) in enumerate(self._scene_spans()):
            left, right = self.widget_x(start), self.widget_x(end)
            if right < 0 or left > self.width():
                continue
            block = QRectF(left, 1, max(right - left, 1), band_height - 2)
            colour = (style.SCENE_SELECTED if scene_id == self.selected_scene
                      else style.SCENE_BANDS[index % len(style.SCENE_BANDS)])
            painter.fillRect(block, colour)
            painter.setPen(QPen(style.SCENE_LINE, 1))
            painter.drawLine(QPointF(left, 0), QPointF(left, band_height))
            visible_left = max(left, 0) + 5  # the title stays readable when scrolled
            text_width = int(min(right, self.width()) - visible_left - 4)
            if text_width > 12:
                painter.setPen(style.TEXT)
                painter.drawText(QRectF(visible_left, 0, text_width, band_height),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 metrics.elidedText(title, Qt.TextElideMode.ElideRight,
                                                    text_width))

    def _paint_ticks(self, painter: QPainter) -> None:
        rate = self.scale.sample_rate
        step_s = self.scale.tick_step_s()
        left_s = self.samples_at(0) / rate
        right_s = self.samples_at(self.width()) / rate
        height = self.height()
        painter.setFont(self.font_small)
        first = int(left_s // step_s)
        for index in range(first, int(right_s // step_s) + 2):
            t = index * step_s
            x = self.scale.x(t * rate) - self.scroll_x
            painter.setPen(QPen(style.GRID_MAJOR, 1))
            painter.drawLine(QPointF(x, height - 10), QPointF(x, height))
            for minor in range(1, 4):
                mx = x + self.scale.x(step_s * rate * minor / 4)
                painter.drawLine(QPointF(mx, height - 4), QPointF(mx, height))
            painter.setPen(style.TEXT_DIM)
            label = format_tick(int(round(t * rate)), rate, step_s)
            painter.drawText(QRectF(x + 4, style.SCENE_BAND_HEIGHT, 200,
                                    height - style.SCENE_BAND_HEIGHT - 8),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)

    # -- scenes under the mouse --------------------------------------------------------
    def scene_at(self, widget_x: float) -> str | None:
        samples = self.samples_at(widget_x)
        for scene_id, _, start, end in self._scene_spans():
            if start <= samples < end:
                return scene_id
        return None

    def boundary_at(self, widget_x: float) -> tuple[str, str] | None:
        """The scene edge (scene id, side) under `widget_x`, if one is within reach. Where
        two scenes touch, the edge belongs to the later scene's start."""
        if self.document is None:
            return None
        best = None
        for scene in self.document.story.scenes:
            for side, position in (("start", scene.start), ("end", scene.end)):
                if position <= 0:
                    continue
                distance = abs(self.widget_x(position) - widget_x)
                if distance <= BOUNDARY_GRAB_PX and (best is None or distance < best[0]
                                                     or (distance == best[0] and side == "start")):
                    best = (distance, scene.id, side)
        return (best[1], best[2]) if best else None

    # -- mouse ---------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        x, y = event.position().x(), event.position().y()
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if y < style.SCENE_BAND_HEIGHT and self.document is not None:
            edge = self.boundary_at(x)
            if edge is not None:
                self._start_boundary_drag(*edge)
                return
            scene_id = self.scene_at(x)
            if scene_id is not None:
                additive = bool(event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                                     | Qt.KeyboardModifier.ShiftModifier))
                self.sceneClicked.emit(scene_id, additive)
            return
        samples = self.samples_at(x)
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._loop_anchor = samples
        else:
            self._scrubbing = True
            self.seekRequested.emit(samples)

    def mouseDoubleClickEvent(self, event) -> None:
        if event.position().y() < style.SCENE_BAND_HEIGHT:
            scene_id = self.scene_at(event.position().x())
            if scene_id is not None and self.boundary_at(event.position().x()) is None:
                self.sceneActivated.emit(scene_id)

    def mouseMoveEvent(self, event) -> None:
        x = event.position().x()
        if self._boundary is not None:
            scene_id, side, low, high, _ = self._boundary
            position = min(max(self.samples_at(x), low), high)
            self._boundary = (scene_id, side, low, high, position)
            self.update()
            return
        if not event.buttons() & Qt.MouseButton.LeftButton:
            on_edge = (event.position().y() < style.SCENE_BAND_HEIGHT
                       and self.boundary_at(x) is not None)
            self.setCursor(Qt.CursorShape.SizeHorCursor if on_edge
                           else Qt.CursorShape.ArrowCursor)
            return
        samples = self.samples_at(x)
        if self._loop_anchor is not None:
            low, high = sorted((self._loop_anchor, samples))
            if high > low:
                self.set_loop((low, high))
        elif self._scrubbing:
            self.seekRequested.emit(samples)
            self.scrubRequested.emit(samples)

    def mouseReleaseEvent(self, event) -> None:
        self._loop_anchor = None
        if self._scrubbing:
            self._scrubbing = False
            self.scrubFinished.emit(self.samples_at(event.position().x()))
        if self._boundary is not None:
            scene_id, side, _, _, position = self._boundary
            self._boundary = None
            scene = self.document.story.scene(scene_id)
            if position != (scene.start if side == "start" else scene.end):
                self.sceneBoundaryMoved.emit(scene_id, side, position)
            self.update()

    def _start_boundary_drag(self, scene_id: str, side: str) -> None:
        story = self.document.story
        spans = [Span(s.start, s.end) for s in story.scenes]
        index = next(i for i, s in enumerate(story.scenes) if s.id == scene_id)
        shortest = max(self.scale.samples(MIN_SCENE_PX), int(0.1 * story.sample_rate))
        low, high = boundary_limits(spans, index, side, max(story.duration, spans[-1].end),
                                    shortest)
        current = spans[index].start if side == "start" else spans[index].end
        self._boundary = (scene_id, side, low, max(high, low), current)
