"""Seamless loops: audio whose end runs into its start with no click and no change of level.

A loop of n samples is rendered n + x samples long; the x samples past the end are
crossfaded (at equal power: the two stretches are unrelated moments of one texture) into the
first x. Played round, the last sample is followed by what followed it in the render, so
the seam is the sound simply going on. Long beds are built from such a loop, repeated from
a random point in it: no seam anywhere, and no crossfade dip every few seconds.
"""
from __future__ import annotations

import numpy as np

LOOP_CROSSFADE_S = 2.0


def loop_tail_n(n: int, sr: int) -> int:
    """How many samples past a loop of n samples to render for its crossfade."""
    return max(min(int(LOOP_CROSSFADE_S * sr), n // 4), 1)


def close_loop(audio: np.ndarray, n: int) -> np.ndarray:
    """The first n samples of `audio` (longer than n), its tail crossfaded into its head."""
    tail = audio.shape[-1] - n
    if tail <= 0:
        raise ValueError("a loop needs audio past its end to close the seam")
    out = audio[..., :n].copy()
    angle = np.linspace(0.0, 0.5 * np.pi, tail, endpoint=False, dtype=np.float64) + (
        0.25 * np.pi / tail)
    head = audio[..., :tail] * np.sin(angle).astype(audio.dtype)
    out[..., :tail] = head + audio[..., n:n + tail] * np.cos(angle).astype(audio.dtype)
    return out


def tile_loop(loop: np.ndarray, n: int, start: int = 0) -> np.ndarray:
    """n samples of a seamless loop played round from sample `start`."""
    period = loop.shape[-1]
    out = np.empty(loop.shape[:-1] + (n,), dtype=loop.dtype)
    at, offset = 0, int(start) % period
    while at < n:
        piece = min(period - offset, n - at)
        out[..., at:at + piece] = loop[..., offset:offset + piece]
        at += piece
        offset = 0
    return out
