"""One clip's audio exactly as the mix plays it (take from its offset, resampled to the story
rate, clip gain, fades, track gain and pan), alone: what auditioning a clip or a take plays.
Pure (no Qt).

The clip is rendered as it is read, a block at a time: rendering a whole minute-long bed
before the first block would put tens of milliseconds (mostly the first touch of fresh
memory) between the key press and the sound.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.mix.fades import ClipPlan, TrackClipPlanner
from engine.mix.mixer import clip_gains, clip_span
from engine.model.story import Event, FadeCurve, Track


@dataclass(frozen=True)
class ClipAudio:
    """A clip's audio from story sample `start`, `length` samples long, read in stretches."""

    take: np.ndarray  # (channels, samples) at the story rate
    plan: ClipPlan
    gains: np.ndarray

    @property
    def start(self) -> int:
        return self.plan.start

    @property
    def length(self) -> int:
        return self.plan.length

    def read(self, start: int, stop: int) -> np.ndarray:
        """Clip samples start..stop, (2, n) float32."""
        return clip_span(self.take, self.plan, self.gains, start, stop)


def clip_audio(event: Event, track: Track, audio: np.ndarray, sample_rate: int
               ) -> ClipAudio | None:
    """The clip `event` makes of `audio` (its take at the story rate), or None when the
    take has nothing at the clip's offset."""
    plan = TrackClipPlanner([event], 0, FadeCurve.LINEAR, sample_rate).plan(
        event, audio.shape[1])
    if plan is None or plan.length <= 0:
        return None
    return ClipAudio(audio, plan, clip_gains(event, track))
