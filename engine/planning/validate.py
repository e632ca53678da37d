"""The one gate every plan passes through, whatever produced it.

It repairs what is unambiguous (times clamped into the story, aliases of track kinds and
tones, whitespace, exact duplicates; scenes put in order, cut where they overlap, stretched
over gaps; an event that names no scene, or one it does not play in, joins the scene it
starts in) and rejects the rest with a reason a user can act on.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from engine.errors import StudioError
from engine.model.fields import MAX_CUES, MAX_NAME_CHARS, MAX_SCENES
from engine.model.story import TrackKind
from engine.model.tones import canonical_tone
from engine.planning.plan import Plan, PlannedEvent, PlannedScene

MIN_EVENT_S = 0.05
MAX_CAPTION_WORDS = 25     # text-to-audio models read short descriptions best
MAX_CAPTION_CHARS = 300    # 25 long words; one endless "word" is cut here
MAX_LABEL_CHARS = 40       # a tone, a cue name or value ("harbour at night")
MAX_WARNING_CHARS = 500
MAX_LINE_CHARS = 2_000     # one spoken line or a narrator's paragraph
MAX_EVENTS = 500           # more than a timeline can show or a render can finish
MAX_REASONING_CHARS = 4000
MIN_SCENE_S = 0.5          # a shorter scene is a slip, not a scene
SCENE_LEAD_S = 3.0         # an event may start this early in its scene (a crossfade in)
GAIN_DB_RANGE = (-40.0, 12.0)  # relative level of one event: far away ... right here
KIND_ALIASES = {
    "ambience": TrackKind.AMBIENCE, "ambient": TrackKind.AMBIENCE, "ambiance": TrackKind.AMBIENCE,
    "background": TrackKind.AMBIENCE, "bed": TrackKind.AMBIENCE, "atmosphere": TrackKind.AMBIENCE,
    "effects": TrackKind.EFFECTS, "effect": TrackKind.EFFECTS, "sfx": TrackKind.EFFECTS,
    "fx": TrackKind.EFFECTS, "foley": TrackKind.EFFECTS, "sound": TrackKind.EFFECTS,
    "music": TrackKind.MUSIC, "score": TrackKind.MUSIC,
    "speech": TrackKind.SPEECH, "dialogue": TrackKind.SPEECH, "dialog": TrackKind.SPEECH,
    "voice": TrackKind.SPEECH, "narration": TrackKind.SPEECH,
}


_QUOTED = re.compile(r"([\"“«])([^\"”»]{1,2000})[\"”»]")
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
    scenes, renumber = _validate_scenes(data.get("scenes"), duration_s, warnings)
    events: list[PlannedEvent] = []
    named: list[int | None] = []  # the scene each event said it is in (renumbered)
    seen: set[tuple] = set()
    unknown_tones: set[str] = set()
    for index, item in enumerate(items, start=1):
        event = _validate_event(item, index, duration_s, warnings, unknown_tones)
        identity = (event.caption.lower(), event.track, event.start_s, event.duration_s)
        if identity in seen:
            warnings.append(f"event {index} repeats an earlier event exactly; dropped it")
            continue
        seen.add(identity)
        events.append(event)
        named.append(_scene_named(item, index, renumber))
    if unknown_tones:
        warnings.append("tones that are not in the tone table became neutral: "
                        + ", ".join(sorted(unknown_tones)))
    _place_in_scenes(events, named, scenes, warnings)
    if not data.get("scenes"):
        scenes[0].tone = _usual_tone(events)
    order = sorted(range(len(events)), key=lambda i: (events[i].start_s,
                                                       events[i].track != TrackKind.AMBIENCE))
    events = [events[i] for i in order]
    reasoning = _text(data.get("reasoning") or "", MAX_REASONING_CHARS)
    return Plan(duration_s=float(duration_s), reasoning=reasoning, scenes=scenes,
                events=events, planner=planner or _text(data.get("planner") or "", 40),
                warnings=warnings)


def _validate_scenes(items: Any, duration_s: float,
                     warnings: list[str]) -> tuple[list[PlannedScene], dict[int, int]]:
    """Scenes in order, covering the story without overlaps, and how the given indices map
    to them (a scene dropped or merged maps to none)."""
    if items is None or items == []:
        return [PlannedScene(title="", start_s=0.0, end_s=float(duration_s))], {0: 0}
    if not isinstance(items, list):
        raise PlanError("the plan's 'scenes' is not a list of scenes")
    if len(items) > MAX_SCENES:
        raise PlanError(f"the plan has {len(items)} scenes; at most {MAX_SCENES} fit a story")
    parsed: list[tuple[int, PlannedScene]] = []
    for index, item in enumerate(items):
        where = f"scene {index + 1}"
        if not isinstance(item, Mapping):
            raise PlanError(f"{where} is not an object")
        start = _number(item.get("start_s"), f"{where} start_s")
        if item.get("end_s") is None and item.get("duration_s") is not None:
            end = start + _number(item.get("duration_s"), f"{where} duration_s")
        else:
            end = _number(item.get("end_s"), f"{where} end_s")
        start, end = max(start, 0.0), min(end, float(duration_s))
        if end - start < MIN_SCENE_S:
            warnings.append(f"{where} lies outside the story or lasts under {MIN_SCENE_S} s; "
                            "its events join the scenes around them")
            continue
        tone = _tone(item.get("tone"), set())
        parsed.append((index, PlannedScene(
            title=_text(item.get("title")), start_s=round(start, 6), end_s=round(end, 6),
            place=_text(item.get("place")), time_of_day=_text(item.get("time_of_day")),
            tone=tone)))
    if not parsed:
        warnings.append("no scene of the plan lies inside the story; made one scene of it all")
        return [PlannedScene(title="", start_s=0.0, end_s=float(duration_s))], {}
    if any(a[1].start_s > b[1].start_s for a, b in zip(parsed, parsed[1:])):
        warnings.append("the scenes were out of story order; put them in order")
        parsed.sort(key=lambda pair: pair[1].start_s)
    kept: list[tuple[int, PlannedScene]] = []
    gaps = overlaps = False
    for index, scene in parsed:
        if kept:
            before = kept[-1][1]
            if scene.start_s - before.start_s < MIN_SCENE_S:  # starts with the one before
                overlaps = True
                before.end_s = max(before.end_s, scene.end_s)
                kept.append((index, before))
                continue
            overlaps |= scene.start_s < before.end_s - 1e-6
            gaps |= scene.start_s > before.end_s + 1e-6
            before.end_s = scene.start_s  # each scene runs until the next one starts
        kept.append((index, scene))
    if overlaps:
        warnings.append("some scenes overlapped; each now ends where the next begins")
    if kept[0][1].start_s > 0:
        kept[0][1].start_s = 0.0
        gaps = True
    if kept[-1][1].end_s < duration_s:
        kept[-1][1].end_s = float(duration_s)
        gaps = True
    if gaps:
        warnings.append("the scenes left parts of the story uncovered; each scene now runs "
                        "until the next one starts, from 0 s to the story's end")
    scenes: list[PlannedScene] = []
    renumber: dict[int, int] = {}
    for index, scene in kept:
        if not scenes or scenes[-1] is not scene:
            scenes.append(scene)
        renumber[index] = len(scenes) - 1
    return scenes, renumber


def _scene_named(item: Mapping, index: int, renumber: dict[int, int]) -> int | None:
    """The scene an event names, as an index into the validated scenes (None: none)."""
    value = item.get("scene")
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        match = re.fullmatch(r"\s*s?(\d+)\s*", value, re.I)  # "2" or an id such as "s2"
        if match is None:
            return None
        value = int(match.group(1)) - (1 if value.strip().lower().startswith("s") else 0)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        return None
    return renumber.get(value, -1)


def _place_in_scenes(events: list[PlannedEvent], named: list[int | None],
                     scenes: list[PlannedScene], warnings: list[str]) -> None:
    """Every event in one scene: the one it names if it plays there, else the one it starts
    in."""
    moved = 0
    for event, scene in zip(events, named):
        if scene is not None and 0 <= scene < len(scenes) and (
                scenes[scene].start_s - SCENE_LEAD_S <= event.start_s < scenes[scene].end_s):
            event.scene = scene
            continue
        if scene is not None:
            moved += 1
        event.scene = max(i for i, s in enumerate(scenes)
                          if s.start_s <= event.start_s or i == 0)
    if moved:
        warnings.append(f"{moved} event(s) named a scene they do not play in (or none that "
                        "exists); each now belongs to the scene it starts in")


def _usual_tone(events: list[PlannedEvent]) -> str:
    counts: dict[str, int] = {}
    for event in events:
        if event.tone != "neutral":
            counts[event.tone] = counts.get(event.tone, 0) + 1
    return max(counts, key=lambda tone: (counts[tone], tone)) if counts else "neutral"


def _tone(value: Any, unknown: set[str]) -> str:
    word = _text(value).lower() or "neutral"
    tone = canonical_tone(word)
    if tone == "neutral" and word != "neutral":
        unknown.add(word[:40])
    return tone


def _validate_event(item: Any, index: int, duration_s: float, warnings: list[str],
                    unknown_tones: set[str]) -> PlannedEvent:
    where = f"event {index}"
    if not isinstance(item, Mapping):
        raise PlanError(f"{where} is not an object")
    caption = _text(item.get("caption") or "", 2 * MAX_CAPTION_CHARS)
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
    gain_db = _bounded(item.get("gain_db"), f"{where} gain_db", GAIN_DB_RANGE, warnings)
    pan = _bounded(item.get("pan"), f"{where} pan", (-1.0, 1.0), warnings)
    fade_in = _bounded(item.get("fade_in_s"), f"{where} fade_in_s", (0.0, length), warnings)
    fade_out = _bounded(item.get("fade_out_s"), f"{where} fade_out_s", (0.0, length), warnings)
    if fade_in + fade_out > length:  # together they share the clip
        fade_in, fade_out = (length * fade_in / (fade_in + fade_out),
                             length * fade_out / (fade_in + fade_out))
    tone = _tone(_text(item.get("tone") or "", MAX_LABEL_CHARS), unknown_tones)
    text, speaker, delivery = _speech(item, kind, caption)
    return PlannedEvent(caption=caption, track=kind, start_s=round(start, 6),
                        duration_s=round(length, 6), tone=tone, cues=cues,
                        gain_db=round(gain_db, 2), pan=round(pan, 3),
                        fade_in_s=round(fade_in, 3), fade_out_s=round(fade_out, 3),
                        text=text, speaker=speaker, delivery=delivery)


def _speech(item: Mapping, kind: TrackKind, caption: str) -> tuple[str, str, str]:
    """A speech event's words, speaker and delivery. A planner that gives no `text` but
    quotes the words in the caption ('captain shouting "Hold fast!"') gets them read from
    the caption, the words before the quote as the speaker."""
    if kind != TrackKind.SPEECH:
        return "", "", ""
    text = _text(item.get("text") or "", MAX_LINE_CHARS)
    speaker = _text(item.get("speaker") or "", MAX_LABEL_CHARS)
    quoted = _QUOTED.search(caption)
    if not text and quoted:
        text = quoted.group(2).strip()
        if not speaker:
            before = caption[:quoted.start()].split()
            speaker = " ".join(w for w in before if not w.endswith("ing")
                               and w.lower() not in ("a", "an", "the", "voice"))
    return text, speaker[:MAX_LABEL_CHARS], _text(item.get("delivery") or "", MAX_LABEL_CHARS)


def _text(value: Any, limit: int = MAX_NAME_CHARS) -> str:
    """Text from an answer as one clean line (a title, place, cue...): controls, escape
    sequences and lone surrogates dropped, whitespace collapsed, at most `limit`
    characters (cut before the text is worked on, so a megabyte costs no more than a
    line). None is no text."""
    if value is None:
        return ""
    text = (value if isinstance(value, str) else str(value))[:limit * 4]
    text = re.sub(r"\s+", " ", _CONTROL.sub(" ", text)).strip()
    return text[:limit].rstrip()


def _bounded(value: Any, what: str, bounds: tuple[float, float], warnings: list[str]) -> float:
    """A number kept inside `bounds` (missing: 0, or the nearest bound to 0)."""
    low, high = bounds
    if value is None:
        return min(max(0.0, low), high)
    number = _number(value, what)
    if not low <= number <= high:
        warnings.append(f"{what} was {number:g}, outside {low:g}…{high:g}; kept it inside")
        number = min(max(number, low), high)
    return number


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
