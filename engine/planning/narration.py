"""Narration: whose words a story speaks. Every planner writes the quoted dialogue as speech
events ("dialogue", the default); a story can instead have a narrator read the whole text,
quotes included ("full"), or speak no words at all ("none", sounds only).

A narrator reads the prompt sentence by sentence, each sentence placed at the share of the
story it tells (the n-th of N sentences starts n/N of the way in), so the words run with
the sounds they describe; a text longer than the story is read back to back, with a
warning, and its last lines cut at the end.
"""
from __future__ import annotations

import re

from engine.model.story import TrackKind
from engine.planning.plan import Plan, PlannedEvent

NARRATION_MODES = ("dialogue", "full", "none")
NARRATOR = "narrator"
WORDS_PER_SECOND = 2.6
LINE_PADDING_S = 0.4
GAP_S = 0.3  # between lines read back to back
_SENTENCE = re.compile(r"[^.!?…]+[.!?…]+[\"”’']?|[^.!?…]+$")


def narrate(plan: Plan, prompt: str, mode: str = "dialogue") -> Plan:
    """The plan with the narration `mode` asks for (see the module text)."""
    if mode not in NARRATION_MODES:
        raise ValueError(f"narration must be one of {', '.join(NARRATION_MODES)}, got {mode!r}")
    if mode == "dialogue":
        return plan
    sounds = [e for e in plan.events if not e.text]  # words are the narrator's, or nobody's
    if mode == "none":
        return plan.model_copy(update={"events": sounds})
    lines, warnings = _narrator_lines(plan, prompt)
    events = sorted([*sounds, *lines], key=lambda e: (e.start_s, e.track != TrackKind.AMBIENCE))
    return plan.model_copy(update={"events": events, "warnings": [*plan.warnings, *warnings]})


def _narrator_lines(plan: Plan, prompt: str) -> tuple[list[PlannedEvent], list[str]]:
    sentences = [" ".join(s.split()) for s in _SENTENCE.findall(prompt) if s.strip()]
    if not sentences:
        return [], []
    lengths = [LINE_PADDING_S + len(s.split()) / WORDS_PER_SECOND for s in sentences]
    total = sum(lengths) + GAP_S * (len(sentences) - 1)
    warnings = []
    if total <= plan.duration_s:
        share = plan.duration_s / len(sentences)
        starts = [index * share for index in range(len(sentences))]
    else:
        warnings.append(f"the narration takes about {total:.0f} s to read, longer than the "
                        f"{plan.duration_s:g} s story; the lines follow one another and the "
                        f"last are cut. Give a --duration of at least {total:.0f} s.")
        starts, at = [], 0.0
        for length in lengths:
            starts.append(at)
            at += length + GAP_S
    lines = []
    for sentence, start, length in zip(sentences, starts, lengths):
        if start >= plan.duration_s - 0.1:
            break
        lines.append(PlannedEvent(
            caption=f'narrator reading "{" ".join(sentence.split()[:12])}"',
            track=TrackKind.SPEECH, start_s=round(start, 3),
            duration_s=round(min(length, plan.duration_s - start), 3),
            scene=_scene_at(plan, start), text=sentence, speaker=NARRATOR))
    return lines, warnings


def _scene_at(plan: Plan, at: float) -> int:
    index = 0
    for number, scene in enumerate(plan.scenes):
        if scene.start_s <= at:
            index = number
    return index
