"""The offline planner: no network, no model download, deterministic.

It reads the narrative clause by clause (engine.planning.offline.reading): sounds the text names,
sounds its scenes imply (a storm is rain, wind and thunder; a harbour is lapping water),
speech in quotes, music where the text names it; "then", "as", "while", "until" set the order
and what overlaps. engine.planning.offline.timing then fills the requested length: beds span their
scenes, foreground events sit inside them. Meaning (is this a sound? which track?) comes
from the sentence-embedding model and the curated data in resources/planning/.
"""
from __future__ import annotations

import re

from engine.errors import InvalidInput
from engine.model.story import TrackKind
from engine.planning.offline.reading import (
    DraftEvent,
    looks_english,
    nearest_bed,
    read_story,
    soundless_reason,
)
from engine.planning.offline.screenplay import as_prose
from engine.planning.offline.timing import max_ranks, schedule
from engine.planning.plan import Plan, PlanRequest
from engine.planning.validate import validate_plan
from engine.progress import CancelToken, Progress

MAX_PROMPT_CHARS = 100_000
FOREIGN_BED_MIN_SIMILARITY = 0.4


class OfflinePlanner:
    name = "offline"

    def plan(self, request: PlanRequest, progress: Progress | None = None,
             cancel: CancelToken | None = None) -> Plan:
        text = check_prompt_text(request.prompt)
        report = progress or (lambda fraction, message: None)
        report(0.0, "reading the story")
        warnings: list[str] = []
        if not looks_english(text):
            return self._plan_foreign(text, request.duration_s)
        reading = read_story(text)
        if cancel is not None:
            cancel.raise_if_cancelled()
        events = reading.events
        if not events:
            warnings.append(soundless_reason(text))
            events = [DraftEvent(caption="quiet room tone with a faint air hum",
                                 kind=TrackKind.AMBIENCE, rank=0.0, scene=0, bed=True,
                                 implied=True)]
            del reading.scenes[1:]
        events, dropped = _fit(events, request.duration_s)
        if dropped:
            warnings.append(
                f"the text names more sounds than a {request.duration_s:g} s story has room "
                f"for; kept {len(events)} events and left out {dropped}. Give a longer "
                "--duration to keep them all.")
        report(0.8, "timing the events")
        planned, scenes = schedule(events, request.duration_s, reading.ranks_by_scene,
                                   reading.stop_ranks, reading.scenes)
        plan = validate_plan({"reasoning": reasoning(planned, request.duration_s, scenes),
                              "scenes": scenes, "events": planned, "warnings": warnings},
                             request.duration_s, self.name)
        report(1.0, f"planned {len(plan.events)} events")
        return plan

    def _plan_foreign(self, text: str, duration_s: float) -> Plan:
        caption, score = nearest_bed(text)
        if score < FOREIGN_BED_MIN_SIMILARITY:
            caption = "quiet room tone with a faint air hum"
        warning = ("the prompt does not look like English, which is all the offline planner "
                   f"reads; planned one general bed (\"{caption}\"). Write the prompt in "
                   "English, or use --planner openai or transformers with a model that reads "
                   "its language.")
        events = [{"caption": caption, "track": "ambience", "start_s": 0.0,
                   "duration_s": duration_s, "tone": "neutral"}]
        return validate_plan({"reasoning": reasoning(events, duration_s), "events": events,
                              "warnings": [warning]}, duration_s, self.name)


def check_prompt_text(prompt: str) -> str:
    """The prompt with its spacing tidied and a script's scene headings read as prose, or
    InvalidInput saying what is wrong with it."""
    if not isinstance(prompt, str):
        raise InvalidInput("the prompt must be text.")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise InvalidInput(f"the prompt is {len(prompt):,} characters long; the planner reads "
                           f"at most {MAX_PROMPT_CHARS:,}. Split the story into parts.")
    tidy = re.sub(r"[ \t\r\f\v]+", " ", prompt).strip()
    text = as_prose(tidy)  # a script's scene headings
    if not text:
        what = "holds only screenplay transitions (CUT TO:, FADE OUT.)" if tidy else "is empty"
        raise InvalidInput(f'the prompt {what}; describe the story, e.g. "rain on a tin roof '
                           'as a train passes".')
    if not re.search(r"[^\W_]", text):
        raise InvalidInput("the prompt has no words to plan from (only punctuation or "
                           "symbols); describe the scene in words.")
    letters = [c for c in text if c.isalpha()]
    if sum(c.isupper() for c in letters) > 0.6 * len(letters) > 10:
        text = text.lower()  # SHOUTED TEXT reads as ordinary words
    return text


def _fit(events: list[DraftEvent], duration_s: float) -> tuple[list[DraftEvent], int]:
    """Keep at most as many foreground ranks as the story has room for, spread evenly."""
    ranks = sorted({e.rank for e in events})
    room = max_ranks(duration_s)
    if len(ranks) <= room:
        return events, 0
    step = len(ranks) / room
    kept = {ranks[int(i * step)] for i in range(room)}
    fitted = [e for e in events if e.rank in kept]
    return fitted, len(events) - len(fitted)


def reasoning(events: list[dict], duration_s: float, scenes: list[dict] | None = None) -> str:
    """AudioStory-style reasoning: how many scenes and events, in what order, when."""
    beds = [e for e in events if e["track"] == "ambience"]
    foreground = sorted((e for e in events if e["track"] != "ambience"),
                        key=lambda e: e["start_s"])
    parts = [f"A {duration_s:g} s story with {len(events)} sound events: "
             f"{len(beds)} ambience bed(s) and {len(foreground)} foreground event(s)."]
    if scenes and len(scenes) > 1:
        parts.append(f"{len(scenes)} scenes: " + "; ".join(
            f"{s['title'] or 'scene ' + str(i + 1)} ({s['start_s']:g}-{s['end_s']:g} s)"
            for i, s in enumerate(scenes[:8])) + ".")
    if beds:
        parts.append("Beds: " + "; ".join(
            f"{e['caption']} ({e['start_s']:g}-{e['start_s'] + e['duration_s']:g} s)"
            for e in beds[:6]) + ".")
    if foreground:
        parts.append("Then, in order: " + "; ".join(
            f"{e['caption']} at {e['start_s']:g} s" for e in foreground[:12]) + ".")
    return " ".join(parts)
