"""The procedural generator's settings (declared, checked, obeyed), seamless loops, the
event's own pan, captions read as sentences, and takes that record their layers."""
from __future__ import annotations

import numpy as np
import pytest

from engine.errors import InvalidInput
from engine.generation.procedural.matching import matcher
from engine.generation.settings import settings_schema
from engine.project.folder import Project, attach_take
from engine.render.context import render_request
from engine.render.take import render_take
from tests.conftest import make_story
from tests.support.procedural import SR, generator, onsets, render


def test_the_settings_are_declared_for_the_inspector():
    schema = {s["name"]: s for s in settings_schema("procedural")}
    assert {"recipe", "intensity", "distance", "brightness", "speed", "size", "material",
            "count", "motion", "envelope", "muffled", "loop"} <= set(schema)
    assert (schema["intensity"]["kind"], schema["intensity"]["minimum"],
            schema["intensity"]["maximum"]) == ("float", 0.0, 1.0)
    assert "rain_heavy" in schema["recipe"]["choices"] and schema["recipe"]["default"] == "auto"
    assert schema["loop"]["choices"] == ["auto", "on", "off"]


@pytest.mark.parametrize("settings, words", [
    ({"intensity": "loud"}, "'intensity' must be a number, got 'loud'"),
    ({"distance": 3}, "'distance' is 3; it must be between 0 and 1"),
    ({"loop": "sometimes"}, "'loop' is 'sometimes'; choose one of: auto, on, off"),
    ({"count": 2.5}, "'count' must be an integer"),
    ({"recipe": "unicorn_song"}, "unknown sound recipe 'unicorn_song'"),
])
def test_a_bad_setting_is_refused_with_one_clear_line(settings, words):
    with pytest.raises(InvalidInput) as error:
        render("heavy rain", 1.0, settings=settings)
    assert words in str(error.value) and "\n" not in str(error.value)


def test_settings_override_the_captions_words():
    plain = render("a dog barks twice", 4.0).metadata["layers"][0]["parameters"]
    asked = render("a dog barks twice", 4.0,
                   settings={"count": 4, "distance": 0.9, "motion": "none"})
    parameters = asked.metadata["layers"][0]["parameters"]
    assert plain["count"] == 2 and parameters["count"] == 4 and parameters["distance"] == 0.9
    assert len(onsets(asked.audio, min_gap_s=0.15)) == 4
    still = render("a car drives past", 3.0, settings={"motion": "none"})
    assert still.metadata["layers"][0]["parameters"]["motion"] is None
    legacy = render("a dog barks", 2.0, settings={"muffled": True})  # a bool from older stories
    assert legacy.metadata["layers"][0]["parameters"]["muffled"] is True
    noted = render("a dog barks", 1.0, settings={"steps": 50})  # left over from a model backend
    assert any("'steps' is not used by the procedural generator" in n for n in noted.notes)


def _seam_and_elsewhere(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(dip, jump, click) where the take, played round, runs from its end into its start, and
    at 300 other places inside it. dip: the level of the 4 ms around the point against the
    200 ms around it (dB); jump: the level of the 100 ms before it against the 100 ms after
    (dB); click: the largest step between samples against the usual step there."""
    x = audio.mean(axis=0).astype(np.float64)

    def energy(at: int, start: int, end: int) -> float:
        return float(np.mean(np.take(x, np.arange(at + start, at + end), mode="wrap") ** 2)) + 1e-20

    def measure(at: int) -> tuple[float, float, float]:
        dip = 10 * np.log10(energy(at, -96, 96) / energy(at, -4800, 4800))
        jump = abs(10 * np.log10(energy(at, -4800, 0) / energy(at, 0, 4800)))
        near = np.abs(np.diff(np.take(x, np.arange(at - 48, at + 48), mode="wrap")))
        usual = np.median(np.abs(np.diff(np.take(x, np.arange(at - 4800, at + 4800), mode="wrap"))))
        return dip, jump, near.max() / (usual + 1e-12)

    places = np.random.default_rng(0).integers(5000, x.size - 5000, 300)
    return np.array(measure(0)), np.array([measure(int(p)) for p in places])


def _ordinary_seam(audio: np.ndarray) -> bool:
    seam, elsewhere = _seam_and_elsewhere(audio)
    low, high = np.percentile(elsewhere, 1, axis=0), np.percentile(elsewhere, 99, axis=0)
    return bool(seam[0] >= low[0] - 4 and seam[1] <= high[1] + 1.5 and seam[2] <= 1.5 * high[2])


@pytest.mark.parametrize("caption", ["rain falling", "wind blowing", "a crowd murmuring"])
def test_a_loop_runs_from_its_end_into_its_start_without_a_seam(caption):
    looped = render(caption, 6.0, track_kind="ambience", settings={"loop": "on"})
    assert looped.audio.shape == (2, 6 * SR) and looped.metadata["loop"] is True
    assert _ordinary_seam(looped.audio), _seam_and_elsewhere(looped.audio)[0]


def test_the_seam_check_hears_a_take_that_is_not_a_loop():
    plain = render("wind blowing", 6.0, track_kind="ambience", settings={"loop": "off"}).audio
    assert not _ordinary_seam(plain), "edge fades and unrelated ends: a dip and a level jump"
    middle = plain[:, plain.shape[1] // 4: 3 * plain.shape[1] // 4]
    assert not _ordinary_seam(middle), "a cut without a crossfade clicks"


def test_a_long_bed_repeats_a_seamless_loop_and_off_renders_it_whole():
    long = render("rain falling", 70.0, track_kind="ambience")
    assert long.metadata["layers"][0]["parameters"]["looped"] is True
    mono = long.audio.mean(axis=0)
    period = 30 * SR  # the loop shows as an exact repeat half a minute on
    segment = mono[5 * SR:8 * SR]
    assert np.corrcoef(segment, mono[5 * SR + period:8 * SR + period])[0, 1] > 0.95
    levels = 10 * np.log10(np.mean(mono[: 70 * SR // 4800 * 4800].reshape(-1, 4800) ** 2,
                                   axis=1))
    assert np.percentile(levels, 1) > np.median(levels) - 8, "no crossfade dips along the bed"
    whole = render("rain falling", 70.0, track_kind="ambience", settings={"loop": "off"})
    assert whole.metadata["layers"][0]["parameters"]["looped"] is False
    mono = whole.audio.mean(axis=0)
    assert np.corrcoef(segment, mono[5 * SR + period:8 * SR + period])[0, 1] < 0.2


def test_an_event_with_its_own_pan_keeps_its_sources_centred():
    for story in range(6):
        free = render("a dog barks", 2.0, story_seed=story).metadata["layers"][0]
        if abs(free["parameters"]["pan"]) > 0.2:
            break
    panned = render("a dog barks", 2.0, story_seed=story, pan=0.6)
    assert panned.metadata["layers"][0]["parameters"]["pan"] == 0.0
    left, right = (float(np.mean(channel ** 2)) for channel in panned.audio)
    assert abs(10 * np.log10(left / right)) < 0.5, "the mixer pans it; the take stays centred"


@pytest.mark.parametrize("caption, wanted, unwanted", [
    ("heavy rain falling and drumming", {"rain_heavy"}, {"war_drums"}),
    ("wind whistling through the trees", {"wind"}, {"whistle"}),
    ("a hound howling and barking", {"dog_bark"}, {"wolf_howl"}),
    ("a dog barking in the yard", {"dog_bark"}, set()),
    ("a crowd cheering", {"cheering"}, set()),
    ("a howling gale", {"wind_howling"}, {"wolf_howl"}),
    ("drums pounding", {"war_drums"}, set()),
])
def test_a_word_that_describes_a_source_does_not_summon_another(caption, wanted, unwanted):
    names = {layer.entry.name for layer in matcher().match(caption).layers}
    assert wanted <= names and not unwanted & names, names


def test_a_take_records_its_layers_in_the_story(tmp_path):
    story = make_story(6.0)
    event = story.events[0]
    event.caption = "heavy rain and distant thunder"
    project = Project.create(tmp_path / "storm", story)
    take = attach_take(event, render_take(project, render_request(project.story, event),
                                          generator()))
    layers = {layer.name: layer for layer in take.layers}
    assert set(layers) == {"rain_heavy", "thunder_far"}
    assert {layer.kind for layer in take.layers} == {"recipe"}
    thunder = layers["thunder_far"].parameters
    assert thunder["phrase"] == "distant thunder" and thunder["distance"] == 0.8
    assert take.layers[1].parameters["gain_db"] < 0, "the second sound sits under the first"
    project.save()
    reopened = Project.open(project.folder).story.event(event.id).active_take()
    assert reopened.layers == take.layers
