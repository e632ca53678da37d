"""The offline planner: no network, no model, deterministic.

This first version reads the narrative clause by clause: each clause becomes a foreground
event in the order the text gives it, quoted words go to the speech track, musical words to
the music track, and a bed spans the story under them (weather or place words when the text
has them, room tone when it does not).
"""
from __future__ import annotations

import re

from ..errors import InvalidInput
from ..progress import CancelToken, Progress
from .plan import Plan, PlanRequest
from .validate import validate_plan

_CLAUSE_SPLIT = re.compile(r"[.!?;]+\s*|,\s*(?:and\s+)?then\s+|\s+then\s+|,\s+(?:as|while)\s+")
_LEADING = re.compile(r"^(?:and|then|as|while|but|so|meanwhile|until|finally)\s+", re.I)
_QUOTE = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")
_MUSIC = ("music", "melody", "song", "piano", "violin", "guitar", "drum", "orchestra", "lullaby")
_BEDS = {
    "rain": "steady rain falling", "storm": "storm wind and rain", "wind": "wind blowing",
    "sea": "sea waves washing ashore", "ocean": "ocean waves", "harbor": "water lapping in a harbor",
    "harbour": "water lapping in a harbour", "river": "river flowing", "forest": "forest ambience",
    "city": "city traffic ambience", "night": "quiet night ambience with insects",
    "fire": "fire crackling",
}
FOREGROUND_MAX_S = 8.0


class OfflinePlanner:
    name = "offline"

    def plan(self, request: PlanRequest, progress: Progress | None = None,
             cancel: CancelToken | None = None) -> Plan:
        text = " ".join(request.prompt.split())
        if not re.search(r"\w", text):
            raise InvalidInput("the prompt has no words to plan from; describe the scene.")
        total = request.duration_s
        speech = [q.strip() for q in _QUOTE.findall(text) if q.strip()]
        narrative = _QUOTE.sub(" ", text)
        clauses = [_LEADING.sub("", c.strip(" ,")) for c in _CLAUSE_SPLIT.split(narrative)]
        clauses = [c for c in clauses if re.search(r"\w", c)]
        events = [_bed(caption, total) for caption in _beds_for(text.lower())]
        foreground = [(c, "music" if any(w in c.lower() for w in _MUSIC) else "effects")
                      for c in clauses] + [(f'a voice says "{q}"', "speech") for q in speech]
        slot = total / max(len(foreground), 1)
        for index, (caption, kind) in enumerate(foreground):
            length = min(slot * 0.9, FOREGROUND_MAX_S) if kind != "music" else slot
            events.append({"caption": caption, "track": kind, "start_s": index * slot,
                           "duration_s": length, "tone": "neutral"})
        reasoning = (f"{len(foreground)} foreground events in the order the text gives them, "
                     f"one every {slot:.1f} s, over {len(events) - len(foreground)} "
                     f"ambience bed(s) spanning the whole {total:g} s.")
        if progress is not None:
            progress(1.0, "planned")
        return validate_plan({"reasoning": reasoning, "events": events}, total, self.name)


def _beds_for(lowered: str) -> list[str]:
    beds = [caption for word, caption in _BEDS.items() if re.search(rf"\b{word}", lowered)]
    return beds[:2] or ["quiet room tone"]


def _bed(caption: str, total: float) -> dict:
    return {"caption": caption, "track": "ambience", "start_s": 0.0, "duration_s": total,
            "tone": "neutral"}
