"""Undoable edits of scenes, tracks and takes. Like app/document/edits.py, each command
changes the model only through the document's `_apply_*` / `_set_*` methods, which emit the
signals the views redraw from."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from app.document.retime import Span, moved_spans, retime_clips
from app.document.story_document import StoryDocument
from engine.model.story import Event, Take, Track


class RetimeScene(QUndoCommand):
    """Move a scene boundary: the scene (and a neighbour touching that edge) get new spans,
    and their clips are retimed with them (app/document/retime.py)."""

    def __init__(self, document: StoryDocument, scene_id: str, side: str, position: int) -> None:
        super().__init__("Move scene boundary")
        self.document = document
        story = document.story
        spans = [Span(s.start, s.end) for s in story.scenes]
        index = next(i for i, s in enumerate(story.scenes) if s.id == scene_id)
        shortest = max(int(0.01 * story.sample_rate), 1)
        self.scenes_before, self.scenes_after = {}, {}
        self.clips_before, self.clips_after = {}, {}
        for changed, span in moved_spans(spans, index, side, position).items():
            scene = story.scenes[changed]
            self.scenes_before[scene.id] = {"start": scene.start, "end": scene.end}
            self.scenes_after[scene.id] = {"start": span.start, "end": span.end}
            clips = [(e.id, e.start, e.duration) for e in story.events_in(scene.id)]
            for event_id, (start, duration) in retime_clips(
                    clips, spans[changed], span, shortest).items():
                event = story.event(event_id)
                self.clips_before[event_id] = {"start": event.start, "duration": event.duration}
                self.clips_after[event_id] = {"start": start, "duration": duration}

    def _apply(self, scenes: dict, clips: dict) -> None:
        for scene_id, fields in scenes.items():
            self.document._apply_scene_fields(scene_id, fields)
        for event_id, fields in clips.items():
            self.document._apply_event_fields(event_id, fields)

    def redo(self) -> None:
        self._apply(self.scenes_after, self.clips_after)

    def undo(self) -> None:
        self._apply(self.scenes_before, self.clips_before)


class SetSceneFields(QUndoCommand):
    def __init__(self, document: StoryDocument, scene_id: str, fields: dict, text: str) -> None:
        super().__init__(text)
        self.document = document
        self.scene_id = scene_id
        scene = document.story.scene(scene_id)
        self.after = dict(fields)
        self.before = {name: getattr(scene, name) for name in fields}

    def redo(self) -> None:
        self.document._apply_scene_fields(self.scene_id, self.after)

    def undo(self) -> None:
        self.document._apply_scene_fields(self.scene_id, self.before)


class SetTracks(QUndoCommand):
    """Add or reorder tracks: the track list before and after (events untouched)."""

    def __init__(self, document: StoryDocument, tracks: list[Track], text: str) -> None:
        super().__init__(text)
        self.document = document
        self.before = [t.model_copy() for t in document.story.tracks]
        self.after = [t.model_copy() for t in tracks]

    def redo(self) -> None:
        self.document._set_tracks([t.model_copy() for t in self.after])

    def undo(self) -> None:
        self.document._set_tracks([t.model_copy() for t in self.before])


class RemoveTrack(QUndoCommand):
    """Delete a track with its clips; undo brings both back (takes included)."""

    def __init__(self, document: StoryDocument, track_id: str) -> None:
        track = document.story.track(track_id)
        super().__init__(f"Delete track “{track.name}”")
        self.document = document
        self.track_id = track_id
        self.tracks_before = [t.model_copy() for t in document.story.tracks]
        self.event_ids = [e.id for e in document.story.events if e.track_id == track_id]
        self.removed: list[tuple[int, Event]] = []  # (index in the story, event)

    def redo(self) -> None:
        if self.event_ids:
            self.removed = [(index, e.model_copy(deep=True))
                            for index, e in self.document._remove_events(self.event_ids)]
        self.document._set_tracks([t.model_copy() for t in self.tracks_before
                                   if t.id != self.track_id])

    def undo(self) -> None:
        self.document._set_tracks([t.model_copy() for t in self.tracks_before])
        if self.removed:
            self.document._insert_events([e.model_copy(deep=True) for _, e in self.removed],
                                         [index for index, _ in self.removed])


class SetTakeFields(QUndoCommand):
    """Rename or star a take."""

    def __init__(self, document: StoryDocument, event_id: str, take_id: str, fields: dict,
                 text: str) -> None:
        super().__init__(text)
        self.document = document
        self.event_id, self.take_id = event_id, take_id
        take = _take(document, event_id, take_id)
        Take.model_validate({**take.model_dump(), **fields})  # reject bad values up front
        self.after = dict(fields)
        self.before = {name: getattr(take, name) for name in fields}

    def redo(self) -> None:
        self.document._set_take_fields(self.event_id, self.take_id, self.after)

    def undo(self) -> None:
        self.document._set_take_fields(self.event_id, self.take_id, self.before)


class DeleteTake(QUndoCommand):
    """Drop a take from its clip's list. Deleting the take in use switches to the newest
    other take (or none: the clip is planned again). The file stays until the project is
    cleaned, so undo brings the take back as it was."""

    def __init__(self, document: StoryDocument, event_id: str, take_id: str) -> None:
        event = document.story.event(event_id)
        number = next(i for i, t in enumerate(event.takes, 1) if t.id == take_id)
        super().__init__(f"Delete take {number}")
        self.document = document
        self.event_id = event_id
        self.before = (list(event.takes), event.active_take_id, event.seed, event.offset)
        kept = [t for t in event.takes if t.id != take_id]
        active = event.active_take_id
        if active == take_id:
            active = kept[-1].id if kept else None
        seed = next((t.seed for t in kept if t.id == active), event.seed)
        self.after = (kept, active, seed, event.offset)  # as PickTake: the trim stays

    def redo(self) -> None:
        takes, active, seed, offset = self.after
        self.document._set_takes(self.event_id, list(takes), active, seed, offset)

    def undo(self) -> None:
        takes, active, seed, offset = self.before
        self.document._set_takes(self.event_id, list(takes), active, seed, offset)


def _take(document: StoryDocument, event_id: str, take_id: str) -> Take:
    return next(t for t in document.story.event(event_id).takes if t.id == take_id)
