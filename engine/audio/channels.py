"""Channel layouts: folding a take of any common layout into the stereo the mixer works in.

Multichannel files are read in the WAVE / SMPTE channel order. The fold-down is ITU-R
BS.775's: the centre and the surrounds join their side at -3 dB, the LFE is left out (a
stereo mix has no subwoofer feed; BS.775 drops it too). A mono take feeds both sides at
unity, as a mono clip on a stereo track does in a DAW.
"""
from __future__ import annotations

import numpy as np

_H = float(np.sqrt(0.5))  # -3 dB
# channel count -> (left, right) gain of each channel, in the WAVE order of that layout
_FOLD_DOWN: dict[int, tuple[tuple[float, float], ...]] = {
    1: ((1.0, 1.0),),                                        # mono
    2: ((1.0, 0.0), (0.0, 1.0)),                             # L R
    3: ((1.0, 0.0), (0.0, 1.0), (_H, _H)),                   # L R C
    4: ((1.0, 0.0), (0.0, 1.0), (_H, 0.0), (0.0, _H)),       # L R Ls Rs (quad)
    5: ((1.0, 0.0), (0.0, 1.0), (_H, _H), (_H, 0.0), (0.0, _H)),  # L R C Ls Rs
    6: ((1.0, 0.0), (0.0, 1.0), (_H, _H), (0.0, 0.0), (_H, 0.0), (0.0, _H)),  # 5.1
    8: ((1.0, 0.0), (0.0, 1.0), (_H, _H), (0.0, 0.0), (_H, 0.0), (0.0, _H),   # 7.1: ... Lb Rb
        (_H, 0.0), (0.0, _H)),                                                 # Ls Rs
}


def layout_name(channels: int) -> str:
    """mono, stereo, 5.1, or `N channels`: what a user calls a file's channels."""
    return {1: "mono", 2: "stereo", 6: "5.1", 8: "7.1"}.get(channels, f"{channels} channels")


def fold_down_matrix(channels: int) -> np.ndarray:
    """(2, channels) float32: stereo = matrix @ audio. Layouts without a standard meaning
    (7, or more than 8 channels) keep their first two channels as left and right."""
    if channels < 1:
        raise ValueError("audio needs at least one channel")
    gains = _FOLD_DOWN.get(channels)
    if gains is None:
        matrix = np.zeros((2, channels), dtype=np.float32)
        matrix[0, 0] = matrix[1, 1] = 1.0
        return matrix
    return np.array(gains, dtype=np.float32).T.copy()


def fold_down(audio: np.ndarray) -> np.ndarray:
    """Audio (channels, samples) with at most two channels: mono and stereo pass through
    unchanged (the mixer feeds a mono row to both sides), any other layout is folded down
    to stereo."""
    if audio.shape[0] <= 2:
        return audio
    return np.ascontiguousarray(fold_down_matrix(audio.shape[0]) @ audio, dtype=np.float32)
