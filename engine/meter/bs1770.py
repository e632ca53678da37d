"""The numbers of ITU-R BS.1770-4, EBU R 128 and EBU Tech 3342, defined once.

Loudness is measured on K-weighted audio as energy sums over 100 ms steps: 4 steps make a
momentary (gating) block, 30 a short-term window. Everything that measures or predicts
loudness (the meter, the master bus's gain loop) takes its constants from here.
"""
from __future__ import annotations

import numpy as np
from pyloudnorm.iirfilter import IIRfilter

LOUDNESS_OFFSET_DB = -0.691  # LUFS = -0.691 + 10 log10(weighted mean square)
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0  # integrated loudness: blocks 10 LU below the ungated mean drop out
STEPS_PER_S = 10  # 100 ms steps: the block overlap of BS.1770 (75 %) and of R 128's meters
MOMENTARY_STEPS = 4  # 400 ms: a gating block, and the momentary meter's window
SHORT_TERM_STEPS = 30  # 3 s
LRA_RELATIVE_GATE_LU = -20.0  # loudness range: short-term values 20 LU below their mean drop out
LRA_PERCENTILES = (10.0, 95.0)
SURROUND_WEIGHT = 1.41  # +1.5 dB for the surround channels (Ls, Rs)
# K-weighting: a high shelf (+4 dB above about 1.5 kHz: the head), then a high pass (38 Hz)
_SHELF_GAIN_DB, _SHELF_Q, _SHELF_HZ = 4.0, 1 / np.sqrt(2), 1500.0
_HIGH_PASS_Q, _HIGH_PASS_HZ = 0.5, 38.0


def channel_weights(channels: int) -> np.ndarray:
    """The weight of each channel's energy in the sum.

    Six channels are 5.1 in the WAVE / SMPTE order (L R C LFE Ls Rs): the LFE does not count
    and the surrounds weigh SURROUND_WEIGHT. Up to five channels follow BS.1770's own order
    (L R C Ls Rs, as pyloudnorm does); any further channel weighs 1.0.
    """
    if channels == 6:
        return np.array([1.0, 1.0, 1.0, 0.0, SURROUND_WEIGHT, SURROUND_WEIGHT])
    return np.array([SURROUND_WEIGHT if c in (3, 4) else 1.0 for c in range(channels)])


def step_boundary(index, sample_rate: int):
    """First sample of 100 ms step `index` (an int or an array of them): steps are a whole
    number of samples each, their lengths differ by one where the rate is not a multiple
    of 10 Hz, and never drift."""
    return index * sample_rate // STEPS_PER_S


def step_lengths(count: int, sample_rate: int) -> np.ndarray:
    """The length in samples of each of the first `count` steps."""
    return np.diff(step_boundary(np.arange(count + 1), sample_rate))


def energy_to_lufs(mean_square):
    """Loudness of a weighted mean square (a float or an array); 0 gives minus infinity."""
    with np.errstate(divide="ignore"):
        return LOUDNESS_OFFSET_DB + 10 * np.log10(mean_square)


def k_weighting_sos(sample_rate: int) -> np.ndarray:
    """BS.1770 K-weighting (high shelf, then high pass) as second-order sections.
    The filters are pyloudnorm's, so integrated figures match `pyloudnorm.Meter`."""
    stages = (IIRfilter(_SHELF_GAIN_DB, _SHELF_Q, _SHELF_HZ, sample_rate, "high_shelf"),
              IIRfilter(0.0, _HIGH_PASS_Q, _HIGH_PASS_HZ, sample_rate, "high_pass"))
    return np.array([np.concatenate([s.b, s.a]) for s in stages])
