"""The undoable edit that puts a composite take (a regenerated region, an extension, a
variation) on its clip: the new take becomes the active one, the clip moves and grows to
play it where the edit said, and undo brings back the take and the place it had."""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from app.document.story_document import StoryDocument
from engine.render.regions import CompositeTake, EditKind

TEXTS = {EditKind.REPLACE: "Regenerate region", EditKind.EXTEND_LEFT: "Extend clip",
         EditKind.EXTEND_RIGHT: "Extend clip", EditKind.VARIATION: "Make variation"}


class AddCompositeTake(QUndoCommand):
    def __init__(self, document: StoryDocument, composite: CompositeTake,
                 kind: EditKind) -> None:
        super().__init__(TEXTS[kind])
        self.document = document
        self.event_id = composite.event_id
        event = document.story.event(self.event_id)
        self.take = composite.take.model_copy(update={"id": event.next_take_id()})
        self.before = (list(event.takes), event.active_take_id, event.seed, event.offset)
        self.place_before = {"start": event.start, "duration": event.duration}
        self.place_after = {"start": composite.start, "duration": composite.duration}
        self.offset = composite.offset

    def redo(self) -> None:
        takes = [*self.before[0], self.take]
        if self.place_after != self.place_before:
            self.document._apply_event_fields(self.event_id, self.place_after)
        self.document._set_takes(self.event_id, takes, self.take.id, self.take.seed, self.offset)

    def undo(self) -> None:
        if self.place_after != self.place_before:
            self.document._apply_event_fields(self.event_id, self.place_before)
        self.document._set_takes(self.event_id, *self.before)
