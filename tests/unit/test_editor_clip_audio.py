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
    clip = clip_audio(event, track, take, SR)
    assert clip.start == event.start and clip.length == event.duration
    audio, start = clip.read(0, clip.length), clip.start
    mixed = Mixer().mix(story, lambda e: (take, SR)).master
    np.testing.assert_allclose(audio, mixed[:, start:start + event.duration], atol=1e-6)
    assert np.abs(audio[:, :10]).max() < np.abs(audio[:, SR:SR + 10]).max()  # it fades in


def test_a_take_too_short_for_the_offset_plays_nothing():
    track = Track(id="fx", name="FX", kind=TrackKind.EFFECTS)
    event = Event(id="e1", track_id="fx", start=0, duration=SR, offset=2 * SR, caption="x",
                  seed=1)
    assert clip_audio(event, track, np.zeros((2, SR), np.float32), SR) is None


def test_a_clip_read_a_block_at_a_time_is_the_clip_read_whole():
    rng = np.random.default_rng(5)
    take = (rng.standard_normal((1, 3 * SR)) * 0.1).astype(np.float32)  # mono feeds both sides
    track = Track(id="fx", name="FX", kind=TrackKind.EFFECTS, pan=-0.5)
    event = Event(id="e1", track_id="fx", start=0, duration=2 * SR, caption="rain", seed=1,
                  fade_in_s=0.25, fade_out_s=0.5)
    clip = clip_audio(event, track, take, SR)
    blocks = np.concatenate([clip.read(i, i + 256) for i in range(0, clip.length, 256)], axis=1)
    np.testing.assert_array_equal(blocks, clip.read(0, clip.length))
    assert blocks.shape == (2, event.duration)
    assert clip.read(clip.length - 10, clip.length + 500).shape == (2, 10)  # ends at the clip
