"""The timeline scene: one lane per track, one ClipItem per event, a playhead.

It mirrors the document: on each model signal it adds, removes or re-syncs items. Scene x is
pixels at the current zoom (TimeScale), y is lanes (LaneLayout: track height, collapsed
tracks); zooming re-places items instead of scaling the view, so text and waveforms stay
crisp. Anything that changes what the background shows (lanes, grid, scenes, the loop
region) repaints the whole scene, so nothing stale is ever left on screen.
"""
from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtCore import QLineF, QRectF, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsScene

from app import style
from app.document.edits import AddEvents
from app.document.story_document import StoryDocument
from app.timeline.clip_item import ClipItem
from app.timeline.drag import DragController
from app.timeline.lanes import DEFAULT_LANE_PX, LaneLayout, clamp_lane_height
from app.timeline.scale import TimeScale
from app.timeline.snapping import GRID_DIVISIONS
from engine.mix.mixer import audible_tracks
from engine.model.story import Event

AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".aiff", ".aif", ".mp3"}
DROPPED_TEXT_S = 5.0
TAIL_S = 10.0  # room after the story's end to drag clips into
MIN_GRID_PX = 28  # minor grid lines closer than this are not drawn


class TimelineScene(QGraphicsScene):
    clipActivated = Signal(str)  # event id (double click)
    clipMenuRequested = Signal(str, object)  # event id, screen position (QPoint)
    filesDropped = Signal(list, str, int)  # audio file paths, track id, start sample
    lanesChanged = Signal()  # lane order or heights changed: the track headers follow
    message = Signal(str)

    def __init__(self, document: StoryDocument, scale: TimeScale, peak_cache, parent=None):
        super().__init__(parent)
        self.scale = scale
        self.peak_cache = peak_cache
        self.snapping = True
        self.default_generator = "procedural"
        self.drag = DragController(self)
        self.clip_font = QFont()
        self.clip_font.setPointSizeF(8.5)
        self.track_height = DEFAULT_LANE_PX
        self.collapsed: set[str] = set()
        self.lanes = LaneLayout()
        self._items: dict[str, ClipItem] = {}
        self._colours: dict[str, QColor] = {}
        self._audible: set[str] = set()
        self._loop: tuple[int, int] | None = None
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.playhead = QGraphicsLineItem()
        self.playhead.setPen(QPen(style.PLAYHEAD, 1.5))
        self.playhead.setZValue(1000)
        self.addItem(self.playhead)
        self._playhead_samples = 0
        self.document: StoryDocument | None = None
        scale.changed.connect(self.relayout)
        peak_cache.ready.connect(self._on_peaks_ready)
        self.set_document(document)

    # -- document --------------------------------------------------------------------
    def set_document(self, document: StoryDocument) -> None:
        self.drag.cancel()
        if self.document is not None:
            for signal, slot in self._connections():
                signal.disconnect(slot)
        self.document = document
        for signal, slot in self._connections():
            signal.connect(slot)
        self._loop = None
        self.collapsed = set()
        self.rebuild()

    def _connections(self):
        d = self.document
        return [(d.storyReset, self.rebuild), (d.eventChanged, self._on_event_changed),
                (d.eventsAdded, self._on_events_added), (d.eventsRemoved, self._on_events_removed),
                (d.trackChanged, self._on_track_changed), (d.tracksChanged, self._on_tracks),
                (d.scenesChanged, self.redraw), (d.clipStateChanged, self._on_state_changed)]

    def rebuild(self) -> None:
        self.drag.cancel()
        self.blockSignals(True)
        for item in self._items.values():
            self.removeItem(item)
        self._items.clear()
        self.blockSignals(False)
        self.selectionChanged.emit()
        story = self.document.story
        self.scale.set_story(story.sample_rate, story.duration)
        self._read_tracks()
        for event in story.events:
            self._add_item(event.id)
        self._update_rect()
        self.redraw()

    def _read_tracks(self) -> None:
        story = self.document.story
        self.collapsed &= {t.id for t in story.tracks}
        self.lanes = LaneLayout.build([t.id for t in story.tracks], self.track_height,
                                      self.collapsed)
        self._colours = {t.id: _track_colour(t) for t in story.tracks}
        self._audible = audible_tracks(story)
        self.lanesChanged.emit()

    def relayout(self) -> None:
        """The zoom or the lane layout changed: every item is placed again."""
        for item in self._items.values():
            item.relayout()
        self._update_rect()
        self.set_playhead(self._playhead_samples)
        self.redraw()

    def _update_rect(self) -> None:
        story = self.document.story
        end = max([story.duration] + [e.end for e in story.events])
        width = self.scale.x(end + TAIL_S * story.sample_rate)
        height = max(self.lanes.total_height, DEFAULT_LANE_PX)
        rect = QRectF(0, 0, width, height)
        if rect != self.sceneRect():
            self.setSceneRect(rect)
            self.redraw()
        self.playhead.setLine(QLineF(self.playhead.line().x1(), 0, self.playhead.line().x1(),
                                     height))

    def _add_item(self, event_id: str) -> None:
        item = ClipItem(self, event_id)
        self._items[event_id] = item
        self.addItem(item)

    def _on_event_changed(self, event_id: str) -> None:
        if self.drag.gesture is None and event_id in self._items:
            self._items[event_id].sync()
            self._update_rect()

    def _on_events_added(self, event_ids: list) -> None:
        for event_id in event_ids:
            self._add_item(event_id)
        self._update_rect()

    def _on_events_removed(self, event_ids: list) -> None:
        if self.drag.gesture is not None and set(event_ids) & set(self.drag.gesture.originals):
            self.drag.cancel()
        self.blockSignals(True)  # one selection change at the end, when the model agrees
        for event_id in event_ids:
            item = self._items.pop(event_id, None)
            if item is not None:
                self.removeItem(item)
        self.blockSignals(False)
        self._update_rect()
        self.selectionChanged.emit()

    def _on_track_changed(self, track_id: str) -> None:
        """Mute, solo, colour, name: clips dim or change colour; the lanes redraw."""
        track = self.document.story.track(track_id)
        colour = _track_colour(track)
        audible = audible_tracks(self.document.story)
        recolour = colour != self._colours.get(track_id)
        self._colours[track_id] = colour
        if audible != self._audible or recolour:
            changed = (audible ^ self._audible) | ({track_id} if recolour else set())
            self._audible = audible
            story = self.document.story
            for item in self._items.values():
                if story.event(item.event_id).track_id in changed:
                    item.sync()
        self.redraw()

    def _on_tracks(self) -> None:
        """Tracks added, removed or reordered: new lanes, every clip placed again."""
        self._read_tracks()
        for item in self._items.values():
            item.sync()
        self._update_rect()
        self.redraw()

    def _on_state_changed(self, event_id: str) -> None:
        item = self._items.get(event_id)
        if item is not None:
            item.refresh_tooltip()
            item.update()

    def _on_peaks_ready(self, path: str) -> None:
        for item in self._items.values():  # (paths compared as text: cheap for 1,000 clips)
            if item.take_path is not None and str(item.take_path) == path:
                item.update()

    def redraw(self, *args) -> None:
        """Everything again, the background too: the views cache their background (lanes,
        grid, scenes, loop), so a change to it must drop that cache, not just repaint."""
        for view in self.views():  # all of the view, also where it shows beyond the scene
            view.resetCachedContent()
        self.invalidate(self.sceneRect(), QGraphicsScene.SceneLayer.AllLayers)
        self.update()

    # -- lanes -------------------------------------------------------------------------
    def lane_of(self, track_id: str) -> int:
        return self.lanes.index(track_id)

    def lane_at(self, y: float) -> int:
        return self.lanes.lane_at(y)

    def lane_count(self) -> int:
        return len(self.lanes)

    def track_id_at(self, lane: int) -> str:
        return self.lanes.track_ids[lane]

    def track_colour(self, track_id: str) -> QColor:
        return self._colours.get(track_id, style.KIND_COLOURS["effects"])

    def audible(self, track_id: str) -> bool:
        return track_id in self._audible

    def set_track_height(self, px: float, relayout: bool = True) -> None:
        """Every (open) track this tall; `relayout=False` leaves placing the clips to the
        caller's next relayout (one pass for a new height and a new zoom together)."""
        height = clamp_lane_height(px)
        if height != self.track_height:
            self.track_height = height
            if relayout:
                self._relayout_lanes()
            else:
                self._read_tracks()

    def set_collapsed(self, track_id: str, collapsed: bool) -> None:
        if (track_id in self.collapsed) != collapsed:
            (self.collapsed.add if collapsed else self.collapsed.discard)(track_id)
            self._relayout_lanes()

    def _relayout_lanes(self) -> None:
        self._read_tracks()
        self.relayout()

    # -- items -------------------------------------------------------------------------
    def item(self, event_id: str) -> ClipItem:
        return self._items[event_id]

    def has_item(self, event_id: str) -> bool:
        return event_id in self._items

    def clip_items(self) -> list[ClipItem]:
        return list(self._items.values())

    def selected_event_ids(self) -> list[str]:
        return [item.event_id for item in self.selectedItems() if isinstance(item, ClipItem)]

    def select_events(self, event_ids) -> None:
        wanted = set(event_ids)
        self.blockSignals(True)
        for event_id, item in self._items.items():
            item.setSelected(event_id in wanted)
        self.blockSignals(False)
        self.selectionChanged.emit()

    # -- playhead and loop -------------------------------------------------------------
    def playhead_samples(self) -> int:
        return self._playhead_samples

    def set_playhead(self, samples: int) -> None:
        self._playhead_samples = samples
        x = self.scale.x(samples)
        self.playhead.setLine(QLineF(x, 0, x, self.sceneRect().height()))

    def set_loop(self, loop: tuple[int, int] | None) -> None:
        if loop != self._loop:
            self._loop = loop
            self.redraw()

    @property
    def loop(self) -> tuple[int, int] | None:
        return self._loop

    # -- background: lanes, grid, scenes, loop region ----------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, style.BACKGROUND)
        for lane, (top, height) in enumerate(zip(self.lanes.tops, self.lanes.heights)):
            band = QRectF(rect.left(), top, rect.width(), height)
            if band.intersects(rect):
                colour = style.LANE_EVEN if lane % 2 == 0 else style.LANE_ODD
                if not self.audible(self.lanes.track_ids[lane]):
                    colour = colour.darker(125)
                painter.fillRect(band, colour)
        self._draw_grid(painter, rect)
        self._draw_scene_boundaries(painter, rect)
        end_x = self.scale.x(self.document.story.duration)
        if end_x < rect.right():  # past the story's end
            left = max(end_x, rect.left())
            painter.fillRect(QRectF(left, rect.top(), rect.right() - left, rect.height()),
                             QColor(0, 0, 0, 70))
        if self._loop is not None:
            left, right = (self.scale.x(v) for v in self._loop)
            painter.fillRect(QRectF(left, rect.top(), right - left, rect.height()), style.LOOP)

    def _draw_grid(self, painter: QPainter, rect: QRectF) -> None:
        rate = self.document.story.sample_rate
        step_s = self.scale.tick_step_s()
        minor_s = step_s / GRID_DIVISIONS
        draw_minor = self.scale.x(minor_s * rate) >= MIN_GRID_PX
        unit = minor_s if draw_minor else step_s
        first = int(self.scale.samples(rect.left()) / rate // unit)
        last = int(self.scale.samples(rect.right()) / rate // unit) + 1
        major = QPen(style.GRID_MAJOR, 1)
        minor = QPen(style.GRID, 1)
        per_major = GRID_DIVISIONS if draw_minor else 1
        for index in range(max(first, 0), last + 1):
            x = self.scale.x(index * unit * rate)
            painter.setPen(major if index % per_major == 0 else minor)
            painter.drawLine(QLineF(x, rect.top(), x, rect.bottom()))

    def _draw_scene_boundaries(self, painter: QPainter, rect: QRectF) -> None:
        pen = QPen(style.SCENE_LINE, 1, style.SCENE_LINE_STYLE)
        painter.setPen(pen)
        for scene in self.document.story.scenes:
            for position in (scene.start, scene.end):
                x = self.scale.x(position)
                if rect.left() - 1 <= x <= rect.right() + 1 and position > 0:
                    painter.drawLine(QLineF(x, rect.top(), x, rect.bottom()))

    # -- drops from outside: text becomes an event, audio files become imported clips --------
    def dragEnterEvent(self, event) -> None:
        mime = event.mimeData()
        event.setAccepted(mime.hasText() or mime.hasUrls())

    def dragMoveEvent(self, event) -> None:
        event.setAccepted(bool(self.lanes.track_ids))

    def dropEvent(self, event) -> None:
        if not self.lanes.track_ids:
            self.message.emit("Plan a story first (or add a track): a clip needs a track.")
            return
        mime = event.mimeData()
        track_id = self.track_id_at(self.lane_at(event.scenePos().y()))
        start = max(self.scale.samples(event.scenePos().x()), 0)
        files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        audio = [path for path in files if path.suffix.lower() in AUDIO_SUFFIXES]
        if files and not audio:
            self.message.emit(f"{files[0].name}: not an audio file the editor can import "
                              f"(use {', '.join(sorted(AUDIO_SUFFIXES))}).")
            return
        if audio:  # read and copied off the GUI thread (see ImportController)
            self.filesDropped.emit(audio, track_id, start)
            event.acceptProposedAction()
            return
        if not (mime.hasText() and mime.text().strip()):
            return
        new = self._text_event(mime.text(), track_id, start)
        self.document.undo_stack.push(AddEvents(self.document, [new], "Add clip"))
        self.select_events([new.id])
        event.acceptProposedAction()

    def _text_event(self, text: str, track_id: str, start: int) -> Event:
        rate = self.document.story.sample_rate
        caption = " ".join(text.split())[:300]
        return Event(id=self.document.story.next_event_id(), track_id=track_id, start=start,
                     duration=int(DROPPED_TEXT_S * rate), caption=caption,
                     seed=random.randrange(2 ** 31), generator=self.default_generator)


def _track_colour(track) -> QColor:
    if track.color:
        return QColor(track.color)
    return style.KIND_COLOURS.get(track.kind.value, style.KIND_COLOURS["effects"])
