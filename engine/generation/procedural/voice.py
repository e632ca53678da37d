"""Voice-like synthesis shared by animals and crowds: a glottal buzz through vowel formants.

A source (pitched buzz plus breath) is filtered by the formants of a few vowels, and the
vowel outputs are cross-faded along the call: "mee-ow" glides from an e to an a to an u.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.generation.procedural import dsp

# First three formants (Hz) of an adult voice; animals scale them by their size.
VOWELS = {
    "a": (800.0, 1200.0, 2500.0),
    "e": (500.0, 1900.0, 2500.0),
    "i": (300.0, 2300.0, 3000.0),
    "o": (500.0, 900.0, 2400.0),
    "u": (320.0, 800.0, 2300.0),
    "m": (250.0, 1100.0, 2200.0),  # a closed mouth: a nasal hum
}
_FORMANT_GAINS = (1.0, 0.5, 0.25)


def formant_filter(x: np.ndarray, sr: int, formants: Sequence[float], q: float = 6.0) -> np.ndarray:
    return dsp.resonate(x, sr, formants, [q, q * 1.3, q * 1.6], _FORMANT_GAINS)


def voiced(sr: int, rng: np.random.Generator, f0: np.ndarray, vowels: Sequence[str],
           weights: np.ndarray | None = None, scale: float = 1.0, breath: float = 0.1,
           brightness: float = 0.5, rough: float = 0.0, jitter: float = 0.01,
           q: float = 6.0) -> np.ndarray:
    """A vocal sound along the pitch curve `f0`, gliding through `vowels` by `weights`.

    weights: (len(vowels), n) cross-fade curves (default: an even glide from first to last);
    scale: formant scale (a small animal has a short vocal tract: scale > 1);
    rough: 0..1 growl (random amplitude modulation at voice rate).
    """
    n = f0.size
    source = dsp.glottal(f0, n, sr, brightness, rng, jitter)
    source = source / (np.std(source) + 1e-9)
    if breath > 0:
        source = source + breath * rng.standard_normal(n)
    if rough > 0:
        flutter = dsp.lowpass(rng.standard_normal(n), sr, 90)
        source = source * (1 + rough * flutter / (np.std(flutter) + 1e-9))
    if weights is None:
        weights = glide_weights(len(vowels), n)
    out = np.zeros(n)
    for vowel, weight in zip(vowels, weights):
        formants = np.asarray(VOWELS[vowel]) * scale
        out += weight * formant_filter(source, sr, formants, q)
    return out


def glide_weights(count: int, n: int, points: Sequence[float] | None = None) -> np.ndarray:
    """Cross-fade curves for `count` vowels reached at `points` (fractions of the call)."""
    if count == 1:
        return np.ones((1, n))
    points = np.linspace(0, 1, count) if points is None else np.asarray(points)
    x = np.linspace(0, 1, n)
    weights = np.zeros((count, n))
    for k in range(count):
        one_hot = np.zeros(count)
        one_hot[k] = 1.0
        weights[k] = np.interp(x, points, one_hot)
    return weights


def contour(n: int, points: Sequence[float], values: Sequence[float]) -> np.ndarray:
    """A piecewise-smooth curve through (fraction, value) points: a pitch or level contour."""
    x = np.linspace(0, 1, n)
    return np.interp(x, points, values)
