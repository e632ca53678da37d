"""Render events into takes: build each request with its story context, run the generator,
store the take. One failed event keeps its previous take and does not stop the others."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .errors import Cancelled, StudioError
from .generation import get_generator
from .generation.base import GeneratedAudio, Generator, NeighbourEvent, RenderRequest
from .progress import CancelToken, Progress, no_progress, sub_progress
from .project import Project
from .story import Event, Story

log = logging.getLogger(__name__)
CONTEXT_BEFORE = 4  # earlier events a render sees: the story so far matters most
CONTEXT_AFTER = 2


def story_context(story: Story, event: Event) -> tuple[NeighbourEvent, ...]:
    """The events around `event`: those overlapping it, a few before and a few after."""
    kinds = {track.id: track.kind.value for track in story.tracks}
    before, during, after = [], [], []
    for other in sorted(story.events, key=lambda e: (e.start, e.id)):
        if other.id == event.id:
            continue
        if other.end <= event.start:
            before.append((other, "before"))
        elif other.start >= event.end:
            after.append((other, "after"))
        else:
            during.append((other, "during"))
    chosen = before[-CONTEXT_BEFORE:] + during + after[:CONTEXT_AFTER]
    return tuple(
        NeighbourEvent(caption=other.caption, track_kind=kinds[other.track_id],
                       start_s=story.to_seconds(other.start),
                       duration_s=story.to_seconds(other.duration), tone=other.tone,
                       relation=relation)
        for other, relation in chosen)


def render_request(story: Story, event: Event, seed: int | None = None) -> RenderRequest:
    return RenderRequest(
        caption=event.caption, duration_s=story.to_seconds(event.duration),
        seed=event.seed if seed is None else seed, track_kind=story.track(event.track_id).kind.value,
        tone=event.tone, cues=event.cues, settings=event.generator_settings,
        context=story_context(story, event), story_prompt=story.prompt, story_seed=story.seed,
        start_s=story.to_seconds(event.start), event_id=event.id)


@dataclass
class RenderReport:
    rendered: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # event id -> reason


def render_events(project: Project, events: Sequence[Event], progress: Progress = no_progress,
                  cancel: CancelToken | None = None,
                  generator_for: Callable[[str], Generator] = get_generator) -> RenderReport:
    """Render each event as a new active take. Cancelling keeps what finished."""
    report = RenderReport()
    for index, event in enumerate(events):
        if cancel is not None:
            cancel.raise_if_cancelled()
        step = sub_progress(progress, index / len(events), (index + 1) / len(events))
        step(0.0, f"[{index + 1}/{len(events)}] {event.caption}")
        try:
            request = render_request(project.story, event)
            generator = generator_for(event.generator)
            generated = generator.render(request, step, cancel)
            check_generated(generated, request)
            project.add_take(event, request, generated, generator.name, generator.version)
            report.rendered.append(event.id)
        except Cancelled:
            raise
        except StudioError as exc:
            report.failed[event.id] = str(exc)
        except Exception as exc:  # a backend bug must not lose the other events' work
            log.exception("rendering event %s failed", event.id)
            report.failed[event.id] = f"{type(exc).__name__}: {exc}"
    progress(1.0, f"rendered {len(report.rendered)} of {len(events)} events")
    return report


def check_generated(generated: GeneratedAudio, request: RenderRequest) -> None:
    if not np.all(np.isfinite(generated.audio)):
        raise StudioError("the generator produced invalid audio (NaN or infinite samples)")
    got_s = generated.audio.shape[1] / generated.sample_rate
    if got_s + 0.01 < request.duration_s:
        raise StudioError(f"the generator returned {got_s:.2f} s for a {request.duration_s:.2f} s "
                          "event")
