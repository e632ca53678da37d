"""Lane layout: track heights, collapsed tracks, fit-all (app/timeline/lanes.py)."""
from __future__ import annotations

from app.timeline.lanes import (
    COLLAPSED_LANE_PX,
    MAX_LANE_PX,
    MIN_LANE_PX,
    LaneLayout,
    clamp_lane_height,
    fit_lane_height,
)


def test_lanes_stack_with_collapsed_tracks_thin():
    layout = LaneLayout.build(["a", "b", "c"], lane_px=80, collapsed={"b"})
    assert layout.heights == (80, COLLAPSED_LANE_PX, 80)
    assert layout.tops == (0, 80, 80 + COLLAPSED_LANE_PX)
    assert layout.total_height == 160 + COLLAPSED_LANE_PX
    assert layout.lane_at(10) == 0 and layout.lane_at(85) == 1 and layout.lane_at(150) == 2
    assert layout.lane_at(-5) == 0 and layout.lane_at(10_000) == 2  # clamped
    assert layout.index("c") == 2 and layout.index("missing") == 0
    top, height = layout.clip_box(2)
    assert top > layout.top(2) and top + height < layout.top(2) + 80


def test_fit_all_fills_the_viewport_within_limits():
    assert fit_lane_height(4, 0, 400) == 100
    assert fit_lane_height(4, 1, 400) == int(round((400 - COLLAPSED_LANE_PX) / 3))
    assert fit_lane_height(40, 0, 400) == MIN_LANE_PX
    assert fit_lane_height(1, 0, 4000) == MAX_LANE_PX
    assert clamp_lane_height(10) == MIN_LANE_PX
