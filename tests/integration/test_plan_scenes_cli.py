"""`main.py plan` on the lighthouse story, as a user runs it: scenes in the table and the JSON."""
from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.subprocess

LIGHTHOUSE = ("A storm rolls over a lighthouse at night; the keeper climbs the iron stairs as "
              "the foghorn sounds, and at dawn gulls cry over a calm sea")


def test_plan_json_carries_the_scenes_and_each_events_scene_level_and_pan():
    result = run_cli("plan", LIGHTHOUSE, "--duration", "60", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert set(plan) == {"duration_s", "reasoning", "scenes", "events", "planner", "warnings"}
    assert [s["title"] for s in plan["scenes"]] == ["Night storm", "Dawn"]
    dawn = plan["scenes"][1]["start_s"]
    storm = [e for e in plan["events"] if e["scene"] == 0 and e["track"] == "ambience"]
    assert {"rain", "wind", "waves"} <= {w for e in storm for w in e["caption"].split()}
    assert all(dawn < e["start_s"] + e["duration_s"] <= dawn + 2 for e in storm)
    morning = [e["caption"] for e in plan["events"] if e["scene"] == 1]
    assert any("gulls" in c for c in morning) and any("calm" in c for c in morning)
    assert any("stairs" in e["caption"] and e["scene"] == 0 for e in plan["events"])
    assert any("foghorn" in e["caption"] for e in plan["events"])
    for event in plan["events"]:
        assert set(event) == {"caption", "track", "start_s", "duration_s", "tone", "cues",
                              "scene", "gain_db", "pan", "fade_in_s", "fade_out_s", "text", "speaker",
                              "delivery"}
        assert event["text"] == "" or event["track"] == "speech"


def test_plan_prints_the_timeline_scene_by_scene():
    result = run_cli("plan", LIGHTHOUSE, "--duration", "60")
    assert result.returncode == 0, result.stderr
    assert "Scene 1: Night storm (0.00s-" in result.stdout
    assert "Scene 2: Dawn (" in result.stdout
