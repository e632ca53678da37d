"""Moving a scene boundary retimes its clips (app/document/retime.py)."""
from __future__ import annotations

from app.document.retime import Span, boundary_limits, moved_spans, retime_clips


def test_clips_follow_their_scene_and_beds_stretch():
    old, new = Span(0, 1000), Span(0, 1500)
    changes = retime_clips([("bed", 0, 1000), ("slam", 400, 100), ("late", 900, 95)], old, new)
    assert changes["bed"] == (0, 1500)  # the bed still spans the scene
    assert changes["slam"] == (600, 100)  # moved in proportion, same length
    assert changes["late"] == (1350, 142)  # rings out with the scene: stretched too


def test_a_later_scene_shrinks_from_its_start():
    changes = retime_clips([("bed", 1000, 1000), ("bird", 1500, 100)], Span(1000, 2000),
                           Span(1500, 2000))
    assert changes == {"bed": (1500, 500), "bird": (1750, 100)}


def test_boundaries_keep_scenes_apart_and_move_touching_neighbours():
    spans = [Span(0, 1000), Span(1000, 2000), Span(2500, 3000)]
    assert boundary_limits(spans, 1, "start", 3000, 100) == (100, 1900)
    assert boundary_limits(spans, 1, "end", 3000, 100) == (1100, 2500)  # a gap: up to 2500
    assert moved_spans(spans, 1, "start", 800) == {1: Span(800, 2000), 0: Span(0, 800)}
    assert moved_spans(spans, 1, "end", 2200) == {1: Span(1000, 2200)}
