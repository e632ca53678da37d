"""The open story as the GUI sees it: the project, its undo stack, and the signals views redraw
from. Views never change the story directly; they push commands (app/document/edits.py), and the
commands call the `_apply_*` methods here, which change the model and emit the signals.
"""
from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from engine.model.story import Event, Scene, Story, Take, Track
from engine.project.folder import Project, take_is_current


class ClipState(StrEnum):
    PLANNED = "planned"      # no take yet
    QUEUED = "queued"        # a render for it waits in the render lane
    RENDERING = "rendering"  # a job for it is running
    RENDERED = "rendered"    # its take matches its caption, seed and generator
    STALE = "stale"          # it has a take, but the take no longer matches (or is missing)
    FAILED = "failed"        # the last render failed; the previous take is kept


class StoryDocument(QObject):
    storyReset = Signal()           # tracks and events replaced wholesale
    tracksChanged = Signal()        # tracks added, removed or reordered (events kept)
    scenesChanged = Signal()        # scene spans or titles changed
    eventChanged = Signal(str)      # one event's fields changed
    eventsAdded = Signal(list)      # event ids
    eventsRemoved = Signal(list)    # event ids
    trackChanged = Signal(str)      # one track's fields changed
    clipStateChanged = Signal(str)  # event id
    modifiedChanged = Signal(bool)
    projectChanged = Signal()       # folder or title changed

    def __init__(self, project: Project, untitled: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.untitled = untitled  # lives in the scratch folder until "Save As"
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self._versions: dict[str, int] = {}
        self._failures: dict[str, str] = {}
        self._progress: dict[str, float] = {}
        self._queued: set[str] = set()
        self._states: dict[str, ClipState] = {}  # painted often, computed on change only
        self._missing = {take.path for event in project.story.events for take in event.takes
                         if not project.take_available(take)}

    def _clean_changed(self, clean: bool) -> None:
        self.modifiedChanged.emit(not clean)

    # -- reading -----------------------------------------------------------------------
    @property
    def story(self) -> Story:
        return self.project.story

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    def version(self, event_id: str) -> int:
        """Bumped by every change to the event: a job started at another version is stale."""
        return self._versions.get(event_id, 0)

    def state(self, event_id: str) -> ClipState:
        state = self._states.get(event_id)
        if state is None:
            state = self._states[event_id] = self._compute_state(event_id)
        return state

    def _compute_state(self, event_id: str) -> ClipState:
        if event_id in self._progress:
            return ClipState.RENDERING
        if event_id in self._queued:
            return ClipState.QUEUED
        if event_id in self._failures:
            return ClipState.FAILED
        event = self.story.event(event_id)
        take = event.active_take()
        if take is None:
            return ClipState.PLANNED
        if take.path in self._missing or not take_is_current(
                event, take, self.story.sample_rate, self.story.duration):
            return ClipState.STALE
        return ClipState.RENDERED

    def failure(self, event_id: str) -> str:
        return self._failures.get(event_id, "")

    def progress(self, event_id: str) -> float:
        return self._progress.get(event_id, 0.0)

    def stale_event_ids(self) -> list[str]:
        return [e.id for e in self.story.events
                if self.state(e.id) in (ClipState.PLANNED, ClipState.STALE, ClipState.FAILED)]

    # -- render status (not undoable: it describes jobs, not the story) -----------------
    def set_queued(self, event_id: str) -> None:
        self._states.pop(event_id, None)
        self._queued.add(event_id)
        self._progress.pop(event_id, None)
        self._failures.pop(event_id, None)
        self.clipStateChanged.emit(event_id)

    def set_rendering(self, event_id: str, fraction: float) -> None:
        self._states.pop(event_id, None)
        self._queued.discard(event_id)
        self._progress[event_id] = fraction
        self._failures.pop(event_id, None)
        self.clipStateChanged.emit(event_id)

    def set_failed(self, event_id: str, reason: str) -> None:
        self._states.pop(event_id, None)
        self._queued.discard(event_id)
        self._progress.pop(event_id, None)
        self._failures[event_id] = reason
        self.clipStateChanged.emit(event_id)

    def clear_status(self, event_id: str) -> None:
        self._states.pop(event_id, None)
        self._queued.discard(event_id)
        self._progress.pop(event_id, None)
        self._failures.pop(event_id, None)
        self.clipStateChanged.emit(event_id)

    # -- changes, called by undo commands only --------------------------------------------
    def _touch(self, event_id: str) -> None:
        self._versions[event_id] = self._versions.get(event_id, 0) + 1
        self._states.pop(event_id, None)

    def _apply_event_fields(self, event_id: str, fields: dict) -> None:
        event = self.story.event(event_id)
        for name, value in fields.items():
            setattr(event, name, value)
        self._touch(event_id)
        self.eventChanged.emit(event_id)

    def _apply_track_fields(self, track_id: str, fields: dict) -> None:
        track = self.story.track(track_id)
        for name, value in fields.items():
            setattr(track, name, value)
        self.trackChanged.emit(track_id)

    def _insert_events(self, events: list[Event], indices: list[int] | None = None) -> None:
        """Add events after the others, or each at its index in the story's list (undoing a
        delete: the story comes back exactly as it was, in the order clips paint, render
        and are saved in)."""
        for event in events:  # a clip added without a scene joins the one it starts in
            if event.scene_id is None and (scene := self.story.scene_at(event.start)):
                event.scene_id = scene.id
        if indices is None:
            self.story.events = [*self.story.events, *events]
        else:
            merged = list(self.story.events)
            for index, event in sorted(zip(indices, events, strict=True), key=lambda p: p[0]):
                merged.insert(index, event)
            self.story.events = merged
        for event in events:
            self._touch(event.id)
        self.eventsAdded.emit([e.id for e in events])

    def _remove_events(self, event_ids: list[str]) -> list[tuple[int, Event]]:
        """Remove events; returns each with the index it had, for `_insert_events`."""
        doomed = set(event_ids)
        removed = [(i, e) for i, e in enumerate(self.story.events) if e.id in doomed]
        self.story.events = [e for e in self.story.events if e.id not in doomed]
        for event_id in event_ids:
            self._touch(event_id)
            self._progress.pop(event_id, None)
            self._queued.discard(event_id)
            self._failures.pop(event_id, None)
        self.eventsRemoved.emit(event_ids)
        return removed

    def _replace_timeline(self, scenes: list[Scene], tracks: list[Track], events: list[Event],
                          story_fields: dict) -> None:
        # validate the whole story once, not field by field
        self.project.story = Story.model_validate(
            {**self.story.model_dump(exclude={"scenes", "tracks", "events"}), **story_fields,
             "scenes": [s.model_dump() for s in scenes],
             "tracks": [t.model_dump() for t in tracks],
             "events": [e.model_dump() for e in events]})
        self._states.clear()
        for event in self.story.events:
            self._touch(event.id)
        self._progress.clear()
        self._queued.clear()
        self._failures.clear()
        self.storyReset.emit()

    def _set_tracks(self, tracks: list[Track]) -> None:
        """Replace the track list (add, remove, reorder); events must all have a track."""
        known = {t.id for t in tracks}
        orphans = [e.id for e in self.story.events if e.track_id not in known]
        if orphans:
            raise ValueError(f"clips {orphans} would lose their track")
        self.story.tracks = tracks
        self.tracksChanged.emit()

    def _apply_scene_fields(self, scene_id: str, fields: dict) -> None:
        scene = self.story.scene(scene_id)
        # start and end move together: validate the pair, not each field on its own
        updated = Scene.model_validate({**scene.model_dump(), **fields})
        index = self.story.scenes.index(scene)
        self.story.scenes[index] = updated
        self.scenesChanged.emit()

    def _set_take_fields(self, event_id: str, take_id: str, fields: dict) -> None:
        """A take's label or star: what the user calls it, not what it sounds like."""
        event = self.story.event(event_id)
        take = next(t for t in event.takes if t.id == take_id)
        for name, value in fields.items():
            setattr(take, name, value)
        self.eventChanged.emit(event_id)

    def _set_takes(self, event_id: str, takes: list[Take], active_take_id: str | None,
                   seed: int, offset: int) -> None:
        event = self.story.event(event_id)
        event.takes = takes
        event.active_take_id = active_take_id
        event.seed = seed
        event.offset = offset
        self._missing.discard(event.active_take().path if event.active_take() else "")
        # no version bump: a new take does not change what a pending render was asked for
        self._failures.pop(event_id, None)
        self._states.pop(event_id, None)
        self.eventChanged.emit(event_id)
        self.clipStateChanged.emit(event_id)

    # -- saving ------------------------------------------------------------------------
    def mark_saved(self) -> None:
        self.undo_stack.setClean()
        self.projectChanged.emit()
