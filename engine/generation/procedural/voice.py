"""Voice-like synthesis shared by animals and crowds.

Two sources: `voiced`, a smooth glottal buzz through the formants of a few vowels cross-faded
along the call (pure, sung calls: a howl, a gull, a cheer); and `pulse_source` with
`formant_track`, a throat built pulse by pulse with its faults (jitter, shimmer, alternating
pulses, breath) through resonances that move as the jaw does (barks, meows, neighs, moos).
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


# ---- animal calls: a pulsed source with the faults of a real throat --------------------

def pulse_source(sr: int, rng: np.random.Generator, f0: np.ndarray, tilt_hz: float = 2500.0,
                 jitter: float = 0.02, shimmer: float = 0.15, subharmonic: float = 0.0,
                 breath: float = 0.3, breath_band: tuple[float, float] = (400.0, 7000.0)
                 ) -> np.ndarray:
    """A throat's buzz along the pitch curve `f0`, built pulse by pulse.

    Real calls are not a clean buzz: each period differs a little (jitter) and each pulse's
    strength (shimmer); a strained or barking voice alternates strong and weak pulses
    (subharmonic: period doubling, the rasp of a bark or a bellow); and air rushes through
    with every pulse (breath: noise gated by the pulses). `tilt_hz` rolls the pulses' spectrum
    off above it (a bright yelp: high; a soft moo: low).
    """
    n = f0.size
    wobble = 1 + jitter * (dsp.smooth_curve(rng, n, sr, 60.0) - 0.5) * 2
    cycles = np.cumsum(f0 * wobble) / sr + rng.random()
    at = np.flatnonzero(np.diff(np.floor(cycles), prepend=np.floor(cycles[0])) > 0)
    strength = np.clip(1 + shimmer * rng.standard_normal(at.size), 0.1, None)
    if subharmonic > 0:
        strength[1::2] *= 1 - subharmonic
    pulses = dsp.impulse_train(n, at, strength)
    buzz = dsp.lowpass(pulses, sr, tilt_hz, order=2)
    buzz = buzz / (np.std(buzz) + 1e-9)
    if breath > 0:
        gate = dsp.lowpass(pulses, sr, 300.0)
        gate = 0.35 + gate / (np.abs(gate).max() + 1e-9)
        air = dsp.bandpass(rng.standard_normal(n), sr, *breath_band)
        buzz = buzz + breath * air * gate / (np.std(air * gate) + 1e-9)
    return buzz


def formant_track(x: np.ndarray, sr: int, formants_hz: Sequence[np.ndarray | float],
                  bandwidths_hz: Sequence[float], gains: Sequence[float]) -> np.ndarray:
    """Parallel resonances whose centres may move (a jaw opening: "wo-of", "mee-ow")."""
    out = np.zeros_like(x)
    for centre, width, gain in zip(formants_hz, bandwidths_hz, gains):
        mean = float(np.mean(centre))
        q = max(mean / max(width, 1.0), 0.5)
        if np.ndim(centre) == 0:
            out += gain * dsp.resonate(x, sr, [mean], q)
        else:
            out += gain * dsp.sweep_filter(x, sr, centre, q=q, kind="bandpass", block=128)
    return out
