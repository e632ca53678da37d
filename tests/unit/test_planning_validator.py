"""More malformed plans through the one validator, the way LLM backends write them."""
from __future__ import annotations

import json

import pytest

from engine.model.story import TrackKind
from engine.planning import Plan, PlanError, story_from_plan, validate_plan
from engine.planning.llm.prompting import parse_reply


def event(**overrides):
    base = {"caption": "rain on a tin roof", "track": "ambience", "start_s": 0, "duration_s": 10}
    return {**base, **overrides}


def test_long_captions_are_cut_to_25_words_with_a_warning():
    caption = " ".join(f"word{i}" for i in range(40))
    plan = validate_plan({"events": [event(caption=caption)]}, 30)
    assert len(plan.events[0].caption.split()) == 25
    assert "kept the first 25" in plan.warnings[0]


def test_end_times_become_durations_and_cues_are_cleaned():
    plan = validate_plan({"reasoning": "  two\n events  ", "events": [
        {"caption": "door\x00 knock", "kind": "sfx", "start_s": "2.5", "end_s": 4,
         "cues": {"place": "hall", "time_of_day": None, "intensity": ""}}]}, 10)
    knock = plan.events[0]
    assert (knock.caption, knock.track, knock.start_s, knock.duration_s) == (
        "door knock", TrackKind.EFFECTS, 2.5, 1.5)
    assert knock.cues == {"place": "hall"} and plan.reasoning == "two events"


@pytest.mark.parametrize("bad, reason", [
    ({"events": [event(start_s=True)]}, "start_s is not a number"),
    ({"events": [event(cues=["place"])]}, "cues that are not an object"),
    ({"events": [event(start_s=29.99)]}, "shorter than 0.05 s"),
    ({"events": [event()] * 501}, "at most 500"),
    ({"events": "rain"}, "no 'events' list"),
])
def test_more_malformed_plans_are_rejected(bad, reason):
    with pytest.raises(PlanError, match=reason):
        validate_plan(bad, 30)


def test_an_unvalidated_plan_cannot_reach_the_story():
    unchecked = Plan.model_construct(duration_s=10.0, reasoning="", planner="x", warnings=[],
                                     events=[])
    with pytest.raises(PlanError, match="no events"):
        story_from_plan(unchecked, "rain")


@pytest.mark.parametrize("reply", [
    json.dumps({"events": [event()]}),
    "Sure! Here is your plan:\n```json\n" + json.dumps({"events": [event()]}) + "\n```",
    "Plan: " + json.dumps({"plan": {"events": [event()]}}) + " Hope it helps.",
])
def test_model_replies_are_read_through_the_chatter(reply):
    assert validate_plan(parse_reply(reply), 30).events[0].caption == "rain on a tin roof"


@pytest.mark.parametrize("reply, reason", [
    ("", "empty"),
    ("no json at all", "no JSON object"),
    ('{"events": [', "not valid JSON"),
    ("[1, 2]", "no JSON object"),
])
def test_unreadable_replies_say_why(reply, reason):
    with pytest.raises(PlanError, match=reason):
        parse_reply(reply)
