"""Events longer than a model's maximum clip: overlapping windows joined by crossfades.

    plan_windows(70.0, max_s=30.0, overlap_s=2.0)  # three windows of 24.67 s, 2 s overlaps

Windows are equal in length (no short straggler at the end), each at most `max_s`, and the
overlaps are joined with an equal-power crossfade so a steady sound keeps its loudness.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Window:
    index: int
    start_s: float
    duration_s: float


def plan_windows(duration_s: float, max_s: float, overlap_s: float) -> list[Window]:
    if duration_s <= max_s:
        return [Window(0, 0.0, duration_s)]
    overlap_s = min(overlap_s, max_s / 2)
    count = math.ceil((duration_s - overlap_s) / (max_s - overlap_s))
    length = (duration_s + (count - 1) * overlap_s) / count
    step = length - overlap_s
    return [Window(i, i * step, length) for i in range(count)]


def join_windows(clips: list[np.ndarray], windows: list[Window], sample_rate: int,
                 total_s: float) -> np.ndarray:
    """Place each (channels, samples) clip at its window start, crossfading the overlaps."""
    channels = max(clip.shape[0] for clip in clips)
    total = int(round(total_s * sample_rate))
    out = np.zeros((channels, total), np.float32)
    for clip, window in zip(clips, windows):
        start = int(round(window.start_s * sample_rate))
        clip = np.broadcast_to(clip, (channels, clip.shape[1]))[:, :max(total - start, 0)]
        gain = np.ones(clip.shape[1], np.float32)
        if window.index > 0:  # fade in over the overlap with the previous window
            fade = min(_overlap_samples(windows, window.index, sample_rate), clip.shape[1])
            gain[:fade] = np.sin(np.linspace(0, np.pi / 2, fade, dtype=np.float32))
        if window.index < len(windows) - 1:
            fade = min(_overlap_samples(windows, window.index + 1, sample_rate), clip.shape[1])
            gain[clip.shape[1] - fade:] *= np.cos(np.linspace(0, np.pi / 2, fade,
                                                              dtype=np.float32))
        out[:, start:start + clip.shape[1]] += clip * gain
    return out


def _overlap_samples(windows: list[Window], index: int, sample_rate: int) -> int:
    previous = windows[index - 1]
    return int(round((previous.start_s + previous.duration_s - windows[index].start_s)
                     * sample_rate))


def fit_length(audio: np.ndarray, samples: int) -> np.ndarray:
    """Trim or zero-pad (channels, n) audio to exactly `samples`."""
    if audio.shape[1] >= samples:
        return audio[:, :samples]
    return np.pad(audio, ((0, 0), (0, samples - audio.shape[1])))
