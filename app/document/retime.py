"""Retiming the clips of a scene when one of its boundaries moves (pure; no Qt).

A scene that grows or shrinks carries its clips with it: every start is mapped linearly from
the old span onto the new one, and a clip that reaches the scene's end (a bed) is stretched
to reach the new end; every other clip keeps its length, so a door slam stays a door slam.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MIN_SCENE_S = 0.5
BED_TOLERANCE = 0.02  # a clip ending within 2 % of the scene's end reaches the end


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


def map_position(position: int, old: Span, new: Span) -> int:
    """Where a position inside `old` lands inside `new` (linear; outside: shifted)."""
    if old.length <= 0:
        return position + new.start - old.start
    return int(round(new.start + (position - old.start) * new.length / old.length))


def retime_clips(clips: Iterable[tuple[str, int, int]], old: Span, new: Span,
                 shortest: int = 1) -> dict[str, tuple[int, int]]:
    """(id, start, duration) of a scene's clips -> {id: (start, duration)} after the scene's
    span changes from `old` to `new`; only clips that change are returned."""
    tolerance = max(int(old.length * BED_TOLERANCE), 1)
    changes = {}
    for clip_id, start, duration in clips:
        end = start + duration
        new_start = max(map_position(start, old, new), 0)
        if end >= old.end - tolerance:  # a bed, or a sound that rings out with the scene
            new_duration = max(map_position(end, old, new) - new_start, shortest)
        else:
            new_duration = duration
        if (new_start, new_duration) != (start, duration):
            changes[clip_id] = (new_start, new_duration)
    return changes


def boundary_limits(spans: Sequence[Span], index: int, side: str, story_end: int,
                    shortest: int) -> tuple[int, int]:
    """How far edge `side` ('start' or 'end') of scene `index` may move: each scene keeps at
    least `shortest` samples, and scenes never overlap."""
    span = spans[index]
    if side == "start":
        previous = spans[index - 1] if index > 0 else None
        low = previous.start + shortest if previous and previous.end >= span.start else (
            previous.end if previous else 0)
        return low, span.end - shortest
    following = spans[index + 1] if index + 1 < len(spans) else None
    high = following.end - shortest if following and following.start <= span.end else (
        following.start if following else story_end)
    return span.start + shortest, high


def moved_spans(spans: Sequence[Span], index: int, side: str, position: int
                ) -> dict[int, Span]:
    """The scenes whose spans change when edge `side` of scene `index` moves to `position`;
    a neighbour that touched that edge moves with it."""
    span = spans[index]
    changed = {}
    if side == "start":
        changed[index] = Span(position, span.end)
        if index > 0 and spans[index - 1].end == span.start:
            changed[index - 1] = Span(spans[index - 1].start, position)
    else:
        changed[index] = Span(span.start, position)
        if index + 1 < len(spans) and spans[index + 1].start == span.end:
            changed[index + 1] = Span(position, spans[index + 1].end)
    return changed
