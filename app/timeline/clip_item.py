"""A clip on the timeline: one event, drawn with its caption, waveform, fades, gain line and
render state.

The item wraps an event id, never a copy of the event: the scene re-reads the model and
calls `sync()` when the document says the event changed. Mouse handling is delegated to the
scene's drag controller, so moving several clips at once is one gesture and one undo step.
While a gesture runs, `preview` holds the fields it would set (fades, gain, slip), and the
item draws those instead of the model's.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem

from app import style
from app.document.story_document import ClipState
from app.timeline.handles import gain_to_depth, waveform_scale
from app.timeline.timecode import format_time
from engine.audio.peaks import Peaks

EDGE_GRAB_PX = 6
HANDLE_PX = 7  # fade handle squares
HANDLE_GRAB_PX = 6
GAIN_BAND_PX = 7  # the strip at the top of the waveform that grabs the clip's gain
SLIVER_PX = 4.0
HEADER_PX = 17
MIN_TEXT_WIDTH_PX = 36
MIN_HANDLES_WIDTH_PX = 40  # narrower clips show no fade or gain handles
MAX_CACHED_WAVEFORM_PX = 4096
DASH_PERIOD_PX = 36  # a multiple of every border's dash pattern
MAX_CACHED_ITEM_PX = 2048  # wider clips are painted directly (a cache that size is all cost)
WAVEFORM_GAMMA = 0.5  # drawn height is amplitude ** gamma, so quiet beds stay visible
DIM_OPACITY = 0.38  # clips of muted (or not soloed) tracks


class ClipItem(QGraphicsRectItem):
    def __init__(self, scene, event_id: str) -> None:
        super().__init__()
        self.timeline = scene
        self.event_id = event_id
        self._width = 10.0
        self._height = 10.0
        self._rect = QRectF(0, 0, self._width, self._height)
        # geometry lives in the C++ base (setRect), not in a Python boundingRect(): the view
        # asks every item for it on every paint, and each Python call must take the GIL
        self.setRect(self._rect)
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self._placement = (0, 1, 0)  # start, duration (samples), lane
        self._colour = style.KIND_COLOURS["effects"]
        self._waveform: tuple[tuple, QImage] | None = None
        self._caption = ""
        self._elided: tuple[float, str] = (-1.0, "")
        self.preview: dict = {}  # fields a running gesture would set
        self._hovered = False
        self._text_colour = style.TEXT
        self._take_path = None
        self._cached = False
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setAcceptHoverEvents(True)
        self.sync()

    # -- geometry from the model -------------------------------------------------------
    def sync(self) -> None:
        """Re-read the event: position, length, lane, colour, caption, tooltip."""
        event = self.timeline.document.story.event(self.event_id)
        self._placement = (event.start, event.duration, self.timeline.lane_of(event.track_id))
        self._colour = self.timeline.track_colour(event.track_id)
        take = event.active_take()
        self._take_path = (self.timeline.document.project.take_path(take)
                           if take is not None else None)
        self.set_geometry(*self._placement)
        if event.caption != self._caption:
            self._caption = event.caption
            self._elided = (-1.0, "")
        self.refresh_tooltip()
        self.update()

    def relayout(self) -> None:
        """The zoom or the lanes changed: only the geometry does."""
        self.set_geometry(*self._placement)

    def set_geometry(self, start: int, duration: int, lane: int) -> None:
        # whole pixels: a cached pixmap and a direct paint then draw the very same pixels,
        # and clips that touch in time touch on screen, without a seam or an overlap
        px_per_sample = self.timeline.scale.px_per_sample
        left = round(start * px_per_sample)
        width = float(max(round((start + duration) * px_per_sample) - left, 2))
        top, height = self.timeline.lanes.clip_box(lane)
        if width != self._width or height != self._height:
            self.prepareGeometryChange()
            self._width, self._height = width, float(height)
            self._rect = QRectF(0, 0, width, self._height)
            self.setRect(self._rect)
            # a cached pixmap only for clips that fit on screen; wide ones paint what shows
            cached = width <= MAX_CACHED_ITEM_PX
            if cached != self._cached:
                self._cached = cached
                self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache if cached
                                  else QGraphicsItem.CacheMode.NoCache)
        self.setPos(left, top)

    @property
    def take_path(self):
        """The active take's file (None without a take): what the waveform shows."""
        return self._take_path

    @property
    def width(self) -> float:
        return self._width

    @property
    def caption(self) -> str:
        return self._caption

    @property
    def colour(self) -> QColor:
        return self._colour

    def refresh_tooltip(self) -> None:
        document = self.timeline.document
        story = document.story
        event = story.event(self.event_id)
        state = document.state(self.event_id)
        reason = document.failure(self.event_id)
        times = (f"{format_time(event.start, story.sample_rate)} – "
                 f"{format_time(event.end, story.sample_rate)}")
        self.setToolTip(f"{self._caption}\n{times} · {state.value}"
                        + (f": {reason}" if reason else ""))

    # -- hit testing -------------------------------------------------------------------
    def wave_top(self) -> float:
        return min(HEADER_PX, self._height)

    def handles_shown(self) -> bool:
        """Fade and gain handles show on the clip under the mouse and on selected clips."""
        return (self._width >= MIN_HANDLES_WIDTH_PX and self._height - HEADER_PX >= 16
                and (self._hovered or self.isSelected() or bool(self.preview)))

    def fade_handle_x(self, event, which: str) -> float:
        rate = self.timeline.document.story.sample_rate
        scale = self.timeline.scale
        if which == "fade_in":
            fade = self.value(event, "fade_in_s")
            return min(scale.x(fade * rate), self._width)
        fade = self.value(event, "fade_out_s")
        return max(self._width - scale.x(fade * rate), 0.0)

    def gain_y(self, event) -> float:
        top = self.wave_top()
        return top + (self._height - top) * gain_to_depth(self.value(event, "gain_db"))

    def handle_at(self, pos: QPointF) -> str:
        """What a press at `pos` (item coordinates) grabs: 'fade_in', 'fade_out' (the
        squares at the waveform's top corners), 'gain' (the strip along the waveform's top:
        drag down to turn the clip down), 'left', 'right' (trim) or 'body'."""
        x, y = pos.x(), pos.y()
        event = self.timeline.document.story.event(self.event_id)
        if self.handles_shown() and y >= self.wave_top() - 2:
            for which in ("fade_in", "fade_out"):
                hx = self.fade_handle_x(event, which)
                if abs(x - hx) <= HANDLE_GRAB_PX and y <= self.wave_top() + HANDLE_PX + 3:
                    return which
        grab = min(EDGE_GRAB_PX, self._width / 4)
        if x <= grab:
            return "left"
        if x >= self._width - grab:
            return "right"
        top = self.wave_top()
        if self.handles_shown() and top <= y <= top + GAIN_BAND_PX:
            return "gain"  # the band along the top of the waveform (as REAPER's handle)
        return "body"

    def edge_at(self, x: float) -> str:
        """'left' or 'right' when x (item coordinates) is on a trim handle, else 'body'."""
        grab = min(EDGE_GRAB_PX, self._width / 4)
        if x <= grab:
            return "left"
        if x >= self._width - grab:
            return "right"
        return "body"

    def value(self, event, name: str):
        """A field as drawn: the running gesture's preview, else the model's."""
        return self.preview.get(name, getattr(event, name))

    def set_preview(self, fields: dict) -> None:
        self.preview = dict(fields)
        self.update()

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

    def hoverEnterEvent(self, event) -> None:
        self._hovered = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self._hovered = False
        self.update()

    def hoverMoveEvent(self, event) -> None:
        handle = self.handle_at(event.pos())
        cursor = {"left": Qt.CursorShape.SizeHorCursor, "right": Qt.CursorShape.SizeHorCursor,
                  "fade_in": Qt.CursorShape.SizeHorCursor,
                  "fade_out": Qt.CursorShape.SizeHorCursor,
                  "gain": Qt.CursorShape.SizeVerCursor}.get(handle, Qt.CursorShape.OpenHandCursor)
        self.setCursor(cursor)

    # -- painting ----------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        # a muted (or not soloed) track's clips are drawn in colours faded towards the lane,
        # all opaque: the cached pixmap and a direct paint give the very same pixels
        dim = not self.timeline.audible(self._track_id())
        colour = _dimmed(self._colour) if dim else self._colour
        self._text_colour = _dimmed(style.TEXT) if dim else style.TEXT
        if self._width < SLIVER_PX:  # zoomed far out: a sliver of colour is all that shows
            painter.fillRect(self._rect, colour.lighter(110) if self.isSelected() else colour)
            return
        document = self.timeline.document
        event = document.story.event(self.event_id)
        state = document.state(self.event_id)
        rect = self._rect
        exposed = option.exposedRect.intersected(rect)
        painter.setPen(Qt.PenStyle.NoPen)
        if state in (ClipState.PLANNED, ClipState.QUEUED):
            painter.fillRect(exposed, colour.darker(330))
            painter.fillRect(exposed, QBrush(colour.darker(170), Qt.BrushStyle.BDiagPattern))
        else:
            painter.fillRect(exposed, colour.darker(260))
        header = QRectF(0, 0, self._width, self.wave_top())
        painter.fillRect(header.intersected(exposed), colour.darker(120))
        if self._width > 8 and state not in (ClipState.PLANNED, ClipState.QUEUED):
            self._paint_waveform(painter, event, exposed, colour)
        self._paint_fades(painter, event)
        if self.handles_shown() or self.value(event, "gain_db") != 0:
            self._paint_gain(painter, event, exposed)
        if self._width >= MIN_TEXT_WIDTH_PX:
            self._paint_caption(painter, header)
        self._paint_state(painter, state, document.progress(self.event_id))
        self._paint_border(painter, state, exposed)

    def _track_id(self) -> str:
        return self.timeline.document.story.event(self.event_id).track_id

    def _paint_caption(self, painter: QPainter, header: QRectF) -> None:
        text_width = header.width() - 22
        if self._elided[0] != text_width:
            metrics = QFontMetrics(self.timeline.clip_font)
            self._elided = (text_width, metrics.elidedText(
                self._caption, Qt.TextElideMode.ElideRight, int(max(text_width, 0))))
        painter.setFont(self.timeline.clip_font)
        painter.setPen(self._text_colour)
        painter.drawText(header.adjusted(5, 0, -18, 0),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         self._elided[1])

    def _paint_state(self, painter: QPainter, state: ClipState, progress: float) -> None:
        dot = style.STATE_COLOURS[state.value]
        if self._width >= 20 and self._height >= 12:
            box = QRectF(self._width - 13, 4, 8, 8)
            if state == ClipState.QUEUED:  # waiting: a hollow ring
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(dot, 1.5))
                painter.drawEllipse(box.adjusted(0.5, 0.5, -0.5, -0.5))
            else:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(dot)
                painter.drawEllipse(box)
        if state == ClipState.RENDERING:
            bar = QRectF(0, self._height - 4, self._width * max(progress, 0.02), 4)
            painter.fillRect(bar, dot)

    def _paint_border(self, painter: QPainter, state: ClipState, exposed: QRectF) -> None:
        # pens stay inside the item's rectangle: nothing is drawn where Qt will not repaint
        if self.isSelected():
            pen, inset = QPen(style.SELECTION, 2), 1.0
        elif state == ClipState.FAILED:
            pen, inset = QPen(style.STATE_COLOURS["failed"], 2), 1.0
        elif state == ClipState.STALE:
            pen, inset = QPen(style.STATE_COLOURS["stale"], 1.5, Qt.PenStyle.DashLine), 1.0
        else:
            pen, inset = QPen(QColor(0, 0, 0, 140), 1), 0.5
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        rect = self._rect.adjusted(inset, inset, -inset, -inset)
        # four lines, never drawRect, whether the clip is cached (all of it exposed) or not
        # (only what shows): both give the same pixels. Only the part of a long edge that
        # shows is drawn (outlining millions of pixels costs the rasteriser dearly); it
        # starts on a whole dash period so a dashed edge looks the same either way.
        start = rect.left() + max((exposed.left() - rect.left()) // DASH_PERIOD_PX - 1, 0) \
            * DASH_PERIOD_PX
        end = min(rect.right(), exposed.right() + DASH_PERIOD_PX)
        painter.drawLine(QPointF(start, rect.top()), QPointF(end, rect.top()))
        painter.drawLine(QPointF(start, rect.bottom()), QPointF(end, rect.bottom()))
        for x in (rect.left(), rect.right()):  # short lines: cheap even when off-screen
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))

    def _paint_fades(self, painter: QPainter, event) -> None:
        top, bottom = self.wave_top(), self._height
        fade_in = self.fade_handle_x(event, "fade_in")
        fade_out = self.fade_handle_x(event, "fade_out")
        shade = QColor(0, 0, 0, 90)
        line = QPen(QColor(255, 255, 255, 170), 1)
        if fade_in >= 2:
            path = QPainterPath(QPointF(0, top))
            path.lineTo(fade_in, top)
            path.lineTo(0, bottom)
            path.closeSubpath()
            painter.fillPath(path, shade)
            painter.setPen(line)
            painter.drawLine(QPointF(0, bottom), QPointF(fade_in, top))
        if self._width - fade_out >= 2:
            path = QPainterPath(QPointF(self._width, top))
            path.lineTo(fade_out, top)
            path.lineTo(self._width, bottom)
            path.closeSubpath()
            painter.fillPath(path, shade)
            painter.setPen(line)
            painter.drawLine(QPointF(fade_out, top), QPointF(self._width, bottom))
        if self.handles_shown():
            painter.setPen(QPen(QColor(0, 0, 0, 160), 1))
            painter.setBrush(QColor(255, 255, 255, 220))
            for x in (fade_in, fade_out):
                x = min(max(x, HANDLE_PX / 2 + 1), self._width - HANDLE_PX / 2 - 1)
                painter.drawRect(QRectF(x - HANDLE_PX / 2, top + 1, HANDLE_PX, HANDLE_PX))

    def _paint_gain(self, painter: QPainter, event, exposed: QRectF) -> None:
        y = self.gain_y(event)
        gain = self.value(event, "gain_db")
        painter.setPen(QPen(QColor(255, 236, 140, 200 if gain != 0 else 110), 1))
        painter.drawLine(QPointF(max(2, exposed.left() - 2), y),
                         QPointF(min(self._width - 2, exposed.right() + 2), y))
        if gain != 0 and self._width >= 90 and self.handles_shown():
            painter.setFont(self.timeline.clip_font)
            painter.drawText(QRectF(4, max(y - 14, self.wave_top()), 60, 13),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             f"{gain:+.1f} dB")

    def _paint_waveform(self, painter: QPainter, event, exposed: QRectF, colour: QColor) -> None:
        take = event.active_take()
        path = self._take_path
        if take is None or path is None:
            return
        peaks = self.timeline.peak_cache.get(path)
        if peaks is None:
            return
        height = int(self._height - HEADER_PX - 2)
        if height < 6:
            return
        ratio = take.sample_rate / self.timeline.document.story.sample_rate
        offset = self.value(event, "offset")
        take_start = offset * ratio
        take_span = event.duration * ratio
        gain = waveform_scale(self.value(event, "gain_db"))
        dpr = max(painter.device().devicePixelRatioF(), 1.0)  # sharp on HiDPI screens
        if self._width <= MAX_CACHED_WAVEFORM_PX:
            left, right = 0, int(np.ceil(self._width))
            key = (str(path), offset, event.duration, right, height, dpr, gain, colour.rgba())
            if self._waveform is None or self._waveform[0] != key:
                self._waveform = (key, waveform_image(peaks, take_start, take_span, self._width,
                                                      0, right, height, colour, dpr, gain))
            image = self._waveform[1]
        else:  # very deep zoom: draw only what is exposed
            left, right = int(exposed.left()), int(np.ceil(exposed.right()))
            image = waveform_image(peaks, take_start, take_span, self._width, left, right, height,
                                   colour, dpr, gain)
        painter.drawImage(QPointF(left, HEADER_PX + 1), image)


def _dimmed(colour: QColor) -> QColor:
    """`colour` faded towards the lane background (DIM_OPACITY of it left), opaque."""
    base = style.LANE_EVEN
    keep = DIM_OPACITY
    return QColor(int(base.red() + (colour.red() - base.red()) * keep),
                  int(base.green() + (colour.green() - base.green()) * keep),
                  int(base.blue() + (colour.blue() - base.blue()) * keep))


def waveform_image(peaks: Peaks, take_start: float, take_span: float, width: float, left: int,
                   right: int, height: int, colour: QColor, dpr: float = 1.0,
                   gain: float = 1.0) -> QImage:
    """Columns [left, right) of a clip `width` pixels wide showing take samples
    [take_start, take_start + take_span), as a filled min/max envelope scaled by `gain`,
    drawn at `dpr` device pixels per pixel."""
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
    top = half - _display_scale(maxs * gain) * half
    bottom = half + _display_scale(-mins * gain) * half
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
