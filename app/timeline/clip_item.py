"""A clip on the timeline: one event, drawn with its caption, waveform and render state.

The item wraps an event id, never a copy of the event: the scene re-reads the model and
calls `sync()` when the document says the event changed. Mouse handling is delegated to the
scene's drag controller, so moving several clips at once is one gesture and one undo step.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem

from app import style
from app.document.story_document import ClipState
from engine.audio.peaks import Peaks

EDGE_GRAB_PX = 6
SLIVER_PX = 4.0
HEADER_PX = 17
MIN_TEXT_WIDTH_PX = 36
MAX_CACHED_WAVEFORM_PX = 4096
WAVEFORM_GAMMA = 0.5  # drawn height is amplitude ** gamma, so quiet beds stay visible


class ClipItem(QGraphicsRectItem):
    def __init__(self, scene, event_id: str) -> None:
        super().__init__()
        self.timeline = scene
        self.event_id = event_id
        self._width = 10.0
        self._height = style.LANE_HEIGHT - 6
        self._rect = QRectF(0, 0, self._width, self._height)
        # geometry lives in the C++ base (setRect), not in a Python boundingRect(): the view
        # asks every item for it on every paint, and each Python call must take the GIL
        self.setRect(self._rect)
        self.setPen(QPen(Qt.PenStyle.NoPen))
        # drawn once into a pixmap, re-drawn only when the clip changes (see set_geometry)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._placement = (0, 1, 0)  # start, duration (samples), lane
        self._kind_colour = style.KIND_COLOURS["effects"]
        self._waveform: tuple[tuple, QImage] | None = None
        self._caption = ""
        self._elided: tuple[float, str] = (-1.0, "")
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setAcceptHoverEvents(True)
        self.sync()

    # -- geometry from the model -------------------------------------------------------
    def sync(self) -> None:
        """Re-read the event: position, length, kind, caption, tooltip."""
        event = self.timeline.document.story.event(self.event_id)
        self._placement = (event.start, event.duration, self.timeline.lane_of(event.track_id))
        self._kind_colour = style.KIND_COLOURS.get(self.timeline.kind_of(event.track_id),
                                                   style.KIND_COLOURS["effects"])
        self.set_geometry(*self._placement)
        if event.caption != self._caption:
            self._caption = event.caption
            self._elided = (-1.0, "")
        self.refresh_tooltip()
        self.update()

    def relayout(self) -> None:
        """The zoom changed: only the geometry does."""
        self.set_geometry(*self._placement)

    def set_geometry(self, start: int, duration: int, lane: int) -> None:
        scale = self.timeline.scale
        width = max(scale.x(duration), 2.0)
        if width != self._width:
            self.prepareGeometryChange()
            self._width = width
            self._rect = QRectF(0, 0, width, self._height)
            self.setRect(self._rect)
        self.setPos(scale.x(start), lane * style.LANE_HEIGHT + 3)

    def refresh_tooltip(self) -> None:
        document = self.timeline.document
        state = document.state(self.event_id)
        reason = document.failure(self.event_id)
        self.setToolTip(f"{self._caption}\n{state.value}" + (f": {reason}" if reason else ""))

    def edge_at(self, x: float) -> str:
        """'left' or 'right' when x (item coordinates) is on a trim handle, else 'body'."""
        grab = min(EDGE_GRAB_PX, self._width / 4)
        if x <= grab:
            return "left"
        if x >= self._width - grab:
            return "right"
        return "body"

    # -- mouse: gestures belong to the scene's drag controller (drag.py) --------------------
    def mousePressEvent(self, event) -> None:
        self.timeline.drag.press(self, event)

    def mouseMoveEvent(self, event) -> None:
        self.timeline.drag.move(event)

    def mouseReleaseEvent(self, event) -> None:
        self.timeline.drag.release(event)

    def mouseDoubleClickEvent(self, event) -> None:
        self.timeline.clipActivated.emit(self.event_id)

    def contextMenuEvent(self, event) -> None:
        self.timeline.clipMenuRequested.emit(self.event_id, event.screenPos())

    def hoverMoveEvent(self, event) -> None:
        edge = self.edge_at(event.pos().x())
        self.setCursor(Qt.CursorShape.SizeHorCursor if edge != "body"
                       else Qt.CursorShape.OpenHandCursor)

    # -- painting ----------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        colour = self._kind_colour
        if self._width < SLIVER_PX:  # zoomed far out: a sliver of colour is all that shows
            painter.fillRect(self._rect, colour.lighter(110) if self.isSelected() else colour)
            return
        document = self.timeline.document
        event = document.story.event(self.event_id)
        state = document.state(self.event_id)
        rect = self._rect
        exposed = option.exposedRect.intersected(rect)
        painter.setPen(Qt.PenStyle.NoPen)
        if state == ClipState.PLANNED:
            painter.fillRect(exposed, colour.darker(330))
            painter.fillRect(exposed, QBrush(colour.darker(170), Qt.BrushStyle.BDiagPattern))
        else:
            painter.fillRect(exposed, colour.darker(260))
        header = QRectF(0, 0, self._width, min(HEADER_PX, self._height))
        painter.fillRect(header.intersected(exposed), colour.darker(120))
        if self._width > 8 and state != ClipState.PLANNED:
            self._paint_waveform(painter, event, exposed, colour)
        self._paint_fades(painter, event)
        if self._width >= MIN_TEXT_WIDTH_PX:
            self._paint_caption(painter, header, state)
        self._paint_state(painter, state, document.progress(self.event_id))
        self._paint_border(painter, state)

    def _paint_caption(self, painter: QPainter, header: QRectF, state: ClipState) -> None:
        text_width = header.width() - 22
        if self._elided[0] != text_width:
            metrics = QFontMetrics(self.timeline.clip_font)
            self._elided = (text_width, metrics.elidedText(
                self._caption, Qt.TextElideMode.ElideRight, int(max(text_width, 0))))
        painter.setFont(self.timeline.clip_font)
        painter.setPen(style.TEXT)
        painter.drawText(header.adjusted(5, 0, -18, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         self._elided[1])

    def _paint_state(self, painter: QPainter, state: ClipState, progress: float) -> None:
        dot = style.STATE_COLOURS[state.value]
        if self._width >= 20:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(dot)
            painter.drawEllipse(QRectF(self._width - 13, 4, 8, 8))
        if state == ClipState.RENDERING:
            bar = QRectF(0, self._height - 4, self._width * max(progress, 0.02), 4)
            painter.fillRect(bar, dot)

    def _paint_border(self, painter: QPainter, state: ClipState) -> None:
        rect = self._rect.adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self.isSelected():
            painter.setPen(QPen(style.SELECTION, 2))
        elif state == ClipState.FAILED:
            painter.setPen(QPen(style.STATE_COLOURS["failed"], 2))
        elif state == ClipState.STALE:
            painter.setPen(QPen(style.STATE_COLOURS["stale"], 1.5, Qt.PenStyle.DashLine))
        else:
            painter.setPen(QPen(QColor(0, 0, 0, 140), 1))
        painter.drawRect(rect)

    def _paint_fades(self, painter: QPainter, event) -> None:
        scale = self.timeline.scale
        rate = self.timeline.document.story.sample_rate
        painter.setPen(QPen(QColor(255, 255, 255, 150), 1))
        fade_in = min(scale.x(event.fade_in_s * rate), self._width)
        fade_out = min(scale.x(event.fade_out_s * rate), self._width)
        if fade_in >= 2:
            painter.drawLine(0, int(self._height), int(fade_in), HEADER_PX)
        if fade_out >= 2:
            painter.drawLine(int(self._width - fade_out), HEADER_PX, int(self._width),
                             int(self._height))

    def _paint_waveform(self, painter: QPainter, event, exposed: QRectF, colour: QColor) -> None:
        take = event.active_take()
        if take is None:
            return
        path = self.timeline.document.project.take_path(take)
        peaks = self.timeline.peak_cache.get(path)
        if peaks is None:
            return
        height = int(self._height - HEADER_PX - 2)
        if height < 6:
            return
        ratio = take.sample_rate / self.timeline.document.story.sample_rate
        take_start = event.offset * ratio
        take_span = event.duration * ratio
        dpr = max(painter.device().devicePixelRatioF(), 1.0)  # sharp on HiDPI screens
        if self._width <= MAX_CACHED_WAVEFORM_PX:
            left, right = 0, int(np.ceil(self._width))
            key = (str(path), event.offset, event.duration, right, height, dpr)
            if self._waveform is None or self._waveform[0] != key:
                self._waveform = (key, waveform_image(peaks, take_start, take_span,
                                                      self._width, 0, right, height, colour, dpr))
            image = self._waveform[1]
        else:  # very deep zoom: draw only what is exposed
            left, right = int(exposed.left()), int(np.ceil(exposed.right()))
            image = waveform_image(peaks, take_start, take_span, self._width, left, right, height,
                                   colour, dpr)
        painter.drawImage(QPointF(left, HEADER_PX + 1), image)


def waveform_image(peaks: Peaks, take_start: float, take_span: float, width: float, left: int,
                   right: int, height: int, colour: QColor, dpr: float = 1.0) -> QImage:
    """Columns [left, right) of a clip `width` pixels wide showing take samples
    [take_start, take_start + take_span), as a filled min/max envelope, drawn at `dpr`
    device pixels per pixel."""
    columns = max(int(round((right - left) * dpr)), 1)
    height = max(int(round(height * dpr)), 1)
    per_px = take_span / max(width * dpr, 1e-9)
    left, right = int(round(left * dpr)), int(round(left * dpr)) + columns
    start = int(take_start + left * per_px)
    stop = max(int(take_start + right * per_px), start + 1)
    mins, maxs = peaks.envelope(start, min(stop, peaks.frames), columns)
    if mins.size < columns:  # the clip runs past the end of its take: silence there
        mins = np.pad(mins, (0, columns - mins.size))
        maxs = np.pad(maxs, (0, columns - maxs.size))
    half = height / 2
    top = half - _display_scale(maxs) * half
    bottom = half + _display_scale(-mins) * half
    rows = np.arange(height, dtype=np.float32)[:, None]
    mask = (rows >= np.floor(top)[None, :]) & (rows <= np.ceil(bottom)[None, :])
    pixels = np.zeros((height, columns), np.uint32)
    pixels[mask] = colour.lighter(135).rgba()
    image = QImage(pixels.data, columns, height, columns * 4, QImage.Format.Format_ARGB32)
    image = image.copy()  # own the pixels: the numpy buffer goes away
    image.setDevicePixelRatio(dpr)
    return image


def _display_scale(values: np.ndarray) -> np.ndarray:
    """Amplitude 0..1 -> drawn height 0..1 (a gentle power curve; negatives -> 0)."""
    return np.clip(values, 0.0, 1.0) ** WAVEFORM_GAMMA

