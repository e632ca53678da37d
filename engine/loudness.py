"""Loudness measurement (ITU-R BS.1770 through pyloudnorm)."""
from __future__ import annotations

import math

import numpy as np
import pyloudnorm

_GATE_BLOCK_S = 0.4  # BS.1770 needs at least one 400 ms gating block


def integrated_lufs(audio: np.ndarray, sample_rate: int) -> float | None:
    """Integrated loudness in LUFS, or None for clips too short or too quiet to measure."""
    if audio.shape[-1] < int(_GATE_BLOCK_S * sample_rate):
        return None
    value = pyloudnorm.Meter(sample_rate).integrated_loudness(np.asarray(audio, np.float64).T)
    return None if not math.isfinite(value) else float(value)
