"""Render events into takes, each with its story context. One failed event keeps its previous
take and does not stop the others."""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from engine.errors import Cancelled, StudioError, Unavailable
from engine.generation import get_generator
from engine.generation.base import Generator
from engine.model.story import Event, Take
from engine.progress import CancelToken, Progress, no_progress, sub_progress
from engine.project.folder import Project, attach_take
from engine.render.context import ContextIndex, render_request
from engine.render.pool import RenderPool, runs_in_workers, worker_count
from engine.render.take import render_take

log = logging.getLogger(__name__)


@dataclass
class RenderReport:
    rendered: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # event id -> reason
    unavailable: dict[str, str] = field(default_factory=dict)  # left out: this machine lacks
    # what they need (a speech engine); the rest of the story renders without them


def render_events(project: Project, events: Sequence[Event], progress: Progress = no_progress,
                  cancel: CancelToken | None = None,
                  generator_for: Callable[[str], Generator] = get_generator,
                  workers: int | None = None) -> RenderReport:
    """Render each event as a new active take. Cancelling keeps what finished.

    Events whose generator runs in worker processes render on every core (`workers`, by
    default one per core; 1 renders serially); the takes are the same either way.
    """
    report = RenderReport()
    context = ContextIndex(project.story)
    jobs = [(event, render_request(project.story, event, index=context)) for event in events]
    pooled = [(e, r) for e, r in jobs if generator_for is get_generator
              and _pool_safe(e.generator)]
    count = worker_count(len(pooled)) if workers is None else max(1, min(workers, len(pooled)))
    if count < 2:
        pooled = []
    serial = [job for job in jobs if job not in pooled]
    done = 0

    def finished(event: Event, outcome: Take | BaseException) -> None:
        nonlocal done
        done += 1
        progress(done / max(len(jobs), 1), f"[{done}/{len(jobs)}] {event.caption}")
        if isinstance(outcome, BaseException):
            _record_failure(report, event, outcome)
            return
        attach_take(event, outcome, project.story)
        report.rendered.append(event.id)

    if pooled:
        with RenderPool(count) as pool:
            futures = {pool.submit(project.folder, request, event.generator): event
                       for event, request in pooled}
            for event, pooled_outcome in pool.results(futures, cancel):
                finished(event, pooled_outcome)
    for event, request in serial:
        if cancel is not None:
            cancel.raise_if_cancelled()
        step = sub_progress(progress, done / len(jobs), (done + 1) / len(jobs))
        step(0.0, f"[{done + 1}/{len(jobs)}] {event.caption}")
        outcome: Take | BaseException
        try:
            outcome = render_take(project, request, generator_for(event.generator), step,
                                  cancel)
        except Cancelled:
            raise
        except Exception as exc:  # recorded per event: one failure never loses the others
            outcome = exc
        finished(event, outcome)
    progress(1.0, f"rendered {len(report.rendered)} of {len(events)} events")
    return report


def _pool_safe(generator_name: str) -> bool:
    try:
        return runs_in_workers(get_generator(generator_name))
    except (StudioError, ImportError):
        return False  # unknown, or without its libraries: the serial path reports it


def _record_failure(report: RenderReport, event: Event, error: BaseException) -> None:
    if isinstance(error, Unavailable):
        report.unavailable[event.id] = str(error)
    elif isinstance(error, StudioError):
        report.failed[event.id] = str(error)
    elif isinstance(error, ImportError):  # a model backend without its libraries (the
        report.failed[event.id] = (       # desktop build without the AI pack)
            f"the {event.generator} generator needs {error.name or 'a library'}, which is "
            "not installed; install the AI pack (Preferences, or `main.py models "
            "install-runtime`)")
    else:  # a backend bug must not lose the other events' work
        log.error("rendering event %s failed", event.id, exc_info=error)
        report.failed[event.id] = f"{type(error).__name__}: {error}"
