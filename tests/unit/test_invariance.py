"""Invariance, pedalboard-style: the meter, the master bus and the mixer give the same answers
whatever the sample rate (16 k, 44.1 k, 48 k), the channel count (1, 2, 6) and the block
size the audio comes in (chunked or whole), within the tolerances stated here.

The test programme is defined in seconds and hertz (tones below 3 kHz, level changes, decaying
hits), so it is the same sound at every rate; only the sampling differs.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pytest

import engine.mix.mixer as mixer_module
from engine.meter.loudness import LoudnessMeter, measure, true_peak
from engine.mix.master_bus import LOUDNESS_TOLERANCE_LU, plan_master_bus
from engine.mix.mixer import Mixer, StemSum
from engine.model.story import Event, Story, Track, TrackKind

RATES = (16_000, 44_100, 48_000)
CHANNELS = (1, 2, 6)
# Loudness figures against 48 kHz. The K-weighting filters are designed for each rate (as
# pyloudnorm does); at 44.1 kHz they match the 48 kHz response to 0.002 dB, at 16 kHz the
# bilinear design is warped by up to 0.08 dB between 1 and 3 kHz: within EBU Tech 3341's
# +-0.1 LU for a meter.
RATE_LU = {48_000: 1e-9, 44_100: 0.01, 16_000: 0.1}
RATE_PEAK_DB = 0.05  # 4x oversampling under-reads tones by < 0.1 dB, near alike at each rate
# The limiter plans its gain curve on each rate's own samples: the delivered gain agrees to a
# few hundredths of a dB.
RATE_GAIN_DB = 0.05
CEILING_DBTP = -1.0
FIGURES = ("integrated_lufs", "momentary_max_lufs", "short_term_max_lufs", "loudness_range_lu")


@lru_cache(maxsize=16)
def programme(sample_rate: int, seconds: float = 8.0, pitch: float = 1.0) -> np.ndarray:
    """Mono (1, n), read-only: a chord whose level steps up 10 dB for three seconds and swells
    slowly, with four decaying 1.5 kHz hits for peaks (every frequency times `pitch`)."""
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    level = np.where((t > 3) & (t < 6), 1.0, 0.3) * (1 + 0.3 * np.sin(2 * np.pi * 0.25 * t))
    chord = sum(amplitude * np.sin(2 * np.pi * hz * pitch * t + phase)
                for amplitude, hz, phase in ((0.1, 110, 0), (0.08, 440, 1), (0.05, 1000, 2),
                                             (0.03, 2500, 3)))
    signal = level * chord
    for hit_s in (1.0, 2.5, 4.2, 6.7):
        since = np.clip(t - hit_s, 0.0, None)
        signal = signal + np.where(t >= hit_s, 0.6 * np.exp(-30 * since), 0.0) \
            * np.sin(2 * np.pi * 1500 * pitch * since)
    audio = signal.astype(np.float32)[None]
    audio.flags.writeable = False
    return audio


def in_channels(mono: np.ndarray, channels: int, sample_rate: int) -> np.ndarray:
    """The programme in every full-range channel; a 5.1 file also gets a 40 Hz LFE rumble."""
    audio = np.repeat(mono, channels, axis=0)
    if channels == 6:  # L R C LFE Ls Rs
        audio[3] = 0.5 * np.sin(2 * np.pi * 40 * np.arange(mono.shape[1]) / sample_rate)
    return audio


# -- the loudness meter ---------------------------------------------------------------------
def test_meter_reads_the_same_at_every_sample_rate():
    stats = {rate: measure(programme(rate), rate) for rate in RATES}
    reference = stats[48_000]
    for rate, figures in stats.items():
        for name in FIGURES:
            assert getattr(figures, name) == pytest.approx(getattr(reference, name),
                                                           abs=RATE_LU[rate]), (rate, name)
        assert figures.true_peak_dbtp == pytest.approx(reference.true_peak_dbtp,
                                                       abs=RATE_PEAK_DB), rate
        assert figures.duration_s == pytest.approx(8.0)


@pytest.mark.parametrize("channels", CHANNELS)
def test_meter_sums_channels_as_bs1770_weighs_them(channels):
    """The same programme in N channels reads 10 log10(sum of their weights) louder than in
    one: 2 for stereo, 3 + 2 x 1.41 for 5.1, whose LFE does not count."""
    mono = programme(48_000)
    alone = measure(mono, 48_000)
    stats = measure(in_channels(mono, channels, 48_000), 48_000)
    weight = {1: 1.0, 2: 2.0, 6: 3 + 2 * 1.41}[channels]
    for name in ("integrated_lufs", "momentary_max_lufs", "short_term_max_lufs"):
        assert getattr(stats, name) == pytest.approx(getattr(alone, name)
                                                     + 10 * math.log10(weight), abs=0.01), name
    assert stats.loudness_range_lu == pytest.approx(alone.loudness_range_lu, abs=0.01)
    if channels < 6:  # the LFE rumble is the loudest sample of the 5.1 file, not of the mix
        assert stats.true_peak_dbtp == pytest.approx(alone.true_peak_dbtp, abs=1e-6)


@pytest.mark.parametrize("channels", CHANNELS)
def test_meter_gives_the_same_figures_however_the_audio_is_chunked(channels):
    audio = in_channels(programme(44_100), channels, 44_100)
    whole = measure(audio, 44_100, chunk=audio.shape[1])
    for chunk in (441, 4095):  # 10 ms; a length off every 100 ms step and peak block
        meter = LoudnessMeter(44_100, channels)
        for start in range(0, audio.shape[1], chunk):
            meter.feed(audio[:, start:start + chunk])
        chunked = meter.result()
        for name in (*FIGURES, "sample_peak_dbfs"):
            assert getattr(chunked, name) == pytest.approx(getattr(whole, name), abs=1e-4), \
                (chunk, name)
        assert chunked.true_peak_dbtp == pytest.approx(whole.true_peak_dbtp, abs=1e-4)
    assert whole.true_peak_dbtp == pytest.approx(20 * math.log10(true_peak(audio)), abs=1e-6)


# -- the master bus (loudness target, true-peak limiter) -------------------------------------
def delivered(audio: np.ndarray, sample_rate: int, loudness: str = "streaming"):
    bus = plan_master_bus(audio, sample_rate, loudness, CEILING_DBTP)
    return bus, bus.process(audio, 0)


def test_master_bus_delivers_the_same_master_at_every_sample_rate():
    results = {rate: delivered(np.repeat(programme(rate), 2, axis=0), rate) for rate in RATES}
    reference_bus, _ = results[48_000]
    assert reference_bus.max_reduction_db > 1.0  # the limiter works on this programme
    for rate, (bus, out) in results.items():
        stats = measure(out, rate)
        assert stats.integrated_lufs == pytest.approx(-14.0, abs=LOUDNESS_TOLERANCE_LU), rate
        assert stats.true_peak_dbtp <= CEILING_DBTP, rate
        assert bus.gain_db == pytest.approx(reference_bus.gain_db, abs=RATE_GAIN_DB), rate
        assert bus.max_reduction_db == pytest.approx(reference_bus.max_reduction_db,
                                                     abs=0.1), rate


@pytest.mark.parametrize("channels", CHANNELS)
def test_master_bus_holds_target_and_ceiling_for_every_channel_count(channels):
    audio = in_channels(programme(48_000), channels, 48_000)
    bus, out = delivered(audio, 48_000)
    stats = measure(out, 48_000)
    assert stats.integrated_lufs == pytest.approx(-14.0, abs=LOUDNESS_TOLERANCE_LU)
    assert stats.true_peak_dbtp <= CEILING_DBTP
    # one gain for every channel: channels that came in identical go out identical
    full_range = [c for c in range(channels) if not (channels == 6 and c == 3)]
    for channel in full_range[1:]:
        assert np.array_equal(out[channel], out[full_range[0]])


@pytest.mark.parametrize("channels", CHANNELS)
def test_master_bus_is_the_same_applied_in_blocks_or_whole(channels):
    audio = in_channels(programme(48_000), channels, 48_000)
    bus, whole = delivered(audio, 48_000)
    for block in (1000, 4096, 48_000):
        pieces = [bus.process(audio[:, start:start + block], start)
                  for start in range(0, audio.shape[1], block)]
        assert np.array_equal(np.concatenate(pieces, axis=1), whole), block
    if channels == 2:  # planned from stems summed a slice at a time: the same bus
        half = audio / 2
        from_stems = plan_master_bus(StemSum([half, half], audio.shape[1]), 48_000,
                                     "streaming", CEILING_DBTP)
        assert from_stems.gain_db == pytest.approx(bus.gain_db, abs=1e-9)
        assert [s.start for s in from_stems.segments] == [s.start for s in bus.segments]


# -- the mixer -------------------------------------------------------------------------------
def story_at(sample_rate: int) -> Story:
    """Two tracks, three clips placed and faded in seconds, at `sample_rate`."""
    def at(seconds: float) -> int:
        return round(seconds * sample_rate)

    return Story(
        duration=at(8.0), sample_rate=sample_rate,
        tracks=[Track(id="bed", name="Bed", kind=TrackKind.AMBIENCE, gain_db=-6.0),
                Track(id="fx", name="FX", kind=TrackKind.EFFECTS, pan=0.4)],
        events=[Event(id="b", track_id="bed", start=0, duration=at(8.0), caption="bed", seed=1,
                      fade_in_s=0.5, fade_out_s=1.0),
                Event(id="a", track_id="fx", start=at(1.25), duration=at(2.0), caption="a",
                      seed=2, gain_db=-3.0, fade_out_s=0.25),
                Event(id="c", track_id="fx", start=at(3.0), duration=at(3.5), caption="c",
                      seed=3)])


def takes_at(sample_rate: int, channels: int = 2) -> dict[str, tuple[np.ndarray, int]]:
    def take(pitch: float) -> tuple[np.ndarray, int]:
        audio = in_channels(programme(sample_rate, pitch=pitch), 2, sample_rate)
        if channels == 1:
            audio = audio[:1]
        elif channels == 6:  # the programme in L and R of a 5.1 take, the rest silent
            audio = np.concatenate([audio, np.zeros((4, audio.shape[1]), np.float32)])
        return audio, sample_rate

    return {"b": take(1.0), "a": take(1.0), "c": take(1.25)}


def mix(story: Story, takes) -> np.ndarray:
    return Mixer().mix(story, lambda event: takes.get(event.id)).master


@lru_cache(maxsize=4)
def stereo_mix(sample_rate: int) -> np.ndarray:
    return mix(story_at(sample_rate), takes_at(sample_rate))


def test_mixer_gives_the_same_mix_at_every_sample_rate():
    masters = {rate: stereo_mix(rate) for rate in RATES}
    reference = measure(masters[48_000], 48_000)
    for rate, master in masters.items():
        assert master.shape == (2, round(8.0 * rate))
        stats = measure(master, rate)
        for name in FIGURES:
            assert getattr(stats, name) == pytest.approx(getattr(reference, name),
                                                         abs=RATE_LU[rate]), (rate, name)
        assert stats.true_peak_dbtp == pytest.approx(reference.true_peak_dbtp,
                                                     abs=RATE_PEAK_DB), rate


def test_mixer_places_clips_on_the_same_instant_at_every_sample_rate():
    for rate in RATES:
        story = story_at(rate)
        click = np.zeros((1, rate), np.float32)
        click[0, 0] = 0.5
        master = mix(story, {"a": (click, rate)})
        assert np.flatnonzero(master[0]).tolist() == [round(1.25 * rate)], rate


@pytest.mark.parametrize("channels", CHANNELS)
def test_mixer_gives_the_same_mix_for_a_take_in_any_channel_count(channels):
    """Mono, stereo or 5.1: the same programme in the take gives the same master."""
    assert np.array_equal(mix(story_at(48_000), takes_at(48_000, channels)), stereo_mix(48_000))


def test_mixer_gives_the_same_mix_whatever_its_block_size(monkeypatch):
    story, takes = story_at(44_100), takes_at(44_100)
    reference = Mixer().mix(story, lambda event: takes.get(event.id))
    for block in (1000, 4096):
        monkeypatch.setattr(mixer_module, "BLOCK", block)
        result = Mixer().mix(story, lambda event: takes.get(event.id))
        assert np.array_equal(result.master, reference.master), block
    source = StemSum(list(reference.stems.values()), reference.length)
    pieces = [source[:, start:start + 3000] for start in range(0, reference.length, 3000)]
    assert np.array_equal(np.concatenate(pieces, axis=1), reference.master)
