"""Shared helpers for the procedural engine's tests: render through the real generator and
measure what a listener would notice (band energies, tonality, decay, onsets)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import signal

from engine.generation.base import RenderRequest
from engine.generation.procedural import ProceduralGenerator

SR = 48_000


@lru_cache(maxsize=1)
def generator() -> ProceduralGenerator:
    return ProceduralGenerator()


def render(caption: str, duration_s: float = 4.0, seed: int = 1, story_seed: int = 7,
           recipe: str | None = None, **fields):
    settings = dict(fields.pop("settings", {}))
    if recipe:
        settings["recipe"] = recipe
    request = RenderRequest(caption=caption, duration_s=duration_s, seed=seed,
                            story_seed=story_seed, settings=settings, **fields)
    return generator().render(request)


def spectrum(audio: np.ndarray, nperseg: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    mono = audio.mean(axis=0) if audio.ndim == 2 else audio
    return signal.welch(mono, SR, nperseg=min(nperseg, mono.size))


def band_share(audio: np.ndarray, low_hz: float, high_hz: float) -> float:
    """Fraction of the power between low_hz and high_hz."""
    freqs, power = spectrum(audio)
    return float(power[(freqs >= low_hz) & (freqs < high_hz)].sum() / power.sum())


def flatness(audio: np.ndarray, low_hz: float = 200, high_hz: float = 16000) -> float:
    """Spectral flatness (1: noise-like, near 0: tonal) over a band."""
    freqs, power = spectrum(audio)
    band = power[(freqs >= low_hz) & (freqs < high_hz)] + 1e-20
    return float(np.exp(np.mean(np.log(band))) / np.mean(band))


def peak_hz(audio: np.ndarray) -> float:
    freqs, power = spectrum(audio, 16384)
    return float(freqs[np.argmax(power)])


def envelope_db(audio: np.ndarray, frame_s: float = 0.02) -> np.ndarray:
    mono = audio.mean(axis=0) if audio.ndim == 2 else audio
    frame = int(frame_s * SR)
    count = mono.size // frame
    energy = np.mean(mono[: count * frame].reshape(count, frame) ** 2, axis=1)
    return 10 * np.log10(energy + 1e-12)


def onsets(audio: np.ndarray, threshold_db: float = 18.0, frame_s: float = 0.02,
           min_gap_s: float = 0.12) -> np.ndarray:
    """Times (s) where the level jumps up out of quiet: barks, knocks, steps."""
    env = envelope_db(audio, frame_s)
    loud = env > env.max() - threshold_db
    starts = np.flatnonzero(loud & ~np.concatenate([[False], loud[:-1]]))
    times, last = [], -1.0
    for start in starts * frame_s:
        if start - last >= min_gap_s:
            times.append(start)
        last = start
    return np.array(times)


def log_spectrum(audio: np.ndarray, low_hz: float = 150, high_hz: float = 5000) -> np.ndarray:
    freqs, power = spectrum(audio, 8192)
    keep = (freqs >= low_hz) & (freqs < high_hz)
    return 10 * np.log10(power[keep] + 1e-12)


def spectral_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two sounds' average log spectra: 1 for the same timbre."""
    return float(np.corrcoef(log_spectrum(a), log_spectrum(b))[0, 1])


def centroid_hz(audio: np.ndarray) -> float:
    freqs, power = spectrum(audio)
    return float((freqs * power).sum() / power.sum())
