"""Planning and rendering for the editor, in the render lane.

A render job takes a frozen request built on the GUI thread (the event and its story context
at that moment), renders and stores the take off the GUI thread, and comes back with it.
The result is applied as an undoable command only if the event has not been edited since
the job started; otherwise it is discarded and its file removed.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from engine.generation import get_generator
from engine.errors import StudioError
from engine.planning import Plan, PlanRequest, get_planner, planner_options, story_from_plan
from engine.progress import CancelToken
from engine.render import ContextIndex, check_generated, render_request
from engine.story import Take

from .commands import AddTake, ReplaceTimeline
from .document import StoryDocument
from .workers import Job, JobLane


@dataclass(frozen=True)
class RenderTag:
    document: StoryDocument
    event_id: str
    version: int  # the event's edit version when the job was made


@dataclass(frozen=True)
class PlanTag:
    prompt: str
    duration_s: float


class EngineController(QObject):
    message = Signal(str)        # status-bar text
    error = Signal(str)          # something the user must read
    busyChanged = Signal(bool)
    progress = Signal(float, str)
    takeApplied = Signal(str)    # event id

    def __init__(self, document: StoryDocument, lane: JobLane, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.lane = lane
        self.planner_name = "offline"
        self.planner_options: dict = {}
        self.generator_name = "procedural"
        lane.started.connect(self._on_started)
        lane.progressed.connect(self._on_progress)
        lane.finished.connect(self._on_finished)
        lane.failed.connect(self._on_failed)
        lane.cancelled.connect(self._on_cancelled)
        lane.idle.connect(self._on_idle)

    def set_document(self, document: StoryDocument) -> None:
        self.lane.cancel_all()
        self.document = document

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

        def run(progress, cancel: CancelToken) -> Plan:
            return planner.plan(request, progress, cancel)

        self.busyChanged.emit(True)
        return self.lane.submit(Job(run, f"Planning “{prompt[:40]}”", PlanTag(prompt, duration_s)))

    def apply_plan(self, plan: Plan, prompt: str) -> None:
        story = self.document.story
        planned = story_from_plan(plan, prompt, seed=story.seed, sample_rate=story.sample_rate,
                                  generator=self.generator_name)
        stack = self.document.undo_stack
        stack.beginMacro("Apply plan")
        stack.push(ReplaceTimeline(self.document, planned.tracks, planned.events, "Apply plan",
                                   prompt=prompt, title=planned.title,
                                   duration=planned.duration))
        stack.endMacro()
        for warning in plan.warnings:
            self.message.emit(f"Planner: {warning}")

    # -- rendering -----------------------------------------------------------------------
    def render(self, event_ids: list[str], new_seed: bool = False) -> list[Job]:
        """Queue one job per event. `new_seed` regenerates: a fresh take with a new seed."""
        jobs = []
        context = ContextIndex(self.document.story)  # one index for the whole batch
        for event_id in event_ids:
            event = self.document.story.event(event_id)
            seed = random.randrange(2 ** 31) if new_seed else event.seed
            request = render_request(self.document.story, event, seed, context)
            generator_name = event.generator
            project = self.document.project

            def run(progress, cancel, request=request, generator_name=generator_name) -> Take:
                generator = get_generator(generator_name)
                generated = generator.render(request, progress, cancel)
                check_generated(generated, request)
                cancel.raise_if_cancelled()
                return project.store_take(request, generated, generator.name, generator.version)

            tag = RenderTag(self.document, event_id, self.document.version(event_id))
            jobs.append(self.lane.submit(Job(run, event.caption, tag)))
            self.document.set_rendering(event_id, 0.0)
        if jobs:
            self.busyChanged.emit(True)
        return jobs

    def render_stale(self) -> list[Job]:
        return self.render(self.document.stale_event_ids())

    def cancel(self) -> None:
        self.lane.cancel_all()

    # -- results, on the GUI thread ----------------------------------------------------
    @staticmethod
    def _mine(job: Job) -> bool:
        """The lane also runs other work (exports); only planning and renders are ours."""
        return isinstance(job.tag, (RenderTag, PlanTag))

    def _on_started(self, job: Job) -> None:
        if self._mine(job):
            self.progress.emit(0.0, job.label)

    def _on_progress(self, job: Job, fraction: float, message: str) -> None:
        if not self._mine(job):
            return
        if isinstance(job.tag, RenderTag) and self._is_current(job.tag):
            self.document.set_rendering(job.tag.event_id, fraction)
        self.progress.emit(fraction, f"{job.label}: {message}" if message else job.label)

    def _on_finished(self, job: Job, result) -> None:
        if not self._mine(job):
            return
        if isinstance(job.tag, PlanTag):
            self.apply_plan(result, job.tag.prompt)
            self.message.emit(f"Planned {len(result.events)} events")
            return
        tag: RenderTag = job.tag
        if not self._is_current(tag):  # edited (or deleted) while rendering: not applied
            tag.document.project.take_path(result).unlink(missing_ok=True)
            if tag.document is self.document and self._exists(tag.event_id):
                self.document.clear_status(tag.event_id)
            self.message.emit(f"Discarded a render of “{job.label}”: the clip changed meanwhile")
            return
        self.document.clear_status(tag.event_id)
        self.document.undo_stack.push(AddTake(self.document, tag.event_id, result))
        self.takeApplied.emit(tag.event_id)

    def _on_failed(self, job: Job, reason: str) -> None:
        if not self._mine(job):
            return
        if isinstance(job.tag, RenderTag):
            if job.tag.document is self.document and self._exists(job.tag.event_id):
                self.document.set_failed(job.tag.event_id, reason)
            self.error.emit(f"Rendering “{job.label}” failed: {reason}")
        else:
            self.error.emit(f"Planning failed: {reason}")

    def _on_cancelled(self, job: Job) -> None:
        if not self._mine(job):
            return
        if (isinstance(job.tag, RenderTag) and job.tag.document is self.document
                and self._exists(job.tag.event_id)):
            self.document.clear_status(job.tag.event_id)
        self.message.emit(f"Cancelled “{job.label}”")

    def _on_idle(self) -> None:
        self.busyChanged.emit(False)
        self.progress.emit(1.0, "")

    def _exists(self, event_id: str) -> bool:
        try:
            self.document.story.event(event_id)  # indexed: cheap for every progress signal
        except KeyError:
            return False
        return True

    def _is_current(self, tag: RenderTag) -> bool:
        return (tag.document is self.document and self._exists(tag.event_id)
                and self.document.version(tag.event_id) == tag.version)
