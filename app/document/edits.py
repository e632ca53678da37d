"""Undoable edits. Each command changes the model through the document, which emits the
signals the views redraw from; a command never touches a widget."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from app.document.story_document import StoryDocument
from engine.model.story import Event, Story, Take
from engine.project.folder import natural_duration


class SetEventFields(QUndoCommand):
    """Change fields of one or more events at once (move, trim, caption, gain, ...)."""

    def __init__(self, document: StoryDocument, changes: dict[str, dict], text: str) -> None:
        super().__init__(text)
        self.document = document
        self.after = {event_id: dict(fields) for event_id, fields in changes.items()}
        for event_id, fields in self.after.items():  # reject bad values before the stack
            event = document.story.event(event_id)
            Event.model_validate({**event.model_dump(), **fields})
        self.before = {
            event_id: {name: _copy(getattr(document.story.event(event_id), name))
                       for name in fields}
            for event_id, fields in changes.items()}

    def redo(self) -> None:
        for event_id, fields in self.after.items():
            self.document._apply_event_fields(event_id, fields)

    def undo(self) -> None:
        for event_id, fields in self.before.items():
            self.document._apply_event_fields(event_id, fields)


class SetTrackFields(QUndoCommand):
    def __init__(self, document: StoryDocument, track_id: str, fields: dict, text: str) -> None:
        super().__init__(text)
        self.document = document
        self.track_id = track_id
        self.after = dict(fields)
        track = document.story.track(track_id)
        self.before = {name: getattr(track, name) for name in fields}

    def redo(self) -> None:
        self.document._apply_track_fields(self.track_id, self.after)

    def undo(self) -> None:
        self.document._apply_track_fields(self.track_id, self.before)


class AddEvents(QUndoCommand):
    def __init__(self, document: StoryDocument, events: list[Event], text: str) -> None:
        super().__init__(text)
        self.document = document
        self.events = [e.model_copy(deep=True) for e in events]

    def redo(self) -> None:
        self.document._insert_events([e.model_copy(deep=True) for e in self.events])

    def undo(self) -> None:
        self.document._remove_events([e.id for e in self.events])


class RemoveEvents(QUndoCommand):
    """Delete events; undo puts each back at the place it had in the story."""

    def __init__(self, document: StoryDocument, event_ids: list[str], text: str) -> None:
        super().__init__(text)
        self.document = document
        self.event_ids = list(event_ids)
        self.removed: list[tuple[int, Event]] = []  # (index in story.events, the event)

    def redo(self) -> None:
        self.removed = [(index, e.model_copy(deep=True))
                        for index, e in self.document._remove_events(self.event_ids)]

    def undo(self) -> None:
        self.document._insert_events([e.model_copy(deep=True) for _, e in self.removed],
                                     [index for index, _ in self.removed])


class ReplaceTimeline(QUndoCommand):
    """Swap all scenes, tracks and events (and story fields such as the prompt): applying a
    plan, recovering an autosave."""

    def __init__(self, document: StoryDocument, story: Story, text: str,
                 fields: tuple[str, ...] = ()) -> None:
        super().__init__(text)
        self.document = document
        self.after = _timeline_of(story, fields)
        self.before = _timeline_of(document.story, fields)

    def redo(self) -> None:
        self.document._replace_timeline(*self.after)

    def undo(self) -> None:
        self.document._replace_timeline(*self.before)


def _timeline_of(story: Story, fields: tuple[str, ...]) -> tuple:
    return ([s.model_copy() for s in story.scenes], [t.model_copy() for t in story.tracks],
            [e.model_copy(deep=True) for e in story.events],
            {name: getattr(story, name) for name in fields})


class _TakeCommand(QUndoCommand):
    """Base for edits of an event's take list: remembers everything it changes."""

    def __init__(self, document: StoryDocument, event_id: str, text: str) -> None:
        super().__init__(text)
        self.document = document
        self.event_id = event_id
        event = document.story.event(event_id)
        self.before = (list(event.takes), event.active_take_id, event.seed, event.offset)

    def undo(self) -> None:
        self.document._set_takes(self.event_id, *self.before)


class AddTake(_TakeCommand):
    """A finished render becomes the event's new active take; earlier takes stay. A take of
    natural length (a spoken line) also fits the clip to it, as the CLI does."""

    def __init__(self, document: StoryDocument, event_id: str, take: Take) -> None:
        super().__init__(document, event_id, "Render take")
        event = document.story.event(event_id)
        self.take = take.model_copy(update={"id": event.next_take_id()})
        self.durations = (event.duration, natural_duration(
            document.story, event.model_copy(update={"offset": 0}), take)
            if take.natural_length else event.duration)

    def redo(self) -> None:
        takes = list(self.before[0]) + [self.take]
        self.document._set_takes(self.event_id, takes, self.take.id, self.take.seed, 0)
        if self.durations[1] != self.durations[0]:
            self.document._apply_event_fields(self.event_id, {"duration": self.durations[1]})

    def undo(self) -> None:
        if self.durations[1] != self.durations[0]:
            self.document._apply_event_fields(self.event_id, {"duration": self.durations[0]})
        super().undo()


class PickTake(_TakeCommand):
    def __init__(self, document: StoryDocument, event_id: str, take_id: str) -> None:
        super().__init__(document, event_id, f"Use take {take_id}")
        self.take_id = take_id
        self.seed = next(t.seed for t in self.before[0] if t.id == take_id)

    def redo(self) -> None:
        takes, _, _, offset = self.before
        self.document._set_takes(self.event_id, list(takes), self.take_id, self.seed, offset)


def _copy(value):
    return dict(value) if isinstance(value, dict) else value
