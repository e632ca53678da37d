"""Snapping of dragged clip edges (app/timeline/snapping.py)."""
from __future__ import annotations

from app.timeline.snapping import grid_step_samples, snap_shift, snap_targets


def test_the_nearest_target_in_reach_wins():
    targets = snap_targets([(1000, 2000), (5000, 8000)], fixed=[0, 10_000])
    assert targets == [0, 1000, 2000, 5000, 8000, 10_000]
    # a clip from 2030 to 4990: its start is 30 from 2000, its end 10 from 5000
    assert snap_shift([2030, 4990], targets, reach=50, grid=None) == 10
    assert snap_shift([2030], targets, reach=50, grid=None) == -30


def test_out_of_reach_falls_back_to_the_grid_or_stays():
    targets = [0, 10_000]
    assert snap_shift([4010], targets, reach=50, grid=1000) == -10
    assert snap_shift([4400], targets, reach=50, grid=1000) == 0  # grid line out of reach too
    assert snap_shift([4400], targets, reach=50, grid=None) == 0


def test_a_target_beats_a_nearer_grid_line():
    assert snap_shift([1990], [2030], reach=50, grid=1000) == 40


def test_grid_is_a_quarter_of_the_ruler_tick():
    assert grid_step_samples(40.0, 48_000) == 2 * 48_000 // 4  # 2 s ticks at 40 px/s
    assert grid_step_samples(48_000 * 8, 48_000) >= 1
