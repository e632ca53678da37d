"""Plans from a model nobody controls: whatever an answer holds, the plan that comes out is
bounded, printable and becomes a story; an answer that cannot even be read falls back to
the offline planner with a warning."""
from __future__ import annotations

import json

import pytest

from engine.model.fields import MAX_CUES
from engine.planning import PlanRequest, story_from_plan, validate_plan
from engine.planning.llm.base import LLMPlanner
from engine.planning.validate import MAX_CAPTION_CHARS, MAX_LABEL_CHARS

ESC = "\x1b"


def plan_with(**event) -> dict:
    base = {"caption": "rain on a tin roof", "track": "ambience", "start_s": 0,
            "duration_s": 10, "tone": "calm", "cues": {}}
    return {"reasoning": "one bed", "events": [{**base, **event}]}


def test_one_megabyte_word_does_not_pass_the_caption_limit():
    plan = validate_plan(plan_with(caption="a" * 1_000_000), 10.0)
    assert len(plan.events[0].caption) == MAX_CAPTION_CHARS
    assert any(f"{MAX_CAPTION_CHARS}" in w and "characters" in w for w in plan.warnings)
    story_from_plan(plan, "rain")  # and it still becomes a story


def test_escape_sequences_and_controls_never_reach_the_plan():
    plan = validate_plan({
        "reasoning": f"{ESC}]0;pwned\a{ESC}[2J reasoning \u202e reversed",
        "warnings": [f"{ESC}[31mred"],
        "events": [{"caption": f"rain{ESC}[31m on a roof\x9b", "track": "ambience",
                    "start_s": 0, "duration_s": 5, "tone": f"{ESC}[5mcalm",
                    "cues": {f"place{ESC}": f"shed{ESC}[0m", "bad\ud800": "x\udfff"}}]}, 5.0)
    event = plan.events[0]
    texts = [plan.reasoning, *plan.warnings, event.caption, event.tone,
             *event.cues, *event.cues.values()]
    for text in texts:
        assert not any(ord(ch) < 32 or 0x7f <= ord(ch) <= 0x9f or 0xd800 <= ord(ch) <= 0xdfff
                       or ch == "\u202e" for ch in text), repr(text)
    story_from_plan(plan, "rain")


def test_tones_and_cues_are_bounded_to_what_a_story_holds():
    cues = {f"cue{i}": "v" * 10_000 for i in range(100)}
    plan = validate_plan(plan_with(tone="t" * 1_000_000, cues=cues), 10.0)
    event = plan.events[0]
    assert event.tone == "neutral"  # not a tone of the tone table
    assert any("became neutral" in w and len(w) < 200 for w in plan.warnings)
    assert len(event.cues) == MAX_CUES
    assert all(len(v) == MAX_LABEL_CHARS for v in event.cues.values())
    story = story_from_plan(plan, "rain")
    assert story.events[0].tone == event.tone


class ScriptedModel(LLMPlanner):
    """A model backend whose answers are given: the LLM planner's own logic runs on them."""

    name = "scripted"

    def __init__(self, *answers: str) -> None:
        self.replies = list(answers)

    def _complete(self, chat, request, cancel) -> str:
        return self.replies.pop(0)


@pytest.mark.parametrize("answer, problem", [
    ('{"events": ' + "[" * 100_000 + "]" * 100_000 + "}", "cannot be read (RecursionError"),
    ('{"events": [{"start_s": ' + "1" * 5000 + "}]}", "cannot be read (ValueError"),
    ('{"events": [' + "[" * 900 + "]" * 900 + "]}", "is not an object"),
])
def test_answers_that_break_the_json_reader_fall_back_to_the_offline_planner(answer, problem):
    planner = ScriptedModel(answer, answer)
    plan = planner.plan(PlanRequest("Rain falls on a shed, then a door slams.", 20.0))
    assert plan.planner == "offline"
    assert "scripted planner gave no usable plan" in plan.warnings[0]
    assert problem in plan.warnings[0], plan.warnings[0]


def test_a_readable_answer_after_an_unreadable_one_is_used():
    good = json.dumps(plan_with())
    planner = ScriptedModel('{"events": ' + "[" * 50_000, good)
    plan = planner.plan(PlanRequest("rain", 10.0))
    assert plan.planner == "scripted" and plan.events[0].caption == "rain on a tin roof"
