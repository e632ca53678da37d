"""Render events into takes, each with its story context. One failed event keeps its previous
take and does not stop the others."""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from engine.errors import Cancelled, StudioError, Unavailable
from engine.generation import get_generator
from engine.generation.base import Generator
from engine.model.story import Event
from engine.progress import CancelToken, Progress, no_progress, sub_progress
from engine.project.folder import Project, attach_take
from engine.render.context import ContextIndex, render_request
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
                  generator_for: Callable[[str], Generator] = get_generator) -> RenderReport:
    """Render each event as a new active take. Cancelling keeps what finished."""
    report = RenderReport()
    context = ContextIndex(project.story)
    for index, event in enumerate(events):
        if cancel is not None:
            cancel.raise_if_cancelled()
        step = sub_progress(progress, index / len(events), (index + 1) / len(events))
        step(0.0, f"[{index + 1}/{len(events)}] {event.caption}")
        try:
            request = render_request(project.story, event, index=context)
            take = render_take(project, request, generator_for(event.generator), step, cancel)
            attach_take(event, take, project.story)
            report.rendered.append(event.id)
        except Cancelled:
            raise
        except Unavailable as exc:
            report.unavailable[event.id] = str(exc)
        except StudioError as exc:
            report.failed[event.id] = str(exc)
        except ImportError as exc:  # a model backend without its libraries (the desktop build)
            report.failed[event.id] = (
                f"the {event.generator} generator needs {exc.name or 'a library'}, which is not "
                "installed; install the AI pack (Preferences, or `main.py models "
                "install-runtime`)")
        except Exception as exc:  # a backend bug must not lose the other events' work
            log.exception("rendering event %s failed", event.id)
            report.failed[event.id] = f"{type(exc).__name__}: {exc}"
    progress(1.0, f"rendered {len(report.rendered)} of {len(events)} events")
    return report
