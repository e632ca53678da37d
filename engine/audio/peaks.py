"""Waveform overviews: min/max per block of samples, at a few block sizes (a mip pyramid).

A timeline draws a clip from the level whose block is at most the samples one pixel covers,
so drawing costs a few hundred values per clip at any zoom. Computed once per take, off the
GUI thread.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BASE_BLOCK = 64
LEVEL_FACTOR = 8
LEVELS = 5  # blocks of 64, 512, 4096, 32768 and 262144 samples


@dataclass(frozen=True)
class PeakLevel:
    block: int  # samples per value
    mins: np.ndarray  # float32, one per block, over all channels
    maxs: np.ndarray


@dataclass(frozen=True)
class Peaks:
    sample_rate: int
    frames: int
    levels: tuple[PeakLevel, ...]

    def level_for(self, samples_per_pixel: float) -> PeakLevel:
        """The coarsest level that still has at least one value per pixel."""
        chosen = self.levels[0]
        for level in self.levels:
            if level.block <= samples_per_pixel:
                chosen = level
        return chosen

    def envelope(self, start: int, stop: int, columns: int) -> tuple[np.ndarray, np.ndarray]:
        """Min and max of samples [start, stop) in `columns` equal slices, for drawing."""
        if columns <= 0 or stop <= start:
            return np.zeros(0, np.float32), np.zeros(0, np.float32)
        level = self.level_for((stop - start) / columns)
        first, last = start // level.block, -(-stop // level.block)
        mins, maxs = level.mins[first:last], level.maxs[first:last]
        if mins.size == 0:
            return np.zeros(columns, np.float32), np.zeros(columns, np.float32)
        edges = np.linspace(0, mins.size, columns + 1).astype(np.int64)
        edges[1:] = np.maximum(edges[1:], edges[:-1] + 1)
        edges = np.minimum(edges, mins.size)
        starts = np.minimum(edges[:-1], mins.size - 1)
        return np.minimum.reduceat(mins, starts), np.maximum.reduceat(maxs, starts)


def compute_peaks(audio: np.ndarray, sample_rate: int) -> Peaks:
    """Peaks of float audio shaped (channels, samples)."""
    frames = audio.shape[1]
    padded = -(-frames // BASE_BLOCK) * BASE_BLOCK
    mono_min = audio.min(axis=0)
    mono_max = audio.max(axis=0)
    if padded != frames:  # pad with the last value so the tail block is not widened by zeros
        mono_min = np.pad(mono_min, (0, padded - frames), mode="edge") if frames else np.zeros(BASE_BLOCK)
        mono_max = np.pad(mono_max, (0, padded - frames), mode="edge") if frames else np.zeros(BASE_BLOCK)
    mins = mono_min.reshape(-1, BASE_BLOCK).min(axis=1).astype(np.float32)
    maxs = mono_max.reshape(-1, BASE_BLOCK).max(axis=1).astype(np.float32)
    levels = [PeakLevel(BASE_BLOCK, mins, maxs)]
    for _ in range(LEVELS - 1):
        previous = levels[-1]
        count = -(-previous.mins.size // LEVEL_FACTOR) * LEVEL_FACTOR
        lo = np.pad(previous.mins, (0, count - previous.mins.size), mode="edge")
        hi = np.pad(previous.maxs, (0, count - previous.maxs.size), mode="edge")
        levels.append(PeakLevel(previous.block * LEVEL_FACTOR,
                                lo.reshape(-1, LEVEL_FACTOR).min(axis=1),
                                hi.reshape(-1, LEVEL_FACTOR).max(axis=1)))
    return Peaks(sample_rate, frames, tuple(levels))
