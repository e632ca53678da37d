"""Cutting a recording to an event: the audible region, cuts on zero crossings, seamless
loops for beds longer than the file, edge fades. Pure numpy on (channels, samples) arrays.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAME_S = 0.02
ACTIVE_BELOW_PEAK_DB = 40.0  # a frame within this of the loudest counts as sound
PRE_ROLL_S = 0.01            # a one-shot starts just before its onset
ZERO_SEARCH_S = 0.005        # how far a cut may move to reach a zero crossing
STEADY_SHARE = 0.7           # a recording sounding in this share of its frames is a bed
LOOP_CROSSFADE_S = 1.0       # longest crossfade between repetitions of a looped bed
EDGE_FADE_S = 0.01


@dataclass(frozen=True)
class Region:
    start: int   # first sample, in the recording
    end: int     # sample after the last
    looped: bool


def frame_levels_db(audio: np.ndarray, rate: int) -> np.ndarray:
    mono = np.abs(audio).max(axis=0) if audio.ndim == 2 else np.abs(audio)
    frame = max(int(FRAME_S * rate), 1)
    count = max(mono.size // frame, 1)
    padded = np.zeros(count * frame, mono.dtype)
    padded[: min(mono.size, count * frame)] = mono[: count * frame]
    peaks = padded.reshape(count, frame).max(axis=1)
    return 20 * np.log10(np.maximum(peaks, 1e-9))


def active_span(audio: np.ndarray, rate: int) -> tuple[int, int]:
    """(first, last+1) sample of the audible part: leading and trailing silence left out."""
    levels = frame_levels_db(audio, rate)
    active = np.flatnonzero(levels >= levels.max() - ACTIVE_BELOW_PEAK_DB)
    if levels.max() <= -150 or active.size == 0:
        return 0, audio.shape[-1]
    frame = max(int(FRAME_S * rate), 1)
    start = max(int(active[0]) * frame - int(PRE_ROLL_S * rate), 0)
    end = min((int(active[-1]) + 1) * frame, audio.shape[-1])
    return start, max(end, start + 1)


def is_steady(audio: np.ndarray, rate: int) -> bool:
    """Sounds through most of its length (rain, a room, an engine): loop it, do not pad it."""
    levels = frame_levels_db(audio, rate)
    if levels.max() <= -150:
        return False
    return float(np.mean(levels >= levels.max() - 30.0)) >= STEADY_SHARE


def zero_crossing(audio: np.ndarray, position: int, rate: int) -> int:
    """The sample nearest `position` (within ZERO_SEARCH_S) where the sum of the channels
    changes sign, so a cut there does not click."""
    mono = audio.sum(axis=0) if audio.ndim == 2 else audio
    reach = max(int(ZERO_SEARCH_S * rate), 1)
    low, high = max(position - reach, 1), min(position + reach, mono.size - 1)
    if high <= low:
        return int(np.clip(position, 0, mono.size))
    window = mono[low - 1:high + 1]
    crossings = np.flatnonzero(np.signbit(window[:-1]) != np.signbit(window[1:])) + low
    if crossings.size == 0:
        return int(position)
    return int(crossings[np.argmin(np.abs(crossings - position))])


def choose_region(audio: np.ndarray, rate: int, n: int, bed: bool,
                  rng: np.random.Generator) -> Region:
    """Where in the recording an event of n samples comes from. A recording longer than the
    event gives a stretch of its audible part (a bed: anywhere, by the seed; a one-shot: from
    its onset); a shorter one is used whole, looped when it is a bed."""
    start, end = active_span(audio, rate)
    length = end - start
    if length >= n:
        offset = int(rng.integers(0, length - n + 1)) if bed and length > n else 0
        first = zero_crossing(audio, start + offset, rate)
        first = min(max(first, 0), audio.shape[-1] - n)
        return Region(first, first + n, False)
    return Region(start, end, bed)


def loop_to_length(segment: np.ndarray, n: int, rate: int) -> np.ndarray:
    """Repeat a bed until it lasts n samples, each repetition crossfaded into the next with
    equal-power curves (the material is uncorrelated across the seam)."""
    length = segment.shape[-1]
    fade = int(min(LOOP_CROSSFADE_S * rate, length // 4))
    if fade < 2:
        reps = int(np.ceil(n / max(length, 1)))
        return np.tile(segment, (1, reps))[:, :n]
    hop = length - fade
    t = np.linspace(0.0, 0.5 * np.pi, fade, dtype=np.float64)
    fade_in, fade_out = np.sin(t).astype(np.float32), np.cos(t).astype(np.float32)
    out = np.zeros((segment.shape[0], n + length), np.float32)
    position = 0
    first = True
    while position < n:
        piece = segment.copy()
        if not first:
            piece[:, :fade] *= fade_in
        piece[:, -fade:] *= fade_out
        out[:, position:position + length] += piece
        position += hop
        first = False
    return out[:, :n]


def fit(segment: np.ndarray, n: int) -> np.ndarray:
    """Exactly n samples: cut, or padded with silence after the sound."""
    if segment.shape[-1] >= n:
        return segment[:, :n]
    out = np.zeros((segment.shape[0], n), np.float32)
    out[:, : segment.shape[-1]] = segment
    return out


def fade_edges(audio: np.ndarray, rate: int, fade_s: float = EDGE_FADE_S) -> np.ndarray:
    fade = min(int(fade_s * rate), audio.shape[-1] // 2)
    if fade > 0:
        ramp = np.sin(np.linspace(0.0, 0.5 * np.pi, fade)).astype(np.float32) ** 2
        audio[:, :fade] *= ramp
        audio[:, -fade:] *= ramp[::-1]
    return audio
