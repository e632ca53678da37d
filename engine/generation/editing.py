"""What a backend can do to audio it already made, beyond rendering a clip from nothing.

A backend that can fill stretches of a take from the audio around them (`Inpainter`) or make
a close variation of a whole take (`Varier`) says so by having the method; the region
editor (`engine.render.regions`) uses it where it exists and otherwise renders the stretch
afresh with its context and crossfades it in. Both take and return float32
`(channels, samples)` audio at the rate given beside it, the same length as what came in.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from engine.generation.base import GeneratedAudio, RenderRequest
from engine.progress import CancelToken, Progress


@dataclass(frozen=True)
class AudioSpan:
    """A stretch to render again: samples [start, end) of the audio it belongs to."""

    start: int
    end: int
    seed: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"an audio span must satisfy 0 <= start < end, got {self.start}, "
                             f"{self.end}")


@runtime_checkable
class Inpainter(Protocol):
    def inpaint(self, request: RenderRequest, audio: np.ndarray, sample_rate: int,
                spans: Sequence[AudioSpan], progress: Progress | None = None,
                cancel: CancelToken | None = None) -> GeneratedAudio:
        """`audio` with every span rendered again from what surrounds it, in one pass where
        the model allows (several spans, each with its own seed). A span may lie over
        silence appended to the audio: that is how a clip is continued."""
        ...


@runtime_checkable
class Varier(Protocol):
    def vary(self, request: RenderRequest, audio: np.ndarray, sample_rate: int,
             similarity: float, seed: int, progress: Progress | None = None,
             cancel: CancelToken | None = None) -> GeneratedAudio:
        """A take close to `audio`: `similarity` 1 keeps it, 0 is as free as a new seed."""
        ...
