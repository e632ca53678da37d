"""The timeline scene: one lane per track, one ClipItem per event, a playhead.

It mirrors the document: on each model signal it adds, removes or re-syncs items. Scene x is
pixels at the current zoom (TimeScale), y is lanes; zooming re-places items instead of
scaling the view, so text and waveforms stay crisp.
"""
from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtCore import QLineF, QRectF, Signal
from PySide6.QtGui import QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsScene

from app import style
from app.document.edits import AddEvents
from app.document.story_document import StoryDocument
from app.timeline.clip_item import ClipItem
from app.timeline.drag import DragController
from app.timeline.scale import TimeScale
from engine.errors import StudioError
from engine.model.story import Event

AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".aiff", ".aif", ".mp3"}
DROPPED_TEXT_S = 5.0
TAIL_S = 10.0  # room after the story's end to drag clips into


class TimelineScene(QGraphicsScene):
    clipActivated = Signal(str)  # event id (double click)
    clipMenuRequested = Signal(str, object)  # event id, screen position (QPoint)
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
        self._items: dict[str, ClipItem] = {}
        self._lanes: dict[str, int] = {}
        self._kinds: dict[str, str] = {}
        self._track_ids: list[str] = []
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
        if self.document is not None:
            for signal, slot in self._connections():
                signal.disconnect(slot)
        self.document = document
        for signal, slot in self._connections():
            signal.connect(slot)
        self.rebuild()

    def _connections(self):
        d = self.document
        return [(d.storyReset, self.rebuild), (d.eventChanged, self._on_event_changed),
                (d.eventsAdded, self._on_events_added), (d.eventsRemoved, self._on_events_removed),
                (d.trackChanged, self._on_track_changed),
                (d.clipStateChanged, self._on_state_changed)]

    def rebuild(self) -> None:
        self.blockSignals(True)
        for item in self._items.values():
            self.removeItem(item)
        self._items.clear()
        self.blockSignals(False)
        self.selectionChanged.emit()
        story = self.document.story
        self._track_ids = [t.id for t in story.tracks]
        self._lanes = {t.id: i for i, t in enumerate(story.tracks)}
        self._kinds = {t.id: t.kind.value for t in story.tracks}
        self.scale.set_story(story.sample_rate, story.duration)
        for event in story.events:
            self._add_item(event.id)
        self._update_rect()

    def relayout(self) -> None:
        for item in self._items.values():
            item.relayout()
        self._update_rect()
        self.set_playhead(self._playhead_samples)

    def _update_rect(self) -> None:
        story = self.document.story
        end = max([story.duration] + [e.end for e in story.events])
        width = self.scale.x(end + TAIL_S * story.sample_rate)
        height = max(len(self._track_ids), 1) * style.LANE_HEIGHT
        self.setSceneRect(QRectF(0, 0, width, height))
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
        self.blockSignals(True)  # one selection change at the end, when the model agrees
        for event_id in event_ids:
            item = self._items.pop(event_id, None)
            if item is not None:
                self.removeItem(item)
        self.blockSignals(False)
        self._update_rect()
        self.selectionChanged.emit()

    def _on_track_changed(self, track_id: str) -> None:
        self._kinds[track_id] = self.document.story.track(track_id).kind.value
        self.update()

    def _on_state_changed(self, event_id: str) -> None:
        item = self._items.get(event_id)
        if item is not None:
            item.refresh_tooltip()
            item.update()

    def _on_peaks_ready(self, path: str) -> None:
        project = self.document.project
        for event in self.document.story.events:
            take = event.active_take()
            if take is not None and str(project.take_path(take)) == path:
                self._items[event.id].update()

    # -- lanes and items ---------------------------------------------------------------
    def lane_of(self, track_id: str) -> int:
        return self._lanes.get(track_id, 0)

    def lane_at(self, y: float) -> int:
        return min(max(int(y // style.LANE_HEIGHT), 0), max(len(self._track_ids) - 1, 0))

    def lane_count(self) -> int:
        return len(self._track_ids)

    def track_id_at(self, lane: int) -> str:
        return self._track_ids[lane]

    def kind_of(self, track_id: str) -> str:
        return self._kinds.get(track_id, "effects")

    def item(self, event_id: str) -> ClipItem:
        return self._items[event_id]

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
        self._loop = loop
        self.invalidate(self.sceneRect(), QGraphicsScene.SceneLayer.BackgroundLayer)

    # -- background: lanes, grid, loop region ------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, style.BACKGROUND)
        for lane in range(len(self._track_ids)):
            band = QRectF(rect.left(), lane * style.LANE_HEIGHT, rect.width(), style.LANE_HEIGHT)
            if band.intersects(rect):
                painter.fillRect(band, style.LANE_EVEN if lane % 2 == 0 else style.LANE_ODD)
        step_s = self.scale.tick_step_s()
        rate = self.document.story.sample_rate
        first = int(self.scale.samples(rect.left()) / rate // step_s)
        last = int(self.scale.samples(rect.right()) / rate // step_s) + 1
        for index in range(first, last + 1):
            x = self.scale.x(index * step_s * rate)
            painter.setPen(QPen(style.GRID, 1))
            painter.drawLine(QLineF(x, rect.top(), x, rect.bottom()))
        end_x = self.scale.x(self.document.story.duration)
        if end_x < rect.right():  # past the story's end
            painter.fillRect(QRectF(end_x, rect.top(), rect.right() - end_x, rect.height()),
                             style.BACKGROUND.darker(130))
        if self._loop is not None:
            left, right = (self.scale.x(v) for v in self._loop)
            painter.fillRect(QRectF(left, rect.top(), right - left, rect.height()), style.LOOP)

    # -- drops from outside: text becomes an event, audio files become imported clips --------
    def dragEnterEvent(self, event) -> None:
        mime = event.mimeData()
        event.setAccepted(mime.hasText() or mime.hasUrls())

    def dragMoveEvent(self, event) -> None:
        event.setAccepted(bool(self._track_ids))

    def dropEvent(self, event) -> None:
        if not self._track_ids:
            return
        mime = event.mimeData()
        track_id = self.track_id_at(self.lane_at(event.scenePos().y()))
        start = max(self.scale.samples(event.scenePos().x()), 0)
        files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        audio = [path for path in files if path.suffix.lower() in AUDIO_SUFFIXES]
        try:
            if audio:
                events = self._imported_events(audio, track_id, start)
            elif mime.hasText() and mime.text().strip():
                events = [self._text_event(mime.text(), track_id, start)]
            else:
                return
        except StudioError as exc:
            self.message.emit(str(exc))
            return
        self.document.undo_stack.push(AddEvents(self.document, events, "Add clip"
                                                if len(events) == 1 else "Add clips"))
        self.select_events([e.id for e in events])
        event.acceptProposedAction()

    def _text_event(self, text: str, track_id: str, start: int) -> Event:
        rate = self.document.story.sample_rate
        caption = " ".join(text.split())[:300]
        return Event(id=self.document.story.next_event_id(), track_id=track_id, start=start,
                     duration=int(DROPPED_TEXT_S * rate), caption=caption,
                     seed=random.randrange(2 ** 31), generator=self.default_generator)

    def _imported_events(self, paths: list[Path], track_id: str, start: int) -> list[Event]:
        project = self.document.project
        events, taken = [], set()
        for path in paths:
            event_id = self.document.story.next_event_id(taken)
            taken.add(event_id)
            event = Event(id=event_id, track_id=track_id, start=start, duration=1,
                          caption=path.stem.replace("_", " ").replace("-", " "),
                          seed=0, generator=self.default_generator)
            take = project.import_take(path, event)
            event.duration = max(int(round(take.duration_s * self.document.story.sample_rate)), 1)
            events.append(event)
            start += event.duration
        return events
