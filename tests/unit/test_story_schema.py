"""The story model and its versioned file format."""
from __future__ import annotations

import json

import pytest

from engine.errors import ProjectError
from engine.model import schema
from engine.model.story import Event, Story
from tests.conftest import ROOT


def test_story_round_trips_through_json_exactly(story):
    again = schema.loads(schema.dumps(story), "test")
    assert again == story
    assert again.event("e3").start == 4 * 48_000  # exact integer samples survive


def test_render_key_follows_what_the_audio_depends_on(story):
    event = story.event("e2")
    key = event.render_key()
    event.start += 4800  # moving or trimming never asks for a new render
    event.duration -= 4800
    event.gain_db = -6.0
    assert event.render_key() == key
    event.caption = "a harbour bell rings three times"
    assert event.render_key() != key
    event.caption = "a harbour bell rings twice"
    event.seed = 99
    assert event.render_key() != key


def test_story_rejects_events_on_unknown_tracks():
    with pytest.raises(ValueError, match="unknown track"):
        Story(duration=48_000, tracks=[], events=[
            Event(id="e1", track_id="nowhere", start=0, duration=10, caption="x", seed=1)])


def test_assignment_is_validated(story):
    with pytest.raises(ValueError):
        story.event("e1").duration = -5
    with pytest.raises(ValueError):
        story.tracks[0].kind = "podcast"


def test_version_1_files_upgrade_to_exact_samples():
    v1 = {
        "format": schema.FORMAT, "schema_version": 1,
        "story": {
            "title": "Old", "prompt": "rain", "sample_rate": 44_100, "duration_s": 12.5,
            "tracks": [{"id": "a", "name": "Ambience", "kind": "ambience"}],
            "events": [{
                "id": "e1", "track": "a", "start_s": 0.5, "duration_s": 10.0,
                "caption": "rain on a tin roof", "seed": 3, "active_take_id": "t1",
                "takes": [{"id": "t1", "path": "takes/e1-t1.flac", "generator": "procedural",
                           "generator_version": "0.1", "parameters": {}, "seed": 3,
                           "sample_rate": 48_000, "channels": 2, "duration_s": 10.0,
                           "loudness_lufs": -30.0}]}],
        },
    }
    story = schema.from_document(v1, "old.json")
    assert story.duration == int(12.5 * 44_100)
    event = story.event("e1")
    assert (event.track_id, event.start, event.duration) == ("a", 22_050, 441_000)
    take = event.active_take()
    assert take.frames == 480_000
    assert take.render_key == event.render_key()  # an upgraded take is not stale


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON at line 1"),
    ('{"format": "something-else"}', "not an AudioStory Studio story file"),
    ('{"format": "audiostory-studio/story", "schema_version": 99, "story": {}}',
     "saved by a newer AudioStory Studio"),
    ('{"format": "audiostory-studio/story", "schema_version": 2, "story": {"duration": -1}}',
     "duration"),
])
def test_bad_files_name_the_file_and_the_problem(text, message):
    with pytest.raises(ProjectError) as info:
        schema.loads(text, "/projects/x.story/story.json")
    assert "/projects/x.story/story.json" in str(info.value)
    assert message in str(info.value)


def test_published_json_schema_matches_the_model():
    published = json.loads((ROOT / "resources/schema/story.schema.json").read_text())
    assert published == json.loads(json.dumps(schema.json_schema())), (
        "regenerate with: python -m engine.model.schema > resources/schema/story.schema.json")
    assert published["properties"]["schema_version"]["const"] == schema.SCHEMA_VERSION


def test_saved_files_validate_against_the_published_schema(story):
    import jsonschema
    published = json.loads((ROOT / "resources/schema/story.schema.json").read_text())
    document = json.loads(schema.dumps(story))
    jsonschema.validate(document, published)
    document["story"]["events"][0]["start"] = -1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, published)


def test_choosing_an_earlier_take_restores_its_seed(tmp_path, story):
    from engine.generation.base import GeneratedAudio
    from engine.project.folder import Project
    from engine.render.context import render_request
    from tests.conftest import sine

    project = Project.create(tmp_path / "p", story)
    event = project.story.event("e2")
    for seed in (12, 500):
        event.seed = seed
        request = render_request(project.story, event)
        project.add_take(event, request, GeneratedAudio(sine(seed, 2, 48_000), 48_000), event.generator, "1")
    assert event.active_take_id == "t2" and not project.needs_render(event)
    event.use_take("t1")
    assert event.seed == 12 and not project.needs_render(event)
    with pytest.raises(KeyError):
        event.use_take("t9")


def test_version_2_files_become_one_scene_holding_every_event(story):
    document = schema.to_document(story)
    v2 = json.loads(json.dumps(document))
    v2["schema_version"] = 2
    for event in v2["story"]["events"]:
        del event["scene_id"]
    del v2["story"]["scenes"]
    upgraded = schema.from_document(v2, "v2.json")
    assert [(s.id, s.start, s.end) for s in upgraded.scenes] == [("s1", 0, story.duration)]
    assert {e.scene_id for e in upgraded.events} == {"s1"}
    assert [e.render_key() for e in upgraded.events] == [e.render_key() for e in story.events]

