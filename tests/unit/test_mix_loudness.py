"""Loudness meter (BS.1770 / EBU R 128) and the master bus: targets and true-peak limiter.

References are independent: pyloudnorm's integrated loudness and loudness range, soxr's
very-high-quality 4x resampler for true peak, and closed-form values for test signals.
"""
from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest
import soxr

from engine.errors import InvalidInput
from engine.meter.loudness import LoudnessMeter, measure, true_peak
from engine.mix.master_bus import plan_master_bus

SR = 48_000


def db(value: float) -> float:
    return 20 * np.log10(value)


def soxr_true_peak_db(audio: np.ndarray) -> float:
    return db(np.abs(soxr.resample(audio.T.astype(np.float64), SR, 4 * SR, quality="VHQ")).max())


def programme(seconds: float = 30.0, seed: int = 0) -> np.ndarray:
    """Something like a sound-design mix: a quiet bed, decaying hits, a loud passage."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    audio = (0.02 * rng.standard_normal((2, n))).astype(np.float32)
    for start in rng.integers(0, n - SR, size=int(seconds)):
        length = int(rng.integers(SR // 10, SR))
        envelope = np.exp(-np.arange(length) / (length / 5))
        t = np.arange(length) / SR
        audio[:, start:start + length] += (rng.uniform(0.1, 0.6) * envelope
                                           * np.sin(2 * np.pi * rng.uniform(80, 3000) * t))
    audio[:, n // 3: n // 3 + 4 * SR] *= 3.0
    return audio


def test_integrated_loudness_matches_pyloudnorm_however_it_is_fed():
    audio = programme(20.0)
    reference = pyloudnorm.Meter(SR).integrated_loudness(audio.T.astype(np.float64))
    assert measure(audio, SR).integrated_lufs == pytest.approx(reference, abs=0.01)
    meter = LoudnessMeter(SR, 2)
    rng = np.random.default_rng(1)  # chunk edges anywhere, on and off the 100 ms steps
    edges = np.sort(np.r_[rng.integers(0, audio.shape[1], size=40), 4800, 48_000, 48_001])
    for lo, hi in zip(np.r_[0, edges], np.r_[edges, audio.shape[1]]):
        meter.feed(audio[:, lo:hi])
    assert meter.result().integrated_lufs == pytest.approx(reference, abs=0.01)


def test_short_term_maximum_and_loudness_range():
    # 10 s at one level, 10 s at 10 dB less, repeated: the range is 10 LU
    quiet, loud = 0.03, 0.03 * 10 ** 0.5
    rng = np.random.default_rng(2)
    parts = [level * rng.standard_normal((2, 10 * SR)) for level in (loud, quiet) * 3]
    audio = np.concatenate(parts, axis=1).astype(np.float32)
    stats = measure(audio, SR)
    assert stats.loudness_range_lu == pytest.approx(10.0, abs=0.5)
    reference = pyloudnorm.Meter(SR).loudness_range(audio.T.astype(np.float64))
    assert stats.loudness_range_lu == pytest.approx(reference, abs=0.5)
    # the loudest 3 s are wholly inside a loud part: short-term max = that part's loudness
    loud_part = pyloudnorm.Meter(SR).integrated_loudness(parts[0].T)
    assert stats.short_term_max_lufs == pytest.approx(loud_part, abs=0.2)
    assert stats.short_term_max_lufs > stats.integrated_lufs


def test_true_peak_of_known_signals():
    t = np.arange(SR) / SR
    ramp = np.minimum(1.0, np.minimum(t, 1 - t) * 50)  # no clicks at the ends
    # a quarter-sample-rate sine sampled 45 degrees off its crests: samples at -3 dB
    quarter = (0.5 * ramp * np.sin(2 * np.pi * SR / 4 * t + np.pi / 4)).astype(np.float32)
    assert db(np.abs(quarter).max() / 0.5) == pytest.approx(-3.01, abs=0.01)
    assert db(true_peak(quarter[None]) / 0.5) == pytest.approx(0.0, abs=0.05)
    low = (0.5 * ramp * np.sin(2 * np.pi * 997 * t)).astype(np.float32)
    assert db(true_peak(low[None]) / 0.5) == pytest.approx(0.0, abs=0.01)
    mix = programme(10.0, seed=3)
    assert db(true_peak(mix)) == pytest.approx(soxr_true_peak_db(mix), abs=0.05)
    assert measure(mix, SR).true_peak_dbtp == pytest.approx(db(true_peak(mix)), abs=1e-6)


@pytest.mark.parametrize("preset, target", [("ebu", -23.0), ("podcast", -16.0),
                                            ("streaming", -14.0)])
def test_master_bus_reaches_each_target_under_the_ceiling(preset, target):
    audio = programme(30.0, seed=4)
    bus = plan_master_bus(audio, SR, preset, -1.0)
    out = bus.process(audio, 0)
    assert pyloudnorm.Meter(SR).integrated_loudness(out.T.astype(np.float64)) == \
        pytest.approx(target, abs=0.1)
    assert db(true_peak(out)) <= -1.0
    assert soxr_true_peak_db(out) <= -1.0 + 0.05  # an independent 4x oversampler agrees
    assert bus.output_loudness()[0] == pytest.approx(target, abs=0.1)  # predicted = measured


def test_limiter_only_touches_the_peaks():
    audio = programme(20.0, seed=5) * 0.3
    burst = slice(5 * SR, 5 * SR + 2400)
    audio[:, burst] = 1.6 * np.sin(np.linspace(0, 60 * np.pi, 2400))  # +4 dBFS for 50 ms
    bus = plan_master_bus(audio, SR, "none", -1.0)
    out = bus.process(audio, 0)
    assert bus.gain_db == 0.0
    assert db(true_peak(out)) <= -1.0 and bus.max_reduction_db > 4.0
    changed = np.flatnonzero(np.any(out != audio, axis=0))
    assert changed.min() > 5 * SR - SR // 50  # a few ms of look-ahead before the burst
    assert changed.max() < 5 * SR + 2400 + SR // 2  # and a short release after it
    untouched = np.r_[0:4 * SR, 7 * SR:audio.shape[1]]
    assert np.array_equal(out[:, untouched], audio[:, untouched])


def test_silence_and_bad_settings():
    silent = np.zeros((2, 5 * SR), dtype=np.float32)
    bus = plan_master_bus(silent, SR, "ebu")
    assert bus.gain_db == 0.0 and bus.warnings  # nothing to normalise, and it says so
    assert measure(silent, SR).integrated_lufs is None
    with pytest.raises(InvalidInput, match="loudness preset"):
        plan_master_bus(silent, SR, "loud")
    with pytest.raises(InvalidInput, match="dBTP"):
        plan_master_bus(silent, SR, "ebu", true_peak_db=3.0)
