"""Ducking: beds dip under speech by the set depth, with the set attack and release, keyed
by the speech itself; the stems still sum to the master."""
from __future__ import annotations

import numpy as np
import pytest

from engine.mix.ducking import DuckSettings, apply_curve, duck_curve
from engine.mix.mixer import Mixer, MixSettings
from engine.model.story import Event, Story, Take, Track, TrackKind

SR = 48_000


def _speech_key(spans_s: list[tuple[float, float]], seconds: float) -> np.ndarray:
    key = np.zeros((2, int(seconds * SR)), dtype=np.float32)
    t = np.arange(key.shape[1]) / SR
    for start, end in spans_s:
        inside = (t >= start) & (t < end)
        key[:, inside] = 0.3 * np.sin(2 * np.pi * 180 * t[inside])
    return key


def _gain_db_at(curve, seconds: float) -> float:
    return curve.at(int(seconds * SR))


def test_beds_dip_by_the_depth_while_words_are_spoken_and_come_back_after():
    settings = DuckSettings(depth_db=-12.0, attack_s=0.05, release_s=0.3, hold_s=0.2)
    curve = duck_curve(_speech_key([(2.0, 4.0)], 8.0), SR, settings)
    assert _gain_db_at(curve, 1.5) == pytest.approx(0.0, abs=0.01)
    assert _gain_db_at(curve, 3.0) == pytest.approx(-12.0, abs=0.1)
    assert -12.0 < _gain_db_at(curve, 2.05) < -5.0  # one attack time in: most of the way
    assert _gain_db_at(curve, 7.5) == pytest.approx(0.0, abs=0.1)  # released after the line
    assert -12.0 < _gain_db_at(curve, 4.2 + 0.3) < -3.0  # one release time after the hold


def test_a_pause_shorter_than_the_hold_keeps_the_dip():
    settings = DuckSettings(depth_db=-10.0, hold_s=0.3)
    curve = duck_curve(_speech_key([(1.0, 2.0), (2.15, 3.0)], 5.0), SR, settings)
    assert _gain_db_at(curve, 2.1) == pytest.approx(-10.0, abs=0.3)


def test_applying_the_curve_scales_the_stem_sample_by_sample():
    settings = DuckSettings(depth_db=-10.0)
    curve = duck_curve(_speech_key([(1.0, 3.0)], 4.0), SR, settings)
    stem = np.ones((2, 4 * SR), dtype=np.float32)
    apply_curve(stem, curve)
    assert stem[0, int(0.5 * SR)] == pytest.approx(1.0)
    assert 20 * np.log10(stem[1, int(2.0 * SR)]) == pytest.approx(-10.0, abs=0.1)


def _story_with_speech(duck: bool | None = None) -> tuple[Story, dict]:
    story = Story(duration=6 * SR, tracks=[
        Track(id="amb", name="Ambience", kind=TrackKind.AMBIENCE, duck_under_speech=duck),
        Track(id="fx", name="Effects", kind=TrackKind.EFFECTS),
        Track(id="vo", name="Speech", kind=TrackKind.SPEECH)])
    audio = {}

    def add(event_id, track, start_s, seconds, signal):
        take = Take(id="t1", path=f"takes/{event_id}.flac", generator="test",
                    generator_version="1", parameters={}, seed=0, sample_rate=SR, channels=2,
                    frames=int(seconds * SR), render_key="k")
        story.events = [*story.events, Event(
            id=event_id, track_id=track, start=int(start_s * SR), duration=int(seconds * SR),
            caption=event_id, seed=0, takes=[take], active_take_id="t1")]
        audio[event_id] = (signal, SR)

    bed = np.full((2, 6 * SR), 0.1, dtype=np.float32)
    add("rain", "amb", 0, 6, bed)
    add("door", "fx", 0, 6, bed.copy())
    add("line", "vo", 2, 2, _speech_key([(0.0, 2.0)], 2.0))
    return story, audio


def test_the_mixer_ducks_beds_under_speech_but_not_effects_and_stems_sum_to_master():
    story, audio = _story_with_speech()
    mix = Mixer(MixSettings(headroom_trim=False)).mix(story, lambda e: audio[e.id])
    at = 3 * SR
    assert 20 * np.log10(mix.stems["amb"][0, at] / 0.1) == pytest.approx(-10.0, abs=0.2)
    assert mix.stems["fx"][0, at] == pytest.approx(0.1)  # effects stay where they are
    assert set(mix.ducking) == {"amb"}
    np.testing.assert_allclose(mix.master, sum(mix.stems.values()), atol=1e-6)


def test_ducking_follows_the_track_switch_and_the_depth_setting():
    story, audio = _story_with_speech(duck=False)
    mix = Mixer(MixSettings(headroom_trim=False)).mix(story, lambda e: audio[e.id])
    assert mix.stems["amb"][0, 3 * SR] == pytest.approx(0.1) and not mix.ducking
    story, audio = _story_with_speech()
    off = Mixer(MixSettings(headroom_trim=False, duck=DuckSettings(depth_db=0.0)))
    assert off.mix(story, lambda e: audio[e.id]).stems["amb"][0, 3 * SR] == pytest.approx(0.1)
    story.track("vo").mute = True  # a muted voice ducks nothing
    assert Mixer().mix(story, lambda e: audio[e.id]).stems["amb"][0, 3 * SR] == \
        pytest.approx(0.1)


def test_bad_duck_settings_are_refused():
    with pytest.raises(ValueError, match="between -60 and 0"):
        DuckSettings(depth_db=6.0)
