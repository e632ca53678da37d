"""Planning and rendering for the editor, in the render lane.

A render job takes a frozen request built on the GUI thread (the event and its story context
at that moment), renders and stores the take off the GUI thread, and comes back with it.
The result is applied as an undoable command only if the event has not been edited since
the job started; otherwise it is discarded and its file removed.
"""
from __future__ import annotations

import itertools
import random
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.controllers.batch_progress import BatchProgress
from app.controllers.workers import Job, JobLane, ProcessLane
from app.document.edits import AddTake, ReplaceTimeline
from app.document.story_document import StoryDocument
from engine.errors import StudioError
from engine.generation import get_generator
from engine.model.story import Take
from engine.planning import Plan, PlanRequest, get_planner, planner_options, story_from_plan
from engine.progress import CancelToken
from engine.render.context import ContextIndex, render_request
from engine.render.pool import runs_in_workers
from engine.render.take import render_take


@dataclass(frozen=True)
class RenderTicket:
    """What a render job needs to know, back on the GUI thread, to apply its take."""

    document: StoryDocument
    event_id: str
    version: int  # the event's edit version when the job was made
    folder: Path  # the project folder when the job was made (Save As may move it)
    key: int = 0  # this render in the batch's progress


_render_keys = itertools.count(1)


class EngineController(QObject):
    message = Signal(str)        # status-bar text
    error = Signal(str)          # something the user must read
    busyChanged = Signal(bool)
    progress = Signal(float, str)
    takeApplied = Signal(str)    # event id
    planApplied = Signal()       # a plan replaced the timeline
    batchChanged = Signal()      # renders queued, started, progressed or finished

    def __init__(self, document: StoryDocument, lane: JobLane, parent=None,
                 processes: ProcessLane | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.lane = lane
        self.processes = processes  # worker processes for the backends that run there
        self.planner_name = "offline"
        self.planner_options: dict = {}
        self.generator_name = "procedural"
        self.batch = BatchProgress()
        lane.idle.connect(self._on_idle)
        if processes is not None:
            processes.idle.connect(self._on_idle)

    def set_document(self, document: StoryDocument) -> None:
        self.cancel()
        self.document = document
        self.batch.reset()
        self.batchChanged.emit()

    # -- planning ----------------------------------------------------------------------
    def plan(self, prompt: str, duration_s: float, seed: int = 1) -> Job | None:
        accepted = planner_options(self.planner_name)
        options = {k: v for k, v in self.planner_options.items() if k in accepted and v}
        try:
            planner = get_planner(self.planner_name, **options)
        except StudioError as exc:
            self.error.emit(f"Planning failed: {exc}")
            return None
        request = PlanRequest(prompt, duration_s, seed)
        label = f"Planning “{prompt[:40]}”"

        def run(progress, cancel: CancelToken) -> Plan:
            return planner.plan(request, progress, cancel)

        self.busyChanged.emit(True)
        return self.lane.submit(Job(
            run, label, on_done=lambda plan: self._planned(plan, prompt),
            on_error=lambda reason: self.error.emit(f"Planning failed: {reason}"),
            on_progress=lambda f, m: self.progress.emit(f, f"{label}: {m}" if m else label),
            on_cancelled=lambda: self.message.emit(f"Cancelled “{label}”"),
            on_started=lambda: self.progress.emit(0.0, label)))

    def _planned(self, plan: Plan, prompt: str) -> None:
        self.apply_plan(plan, prompt)
        self.message.emit(f"Planned {len(plan.events)} events")

    def apply_plan(self, plan: Plan, prompt: str) -> None:
        story = self.document.story
        planned = story_from_plan(plan, prompt, seed=story.seed, sample_rate=story.sample_rate,
                                  generator=self.generator_name)
        stack = self.document.undo_stack
        stack.beginMacro("Apply plan")
        stack.push(ReplaceTimeline(self.document, planned, "Apply plan",
                                   fields=("prompt", "title", "duration")))
        stack.endMacro()
        self.planApplied.emit()
        for warning in plan.warnings:
            self.message.emit(f"Planner: {warning}")

    # -- rendering -----------------------------------------------------------------------
    def render(self, event_ids: list[str], new_seed: bool = False) -> list[Job]:
        """Queue one job per event. `new_seed` regenerates: a fresh take with a new seed."""
        jobs = []
        context = ContextIndex(self.document.story)  # one index for the whole batch
        project = self.document.project
        for event_id in event_ids:
            event = self.document.story.event(event_id)
            seed = random.randrange(2 ** 31) if new_seed else event.seed
            request = render_request(self.document.story, event, seed, context)
            generator_name = event.generator

            def run(progress, cancel, request=request, generator_name=generator_name) -> Take:
                return render_take(project, request, get_generator(generator_name), progress,
                                   cancel)

            ticket = RenderTicket(self.document, event_id, self.document.version(event_id),
                                  project.folder, next(_render_keys))
            label = event.caption
            self.batch.add(ticket.key, request.duration_s)
            self.document.set_queued(event_id)
            if self.processes is not None and self._runs_in_workers(generator_name):
                self.processes.submit(
                    project.folder, request, generator_name, label=label,
                    on_done=partial(self._rendered, ticket, label),
                    on_error=partial(self._render_failed, ticket, label),
                    on_cancelled=partial(self._render_cancelled, ticket, label))
                continue
            jobs.append(self.lane.submit(Job(
                run, label, on_done=partial(self._rendered, ticket, label),
                on_error=partial(self._render_failed, ticket, label),
                on_progress=partial(self._render_progress, ticket, label),
                on_cancelled=partial(self._render_cancelled, ticket, label),
                on_started=partial(self._render_started, ticket, label))))
        if event_ids:
            self.busyChanged.emit(True)
            self.batchChanged.emit()
        return jobs

    @staticmethod
    def _runs_in_workers(generator_name: str) -> bool:
        try:
            return runs_in_workers(get_generator(generator_name))
        except (StudioError, ImportError):  # the lane's render reports it
            return False

    def render_scene(self, scene_id: str) -> list[Job]:
        """New takes for every clip of a scene, each with the story around it as context."""
        return self.render([e.id for e in self.document.story.events_in(scene_id)],
                           new_seed=True)

    def render_stale(self) -> list[Job]:
        return self.render(self.document.stale_event_ids())

    def cancel(self) -> None:
        self.lane.cancel_all()
        if self.processes is not None:
            self.processes.cancel_all()

    # -- results, on the GUI thread ----------------------------------------------------
    def _render_started(self, ticket: RenderTicket, label: str) -> None:
        if self._is_current(ticket):
            self.document.set_rendering(ticket.event_id, 0.0)
        self.batch.started(ticket.key)
        self.batchChanged.emit()
        self.progress.emit(0.0, label)

    def _render_progress(self, ticket: RenderTicket, label: str, fraction: float,
                         message: str) -> None:
        if self._is_current(ticket):
            self.document.set_rendering(ticket.event_id, fraction)
        self.batch.progress(ticket.key, fraction)
        self.batchChanged.emit()
        self.progress.emit(fraction, f"{label}: {message}" if message else label)

    def _finished(self, ticket: RenderTicket) -> None:
        self.batch.finished(ticket.key)
        self.batchChanged.emit()

    def _rendered(self, ticket: RenderTicket, label: str, take: Take) -> None:
        self._finished(ticket)
        project = ticket.document.project
        written = _retarget(take, ticket.folder, project.folder)
        if not self._is_current(ticket):  # edited (or deleted) while rendering: not applied
            written.unlink(missing_ok=True)
            if ticket.document is self.document and self._exists(ticket.event_id):
                self.document.clear_status(ticket.event_id)
            self.message.emit(f"Discarded a render of “{label}”: the clip changed meanwhile")
            return
        self.document.clear_status(ticket.event_id)
        self.document.undo_stack.push(AddTake(self.document, ticket.event_id, take))
        self.takeApplied.emit(ticket.event_id)

    def _render_failed(self, ticket: RenderTicket, label: str, reason: str) -> None:
        self._finished(ticket)
        if ticket.document is self.document and self._exists(ticket.event_id):
            self.document.set_failed(ticket.event_id, reason)
        self.error.emit(f"Rendering “{label}” failed: {reason}")

    def _render_cancelled(self, ticket: RenderTicket, label: str) -> None:
        self._finished(ticket)
        if ticket.document is self.document and self._exists(ticket.event_id):
            self.document.clear_status(ticket.event_id)
        self.message.emit(f"Cancelled “{label}”")

    def _on_idle(self) -> None:
        if self.lane.busy() or (self.processes is not None and self.processes.busy()):
            return  # the other lane still works
        self.batch.reset()
        self.batchChanged.emit()
        self.busyChanged.emit(False)
        self.progress.emit(1.0, "")

    def _exists(self, event_id: str) -> bool:
        try:
            self.document.story.event(event_id)  # indexed: cheap for every progress signal
        except KeyError:
            return False
        return True

    def _is_current(self, ticket: RenderTicket) -> bool:
        return (ticket.document is self.document and self._exists(ticket.event_id)
                and self.document.version(ticket.event_id) == ticket.version)


def _retarget(take: Take, folder_then: Path, folder_now: Path) -> Path:
    """Where the take's file is now. A take written into the folder the project had when the
    job started, which Save As has since moved, is moved into the project's folder."""
    now = folder_now / take.path
    then = folder_then / take.path
    if folder_then != folder_now and not now.exists() and then.exists():
        now.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(then), str(now))
    return now
