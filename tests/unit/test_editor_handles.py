"""Gain and fade handles on a clip (app/timeline/handles.py)."""
from __future__ import annotations

import pytest

from app.timeline.handles import clamp_fades, depth_to_gain, gain_to_depth, waveform_scale


def test_gain_line_positions():
    assert gain_to_depth(12.0) == 0.0
    assert gain_to_depth(0.0) == pytest.approx(0.12)  # near the top: the middle stays free
    assert 0.35 < gain_to_depth(-6.0) < 0.42
    assert gain_to_depth(-60.0) > 0.95
    assert gain_to_depth(-6.0) > gain_to_depth(0.0)  # quieter: lower on the clip


@pytest.mark.parametrize("gain_db", [-24.0, -6.5, 0.0, 3.0, 12.0])
def test_dragging_the_gain_line_round_trips(gain_db):
    assert depth_to_gain(gain_to_depth(gain_db)) == pytest.approx(gain_db, abs=0.05)


def test_gain_is_kept_within_limits():
    assert depth_to_gain(-1.0) == 12.0
    assert depth_to_gain(1.0) == -60.0
    assert waveform_scale(0.0) == 1.0 and waveform_scale(-6.0) == pytest.approx(0.501, abs=1e-3)


def test_fades_fit_inside_the_clip():
    assert clamp_fades(0.5, 0.25, 2.0) == (0.5, 0.25)
    assert clamp_fades(-1.0, 3.0, 2.0) == (0.0, 2.0)
    assert clamp_fades(1.5, 1.5, 2.0) == (1.0, 1.0)
