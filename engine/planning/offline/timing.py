"""Turn ranked draft events into seconds that fill the requested length.

Each distinct rank gets an equal slot of the story. Foreground sounds start just inside their
slot (sounds that happen together are staggered a little so each is heard starting); short
hits are short, processes fill most of their slot. Beds run from their slot to where the text
ends them, or to the end of their scene (or of a later scene they carry on under), so they
lie under the foreground events; where one scene hands over to the next, its beds fade out
over the first HANDOVER_S of the next scene while that scene's beds fade in from its start
(the arranger puts the two on one lane and the mixer crossfades them). A recurring sound
(thunder in a storm) comes early in its bed and then again every so often until the bed
ends. Scenes start where their first moment starts and end where the next one starts.
"""
from __future__ import annotations

import math

from engine.model.story import TrackKind
from engine.planning.offline.drafts import PHENOMENON, STOP_WITH_OFFSET, DraftEvent
from engine.planning.offline.placement import level_and_pan
from engine.planning.offline.scenes import SceneDraft

IMPULSE_S = (1.0, 3.0)          # a knock, a crash: at least / at most
PROCESS_MAX_S = 15.0            # a foreground process longer than this is a bed's job
LEAD_IN = 0.08                  # foreground starts this far into its slot (fraction)
STAGGER = 0.15                  # events at one rank start this far apart (fraction of a slot)
MIN_SLOT_S = 1.5                # shorter slots than this crowd the timeline
SETTING_SLOT = 0.4              # a moment that only sets the scene: this much of a slot
RECUR_EVERY_S = 30.0            # a recurring sound comes back about this often (a storm's thunder)
RECUR_MAX = 4                   # at most this many times in one bed: more clutters the lane
RECUR_LEAD_S = 2.0              # the first one this soon after its bed starts (at most)
RECUR_JITTER = (0.0, 0.22, -0.12, 0.15, -0.2, 0.08)  # uneven, like weather (fraction of a gap)
RECUR_LENGTH_S = (2.5, 6.0)     # a thunder roll: at least / at most
HANDOVER_S = 1.5                # beds of two scenes overlap this long (a crossfade) ...
HANDOVER_SLOT = 0.25            # ... at most this share of a slot
MIN_SCENE_S = 1.0               # a scene shorter than this joins the one before


def max_ranks(duration_s: float) -> int:
    return max(1, int(duration_s // MIN_SLOT_S))


def schedule(events: list[DraftEvent], duration_s: float,
             scene_ranks: dict[int, tuple[float, float]], stops: frozenset[float] = frozenset(),
             scenes: list[SceneDraft] | None = None) -> tuple[list[dict], list[dict]]:
    """Plan events and scenes (plain dicts for the validator) from ranked drafts; `stops`
    are the moments where the text ends a sound."""
    stops = set(stops)
    ranks = sorted({e.rank for e in events} | stops
                   | {r for pair in scene_ranks.values() for r in pair})
    # a moment where the text makes something heard gets a whole slot; one that only sets
    # the scene ("On the savanna at dawn,") a short establishing one
    heard = {e.rank for e in events if not e.implied or e.origin == PHENOMENON} | stops
    widths = [1.0 if rank in heard else SETTING_SLOT for rank in ranks]
    unit = duration_s / max(sum(widths), 1e-9)
    offsets = [sum(widths[:i]) * unit for i in range(len(ranks))]
    index = {rank: i for i, rank in enumerate(ranks)}
    slot = unit  # a full slot, in seconds

    def at(rank: float) -> float:  # a rank (possibly between ranks, e.g. 2.5) in seconds
        below = max((r for r in ranks if r <= rank), default=ranks[0])
        above = min((r for r in ranks if r > rank), default=below + 1)
        i = index[below]
        return offsets[i] + (rank - below) / (above - below) * widths[i] * unit

    handover = min(HANDOVER_S, HANDOVER_SLOT * slot)
    # a bed ending just where a scene or another bed begins crossfades into it
    handing_over = {first for first, _ in scene_ranks.values()} | {
        e.rank for e in events if e.bed}
    out: list[dict] = []
    started: dict[float, int] = {}
    spans: dict[int, tuple[float, float]] = {}
    for event in events:
        if event.recurring:
            continue  # placed once the bed it comes back within is
        start = at(event.rank if event.from_rank is None else event.from_rank)
        if event.bed:
            end = _bed_end(event, duration_s, handover, scene_ranks, at, handing_over)
            spans[id(event)] = (start, min(end, duration_s))
        else:
            width = widths[index[event.rank]] * unit
            count = started.get(event.rank, 0)
            started[event.rank] = count + 1
            start += width * (LEAD_IN + STAGGER * count + event.offset)
            start = min(start, duration_s - min(width, duration_s) * 0.25)
            end = start + _foreground_length(event, width)
            if event.end_rank is not None:  # "the ringing stops"
                end = max(min(end, at(event.end_rank)), start + IMPULSE_S[0])
        end = min(end, duration_s)
        if end - start < 0.05:
            continue
        planned = _planned(event, event.caption, start, end)
        if event.bed:  # beds come and go gently (and hand over across a scene boundary)
            planned["fade_in_s"] = round(min(handover, 0.25 * (end - start)), 3) \
                if start > 0 else 0.0
            planned["fade_out_s"] = round(min(handover, 0.25 * (end - start)), 3) \
                if end < duration_s - 1e-6 else 0.0
        out.append(planned)
    for event in events:
        if event.recurring:
            span = spans.get(id(event.span_of)) if event.span_of is not None else None
            if span is None:
                span = (at(event.rank),
                        _bed_end(event, duration_s, handover, scene_ranks, at, handing_over))
            out.extend(_recurrences(event, *span, duration_s))
    planned_scenes = _scenes(scenes or [], scene_ranks, at, duration_s)
    for planned in out:
        planned["scene"] = _scene_at(planned_scenes, planned["start_s"])
    return out, planned_scenes


def _scenes(scenes: list[SceneDraft], scene_ranks: dict[int, tuple[float, float]], at,
            duration_s: float) -> list[dict]:
    """One scene per drafted scene, from its first moment to the next scene's; a scene too
    short to hear joins the one before."""
    out: list[dict] = []
    for scene in scenes:
        if scene.index not in scene_ranks:
            continue
        start = 0.0 if not out else round(at(scene_ranks[scene.index][0]), 3)
        if out and start - out[-1]["start_s"] < MIN_SCENE_S:
            continue
        if out:
            out[-1]["end_s"] = start
        out.append({"title": scene.title or f"Scene {len(out) + 1}", "start_s": start,
                    "end_s": duration_s,
                    "place": scene.place, "time_of_day": scene.time_of_day,
                    "tone": scene.tone})
    if out and duration_s - out[-1]["start_s"] < MIN_SCENE_S and len(out) > 1:
        out[-2]["end_s"] = duration_s
        out.pop()
    if not out:  # a text of nothing but time cues
        draft = scenes[0] if scenes else SceneDraft(0, "start")
        out.append({"title": draft.title or "Scene 1", "start_s": 0.0, "end_s": duration_s,
                    "place": draft.place, "time_of_day": draft.time_of_day,
                    "tone": draft.tone})
    return out


def _scene_at(scenes: list[dict], start_s: float) -> int:
    index = 0
    for i, scene in enumerate(scenes):
        if scene["start_s"] <= start_s + 1e-6:
            index = i
    return index


def _planned(event: DraftEvent, caption: str, start: float, end: float) -> dict:
    gain_db, pan = event.gain_db, event.pan
    if event.implied and not event.bed and not gain_db and not pan:  # "thunder rumbling
        gain_db, pan = level_and_pan(" ".join(caption.split('"')[::2]))  # in the distance"
    planned = {"caption": caption, "track": event.kind.value, "start_s": round(start, 3),
               "duration_s": round(end - start, 3), "tone": event.tone, "cues": event.cues,
               "gain_db": gain_db, "pan": pan}
    if event.line is not None:
        planned.update(text=event.line.text, speaker=event.line.speaker,
                       delivery=event.line.delivery)
    return planned


def _recurrences(event: DraftEvent, start: float, end: float, duration_s: float) -> list[dict]:
    """Thunder through a storm: early, then every RECUR_EVERY_S or so, variants in turn."""
    end = min(end, duration_s)
    span = end - start
    if span <= RECUR_LENGTH_S[0]:
        return []
    count = max(1, min(RECUR_MAX, math.ceil(span / RECUR_EVERY_S)))
    gap = span / count
    length = min(max(0.45 * gap, RECUR_LENGTH_S[0]), RECUR_LENGTH_S[1])
    out = []
    for k in range(count):
        at = start + min(RECUR_LEAD_S, 0.1 * span) + gap * (k + RECUR_JITTER[k % len(
            RECUR_JITTER)] * (k > 0))
        stop = min(at + length, end)
        if stop - at < 1.0:
            break
        out.append(_planned(event, event.recurring[k % len(event.recurring)], at, stop))
    return out


def _foreground_length(event: DraftEvent, slot: float) -> float:
    if event.impulsive:
        return min(max(0.35 * slot, IMPULSE_S[0]), IMPULSE_S[1])
    if event.line is not None:  # quoted words: as long as they take to say (the render
        return max(event.line.seconds, 1.0)  # measures the real length and the clip follows)
    if event.kind == TrackKind.SPEECH and not event.voice:
        words = len(event.caption.split())
        return min(max(1.5, 0.4 * words), max(slot * 0.9, 1.5))
    return min(max(0.8 * slot, IMPULSE_S[0]), PROCESS_MAX_S)


def _bed_end(event: DraftEvent, duration_s: float, handover: float, scene_ranks, at,
             handing_over: set[float]) -> float:
    if event.end_rank is not None:  # where the text ends it (where the next begins: a fade)
        end = at(event.end_rank) + (handover if event.end_rank in handing_over else 0.0)
        # "thunder rumbles, the crickets fall silent": they go as the thunder comes in,
        # however long that moment is
        moment = event.end_rank - STOP_WITH_OFFSET
        if abs(moment - round(moment)) < 1e-9:
            end = min(end, at(moment + LEAD_IN) + handover)
        return end
    scenes = sorted(scene_ranks)
    last_scene = event.end_scene if event.end_scene is not None else event.scene
    later = [scene for scene in scenes if scene > last_scene]
    if not later:
        return duration_s
    return at(scene_ranks[later[0]][0]) + handover  # the next scene's beds fade in meanwhile
