"""Where a clip's gain and fade handles sit on its waveform, and what dragging them means.
Pure (no Qt): heights are fractions of the waveform area, top 0 to bottom 1.

The gain line sits near the top of the waveform at 0 dB (as in REAPER: grab it and pull it
down to turn the clip down), between the top and that point for a boost up to +12 dB, and
below it on the waveform's display curve (amplitude ** 0.5) for cuts: -6 dB about 40 %
down, -20 dB about 70 %, silence at the bottom. The middle of a clip stays free for moving.
"""
from __future__ import annotations

import math

MAX_GAIN_DB = 12.0
MIN_GAIN_DB = -60.0
UNITY_DEPTH = 0.12  # where 0 dB sits
DISPLAY_GAMMA = 0.5  # the waveform's display curve (see clip_item.WAVEFORM_GAMMA)


def gain_to_depth(gain_db: float) -> float:
    """0 (top) .. 1 (bottom) for a clip gain in dB."""
    gain_db = min(max(gain_db, MIN_GAIN_DB), MAX_GAIN_DB)
    if gain_db >= 0:
        return UNITY_DEPTH * (1 - gain_db / MAX_GAIN_DB)
    height = (10 ** (gain_db / 20)) ** DISPLAY_GAMMA
    return UNITY_DEPTH + (1 - UNITY_DEPTH) * (1 - height)


def depth_to_gain(depth: float) -> float:
    """Inverse of `gain_to_depth`, rounded to 0.1 dB and kept within the gain limits."""
    depth = min(max(depth, 0.0), 1.0)
    if depth <= UNITY_DEPTH:
        gain_db = MAX_GAIN_DB * (1 - depth / UNITY_DEPTH)
    else:
        height = 1 - (depth - UNITY_DEPTH) / (1 - UNITY_DEPTH)
        if height <= 0:
            return MIN_GAIN_DB
        gain_db = 20 * math.log10(height ** (1 / DISPLAY_GAMMA))
    return round(min(max(gain_db, MIN_GAIN_DB), MAX_GAIN_DB), 1)


def waveform_scale(gain_db: float) -> float:
    """How much taller (or shorter) the drawn waveform is for a clip gain: its amplitude."""
    return 10 ** (min(max(gain_db, MIN_GAIN_DB), MAX_GAIN_DB) / 20)


def clamp_fades(fade_in_s: float, fade_out_s: float, duration_s: float) -> tuple[float, float]:
    """Fades that fit in the clip: each at most its length, together at most its length
    (the one being changed is the first argument's caller's choice: both are shortened
    proportionally here)."""
    fade_in_s = min(max(fade_in_s, 0.0), duration_s)
    fade_out_s = min(max(fade_out_s, 0.0), duration_s)
    total = fade_in_s + fade_out_s
    if total > duration_s > 0:
        scale = duration_s / total
        fade_in_s, fade_out_s = fade_in_s * scale, fade_out_s * scale
    return round(fade_in_s, 3), round(fade_out_s, 3)
