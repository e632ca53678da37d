"""Space, distance, motion and dynamics, in numpy/scipy (no GPL effects library).

- Reverb: FFT convolution with a synthetic stereo impulse response (early reflections and a
  noise tail that decays faster in the highs), computed at half rate: a reverb tail has
  little above 10 kHz, and half the rate is a quarter of the work.
- Distance: air absorption (a low-pass that closes with distance) and a wetter mix.
- Motion: approach, recession and pass-by with level, brightness, pan and Doppler.
- Dynamics: a look-ahead peak limiter so loud transients keep their loudness without clipping.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import soxr
from scipy import signal

from engine.generation.procedural import dsp

SPEED_OF_SOUND_M_S = 343.0
_REVERB_DECIMATION = 2


@dataclass(frozen=True)
class Space:
    """An acoustic space: one per scene, shared by every event in it."""

    name: str
    rt60_s: float  # reverberation time
    predelay_s: float  # gap before the first reflections: larger spaces, longer gap
    brightness: float  # 0 dark (heavy furnishings, forest) .. 1 bright (tiles, stone)
    wet: float  # how much room a close source gets; distance adds more


@lru_cache(maxsize=16)
def room_impulse(space: Space, sr: int, seed: int) -> np.ndarray:
    """A stereo impulse response (2, m) with unit energy, deterministic for (space, seed)."""
    rng = np.random.default_rng(seed)
    m = int((space.predelay_s + space.rt60_s * 1.2 + 0.05) * sr)
    t = np.arange(m) / sr
    tail = np.zeros((2, m))
    # Per band, a different decay: highs die first in real rooms (and darker rooms faster).
    bands = ((20, 500, 1.15), (500, 3000, 1.0), (3000, 0.45 * sr, 0.35 + 0.5 * space.brightness))
    for low, high, factor in bands:
        noise = dsp.bandpass(rng.standard_normal((2, m)), sr, low, high)
        tail += noise * np.exp(-6.91 * t / (space.rt60_s * factor))
    onset = space.predelay_s + 0.01
    tail *= np.clip((t - space.predelay_s) / max(onset - space.predelay_s, 1e-3), 0, 1) ** 2
    early = np.zeros((2, m))
    for channel in range(2):  # a dozen discrete reflections, different on each side
        delays = space.predelay_s * rng.uniform(0.3, 1.0, 12) + rng.uniform(0.002, 0.03, 12)
        gains = rng.uniform(0.3, 0.8, 12) * rng.choice([-1, 1], 12)
        positions = np.minimum((delays * sr).astype(int), m - 1)
        np.add.at(early[channel], positions, gains)
    early = dsp.lowpass(early, sr, 4000 + 10000 * space.brightness)
    tail /= np.sqrt(np.sum(tail ** 2) / 2)
    ir = tail + 0.6 * early / np.sqrt(np.sum(early ** 2) / 2 + 1e-12)
    return ir / np.sqrt(np.sum(ir ** 2) / 2)


def reverb(send: np.ndarray, sr: int, space: Space, seed: int) -> np.ndarray:
    """The wet signal (2, n) of a mono or stereo send, cut to the send's length."""
    mono = send.mean(axis=0) if send.ndim == 2 else send
    n = mono.size
    if not np.any(mono):
        return np.zeros((2, n))
    low_rate = sr // _REVERB_DECIMATION
    ir = room_impulse(space, low_rate, seed)
    small = soxr.resample(mono, sr, low_rate)
    wet = np.stack([signal.oaconvolve(small, ir[0])[:small.size],
                    signal.oaconvolve(small, ir[1])[:small.size]])
    wet = soxr.resample(wet.T, low_rate, sr).T
    return dsp.fit_length(wet, n)


def air_absorption(x: np.ndarray, sr: int, distance: float) -> np.ndarray:
    """Far sounds lose their highs: a low-pass that closes as `distance` (0..1) grows."""
    if distance <= 0.3:
        return x
    cutoff_hz = 16000 * np.exp(-3.3 * (distance - 0.3))
    return dsp.lowpass(x, sr, cutoff_hz, order=2)


def muffle(x: np.ndarray, sr: int) -> np.ndarray:
    """Heard through a wall or a closed door: only the lows get through."""
    return dsp.lowpass(x, sr, 650, order=4) * 1.6


def motion(mono: np.ndarray, sr: int, kind: str, rng: np.random.Generator,
           doppler: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(moved mono, pan curve) for a source approaching, receding or passing by."""
    n = mono.size
    t = np.arange(n) / sr
    length = max(t[-1], 1e-3)
    if kind == "passing":
        closest_m, speed_m_s = rng.uniform(6, 12), rng.uniform(12, 25)
        along_m = speed_m_s * (t - length * rng.uniform(0.45, 0.55))
    elif kind == "approaching":
        closest_m, speed_m_s = 4.0, min(max(60.0 / length, 3.0), 25.0)
        along_m = speed_m_s * (t - length * 0.95)
    else:  # receding
        closest_m, speed_m_s = 4.0, min(max(60.0 / length, 3.0), 25.0)
        along_m = speed_m_s * (t - length * 0.05)
    distance_m = np.sqrt(closest_m ** 2 + along_m ** 2)
    moved = mono
    if doppler:
        arrival = t - (distance_m - closest_m) / SPEED_OF_SOUND_M_S  # the sound heard now left then
        # before the start, read the source backwards: noise and engines hide it, silence would not
        moved = np.interp(np.abs(arrival), t, mono)
    gain = closest_m / distance_m
    far = dsp.lowpass(moved, sr, 2500)
    nearness = np.clip(gain, 0, 1) ** 0.5  # dull when far, bright when near
    moved = (nearness * moved + (1 - nearness) * far) * gain
    side = 1.0 if rng.random() < 0.5 else -1.0
    pan_curve = side * np.clip(along_m / (closest_m * 2), -0.9, 0.9)
    return moved, pan_curve


def envelope(n: int, kind: str | None) -> np.ndarray | None:
    """A gain curve over the whole event for 'fading in', 'fading away', 'building'."""
    if kind is None or kind == "sudden" or n < 2:
        return None
    x = np.linspace(0.0, 1.0, n)
    if kind == "fade_in":
        return np.minimum(x / 0.8, 1.0) ** 1.5
    if kind == "fade_out":
        return np.clip((1.0 - x) / 0.75, 0.0, 1.0) ** 1.5
    if kind == "swell":
        return 0.15 + 0.85 * np.minimum(x / 0.85, 1.0) ** 2
    return None


TONE_TILT_DB_PER_UNIT = 30.0  # a scene's brightness shift of 0.1 tilts its highs by 3 dB


def tone_colour(x: np.ndarray, sr: int, brightness_shift: float) -> np.ndarray:
    """A scene's tone as a tilt of the highs: tense and sad scenes darker, joyful brighter,
    the same for every sound in the scene (recipes also read the shifted brightness)."""
    if abs(brightness_shift) < 1e-3:
        return x
    tilt_db = brightness_shift * TONE_TILT_DB_PER_UNIT
    return dsp.equalise(x, sr, [("high_shelf", 2500.0, tilt_db, 0.7)])


def limit(x: np.ndarray, sr: int, ceiling: float, lookahead_s: float = 0.002) -> np.ndarray:
    """Look-ahead peak limiter, in place: the gain dips smoothly around peaks above `ceiling`.

    The signal is cut into blocks of one look-ahead. Each block gets the smallest gain that
    its own and its neighbours' peaks need, and within block b the gain glides from block
    b's value to block b+1's: both are at most what block b needs, so no sample passes the
    ceiling. It makes no full-length temporary copies: a long bed is mostly memory traffic.
    """
    x2 = x if x.ndim == 2 else x[None, :]
    n = x2.shape[-1]
    block = max(int(lookahead_s * sr), 1)
    full = n // block
    body = x2[:, : full * block].reshape(x2.shape[0], full, block)
    peaks = np.maximum(body.max(axis=2), -body.min(axis=2)).max(axis=0)
    if n > full * block:
        peaks = np.append(peaks, np.abs(x2[:, full * block:]).max())
    if peaks.max() <= ceiling:
        return x
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    edged = np.concatenate([[1.0], need, [1.0]])
    safe = np.minimum(np.minimum(edged[:-2], edged[1:-1]), edged[2:])
    following = np.append(safe[1:], safe[-1])
    ramp = np.arange(block) / block
    gain = (safe[:, None] + (following - safe)[:, None] * ramp[None, :]).ravel()[:n]
    x2 *= gain
    return x
