"""LLM planners ask for scenes and get them validated, against a real loopback server."""
from __future__ import annotations

import json

import jsonschema
import pytest

from engine.model.tones import TONE_NAMES
from engine.planning import PlanRequest, get_planner
from engine.planning.llm.prompting import EXAMPLE_ANSWER, messages, plan_schema
from tests.support.chat_server import ChatServer, completion

pytestmark = pytest.mark.network

REQUEST = PlanRequest("A storm rolls over the harbour at night; at dawn gulls cry.", 30.0,
                      seed=2)
SCENE_PLAN = {
    "reasoning": "Two scenes: the night storm until 18 s, then dawn.",
    "scenes": [{"title": "Night storm", "start_s": 0, "end_s": 18, "place": "harbour",
                "time_of_day": "night", "tone": "tense"},
               {"title": "Dawn", "start_s": 18, "end_s": 30, "place": "harbour",
                "time_of_day": "dawn", "tone": "calm"}],
    "events": [
        {"caption": "heavy rain pouring over a harbour", "track": "ambience", "scene": 0,
         "start_s": 0, "duration_s": 19, "tone": "tense", "gain_db": 0, "pan": 0, "cues": {}},
        {"caption": "thunder rumbling far away", "track": "effects", "scene": 0, "start_s": 5,
         "duration_s": 4, "tone": "tense", "gain_db": -10, "pan": 0.3, "cues": {}},
        {"caption": "gulls crying over calm water", "track": "ambience", "scene": 1,
         "start_s": 18, "duration_s": 12, "tone": "calm", "gain_db": 0, "pan": 0, "cues": {}},
    ]}


def planner(server: ChatServer):
    return get_planner("openai", model="test-model", base_url=server.base_url, timeout_s=5.0,
                       retries=0)


def test_the_server_is_asked_for_scenes_in_the_json_schema_and_they_reach_the_plan():
    with ChatServer(lambda n, body: (200, completion(json.dumps(SCENE_PLAN)))) as server:
        plan = planner(server).plan(REQUEST)
    schema = server.requests[0]["response_format"]["json_schema"]["schema"]
    assert schema == plan_schema(schema["properties"]["events"]["maxItems"])
    assert "scenes" in schema["required"]
    assert {"scene", "gain_db", "pan"} <= set(schema["properties"]["events"]["items"]["required"])
    assert schema["properties"]["scenes"]["items"]["properties"]["tone"]["enum"] == list(
        TONE_NAMES)
    assert "divide the story into scenes" in server.requests[0]["messages"][0]["content"]
    jsonschema.validate(SCENE_PLAN, schema)  # the answer we send is one the schema allows
    assert [(s.title, s.start_s, s.end_s) for s in plan.scenes] == [
        ("Night storm", 0, 18), ("Dawn", 18, 30)]
    thunder = next(e for e in plan.events if "thunder" in e.caption)
    assert (thunder.scene, thunder.gain_db, thunder.pan) == (0, -10, 0.3)
    assert not plan.warnings


def test_unusable_scenes_are_sent_back_once_with_the_reason():
    broken = {**SCENE_PLAN, "scenes": "night, then dawn"}

    def respond(n, body):
        return 200, completion(json.dumps(broken if n == 1 else SCENE_PLAN))

    with ChatServer(respond) as server:
        plan = planner(server).plan(REQUEST)
    assert len(server.requests) == 2
    assert "'scenes' is not a list" in server.requests[1]["messages"][-1]["content"]
    assert [s.title for s in plan.scenes] == ["Night storm", "Dawn"]
    assert "first plan was unusable" in plan.warnings[0]


def test_the_worked_example_shows_scenes_the_schema_allows():
    jsonschema.validate(EXAMPLE_ANSWER, plan_schema(24))
    example = json.loads(messages(REQUEST)[2]["content"])
    assert len(example["scenes"]) == 2 and {e["scene"] for e in example["events"]} == {0, 1}
