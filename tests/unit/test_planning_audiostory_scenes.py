"""The AudioStory planner's events are its scenes: one scene per event, in order."""
from __future__ import annotations

from dataclasses import dataclass

from engine.planning.audiostory import plan_from_draft


@dataclass(frozen=True)
class Written:  # what the model's reasoning wrote for one event (caption, duration)
    caption: str
    duration_s: float | None


@dataclass(frozen=True)
class Reasoning:
    reasoning: str
    events: tuple[Written, ...]
    complete: bool = True


def test_each_event_the_model_writes_is_a_scene_of_its_own():
    draft = Reasoning("a storm, then dawn", (
        Written("heavy rain and thunder over the harbour at night", 20.0),
        Written("a foghorn sounds", None),
        Written("gulls cry over a calm sea at dawn", 15.0)))
    plan = plan_from_draft(draft, 40.0, "audiostory")
    assert [(s.start_s, s.end_s) for s in plan.scenes] == [(0, 20), (20, 25), (25, 40)]
    assert [s.title for s in plan.scenes] == ["Heavy rain and thunder", "A foghorn sounds",
                                              "Gulls cry over a"]
    storm, _, dawn = plan.scenes
    assert (storm.place, storm.time_of_day, storm.tone) == ("harbour", "night", "tense")
    assert (dawn.place, dawn.time_of_day) == ("seaside", "dawn")
    assert [e.scene for e in plan.events] == [0, 1, 2]
    assert plan.events[0].tone == "tense"


def test_scaled_events_keep_their_scenes_covering_the_story():
    draft = Reasoning("", (Written("wind", 10.0), Written("bells ring", 10.0)))
    plan = plan_from_draft(draft, 60.0, "audiostory")
    assert [(s.start_s, s.end_s) for s in plan.scenes] == [(0, 30), (30, 60)]
    assert "scaled them" in plan.warnings[0]
