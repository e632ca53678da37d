"""Regions, extensions and variations for the editor, in the render lane.

As with a whole-clip render: the edit is built on the GUI thread from the clip as it is
(frozen, with its story context), the composite take is rendered and stored off the GUI
thread, and the result is applied as one undoable command only if the clip has not been
edited since; otherwise it is discarded and its file removed.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.controllers.workers import Job, JobLane
from app.document.region_edits import AddCompositeTake
from app.document.story_document import StoryDocument
from engine.errors import StudioError
from engine.generation import get_generator
from engine.model.story import Event
from engine.render.regions import (
    CompositeEdit,
    CompositeTake,
    RegionSpan,
    extension_edit,
    region_edit,
    render_composite,
    variation_edit,
)


@dataclass(frozen=True)
class _Ticket:
    document: StoryDocument
    event_id: str
    version: int
    folder: Path
    kind: object


class RegionController(QObject):
    message = Signal(str)
    error = Signal(str)
    busyChanged = Signal(bool)
    progress = Signal(float, str)
    applied = Signal(str)  # event id

    def __init__(self, document: StoryDocument, lane: JobLane, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.lane = lane
        self.crossfade_s: float | None = None  # None: the engine's default

    def set_document(self, document: StoryDocument) -> None:
        self.document = document

    # -- asking ------------------------------------------------------------------------
    def regenerate_region(self, event_id: str, start_s: float, end_s: float) -> Job | None:
        """Render seconds [start_s, end_s) of the clip (from its start) again."""
        event = self.document.story.event(event_id)
        options = {} if self.crossfade_s is None else {"crossfade_s": self.crossfade_s}
        return self._submit(event, lambda: region_edit(
            self.document.story, event, [RegionSpan(start_s, end_s, _seed())], **options),
            f"Regenerating {start_s:.2f}–{end_s:.2f} s of “{event.caption}”")

    def extend(self, event_id: str, side: str, seconds: float,
               from_fields: dict | None = None) -> Job | None:
        """Add `seconds` of new audio to the clip's take on `side`. `from_fields` (start,
        duration, offset) is where the clip is taken to stand first: an edge dragged past
        its take reveals the take's spare audio before any new audio is made."""
        event = self.document.story.event(event_id)
        base = event if not from_fields else event.model_copy(update=from_fields)
        return self._submit(event, lambda: extension_edit(
            self.document.story, base, side, seconds, _seed()),
            f"Extending “{event.caption}” by {seconds:.2f} s")

    def vary(self, event_id: str, amount: float) -> Job | None:
        event = self.document.story.event(event_id)
        return self._submit(event, lambda: variation_edit(
            self.document.story, event, amount, _seed()),
            f"Making a variation of “{event.caption}”")

    def _submit(self, event: Event, make_edit, label: str) -> Job | None:
        try:
            edit: CompositeEdit = make_edit()
        except StudioError as exc:
            self.error.emit(str(exc))
            return None
        project = self.document.project
        ticket = _Ticket(self.document, event.id, self.document.version(event.id),
                         project.folder, edit.kind)

        def run(progress, cancel) -> CompositeTake:
            return render_composite(project, edit, get_generator(edit.generator), progress,
                                    cancel)

        job = self.lane.submit(Job(
            run, label, on_done=partial(self._done, ticket, label),
            on_error=partial(self._failed, ticket, label),
            on_progress=partial(self._progress, ticket, label),
            on_cancelled=partial(self._cancelled, ticket, label),
            on_started=lambda: self.progress.emit(0.0, label)))
        self.document.set_rendering(event.id, 0.0)
        self.busyChanged.emit(True)
        return job

    # -- results, on the GUI thread ------------------------------------------------------
    def _current(self, ticket: _Ticket) -> bool:
        if ticket.document is not self.document:
            return False
        try:
            self.document.story.event(ticket.event_id)
        except KeyError:
            return False
        return self.document.version(ticket.event_id) == ticket.version

    def _progress(self, ticket: _Ticket, label: str, fraction: float, message: str) -> None:
        if self._current(ticket):
            self.document.set_rendering(ticket.event_id, fraction)
        self.progress.emit(fraction, f"{label}: {message}" if message else label)

    def _done(self, ticket: _Ticket, label: str, composite: CompositeTake) -> None:
        written = _moved_with_project(composite, ticket.folder, ticket.document.project.folder)
        if not self._current(ticket):
            written.unlink(missing_ok=True)
            self._clear(ticket)
            self.message.emit(f"Discarded “{label}”: the clip changed meanwhile")
            return
        self.document.clear_status(ticket.event_id)
        self.document.undo_stack.push(AddCompositeTake(self.document, composite, ticket.kind))
        self.applied.emit(ticket.event_id)
        self.message.emit(f"{label}: done")

    def _failed(self, ticket: _Ticket, label: str, reason: str) -> None:
        if ticket.document is self.document and self._exists(ticket.event_id):
            self.document.set_failed(ticket.event_id, reason)
        self.error.emit(f"{label} failed: {reason}")

    def _cancelled(self, ticket: _Ticket, label: str) -> None:
        self._clear(ticket)
        self.message.emit(f"Cancelled “{label}”")

    def _clear(self, ticket: _Ticket) -> None:
        if ticket.document is self.document and self._exists(ticket.event_id):
            self.document.clear_status(ticket.event_id)

    def _exists(self, event_id: str) -> bool:
        try:
            self.document.story.event(event_id)
        except KeyError:
            return False
        return True


def _seed() -> int:
    return random.randrange(2 ** 31)


def _moved_with_project(composite: CompositeTake, folder_then: Path, folder_now: Path) -> Path:
    """Where the take file is now: Save As may have moved the project meanwhile."""
    import shutil

    now, then = folder_now / composite.take.path, folder_then / composite.take.path
    if folder_then != folder_now and not now.exists() and then.exists():
        now.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(then), str(now))
    return now
