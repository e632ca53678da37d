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


CONTEXT_DURING = 6  # overlapping events: the ones starting nearest to this one


class ContextIndex:
    """The story's events as arrays, to find any event's neighbours quickly.

    Build one per batch of renders (a full "render all" asks for every event's context):
    each lookup is then a few vectorised comparisons instead of a sort of the story.
    """

    def __init__(self, story: Story) -> None:
        ordered = sorted(story.events, key=lambda e: (e.start, e.id))
        kinds = {track.id: track.kind.value for track in story.tracks}
        self.ids = [e.id for e in ordered]
        self.starts = np.array([e.start for e in ordered], dtype=np.int64)
        self.ends = np.array([e.end for e in ordered], dtype=np.int64)
        rate = story.sample_rate
        self.neighbours = [
            (e.caption, kinds[e.track_id], e.start / rate, e.duration / rate, e.tone)
            for e in ordered]

    def around(self, event: Event) -> tuple[NeighbourEvent, ...]:
        """The events overlapping `event`, a few before it and a few after it."""
        others = np.array([i != event.id for i in self.ids], dtype=bool)
        before = np.flatnonzero(others & (self.ends <= event.start))[-CONTEXT_BEFORE:]
        after = np.flatnonzero(others & (self.starts >= event.end))[:CONTEXT_AFTER]
        during = np.flatnonzero(others & (self.ends > event.start) & (self.starts < event.end))
        if during.size > CONTEXT_DURING:
            nearest = np.argsort(np.abs(self.starts[during] - event.start), kind="stable")
            during = np.sort(during[nearest[:CONTEXT_DURING]])
        chosen = ([(i, "before") for i in before] + [(i, "during") for i in during]
                  + [(i, "after") for i in after])
        return tuple(NeighbourEvent(*self.neighbours[i], relation=relation)
                     for i, relation in chosen)


def story_context(story: Story, event: Event,
                  index: ContextIndex | None = None) -> tuple[NeighbourEvent, ...]:
    """The events around `event`: those overlapping it, a few before and a few after."""
    return (index or ContextIndex(story)).around(event)


def render_request(story: Story, event: Event, seed: int | None = None,
                   index: ContextIndex | None = None) -> RenderRequest:
    return RenderRequest(
        caption=event.caption, duration_s=story.to_seconds(event.duration),
        seed=event.seed if seed is None else seed, track_kind=story.track(event.track_id).kind.value,
        tone=event.tone, cues=event.cues, settings=event.generator_settings,
        context=story_context(story, event, index), story_prompt=story.prompt, story_seed=story.seed,
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
    context = ContextIndex(project.story)
    for index, event in enumerate(events):
        if cancel is not None:
            cancel.raise_if_cancelled()
        step = sub_progress(progress, index / len(events), (index + 1) / len(events))
        step(0.0, f"[{index + 1}/{len(events)}] {event.caption}")
        try:
            request = render_request(project.story, event, index=context)
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
