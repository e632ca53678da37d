"""The validator every plan passes through: repairs the unambiguous, rejects the rest."""
from __future__ import annotations

import pytest

from engine.model.story import TrackKind
from engine.planning import PlanError, story_from_plan, validate_plan


def event(**overrides):
    base = {"caption": "rain on a tin roof", "track": "ambience", "start_s": 0, "duration_s": 10}
    return {**base, **overrides}


def test_repairs_what_is_unambiguous():
    plan = validate_plan({"events": [
        event(),
        event(),  # exact duplicate
        event(caption="  thunder   rumbling ", track="sfx", start_s=-1, duration_s=5),
        event(caption="church bell", track="Effect", start_s=25, duration_s=20),
    ]}, 30)
    # sorted by start, beds before foreground sounds that start with them
    assert [e.caption for e in plan.events] == ["rain on a tin roof", "thunder rumbling",
                                                "church bell"]
    _, thunder, bell = plan.events
    assert (thunder.track, thunder.start_s, thunder.duration_s) == (TrackKind.EFFECTS, 0, 4)
    assert bell.start_s + bell.duration_s == 30
    assert len(plan.warnings) == 3  # duplicate, early start, past the end


@pytest.mark.parametrize("bad, reason", [
    ({"events": []}, "no events"),
    ({}, "no 'events' list"),
    ([1, 2], "JSON object"),
    ({"events": [event(caption="  ")]}, "empty caption"),
    ({"events": [event(duration_s=-2)]}, "durations must be positive"),
    ({"events": [event(start_s=31)]}, "after the story's end"),
    ({"events": [event(track="podcast")]}, "unknown track 'podcast'"),
    ({"events": [event(start_s="soon")]}, "start_s is not a number"),
    ({"events": [event(duration_s=float("nan"))]}, "not a finite number"),
    ({"events": ["rain"]}, "is not an object"),
])
def test_rejects_the_rest_with_a_reason(bad, reason):
    with pytest.raises(PlanError, match=reason):
        validate_plan(bad, 30)


def test_overlapping_events_of_one_kind_get_their_own_lanes():
    plan = validate_plan({"events": [
        event(), event(caption="wind", start_s=5, duration_s=10),
        event(caption="door knock", track="effects", start_s=2, duration_s=1),
        event(caption="door creak", track="effects", start_s=3, duration_s=1),
    ]}, 20)
    story = story_from_plan(plan, "rain and wind, a knock and a creak", seed=5)
    lanes = {e.caption: e.track_id for e in story.events}
    assert lanes["rain on a tin roof"] != lanes["wind"]
    assert lanes["door knock"] == lanes["door creak"] == "effects-1"
    assert story.event("e1").start == 0 and story.duration == 20 * 48_000
    assert len({e.seed for e in story.events}) == 4
