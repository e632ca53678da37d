"""The one gate every plan passes through, whatever produced it.

It repairs what is unambiguous (times clamped into the story, aliases of track kinds,
whitespace, exact duplicates) and rejects the rest with a reason a user can act on.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from engine.errors import StudioError
from engine.model.fields import MAX_CUES
from engine.model.story import TrackKind
from engine.planning.plan import Plan, PlannedEvent

MIN_EVENT_S = 0.05
MAX_CAPTION_WORDS = 25     # text-to-audio models read short descriptions best
MAX_CAPTION_CHARS = 300    # 25 long words; one endless "word" is cut here
MAX_LABEL_CHARS = 40       # a tone, a cue name or value ("harbour at night")
MAX_WARNING_CHARS = 500
MAX_EVENTS = 500           # more than a timeline can show or a render can finish
MAX_REASONING_CHARS = 4000
KIND_ALIASES = {
    "ambience": TrackKind.AMBIENCE, "ambient": TrackKind.AMBIENCE, "ambiance": TrackKind.AMBIENCE,
    "background": TrackKind.AMBIENCE, "bed": TrackKind.AMBIENCE, "atmosphere": TrackKind.AMBIENCE,
    "effects": TrackKind.EFFECTS, "effect": TrackKind.EFFECTS, "sfx": TrackKind.EFFECTS,
    "fx": TrackKind.EFFECTS, "foley": TrackKind.EFFECTS, "sound": TrackKind.EFFECTS,
    "music": TrackKind.MUSIC, "score": TrackKind.MUSIC,
    "speech": TrackKind.SPEECH, "dialogue": TrackKind.SPEECH, "dialog": TrackKind.SPEECH,
    "voice": TrackKind.SPEECH, "narration": TrackKind.SPEECH,
}


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class PlanError(StudioError):
    """A plan that cannot be repaired into a usable timeline."""


def validate_plan(raw: Plan | Mapping[str, Any], duration_s: float, planner: str = "") -> Plan:
    """Return a clean plan for a story of `duration_s`, or raise PlanError saying why not."""
    if not (isinstance(duration_s, (int, float)) and math.isfinite(duration_s) and duration_s > 0):
        raise PlanError(f"story duration must be a positive number of seconds, got {duration_s!r}")
    data = raw.model_dump() if isinstance(raw, Plan) else raw
    if not isinstance(data, Mapping):
        raise PlanError("a plan must be a JSON object with an 'events' list")
    items = data.get("events")
    if not isinstance(items, list):
        raise PlanError("the plan has no 'events' list")
    if not items:
        raise PlanError("the plan has no events")
    if len(items) > MAX_EVENTS:
        raise PlanError(f"the plan has {len(items)} events; at most {MAX_EVENTS} fit a story")
    given = data.get("warnings", []) or []
    warnings = [_text(w, MAX_WARNING_CHARS) for w in (given if isinstance(given, list) else [])]
    events: list[PlannedEvent] = []
    seen: set[tuple] = set()
    for index, item in enumerate(items, start=1):
        event = _validate_event(item, index, duration_s, warnings)
        identity = (event.caption.lower(), event.track, event.start_s, event.duration_s)
        if identity in seen:
            warnings.append(f"event {index} repeats an earlier event exactly; dropped it")
            continue
        seen.add(identity)
        events.append(event)
    events.sort(key=lambda e: (e.start_s, e.track != TrackKind.AMBIENCE))
    reasoning = _text(data.get("reasoning") or "", MAX_REASONING_CHARS)
    return Plan(duration_s=float(duration_s), reasoning=reasoning,
                events=events, planner=planner or _text(data.get("planner") or "", 40),
                warnings=warnings)


def _validate_event(item: Any, index: int, duration_s: float, warnings: list[str]) -> PlannedEvent:
    where = f"event {index}"
    if not isinstance(item, Mapping):
        raise PlanError(f"{where} is not an object")
    caption = _text(item.get("caption") or "")
    if not caption:
        raise PlanError(f"{where} has an empty caption")
    where = f"{where} ({caption[:40]!r})"
    words = caption.split()
    if len(words) > MAX_CAPTION_WORDS:
        warnings.append(f"{where} had a caption of {len(words)} words; kept the first "
                        f"{MAX_CAPTION_WORDS}")
        caption = " ".join(words[:MAX_CAPTION_WORDS])
    if len(caption) > MAX_CAPTION_CHARS:
        warnings.append(f"{where} had a caption of {len(caption):,} characters; kept the "
                        f"first {MAX_CAPTION_CHARS}")
        caption = caption[:MAX_CAPTION_CHARS].rstrip()
    kind = KIND_ALIASES.get(str(item.get("track") or item.get("kind") or "").strip().lower())
    if kind is None:
        raise PlanError(f"{where} has unknown track {item.get('track')!r}; use one of "
                        "ambience, effects, music, speech")
    start = _number(item.get("start_s"), f"{where} start_s")
    if item.get("duration_s") is None and item.get("end_s") is not None:  # unambiguous
        length = _number(item.get("end_s"), f"{where} end_s") - start
    else:
        length = _number(item.get("duration_s"), f"{where} duration_s")
    if length <= 0:
        raise PlanError(f"{where} has a duration of {length} s; durations must be positive")
    if start >= duration_s:
        raise PlanError(f"{where} starts at {start} s, after the story's end at {duration_s} s")
    if start < 0:
        warnings.append(f"{where} started before 0 s; moved it to 0 s")
        length, start = length + start, 0.0
    if start + length > duration_s:
        warnings.append(f"{where} ran past the story's end; shortened it")
        length = duration_s - start
    if length < MIN_EVENT_S:
        raise PlanError(f"{where} is shorter than {MIN_EVENT_S} s inside the story")
    cues = item.get("cues") or {}
    if not isinstance(cues, Mapping):
        raise PlanError(f"{where} has cues that are not an object of text values")
    cues = {_text(k, MAX_LABEL_CHARS): _text(v, MAX_LABEL_CHARS) for k, v in cues.items()
            if v not in (None, "")}
    cues = {k: v for k, v in cues.items() if k and v}
    if len(cues) > MAX_CUES:
        warnings.append(f"{where} had {len(cues)} cues; kept the first {MAX_CUES}")
        cues = dict(list(cues.items())[:MAX_CUES])
    return PlannedEvent(caption=caption, track=kind, start_s=round(start, 6),
                        duration_s=round(length, 6),
                        tone=_text(item.get("tone") or "", MAX_LABEL_CHARS).lower() or "neutral",
                        cues=cues)


def _text(value: Any, limit: int | None = None) -> str:
    """Text from an answer as one clean line: controls, escape sequences and lone
    surrogates dropped, whitespace collapsed, at most `limit` characters (checked before
    the text is worked on, so a megabyte costs no more than a line)."""
    text = value if isinstance(value, str) else str(value)
    if limit is not None:
        text = text[:limit * 4]
    text = re.sub(r"\s+", " ", _CONTROL.sub(" ", text)).strip()
    return text if limit is None else text[:limit].rstrip()


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise PlanError(f"{what} is not a number ({value!r})")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise PlanError(f"{what} is not a number ({value!r})") from None
    if not math.isfinite(number):
        raise PlanError(f"{what} is not a finite number ({value!r})")
    return number
