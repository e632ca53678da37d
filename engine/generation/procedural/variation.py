"""Close variations of a procedural take: the recipe and the scene stay, the performance
varies by an amount.

A variation renders the event again with a new performance (its own seed; intensity,
brightness and size nudged by up to VARIATION_SPREAD x amount) in the same scene: the same
room, the same timbre of every source, the same place in the stereo field. Then about
`amount` of the take's length, in stretches of about STRETCH_S, comes from that new
performance and the rest stays the take's own audio, sample for sample; each switch is an
equal-power crossfade placed at the quietest moment near it, so a bark or a knock is not
cut in half. Amount 0.2 keeps most of what happens where it happened; amount 1 is the new
performance throughout.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from engine.generation.procedural import dsp
from engine.generation.procedural.params import SoundParams

VARIED_PARAMS = ("intensity", "brightness", "size")  # not speed: the pace stays
VARIATION_SPREAD = 0.3  # amount 1 moves each of VARIED_PARAMS by up to this much
STRETCH_S = 0.75        # the length of the stretches taken from the new performance
SWITCH_S = 0.03         # the crossfade at each switch
SNAP_S = 0.2            # a switch moves at most this far to find a quiet moment


@dataclass(frozen=True)
class Variation:
    """How far a variation strays from its take (amount 0..1), and its seed."""

    amount: float
    seed: int

    def performance_seed(self, seed: int) -> int:
        return dsp.int_seed(seed, "variation", self.seed)

    def nudged(self, params: SoundParams, index: int) -> SoundParams:
        rng = dsp.rng_for(self.seed, "variation", index)
        shifts = rng.uniform(-1.0, 1.0, len(VARIED_PARAMS)) * VARIATION_SPREAD * self.amount
        return replace(params, **{name: getattr(params, name) + float(shift)
                                  for name, shift in zip(VARIED_PARAMS, shifts)})


def splice(take: np.ndarray, other: np.ndarray, sample_rate: int,
           variation: Variation) -> np.ndarray:
    """`take` with about `amount` of its length replaced by `other` (same shape)."""
    length = take.shape[1]
    if variation.amount >= 1.0:
        return np.ascontiguousarray(other, np.float32)
    stretch = max(int(STRETCH_S * sample_rate), 1)
    count = max(math.ceil(length / stretch), 1)
    chosen = np.zeros(count, bool)
    if variation.amount <= 0.0:
        return np.ascontiguousarray(take, np.float32)
    picks = max(int(round(variation.amount * count)), 1)  # a variation always varies
    rng = dsp.rng_for(variation.seed, "splice")
    chosen[rng.choice(count, size=picks, replace=False)] = True
    level = np.abs(take).max(axis=0) + np.abs(other).max(axis=0)
    fade = max(int(SWITCH_S * sample_rate), 1)
    gains = np.zeros(length, np.float32)  # 1 where the new performance plays
    for index in np.flatnonzero(chosen):
        start = _quiet_point(level, index * stretch, sample_rate) if index else 0
        end = (_quiet_point(level, (index + 1) * stretch, sample_rate) if index < count - 1
               else length)
        gains[start:end] = 1.0
    gains = _smoothed(gains, fade)
    rise = np.sin(0.5 * np.pi * gains)
    keep = np.cos(0.5 * np.pi * gains)
    out = np.where(gains == 0.0, take, np.where(gains == 1.0, other, take * keep + other * rise))
    return np.ascontiguousarray(out, np.float32)


def _quiet_point(level: np.ndarray, near: int, sample_rate: int) -> int:
    """The quietest sample within SNAP_S of `near` (a little smoothing first)."""
    reach = int(SNAP_S * sample_rate)
    lo, hi = max(near - reach, 0), min(near + reach, level.size)
    if hi <= lo:
        return min(max(near, 0), level.size)
    window = max(int(0.005 * sample_rate), 1)
    smooth = np.convolve(level[lo:hi], np.ones(window) / window, mode="same")
    return lo + int(np.argmin(smooth))


def _smoothed(gains: np.ndarray, fade: int) -> np.ndarray:
    """Steps of 0 and 1 turned into linear ramps of `fade` samples (centred on each step),
    which the sine/cosine above make equal power."""
    kernel = np.ones(fade, np.float32) / fade
    ramps = np.convolve(gains, kernel, mode="same").astype(np.float32)
    return np.clip(ramps, 0.0, 1.0)
