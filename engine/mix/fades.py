"""Fade shapes, and the automatic crossfades between clips that touch on one track.

Where two clips on one track abut or overlap, both get a fade so the boundary never clicks:

- over the whole overlap when it is at least `crossfade` samples long (as DAWs do);
- otherwise over `crossfade` samples centred on the boundary, reaching into the takes' spare
  material (handles: audio trimmed off a clip's start, or left after its end) so the two fades
  coincide and the level stays constant; where a take has no handle, each clip fades inside
  its own bounds instead (a short dip, still without a click);
- a clip lying wholly inside another gets a short fade at both of its ends.

Two clips that continue one take (a split clip: same take, same alignment) crossfade with the
linear (equal-gain) curve, which rebuilds the original exactly; unrelated material uses the
crossfade curve asked for (equal power by default: no dip in loudness).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engine.model.story import Event, FadeCurve


@dataclass(frozen=True)
class Fade:
    length: int = 0  # samples
    curve: FadeCurve = FadeCurve.LINEAR


@dataclass(frozen=True)
class ClipPlan:
    """Where an event's audio lands on its track and how its edges are shaped."""

    event_id: str
    start: int  # first timeline sample; before event.start when it reaches into a handle
    source_start: int  # first sample of the take (at the story rate) that plays
    length: int  # samples that play
    fade_in: Fade
    fade_out: Fade

    @property
    def end(self) -> int:
        return self.start + self.length


@lru_cache(maxsize=64)  # crossfades repeat the same few lengths; the arrays are read-only
def fade_in_gains(length: int, curve: FadeCurve) -> np.ndarray:
    """Gains rising from 0; sample i of a fade-in and of a coinciding fade-out sum to unity
    (linear) or to unit power (equal power)."""
    return _shape(np.arange(length, dtype=np.float64) / max(length, 1), curve)


@lru_cache(maxsize=64)
def fade_out_gains(length: int, curve: FadeCurve) -> np.ndarray:
    return _shape((length - np.arange(length, dtype=np.float64)) / max(length, 1), curve)


def _shape(t: np.ndarray, curve: FadeCurve) -> np.ndarray:
    if curve == FadeCurve.EQUAL_POWER:
        t = np.sin(0.5 * np.pi * t)
    gains = t.astype(np.float32)
    gains.flags.writeable = False
    return gains


@dataclass
class _Edges:
    head: int = 0  # handle samples played before the event's start
    tail: int = 0  # handle samples played after its end
    fade_in: Fade = Fade()
    fade_out: Fade = Fade()


def _longer(current: Fade, length: int, curve: FadeCurve) -> Fade:
    return Fade(length, curve) if length > current.length else current


class TrackClipPlanner:
    """Plans the clips of one track, event by event in timeline order.

    Call `plan(event, available)` for each event in the order of `events` (sorted by start),
    with the number of take samples at the story rate (known once the take is loaded): a
    crossfade needs only the tail of the earlier clip and the head of the later one, so each
    take is loaded and placed once, in order.
    """

    def __init__(self, events: Sequence[Event], crossfade: int, curve: FadeCurve,
                 sample_rate: int, take_keys: dict[str, str | None] | None = None) -> None:
        self.events = list(events)
        self.crossfade = max(int(crossfade), 0)
        self.curve = curve
        self.sample_rate = sample_rate
        self.take_keys = take_keys or {}
        self._edges = {event.id: _Edges() for event in self.events}
        self._index = {event.id: i for i, event in enumerate(self.events)}

    def plan(self, event: Event, available: int | None) -> ClipPlan | None:
        """The clip for `event`, or None when it has no audio to play."""
        edges = self._edges[event.id]
        if available is not None and self.crossfade:
            self._pair_with_later(event, available)
        if available is None or available <= event.offset:
            return None
        fade_in = _longer(edges.fade_in, _samples(event.fade_in_s, self.sample_rate),
                          event.fade_curve)
        fade_out = _longer(edges.fade_out, _samples(event.fade_out_s, self.sample_rate),
                           event.fade_curve)
        source_start = event.offset - edges.head
        length = min(event.duration + edges.head + edges.tail, available - source_start)
        fade_in, fade_out = _fit(fade_in, fade_out, length)
        return ClipPlan(event.id, event.start - edges.head, source_start, length, fade_in,
                        fade_out)

    def _pair_with_later(self, first: Event, available: int) -> None:
        """Decide the crossfades between `first` and the later clips it touches."""
        tail_room = max(available - (first.offset + first.duration), 0)
        for second in self.events[self._index[first.id] + 1:]:
            if second.start > first.end:
                break
            if second.end <= first.end or (second.start == first.start):
                inner = second if second.end <= first.end else first
                self._declick(inner)
                continue
            overlap = first.end - second.start
            a, b = self._edges[first.id], self._edges[second.id]
            curve = FadeCurve.LINEAR if self._continuous(first, second) else self.curve
            if overlap >= self.crossfade:
                extend_first = extend_second = 0
                length = overlap
            else:
                need = self.crossfade - overlap
                head_room = min(second.offset, second.start)
                extend_second = min(head_room, need // 2)
                extend_first = min(tail_room, need - extend_second)
                extend_second = min(head_room, need - extend_first)
                length = self.crossfade
            a.tail = max(a.tail, extend_first)
            b.head = max(b.head, extend_second)
            a.fade_out = _longer(a.fade_out, length, curve)
            b.fade_in = _longer(b.fade_in, length, curve)

    def _declick(self, event: Event) -> None:
        edges = self._edges[event.id]
        length = min(self.crossfade, event.duration // 2)
        edges.fade_in = _longer(edges.fade_in, length, self.curve)
        edges.fade_out = _longer(edges.fade_out, length, self.curve)

    def _continuous(self, first: Event, second: Event) -> bool:
        key = self.take_keys.get(first.id)
        return (key is not None and key == self.take_keys.get(second.id)
                and second.offset - first.offset == second.start - first.start)


def _samples(seconds: float, sample_rate: int) -> int:
    return int(round(seconds * sample_rate))


def _fit(fade_in: Fade, fade_out: Fade, length: int) -> tuple[Fade, Fade]:
    """Fades never longer than the clip; when together they are, they share it."""
    fin, fout = min(fade_in.length, length), min(fade_out.length, length)
    if fin + fout > length:
        fin = length * fin // (fin + fout)
        fout = length - fin
    return Fade(fin, fade_in.curve), Fade(fout, fade_out.curve)
