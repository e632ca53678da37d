"""Fades, fade curves and the automatic crossfades where clips on one track touch."""
from __future__ import annotations

import numpy as np
import pytest

from engine.mix.mixer import Mixer, MixSettings, StemSum
from engine.model.story import Event, FadeCurve, Story, Take, Track, TrackKind

SR = 48_000


def noise(seconds: float, seed: int, level: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (level * rng.standard_normal((2, int(seconds * SR)))).astype(np.float32)


def tone(freq_hz: float, seconds: float, level: float = 0.5, phase: float = 0.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return np.tile(level * np.sin(2 * np.pi * freq_hz * t + phase), (2, 1)).astype(np.float32)


def one_track(events: list[Event], seconds: float = 4.0) -> Story:
    return Story(duration=int(seconds * SR),
                 tracks=[Track(id="t", name="T", kind=TrackKind.EFFECTS)], events=events)


def event(event_id: str, start: int, duration: int, offset: int = 0, **fields) -> Event:
    return Event(id=event_id, track_id="t", start=start, duration=duration, offset=offset,
                 caption=f"sound {event_id}", seed=1, **fields)


def mix(story: Story, takes: dict, **settings):
    return Mixer(MixSettings(**settings)).mix(story, lambda e: (takes[e.id], SR)
                                              if e.id in takes else None)


def largest_step(signal: np.ndarray, lo: int, hi: int) -> float:
    return float(np.max(np.abs(np.diff(signal[:, lo:hi], axis=1))))


def clicks_at(signal: np.ndarray, edge: int, reach: int = 600) -> bool:
    """True when the largest step around `edge` beats the signal's own steps on either side."""
    own = max(largest_step(signal, edge - 5000, edge - reach),
              largest_step(signal, edge + reach, edge + 5000))
    return largest_step(signal, edge - reach, edge + reach) > own


def test_abutting_clips_never_click():
    # two tones cut off mid-cycle: without a crossfade the boundary jumps by ~1.0
    a, b = tone(220.0, 1.0, phase=1.3), tone(330.0, 1.0, phase=4.0)
    boundary = SR
    story = one_track([event("a", 0, SR), event("b", boundary, SR)], seconds=2.0)
    for crossfade_s in (0.010, 0.003):
        master = mix(story, {"a": a, "b": b}, crossfade_s=crossfade_s).master
        assert not clicks_at(master, boundary)
    # the check can fail: with crossfades turned off the same edit clicks
    hard_cut = mix(story, {"a": a, "b": b}, crossfade_s=0.0).master
    assert clicks_at(hard_cut, boundary)


def test_overlapping_unrelated_clips_crossfade_over_the_overlap_at_constant_power():
    a, b = noise(2.0, 1), noise(2.0, 2)
    overlap = SR // 2
    story = one_track([event("a", 0, 2 * SR), event("b", 2 * SR - overlap, 2 * SR)])
    result = mix(story, {"a": a, "b": b})
    plans = result.clips
    assert plans["a"].fade_out.length == overlap and plans["b"].fade_in.length == overlap
    assert plans["a"].fade_out.curve == plans["b"].fade_in.curve == FadeCurve.EQUAL_POWER
    master = result.master

    def rms_db(lo, hi):
        return 10 * np.log10(np.mean(master[:, lo:hi] ** 2))

    before = rms_db(SR // 2, SR)
    across = rms_db(2 * SR - overlap + 2000, 2 * SR - 2000)
    assert across == pytest.approx(before, abs=0.5)  # no dip, no bump
    # with tones (whose own steps are steady) neither end of the overlap clicks
    tones = mix(story, {"a": tone(200.0, 2.0, phase=2.0), "b": tone(310.0, 2.0, phase=0.5)})
    assert not clicks_at(tones.master, 2 * SR - overlap)
    assert not clicks_at(tones.master, 2 * SR)


def test_a_split_clip_plays_back_exactly_like_the_whole_clip():
    take = noise(3.0, 7)
    take_record = Take(id="t1", path="takes/x.flac", generator="test", generator_version="1",
                       parameters={}, seed=1, sample_rate=SR, channels=2, frames=take.shape[1],
                       render_key="k")
    whole = one_track([event("w", 1000, 2 * SR, offset=SR // 4, takes=[take_record],
                             active_take_id="t1")])
    cut = SR  # split one second in: both halves play the same take, same alignment
    halves = one_track([
        event("a", 1000, cut, offset=SR // 4, takes=[take_record], active_take_id="t1"),
        event("b", 1000 + cut, 2 * SR - cut, offset=SR // 4 + cut, takes=[take_record],
              active_take_id="t1")])
    reference = mix(whole, {"w": take}).master
    result = mix(halves, {"a": take, "b": take})
    assert result.clips["a"].fade_out.curve == FadeCurve.LINEAR  # equal gain: exact rebuild
    assert np.max(np.abs(result.master - reference)) < 1e-6


def test_a_clip_inside_another_fades_in_and_out():
    bed, hit = tone(110.0, 3.0, 0.3), tone(880.0, 1.0, 0.4, phase=1.0)
    story = one_track([event("bed", 0, 3 * SR), event("hit", SR, SR)])
    result = mix(story, {"bed": bed, "hit": hit})
    assert result.clips["hit"].fade_in.length > 0 and result.clips["hit"].fade_out.length > 0
    assert result.clips["bed"].fade_in.length == 0  # the outer clip is left alone
    for edge in (SR, 2 * SR):
        assert not clicks_at(result.master, edge)


@pytest.mark.parametrize("curve, middle", [(FadeCurve.LINEAR, 0.5),
                                           (FadeCurve.EQUAL_POWER, np.sqrt(0.5))])
def test_fade_curves(curve, middle):
    level = 0.25
    flat = np.full((1, SR), level, dtype=np.float32)
    story = one_track([event("e", 0, SR, fade_in_s=0.5, fade_out_s=0.25, fade_curve=curve)],
                      seconds=1.0)
    left = mix(story, {"e": flat}).master[0]
    assert left[0] == 0.0
    assert left[SR // 4] == pytest.approx(level * middle, rel=1e-3)  # half way into the fade-in
    assert left[SR // 2 + 1000] == pytest.approx(level, rel=1e-6)  # body untouched
    assert left[SR - 6000] == pytest.approx(level * middle, rel=1e-3)  # half way out
    assert abs(left[-1]) < level * 0.01


def test_master_is_the_sum_of_the_stems_before_the_master_bus():
    tracks = [Track(id=f"t{i}", name=f"T{i}", kind=TrackKind.EFFECTS, pan=p, gain_db=g)
              for i, (p, g) in enumerate([(-0.7, 0.0), (0.4, -6.0), (0.0, 3.0)])]
    events = [Event(id=f"e{i}", track_id=f"t{i % 3}", start=i * SR // 3, duration=SR,
                    caption="x", seed=i, gain_db=-2.0 * (i % 2), fade_in_s=0.05)
              for i in range(9)]
    story = Story(duration=5 * SR, tracks=tracks, events=events)
    takes = {e.id: noise(1.2, i) for i, e in enumerate(events)}
    result = mix(story, takes)
    total = sum(result.stems.values())
    assert np.max(np.abs(result.master - total)) <= 1e-6
    source = result.master_source()  # the export's slice-at-a-time view of the same sum
    assert isinstance(source, np.ndarray) or isinstance(source, StemSum)
    fresh = Mixer(MixSettings()).mix(story, lambda e: (takes[e.id], SR)).master_source()
    assert isinstance(fresh, StemSum)
    assert np.max(np.abs(fresh[:, 12_345:99_999] - result.master[:, 12_345:99_999])) <= 1e-6
