"""Audio read a slice at a time: a numpy array, or something computed on request (the mixer's
`StemSum`, which sums the stems for the slice asked for, so a master never needs a buffer)."""
from __future__ import annotations

from typing import Protocol

import numpy as np


class SampleSource(Protocol):
    """(channels, samples) audio that hands out `source[:, lo:hi]` as float32 arrays."""

    @property
    def shape(self) -> tuple[int, ...]: ...

    def __getitem__(self, key: tuple[slice, slice], /) -> np.ndarray: ...
