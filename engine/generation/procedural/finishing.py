"""The last stage of every take: clean edges, no DC, nothing above the audible band, a
documented loudness per track kind.

Takes are normalised to the loudness of their track kind (`engine.mix.targets`). A caption's
distance and intensity move a take from its target, relative to the recipe's ordinary values:
-12 dB across the whole distance range (a distant dog is quieter than a near one), +-2 dB for
intensity, and -6 dB when muffled behind a wall. Peaks are limited to -1 dBFS by a look-ahead
limiter (no clipping). The band is cut at 20 Hz and 20 kHz: noise and
saturated sources reach Nyquist, and content up there is inaudible yet makes the master's
true peak depend on the resampler that reads it. The first and last 10 ms fade in and out so
clips never click at their boundaries, except in a seamless loop, whose end runs on into its
start (its filters are run round the seam instead).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import signal

from engine.generation.procedural.effects import limit
from engine.generation.procedural.params import SoundParams
from engine.meter.loudness import integrated_lufs
from engine.mix.targets import take_target_lufs

PEAK_CEILING = 10 ** (-1.0 / 20)  # -1 dBFS
EDGE_FADE_S = 0.01
DISTANCE_RANGE_DB = 12.0
INTENSITY_RANGE_DB = 4.0
MUFFLED_DB = -6.0
_MEASURE_MAX_S = 60.0  # a longer take's loudness is measured on its first minute: beds are steady
_SEAM_PRIMING_S = 0.25  # a loop's filters start from its own end, so the seam holds no transient


def target_lufs(track_kind: str, params: SoundParams, defaults: SoundParams) -> float:
    target = take_target_lufs(track_kind)
    target -= DISTANCE_RANGE_DB * (params.distance - defaults.distance)
    target += INTENSITY_RANGE_DB * (params.intensity - defaults.intensity)
    if params.muffled:
        target += MUFFLED_DB
    return target


LOW_EDGE_HZ = 18.0  # DC and subsonic rumble out
HIGH_EDGE_HZ = 20_000.0


@lru_cache(maxsize=8)
def _band_sos(sr: int) -> np.ndarray:
    low = signal.butter(2, LOW_EDGE_HZ, "highpass", fs=sr, output="sos")
    if HIGH_EDGE_HZ >= 0.45 * sr:  # a low rate's own band ends below 20 kHz already
        return low
    return np.concatenate([low, signal.butter(4, HIGH_EDGE_HZ, "lowpass", fs=sr, output="sos")])


def band_limited(mix: np.ndarray, sr: int) -> np.ndarray:
    """`mix` between LOW_EDGE_HZ and HIGH_EDGE_HZ (one filter pass)."""
    return signal.sosfilt(_band_sos(sr), mix, axis=-1)


def active_level_db(x: np.ndarray, sr: int) -> float:
    """Level (dB RMS) of the audible part: 50 ms frames within 30 dB of the loudest."""
    mono = x.mean(axis=0) if x.ndim == 2 else x
    frame = max(int(0.05 * sr), 1)
    count = max(mono.size // frame, 1)
    if mono.size >= frame:
        frames = mono[: count * frame].reshape(count, frame)
        energy = np.einsum("ij,ij->i", frames, frames) / frame
    else:
        energy = np.array([np.mean(mono ** 2)])
    loudest = energy.max()
    if loudest <= 1e-20:
        return -200.0
    active = energy[energy >= loudest * 1e-3]
    return float(10 * np.log10(np.mean(active)))


def finish(mix: np.ndarray, sr: int, target: float, seamless: bool = False) -> np.ndarray:
    """The clean float32 take at `target` LUFS (or as close as the peak ceiling allows);
    `seamless`: `mix` is a loop, kept one (no edge fades)."""
    # (in place after the first filter: a three-minute bed is mostly memory traffic)
    if seamless:
        priming = min(int(_SEAM_PRIMING_S * sr), mix.shape[1])
        primed = np.concatenate([mix[:, mix.shape[1] - priming:], mix], axis=1)
        mix = band_limited(primed, sr)[:, priming:]
    else:
        mix = band_limited(mix, sr)
    measured = integrated_lufs(mix[:, : int(_MEASURE_MAX_S * sr)], sr)
    if measured is not None:
        mix *= 10 ** ((target - measured) / 20)
    else:  # under 0.4 s: BS.1770 cannot gate; the active level is close for short sounds
        mix *= 10 ** ((target - 3.0 - active_level_db(mix, sr)) / 20)
    limit(mix, sr, PEAK_CEILING)
    mix -= mix.mean(axis=1, keepdims=True)
    fade = 0 if seamless else min(int(EDGE_FADE_S * sr), mix.shape[1] // 2)
    if fade > 0:
        ramp = np.sin(0.5 * np.pi * np.linspace(0.0, 1.0, fade)) ** 2
        mix[:, :fade] *= ramp
        mix[:, -fade:] *= ramp[::-1]
    peak = float(np.max(np.abs(mix))) if mix.size else 0.0
    if peak > PEAK_CEILING:  # the mean removal can nudge a limited peak up by a hair
        mix *= PEAK_CEILING / peak
    return mix.astype(np.float32)
