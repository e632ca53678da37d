"""The AudioStory model's own reasoning as a planner.

The LLM reads the narrative and the total duration, reasons, and writes one block per event
(caption + duration). Events follow each other on the timeline in the order written, as in
the paper's long-form stories; if the durations the model wrote do not add up to the story
length, they are scaled to fit (and the plan says so). The boundaries between the model's
events are the story's scene changes: each event is a scene, titled from its caption, with
the place, time of day and tone its words name. Each event goes to the music or speech track
when its caption says so, to the effects track otherwise. The plan then passes the same
validator as every other planner's.
"""
from __future__ import annotations

import re

from engine.errors import InvalidInput
from engine.planning.plan import Plan, PlanRequest
from engine.planning.validate import PlanError, validate_plan
from engine.progress import CancelToken, Progress

DEFAULT_EVENT_S = 5.0  # when the model writes an event without a timestamp
TITLE_WORDS = 4        # a scene's title: the first words of its event
_MUSIC = re.compile(r"\b(music|melod|song|piano|violin|guitar|orchestra|drum|choir)", re.I)
_SPEECH = re.compile(r"\b(speak|says|said|talk|voice|narrat|interview|announc|convers)", re.I)


class AudioStoryPlanner:
    name = "audiostory"

    def __init__(self, model: str = "audiostory-3b", device: str = "auto", dtype: str = "auto",
                 max_new_tokens: int = 1600) -> None:
        if max_new_tokens < 16:
            raise InvalidInput("max_new_tokens must be at least 16.")
        self.model, self.device, self.dtype = model, device, dtype
        self.max_new_tokens = max_new_tokens

    def plan(self, request: PlanRequest, progress: Progress | None = None,
             cancel: CancelToken | None = None) -> Plan:
        from engine.checkpoints import choose_placement
        from engine.generation.audiostory.loader import shared_bundle
        from engine.generation.audiostory.reasoning import write_story
        from engine.generation.diffusers.base import needs_ai_extra

        if not re.search(r"\w", request.prompt):
            raise InvalidInput("the prompt has no words to plan from; describe the scene.")
        placement = choose_placement(self.device, self.dtype, "auto", 10.0)
        if progress is not None:
            progress(0.0, f"loading {self.model}")
        with needs_ai_extra("the audiostory planner"):
            bundle = shared_bundle(self.model, placement)
        draft = write_story(bundle, request.prompt, request.duration_s, self.max_new_tokens,
                            progress, cancel)
        if not draft.events:
            raise PlanError("the AudioStory model wrote no complete event for this prompt; "
                            "rephrase it, or plan with another planner (--planner offline).")
        return plan_from_draft(draft, request.duration_s, self.name)


def plan_from_draft(draft, duration_s: float, planner: str) -> Plan:
    lengths = [e.duration_s if e.duration_s and e.duration_s > 0 else DEFAULT_EVENT_S
               for e in draft.events]
    warnings = []
    written = sum(lengths)
    if abs(written - duration_s) > 0.05 * duration_s:
        warnings.append(f"the model's events add up to {written:.1f} s; scaled them to the "
                        f"story's {duration_s:g} s")
    scale = duration_s / written
    events, scenes, start = [], [], 0.0
    for index, (event, length) in enumerate(zip(draft.events, lengths)):
        scene = scene_of(event.caption, start, start + length * scale)
        scenes.append(scene)
        events.append({"caption": event.caption, "track": _track(event.caption),
                       "start_s": start, "duration_s": length * scale, "tone": scene["tone"],
                       "scene": index})
        start += length * scale
    if not draft.complete:
        warnings.append("the model's reasoning was cut off by the token limit; later events "
                        "may be missing")
    return validate_plan({"reasoning": draft.reasoning, "scenes": scenes, "events": events,
                          "warnings": warnings}, duration_s, planner)


def scene_of(caption: str, start_s: float, end_s: float) -> dict:
    """The scene one of the model's events makes: a title from its first words, and the
    place, time of day and tone its words name (the offline planner's word lists)."""
    from engine.planning.offline.tone import tone_of
    from engine.planning.offline.vocabulary import mentions, vocabulary

    vocab = vocabulary()
    place = next((entry.place for entry in vocab.places if mentions(caption, entry.words)), "")
    time_of_day = next((name for name, words in vocab.language["time_of_day"].items()
                        if mentions(caption, words)), "")
    words = re.findall(r"[\w'’-]+", caption)[:TITLE_WORDS]
    title = " ".join(words)
    return {"title": title[:1].upper() + title[1:], "start_s": start_s, "end_s": end_s,
            "place": place, "time_of_day": time_of_day, "tone": tone_of(caption) or "neutral"}


def _track(caption: str) -> str:
    if _MUSIC.search(caption):
        return "music"
    if _SPEECH.search(caption):
        return "speech"
    return "effects"
