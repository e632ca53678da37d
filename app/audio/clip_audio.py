"""One clip's audio exactly as the mix plays it (take from its offset, resampled to the story
rate, clip gain, fades, track gain and pan), alone: what auditioning a clip or a take plays.
Pure (no Qt)."""
from __future__ import annotations

import numpy as np

from engine.mix.fades import TrackClipPlanner
from engine.mix.mixer import clip_gains, render_clip
from engine.model.story import Event, FadeCurve, Track


def clip_audio(event: Event, track: Track, audio: np.ndarray, sample_rate: int
               ) -> tuple[np.ndarray, int] | None:
    """(samples (2, n) float32, first story sample) for `event` playing `audio` (its take
    at the story rate), or None when the take has nothing at the clip's offset."""
    plan = TrackClipPlanner([event], 0, FadeCurve.LINEAR, sample_rate).plan(
        event, audio.shape[1])
    if plan is None or plan.length <= 0:
        return None
    return render_clip(audio, plan, clip_gains(event, track)), plan.start
