"""Audio files dropped on the timeline become clips: read and copied into the project's
takes folder in the file lane (never on the GUI thread), then added as one undo step.

All or nothing: if one of several files cannot be read, the takes already copied for the
others are removed again and nothing is added, with one line saying which file failed.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.controllers.workers import Job, JobLane
from app.document.edits import AddEvents
from app.document.story_document import StoryDocument
from engine.model.story import Event


class ImportController(QObject):
    imported = Signal(list)  # ids of the clips added
    error = Signal(str)
    message = Signal(str)

    def __init__(self, lane: JobLane, parent=None) -> None:
        super().__init__(parent)
        self.lane = lane

    def import_files(self, document: StoryDocument, paths: list[Path], track_id: str,
                     start: int, generator: str) -> Job:
        story = document.story
        project = document.project
        rate = story.sample_rate
        ids, taken = [], set()
        for _ in paths:
            ids.append(story.next_event_id(taken))
            taken.add(ids[-1])

        def run(progress, cancel) -> list[Event]:
            events, written = [], []
            position = start
            try:
                for index, (path, event_id) in enumerate(zip(paths, ids)):
                    cancel.raise_if_cancelled()
                    progress(index / len(paths), f"importing {path.name}")
                    event = Event(id=event_id, track_id=track_id, start=position, duration=1,
                                  caption=_caption(path), seed=0, generator=generator)
                    take = project.import_take(path, event)
                    written.append(project.take_path(take))
                    event.duration = max(int(round(take.duration_s * rate)), 1)
                    events.append(event)
                    position += event.duration
            except BaseException:
                for file in written:  # nothing half-imported is left in the project
                    file.unlink(missing_ok=True)
                raise
            return events

        def done(events: list[Event]) -> None:
            if document.project is not project or document.story is not story \
                    or not any(t.id == track_id for t in document.story.tracks):
                for event in events:  # the story changed under the import: undo it
                    project.take_path(event.active_take()).unlink(missing_ok=True)
                self.message.emit("Import discarded: the story changed meanwhile")
                return
            taken_now = {e.id for e in document.story.events}
            if taken_now & {e.id for e in events}:  # ids taken meanwhile: renumber
                reserved: set[str] = set()
                for event in events:
                    event.id = document.story.next_event_id(reserved)
                    reserved.add(event.id)
            document.undo_stack.push(AddEvents(document, events, "Import clip"
                                               if len(events) == 1 else "Import clips"))
            self.imported.emit([e.id for e in events])

        label = f"Importing {len(paths)} file{'s' if len(paths) > 1 else ''}"
        return self.lane.submit(Job(run, label, on_done=done,
                                    on_error=lambda reason: self.error.emit(
                                        f"Import failed: {reason}")))


def _caption(path: Path) -> str:
    caption = " ".join(path.stem.replace("_", " ").replace("-", " ").split())
    return caption or "imported sound"

