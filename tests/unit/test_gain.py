"""dB and gain conversions and the pan law: one definition everything shares."""
from __future__ import annotations

import math

import numpy as np
import pytest

from engine.audio.channels import fold_down_matrix, layout_name
from engine.audio.gain import db_to_gain, gain_to_db, level_db, pan_gains


def test_db_and_gain_convert_both_ways_for_numbers_and_arrays():
    assert db_to_gain(0.0) == 1.0
    assert db_to_gain(-6.0206) == pytest.approx(0.5, abs=1e-5)
    assert gain_to_db(db_to_gain(-23.0)) == pytest.approx(-23.0)
    levels = np.array([-60.0, -6.0, 0.0, 12.0])
    assert np.allclose(gain_to_db(db_to_gain(levels)), levels)


def test_silence_sits_on_the_floor_or_has_no_level():
    assert gain_to_db(0.0) == -math.inf
    assert gain_to_db(0.0, floor_db=-60.0) == -60.0
    assert gain_to_db(1e-9, floor_db=-60.0) == -60.0
    assert gain_to_db(np.array([0.0, 1.0]), floor_db=-60.0).tolist() == [-60.0, 0.0]
    assert level_db(0.0) is None and level_db(1.0) == 0.0


def test_constant_power_pan():
    for pan in (-1.0, -0.5, 0.0, 0.3, 1.0):
        left, right = pan_gains(pan)
        assert left ** 2 + right ** 2 == pytest.approx(2.0)
    assert pan_gains(0.0) == pytest.approx((1.0, 1.0))
    assert pan_gains(-1.0)[1] == pytest.approx(0.0, abs=1e-12)
    assert pan_gains(0.5)[1] > pan_gains(0.5)[0]  # positive is to the right


def test_channel_layouts_have_names_and_a_stereo_fold_down():
    assert [layout_name(n) for n in (1, 2, 6, 3)] == ["mono", "stereo", "5.1", "3 channels"]
    assert fold_down_matrix(6)[:, 3].tolist() == [0.0, 0.0]  # no LFE in stereo
    assert fold_down_matrix(7).tolist()[0][:2] == [1.0, 0.0]  # no standard layout: L and R
