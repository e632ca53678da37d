"""The story around an event, as its render sees it: the events before, during and after.

This is how coherence reaches every generator: each request carries its neighbours, and each
backend turns them into its own kind of context (AudioStory: the LLM's story so far;
diffusers backends: residual tokens; procedural: shared scene state).
"""
from __future__ import annotations

import numpy as np

from engine.generation.base import NeighbourEvent, RenderRequest
from engine.model.story import Event, Story, TrackKind
from engine.project.folder import render_length

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
        kinds = {track.id: track.kind for track in story.tracks}
        self.ids = [e.id for e in ordered]
        self.starts = np.array([e.start for e in ordered], dtype=np.int64)
        self.ends = np.array([e.end for e in ordered], dtype=np.int64)
        rate = story.sample_rate
        self.neighbours: list[tuple[str, TrackKind, float, float, str]] = [
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
        return tuple(NeighbourEvent(*self.neighbours[int(i)], relation=relation)
                     for i, relation in chosen)


def story_context(story: Story, event: Event,
                  index: ContextIndex | None = None) -> tuple[NeighbourEvent, ...]:
    """The events around `event`: those overlapping it, a few before and a few after."""
    return (index or ContextIndex(story)).around(event)


def render_request(story: Story, event: Event, seed: int | None = None,
                   index: ContextIndex | None = None) -> RenderRequest:
    """What the generator is asked for an event: its own inputs and the story around it.

    An event that runs past the story's end is rendered only up to the end (the part that
    is heard)."""
    return RenderRequest(
        caption=event.caption,
        duration_s=story.to_seconds(render_length(event, story.duration) or event.duration),
        seed=event.seed if seed is None else seed,
        track_kind=story.track(event.track_id).kind, tone=event.tone, cues=event.cues,
        settings=event.generator_settings, context=story_context(story, event, index),
        story_prompt=story.prompt, story_seed=story.seed,
        start_s=story.to_seconds(event.start), event_id=event.id, pan=event.pan,
        text=event.text or "",
        speaker=event.speaker or "", delivery=event.delivery or "")
