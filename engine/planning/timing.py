"""Turn ranked draft events into seconds that fill the requested length.

Each distinct rank gets an equal slot of the story. Foreground sounds start just inside their
slot (sounds that happen together are staggered a little so each is heard starting); short
hits are short, processes fill most of their slot. Beds run from their slot to where the text
ends them, or to the end of their scene, so they lie under the foreground events.
"""
from __future__ import annotations

from ..story import TrackKind
from .reading import STOP_OFFSET, DraftEvent

IMPULSE_S = (1.0, 3.0)          # a knock, a crash: at least / at most
PROCESS_MAX_S = 15.0            # a foreground process longer than this is a bed's job
LEAD_IN = 0.08                  # foreground starts this far into its slot (fraction)
STAGGER = 0.15                  # events at one rank start this far apart (fraction of a slot)
MIN_SLOT_S = 1.5                # shorter slots than this crowd the timeline


def max_ranks(duration_s: float) -> int:
    return max(1, int(duration_s // MIN_SLOT_S))


def schedule(events: list[DraftEvent], duration_s: float,
             scene_ranks: dict[int, tuple[float, float]]) -> list[dict]:
    """Plan events (plain dicts for the validator) from ranked drafts."""
    stops = {e.end_rank - STOP_OFFSET for e in events if e.end_rank is not None}
    ranks = sorted({e.rank for e in events} | stops
                   | {r for pair in scene_ranks.values() for r in pair})
    position = {rank: index for index, rank in enumerate(ranks)}
    slot = duration_s / max(len(ranks), 1)

    def at(rank: float) -> float:  # a rank (possibly between ranks, e.g. 2.5) in seconds
        below = max((r for r in ranks if r <= rank), default=ranks[0])
        above = min((r for r in ranks if r > rank), default=below + 1)
        return (position[below] + (rank - below) / (above - below)) * slot

    out: list[dict] = []
    started: dict[float, int] = {}
    for event in events:
        start = at(event.rank)
        if event.bed:
            end = _bed_end(event, duration_s, slot, scene_ranks, at)
        else:
            count = started.get(event.rank, 0)
            started[event.rank] = count + 1
            start += slot * (LEAD_IN + STAGGER * count + event.offset)
            start = min(start, duration_s - min(slot, duration_s) * 0.25)
            end = start + _foreground_length(event, slot)
        end = min(end, duration_s)
        if end - start < 0.05:
            continue
        out.append({"caption": event.caption, "track": event.kind.value,
                    "start_s": round(start, 3), "duration_s": round(end - start, 3),
                    "tone": event.tone, "cues": event.cues})
    return out


def _foreground_length(event: DraftEvent, slot: float) -> float:
    if event.impulsive:
        return min(max(0.35 * slot, IMPULSE_S[0]), IMPULSE_S[1])
    if event.kind == TrackKind.SPEECH:
        words = len(event.caption.split())
        return min(max(1.5, 0.4 * words), max(slot * 0.9, 1.5))
    return min(max(0.8 * slot, IMPULSE_S[0]), PROCESS_MAX_S)


def _bed_end(event: DraftEvent, duration_s: float, slot: float, scene_ranks, at) -> float:
    if event.end_rank is not None:
        return at(event.end_rank)
    scenes = sorted(scene_ranks)
    later = [scene for scene in scenes if scene > event.scene]
    if not later:
        return duration_s
    next_first = scene_ranks[later[0]][0]
    return at(next_first) + 0.15 * slot  # a short overlap: the scenes crossfade
