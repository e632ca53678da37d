"""Stretches of clips on the timeline: razor-style time ranges, edges dragged past a take,
and the regions a composite take was made of.

- Ctrl+Shift-drag across a clip selects a stretch of it (drawn over the clip); Regenerate
  Region then renders only that stretch again.
- Alt-drag a clip's edge: within its take it trims as usual (without snapping); past the
  take's first or last sample it asks for an extension: new audio for the part the take
  does not have.
- A clip whose active take is a composite shows its regions: a band over each re-rendered
  stretch, with its edges and crossfades.

Everything here lives beside the scene's own gestures: a scene event filter takes only the
presses with these modifiers, and the drawings are child items of the clips, so they move,
trim and zoom with them.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem
from shiboken6 import isValid

from app.document.edits import SetEventFields
from app.timeline.clip_item import ClipItem

MIN_RANGE_PX = 3.0
MIN_CLIP_S = 0.01
RANGE_FILL = QColor(255, 255, 255, 46)
RANGE_EDGE = QColor(255, 255, 255, 200)
REGION_COLOURS = {"replace": QColor(255, 196, 64), "extend_left": QColor(96, 200, 255),
                  "extend_right": QColor(96, 200, 255), "variation": QColor(200, 150, 255)}


@dataclass
class _Extension:
    event_id: str
    side: str          # "left" or "right"
    start: int
    duration: int
    offset: int
    take_start: int    # story samples where the take's first sample plays
    take_end: int      # ... and its last sample + 1
    lane: int
    new_edge: int


class _Overlay(QGraphicsItem):
    """Drawn over one clip, in its coordinates; clicks go through to the clip."""

    def __init__(self, clip: ClipItem, z: float) -> None:
        super().__init__(clip)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setZValue(z)
        self.bands: list[tuple[float, float, float, str]] = []  # x0, x1, fade px, kind

    def boundingRect(self) -> QRectF:
        return self.parentItem().rect()

    def set_bands(self, bands) -> None:
        self.prepareGeometryChange()
        self.bands = list(bands)
        self.update()


class RangeOverlay(_Overlay):
    def paint(self, painter: QPainter, option, widget=None) -> None:
        height = self.parentItem().rect().height()
        for x0, x1, _, _ in self.bands:
            painter.fillRect(QRectF(x0, 0, x1 - x0, height), RANGE_FILL)
            painter.setPen(QPen(RANGE_EDGE, 1))
            painter.drawLine(int(x0), 0, int(x0), int(height))
            painter.drawLine(int(x1), 0, int(x1), int(height))


class RegionMarksOverlay(_Overlay):
    def paint(self, painter: QPainter, option, widget=None) -> None:
        rect = self.parentItem().rect()
        for x0, x1, fade, kind in self.bands:
            colour = REGION_COLOURS.get(kind, REGION_COLOURS["replace"])
            if kind == "variation":  # the whole take: a dashed line along its top
                painter.setPen(QPen(colour, 2, Qt.PenStyle.DashLine))
                painter.drawLine(int(max(x0, 0)), 1, int(min(x1, rect.width())), 1)
                continue
            band = QColor(colour)
            band.setAlpha(38)
            painter.fillRect(QRectF(x0, 0, x1 - x0, rect.height()), band)
            if fade >= 2:
                faded = QColor(colour)
                faded.setAlpha(60)
                brush = QBrush(faded, Qt.BrushStyle.BDiagPattern)
                painter.fillRect(QRectF(x0 - fade, 0, fade, rect.height()), brush)
                painter.fillRect(QRectF(x1, 0, fade, rect.height()), brush)
            painter.setPen(QPen(colour, 1))
            painter.drawLine(int(x0), 0, int(x0), int(rect.height()))
            painter.drawLine(int(x1), 0, int(x1), int(rect.height()))


class RegionSelection(QObject):
    """The razor range and the Alt edge drag, as a filter on the timeline scene."""

    changed = Signal()                               # the range was set or cleared
    extendRequested = Signal(str, str, float, dict)  # event id, side, seconds, from fields
    message = Signal(str)

    def __init__(self, scene) -> None:
        super().__init__(scene)
        self.scene = scene
        self.range: tuple[str, int, int] | None = None  # event id, start, end (story samples)
        self._anchor: tuple[str, int] | None = None
        self._extension: _Extension | None = None
        self._overlay: RangeOverlay | None = None
        scene.installEventFilter(self)
        scene.scale.changed.connect(self._draw)

    # -- the range ---------------------------------------------------------------------
    def clip_range_s(self) -> tuple[str, float, float] | None:
        """(event id, start s, end s from the clip's start) of the range, if one is set."""
        if self.range is None:
            return None
        event_id, start, end = self.range
        try:
            event = self.scene.document.story.event(event_id)
        except KeyError:
            self.clear()
            return None
        rate = self.scene.document.story.sample_rate
        low, high = max(start, event.start), min(end, event.end)
        if high <= low:
            return None
        return event_id, (low - event.start) / rate, (high - event.start) / rate

    def set_range(self, event_id: str, start: int, end: int) -> None:
        self.range = (event_id, min(start, end), max(start, end))
        self._draw()
        self.changed.emit()

    def clear(self) -> None:
        if self.range is None:
            return
        self.range = None
        self._draw()
        self.changed.emit()

    def _draw(self) -> None:
        if self._overlay is not None and isValid(self._overlay):
            if self._overlay.scene() is not None:
                self._overlay.setParentItem(None)
                self.scene.removeItem(self._overlay)
        self._overlay = None
        if self.range is None:
            return
        event_id, start, end = self.range
        try:
            clip = self.scene.item(event_id)
            event = self.scene.document.story.event(event_id)
        except KeyError:
            return
        scale = self.scene.scale
        self._overlay = RangeOverlay(clip, 2.0)
        self._overlay.set_bands([(scale.x(start - event.start), scale.x(end - event.start), 0,
                                  "range")])

    # -- gestures ----------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.GraphicsSceneMousePress:
            return self._press(event)
        if kind == QEvent.Type.GraphicsSceneMouseMove and (self._anchor or self._extension):
            self._move(event)
            event.accept()
            return True
        if kind == QEvent.Type.GraphicsSceneMouseRelease and (self._anchor or self._extension):
            self._release(event)
            event.accept()
            return True
        return False

    def _press(self, event) -> bool:
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        clip = self._clip_at(event.scenePos())
        modifiers = event.modifiers()
        ranged = (modifiers & Qt.KeyboardModifier.ControlModifier
                  and modifiers & Qt.KeyboardModifier.ShiftModifier)
        if clip is None:
            if not ranged:
                self.clear()
            return False
        story = self.scene.document.story
        ev = story.event(clip.event_id)
        if ranged:
            sample = min(max(self.scene.scale.samples(event.scenePos().x()), ev.start), ev.end)
            self._anchor = (ev.id, sample)
            self.scene.select_events([ev.id])
            event.accept()
            return True
        edge = clip.edge_at(clip.mapFromScene(event.scenePos()).x())
        take = ev.active_take()
        if modifiers & Qt.KeyboardModifier.AltModifier and edge != "body" and take is not None:
            take_start = ev.start - ev.offset
            take_end = take_start + int(take.frames * story.sample_rate / take.sample_rate)
            self._extension = _Extension(ev.id, edge, ev.start, ev.duration, ev.offset,
                                         take_start, take_end, self.scene.lane_of(ev.track_id),
                                         ev.start if edge == "left" else ev.end)
            self.scene.select_events([ev.id])
            event.accept()
            return True
        if self.range is not None and self.range[0] != ev.id:
            self.clear()
        return False

    def _move(self, event) -> None:
        sample = self.scene.scale.samples(event.scenePos().x())
        if self._anchor is not None:
            event_id, anchor = self._anchor
            ev = self.scene.document.story.event(event_id)
            self.range = (event_id, *sorted((anchor, min(max(sample, ev.start), ev.end))))
            self._draw()
            return
        gesture = self._extension
        shortest = max(int(MIN_CLIP_S * self.scene.document.story.sample_rate), 1)
        end = gesture.start + gesture.duration
        if gesture.side == "left":
            gesture.new_edge = min(max(sample, 0), end - shortest)
            self.scene.item(gesture.event_id).set_geometry(gesture.new_edge,
                                                           end - gesture.new_edge, gesture.lane)
        else:
            gesture.new_edge = max(sample, gesture.start + shortest)
            self.scene.item(gesture.event_id).set_geometry(
                gesture.start, gesture.new_edge - gesture.start, gesture.lane)

    def _release(self, event) -> None:
        if self._anchor is not None:
            self._anchor = None
            event_id, start, end = self.range or (None, 0, 0)
            if event_id is None or self.scene.scale.x(end - start) < MIN_RANGE_PX:
                self.range = None
                self._draw()
            self.changed.emit()
            return
        gesture, self._extension = self._extension, None
        self.scene.item(gesture.event_id).sync()
        self._finish_extension(gesture)

    def _finish_extension(self, gesture: _Extension) -> None:
        document = self.scene.document
        rate = document.story.sample_rate
        end = gesture.start + gesture.duration
        if gesture.side == "right":
            if gesture.new_edge <= gesture.take_end:  # inside the take: a trim
                fields = {"duration": gesture.new_edge - gesture.start}
            else:
                if gesture.take_end - gesture.start < 1:
                    self.message.emit("This clip's take ends before the clip starts; render "
                                      "it again before extending it.")
                    return
                self.extendRequested.emit(gesture.event_id, "right",
                                          (gesture.new_edge - gesture.take_end) / rate,
                                          {"duration": gesture.take_end - gesture.start})
                return
        elif gesture.new_edge >= gesture.take_start:
            fields = {"start": gesture.new_edge, "duration": end - gesture.new_edge,
                      "offset": gesture.offset + gesture.new_edge - gesture.start}
        else:
            self.extendRequested.emit(gesture.event_id, "left",
                                      (gesture.take_start - gesture.new_edge) / rate,
                                      {"start": gesture.take_start,
                                       "duration": end - gesture.take_start, "offset": 0})
            return
        original = {"start": gesture.start, "duration": gesture.duration,
                    "offset": gesture.offset}
        changes = {k: v for k, v in fields.items() if original[k] != v}
        if changes:
            document.undo_stack.push(SetEventFields(document, {gesture.event_id: changes},
                                                    "Trim clip"))

    def _clip_at(self, position) -> ClipItem | None:
        for item in self.scene.items(position):
            while item is not None and not isinstance(item, ClipItem):
                item = item.parentItem()
            if item is not None:
                return item
        return None


class RegionMarks(QObject):
    """Draws, on every clip whose active take is a composite, the stretches it re-rendered."""

    def __init__(self, scene) -> None:
        super().__init__(scene)
        self.scene = scene
        self._overlays: dict[str, RegionMarksOverlay] = {}
        self.document = None
        scene.scale.changed.connect(self.refresh_all)
        self.set_document(scene.document)

    def set_document(self, document) -> None:
        if self.document is not None:
            for signal, slot in self._connections():
                signal.disconnect(slot)
        self.document = document
        for signal, slot in self._connections():
            signal.connect(slot)
        self.refresh_all()

    def _connections(self):
        d = self.document
        return [(d.storyReset, self.refresh_all), (d.eventsAdded, self.refresh_all),
                (d.eventsRemoved, self._forget), (d.eventChanged, self.refresh),
                (d.clipStateChanged, self.refresh)]

    def bands(self, event_id: str) -> list[tuple[float, float, float, str]]:
        """(x0, x1, crossfade px, kind) of each region of the clip's active take, in the
        clip's own pixels."""
        story = self.document.story
        event = story.event(event_id)
        take = event.active_take()
        if take is None or not take.regions:
            return []
        scale = self.scene.scale
        ratio = story.sample_rate / take.sample_rate
        return [(scale.x(r.start * ratio - event.offset), scale.x(r.end * ratio - event.offset),
                 scale.x(r.crossfade * ratio), r.kind) for r in take.regions]

    def refresh(self, event_id: str) -> None:
        try:
            clip = self.scene.item(event_id)
        except KeyError:
            self._overlays.pop(event_id, None)
            return
        bands = self.bands(event_id)
        overlay = self._overlays.get(event_id)
        if overlay is not None and (not isValid(overlay) or overlay.parentItem() is not clip):
            overlay = None  # the clip item was rebuilt
        if not bands:
            if overlay is not None and overlay.scene() is not None:
                overlay.setParentItem(None)
                self.scene.removeItem(overlay)
            self._overlays.pop(event_id, None)
            return
        if overlay is None:
            overlay = self._overlays[event_id] = RegionMarksOverlay(clip, 1.0)
        overlay.set_bands(bands)

    def refresh_all(self, *_) -> None:
        for event in self.document.story.events:
            self.refresh(event.id)

    def _forget(self, event_ids: list) -> None:
        for event_id in event_ids:
            self._overlays.pop(event_id, None)
