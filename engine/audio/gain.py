"""Decibels, linear gains and the pan law: one definition for the mixer, the master bus, the
meter, the exporter, the command line and the editor.

Gains are amplitude factors (20 dB a decade). A level of silence has no dB value: reports
print it as missing (`level_db`), meters pin it to their floor (`gain_to_db(..., floor_db)`).
"""
from __future__ import annotations

import math
from typing import overload

import numpy as np


@overload
def db_to_gain(gain_db: float) -> float: ...
@overload
def db_to_gain(gain_db: np.ndarray) -> np.ndarray: ...
def db_to_gain(gain_db):
    """The amplitude factor of a gain in dB (0 dB -> 1.0, -6.02 dB -> 0.5)."""
    if isinstance(gain_db, np.ndarray):
        return np.power(10.0, gain_db / 20.0)
    return 10.0 ** (gain_db / 20.0)


@overload
def gain_to_db(gain: float, floor_db: float = ...) -> float: ...
@overload
def gain_to_db(gain: np.ndarray, floor_db: float = ...) -> np.ndarray: ...
def gain_to_db(gain, floor_db=-math.inf):
    """The dB value of an amplitude factor (a magnitude, >= 0), never below `floor_db`
    (silence is `floor_db`: minus infinity unless a meter gives its floor)."""
    if isinstance(gain, np.ndarray):
        with np.errstate(divide="ignore"):
            return np.maximum(20.0 * np.log10(gain), floor_db)
    return max(20.0 * math.log10(gain), floor_db) if gain > 0 else floor_db


def level_db(gain: float) -> float | None:
    """A level for a report (dBFS, dBTP): None for silence, which has none."""
    return 20.0 * math.log10(gain) if gain > 0 else None


def pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power pan (sin/cos law), -1 left ... +1 right, unity at centre:
    left² + right² is always 2, so a source keeps its loudness wherever it is placed."""
    angle = (pan + 1.0) * math.pi / 4
    return math.sqrt(2) * math.cos(angle), math.sqrt(2) * math.sin(angle)
