"""Auditioning a clip plays it as the mix would, alone (app/audio/clip_audio.py)."""
from __future__ import annotations

import numpy as np

from app.audio.clip_audio import clip_audio
from engine.mix.mixer import Mixer
from engine.model.story import Event, Story, Track, TrackKind

SR = 48_000


def test_a_clip_alone_matches_its_part_of_the_mix():
    rng = np.random.default_rng(4)
    take = (rng.standard_normal((2, 3 * SR)) * 0.1).astype(np.float32)
    track = Track(id="fx", name="FX", kind=TrackKind.EFFECTS, gain_db=-2.0, pan=0.4)
    event = Event(id="e1", track_id="fx", start=SR // 2, duration=2 * SR, offset=SR // 4,
                  caption="a bell", seed=1, gain_db=-3.0, fade_in_s=0.1, fade_out_s=0.3)
    story = Story(duration=4 * SR, tracks=[track], events=[event])
    audio, start = clip_audio(event, track, take, SR)
    assert start == event.start and audio.shape == (2, event.duration)
    mixed = Mixer().mix(story, lambda e: (take, SR)).master
    np.testing.assert_allclose(audio, mixed[:, start:start + event.duration], atol=1e-6)
    assert np.abs(audio[:, :10]).max() < np.abs(audio[:, SR:SR + 10]).max()  # it fades in


def test_a_take_too_short_for_the_offset_plays_nothing():
    track = Track(id="fx", name="FX", kind=TrackKind.EFFECTS)
    event = Event(id="e1", track_id="fx", start=0, duration=SR, offset=2 * SR, caption="x",
                  seed=1)
    assert clip_audio(event, track, np.zeros((2, SR), np.float32), SR) is None
