"""Ducking: beds dip under speech, the way a dubbing mixer rides the faders.

The key is the speech tracks' own signal (a side chain, as in a DAW's ducker), not the
clips' extents: beds dip while words are spoken and come back in the pauses longer than the
hold. The gain moves in dB with separate attack and release times, computed on short blocks
and interpolated to samples, so an hour-long story costs a few milliseconds of Python. The
same gain is applied to the whole stem, so stems still sum to the master.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BLOCK_S = 0.01  # gain resolution: 10 ms


@dataclass(frozen=True)
class DuckSettings:
    depth_db: float = -10.0    # how far ducked tracks dip under speech; 0 turns ducking off
    attack_s: float = 0.08     # how fast they dip when a line starts
    release_s: float = 0.5     # how fast they come back after it
    hold_s: float = 0.25       # pauses shorter than this (between words) keep the dip
    threshold_dbfs: float = -50.0  # speech louder than this counts as speaking

    def __post_init__(self) -> None:
        if not -60.0 <= self.depth_db <= 0.0:
            raise ValueError(f"duck depth must be between -60 and 0 dB, got {self.depth_db}")
        if self.attack_s <= 0 or self.release_s <= 0 or self.hold_s < 0:
            raise ValueError("duck attack and release must be positive, hold not negative")


@dataclass(frozen=True)
class DuckCurve:
    """The gain a ducked track got: one value in dB per block of `block` samples."""

    gain_db: np.ndarray  # float32 (blocks,)
    block: int

    def at(self, sample: int) -> float:
        index = min(max(sample // self.block, 0), len(self.gain_db) - 1)
        return float(self.gain_db[index]) if len(self.gain_db) else 0.0


def speaking(key, sample_rate: int, settings: DuckSettings) -> tuple[np.ndarray, int]:
    """Per block, whether speech is heard (with the hold bridging gaps between words)."""
    block = max(int(BLOCK_S * sample_rate), 1)
    length = key.shape[1]
    blocks = -(-length // block)
    level = np.zeros(blocks, dtype=np.float32)
    step = block * 512  # read the key a slice at a time (it may be a lazy sum of stems)
    for start in range(0, length, step):
        piece = np.asarray(key[:, start:start + step], dtype=np.float32)
        whole = piece.shape[1] // block * block
        frames = piece[:, :whole].reshape(piece.shape[0], -1, block)
        energy = np.einsum("cbk,cbk->b", frames, frames).astype(np.float64)
        if whole < piece.shape[1]:  # the key's last, partial block
            tail = piece[:, whole:].astype(np.float64)
            energy = np.append(energy, np.sum(tail * tail))
        rms = np.sqrt(energy / (piece.shape[0] * block))
        level[start // block: start // block + rms.size] = rms
    active = level > 10 ** (settings.threshold_dbfs / 20)
    hold = int(round(settings.hold_s / BLOCK_S))
    if hold and active.any():  # extend every active block forward by the hold
        index = np.where(active, np.arange(blocks), -(10 ** 9))
        last_active = np.maximum.accumulate(index)
        active = np.arange(blocks) - last_active <= hold
    return active, block


def duck_curve(key, sample_rate: int, settings: DuckSettings = DuckSettings()) -> DuckCurve:
    """The ducked tracks' gain in dB for a speech key (channels, samples)."""
    active, block = speaking(key, sample_rate, settings)
    target = np.where(active, settings.depth_db, 0.0)
    attack = 1.0 - np.exp(-BLOCK_S / settings.attack_s)
    release = 1.0 - np.exp(-BLOCK_S / settings.release_s)
    gain = np.empty(len(target), dtype=np.float32)
    current = 0.0
    for i, wanted in enumerate(target.tolist()):  # attack and release differ: one pole each
        current += (wanted - current) * (attack if wanted < current else release)
        gain[i] = current
    return DuckCurve(gain, block)


def apply_curve(stem: np.ndarray, curve: DuckCurve) -> None:
    """Multiply a (channels, samples) stem by the curve in place: the gain runs in a straight
    line from one block's centre to the next. Only the stretches where the gain is below
    unity are touched (an hour of bed with a few minutes of words costs those minutes)."""
    length = stem.shape[1]
    if not len(curve.gain_db) or not np.any(curve.gain_db < -UNITY_DB):
        return
    block = curve.block
    gains = (10 ** (curve.gain_db.astype(np.float64) / 20)).astype(np.float32)
    below = curve.gain_db < -UNITY_DB
    first_centre = block // 2
    if below[0]:  # before the first centre: the first block's gain
        stem[:, :min(first_centre, length)] *= gains[0]
    if below[-1]:  # after the last centre: the last block's gain
        stem[:, min(first_centre + (len(gains) - 1) * block, length):] *= gains[-1]
    # segment k runs from centre k to centre k + 1; it needs work where either end ducks
    busy = below[:-1] | below[1:]
    ramp = np.arange(block, dtype=np.float32) / block
    for first, last in _runs(busy):
        for start in range(first, last, _SEGMENTS_PER_STEP):
            stop = min(start + _SEGMENTS_PER_STEP, last)
            lo = first_centre + start * block
            if lo >= length:
                return
            g0, g1 = gains[start:stop], gains[start + 1:stop + 1]
            line = (g0[:, None] + (g1 - g0)[:, None] * ramp[None, :]).reshape(-1)
            hi = min(lo + line.size, length)
            stem[:, lo:hi] *= line[:hi - lo]


UNITY_DB = 1e-3  # a gain closer to 0 dB than this is left alone
_SEGMENTS_PER_STEP = 4096  # block segments interpolated at a time (bounded memory)


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) of each run of True in `flags`."""
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))
