"""Small DSP building blocks for the recipes. Audio is float32 (channels, samples)."""
from __future__ import annotations

import numpy as np
from scipy import signal


def noise(n: int, rng: np.random.Generator, slope_db_per_octave: float = 0.0) -> np.ndarray:
    """Gaussian noise with a spectral tilt (0 white, -3 pink, -6 brown), unit RMS."""
    white = rng.standard_normal(n)
    if slope_db_per_octave == 0.0 or n < 4:
        return white / (np.std(white) + 1e-12)
    spectrum = np.fft.rfft(white)
    freqs = np.fft.rfftfreq(n)
    freqs[0] = freqs[1]
    spectrum *= freqs ** (slope_db_per_octave / (20 * np.log10(2)))
    shaped = np.fft.irfft(spectrum, n)
    return shaped / (np.std(shaped) + 1e-12)


def band(x: np.ndarray, sample_rate: int, low_hz: float | None, high_hz: float | None,
         order: int = 4) -> np.ndarray:
    """Butterworth low-, high- or band-pass (zero-phase is not needed for noise)."""
    nyquist = sample_rate / 2
    if low_hz and high_hz:
        sos = signal.butter(order, [low_hz / nyquist, min(high_hz / nyquist, 0.99)], "band",
                            output="sos")
    elif low_hz:
        sos = signal.butter(order, low_hz / nyquist, "high", output="sos")
    elif high_hz:
        sos = signal.butter(order, min(high_hz / nyquist, 0.99), "low", output="sos")
    else:
        return x
    return signal.sosfilt(sos, x, axis=-1)


def slow_random(n: int, sample_rate: int, rng: np.random.Generator, rate_hz: float) -> np.ndarray:
    """A smooth random curve in [0, 1] that changes about `rate_hz` times a second."""
    points = max(int(n / sample_rate * rate_hz) + 2, 2)
    knots = rng.random(points)
    curve = np.interp(np.linspace(0, points - 1, n), np.arange(points), knots)
    return band(curve, sample_rate, None, max(rate_hz, 0.05), order=1) if n > 8 else curve


def decay(n: int, sample_rate: int, time_constant_s: float) -> np.ndarray:
    return np.exp(-np.arange(n) / (sample_rate * time_constant_s))


def scatter(n: int, rng: np.random.Generator, rate_per_s: float, sample_rate: int) -> np.ndarray:
    """Sample positions of random events at an average rate (a Poisson process)."""
    count = rng.poisson(rate_per_s * n / sample_rate)
    return np.sort(rng.integers(0, max(n, 1), size=count))


def add_grains(out: np.ndarray, grain: np.ndarray, positions: np.ndarray,
               gains: np.ndarray) -> None:
    """Mix copies of a mono grain into a mono buffer at the given positions."""
    for position, gain in zip(positions, gains):
        end = min(position + grain.size, out.size)
        out[position:end] += gain * grain[: end - position]


def widen(mono: np.ndarray, rng: np.random.Generator, width: float = 0.6) -> np.ndarray:
    """Stereo from mono by mixing in a decorrelated copy (for diffuse beds)."""
    other = np.roll(mono, int(rng.integers(200, 1200)))
    left = mono + width * other
    right = mono - width * other
    return np.stack([left, right])
