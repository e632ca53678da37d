"""Mixer v0: exact placement, gains, fades, pan, mute/solo, resampling, no clipping."""
from __future__ import annotations

import numpy as np
import pytest

from engine.audio.gain import pan_gains
from engine.mix.mixer import Mixer
from engine.model.story import Event, Story, Track, TrackKind
from tests.conftest import make_story, sine

SR = 48_000


def mix_with(story, takes):
    return Mixer().mix(story, lambda event: takes.get(event.id))


def impulse_story(start=12_345, offset=0):
    return Story(duration=SR, tracks=[Track(id="t", name="T", kind=TrackKind.EFFECTS)],
                 events=[Event(id="e", track_id="t", start=start, duration=1000, offset=offset,
                               caption="click", seed=1)])


def test_event_lands_on_its_exact_sample():
    take = np.zeros((1, 2000), np.float32)
    take[0, 0] = 0.5
    take[0, 100] = 0.25
    result = mix_with(impulse_story(), {"e": (take, SR)})
    assert np.flatnonzero(result.master[0]).tolist() == [12_345, 12_445]
    # offset (a left trim) skips the start of the take without moving the clip
    result = mix_with(impulse_story(offset=100), {"e": (take, SR)})
    assert np.flatnonzero(result.master[0]).tolist() == [12_345]


def test_master_is_the_sum_of_stems_and_respects_gain_and_fades(story):
    takes = {e.id: (sine(220 * (i + 1), e.duration / SR, SR, 2, 0.2), SR)
             for i, e in enumerate(story.events)}
    result = mix_with(story, takes)
    assert result.master.shape == (2, story.duration)
    assert np.allclose(result.master, sum(result.stems.values()), atol=1e-6)
    e3 = story.event("e3")  # -3 dB, 0.1 s fade in: silent at its first sample, full later
    stem = result.stems["effects-1"]
    assert stem[0, e3.start] == 0.0
    left_gain = pan_gains(-0.3)[0]
    expected_peak = 0.2 * 10 ** (-3 / 20) * left_gain
    body = stem[0, e3.start + SR // 2: e3.start + SR]
    assert np.max(np.abs(body)) == pytest.approx(expected_peak, rel=1e-3)


def test_mute_and_solo():
    story = make_story()
    takes = {e.id: (sine(300, e.duration / SR, SR, 2, 0.1), SR) for e in story.events}
    story.tracks[1].mute = True
    result = mix_with(story, takes)
    assert "effects-1" not in result.stems and result.stems["ambience-1"].any()
    assert np.array_equal(result.master, result.stems["ambience-1"])
    story.tracks[1].mute = False
    story.tracks[1].solo = True
    result = mix_with(story, takes)
    assert "ambience-1" not in result.stems and result.stems["effects-1"].any()


def test_muted_tracks_take_no_memory():
    """A muted track costs nothing: mixing four tracks with three muted allocates about
    one stem, not four (an hour of stereo float32 is 1.4 GB per stem)."""
    import tracemalloc

    duration = 30 * SR
    tracks = [Track(id=f"t{i}", name=f"T{i}", kind=TrackKind.EFFECTS, mute=i > 0)
              for i in range(4)]
    events = [Event(id=f"e{i}", track_id=f"t{i}", start=0, duration=SR, caption="tone", seed=1)
              for i in range(4)]
    story = Story(duration=duration, tracks=tracks, events=events)
    take = (sine(440, 1.0, SR), SR)
    stem_bytes = 2 * duration * 4
    tracemalloc.start()
    try:
        result = Mixer().mix(story, lambda event: take)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1.5 * stem_bytes, f"{peak / stem_bytes:.1f} stems' worth allocated"
    assert list(result.stems) == ["t0"]


def test_takes_at_another_rate_are_resampled_cleanly():
    story = impulse_story(start=0)
    story.events[0].duration = SR // 2
    take = sine(1000.0, 1.0, 44_100)
    result = mix_with(story, {"e": (take, 44_100)})
    segment = result.master[0, 2400:SR // 2 - 2400]
    spectrum = np.abs(np.fft.rfft(segment * np.hanning(segment.size)))
    peak_hz = np.argmax(spectrum) * SR / segment.size
    assert peak_hz == pytest.approx(1000.0, abs=3.0)
    # band-limited: nothing but the tone above the noise floor
    assert np.sort(spectrum)[-40] / spectrum.max() < 1e-3


def test_no_sample_beyond_full_scale_when_tracks_pile_up():
    story = make_story()
    takes = {e.id: (sine(100, e.duration / SR, SR, 2, 0.9), SR) for e in story.events}
    result = mix_with(story, takes)
    assert np.max(np.abs(result.master)) <= 1.0
    assert result.safety_gain_db < 0


def test_a_surround_take_is_folded_down_not_cut_to_its_first_two_channels():
    """A 5.1 take (L R C LFE Ls Rs) keeps its centre dialogue and its surrounds: they join
    both sides at -3 dB (ITU-R BS.775); the LFE rumble stays out of the stereo mix."""
    story = impulse_story(start=0)
    story.events[0].duration = SR // 2
    take = np.zeros((6, SR // 2), np.float32)
    take[2] = sine(1000.0, 0.5, SR)[0]  # dialogue in the centre
    take[3] = sine(40.0, 0.5, SR)[0]    # LFE
    take[4] = 0.5 * sine(300.0, 0.5, SR)[0]  # left surround
    master = mix_with(story, {"e": (take, SR)}).master[:, :SR // 2]
    half = np.sqrt(0.5)
    assert np.allclose(master[0], half * (take[2] + take[4]), atol=1e-6)
    assert np.allclose(master[1], half * take[2], atol=1e-6)
