"""The `library` generator on a library made here: takes trimmed to the sound, beds looped
without seams, levelled to the track's target; one source keeps its recording family; a new
seed picks the next-best recording; a caption nothing matches falls back to the procedural
engine and says so; the take records the file, its region and the score."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.generation.base import RenderRequest
from engine.generation.library import LibraryGenerator
from engine.generation.library.editing import loop_to_length, zero_crossing
from engine.library import LibraryIndex, normalise_folder, scan_folders
from engine.meter.loudness import integrated_lufs
from engine.mix.targets import TAKE_TARGET_LUFS as TARGET_LUFS
from engine.model.story import Event, Story, Track, TrackKind
from engine.project.folder import Project, attach_take
from engine.render.events import render_events
from tests.support.library import make_library

SR = 48_000


@pytest.fixture(scope="module")
def generator(tmp_path_factory):
    root = tmp_path_factory.mktemp("sfx")
    files = make_library(root, with_m4a=False)
    index = LibraryIndex(tmp_path_factory.mktemp("index") / "library.sqlite")
    index.add_folder(normalise_folder(root))
    scan_folders(index)
    yield LibraryGenerator(index), files
    index.close()


PROMPT = "A large dog barks aggressively at the gate. Later another dog yaps. It rains."


def render(generator, caption, duration_s=3.0, kind="effects", seed=1, **fields):
    return generator.render(RenderRequest(caption=caption, duration_s=duration_s, seed=seed,
                                          track_kind=kind, story_seed=5, story_prompt=PROMPT,
                                          **fields))


def recording(result) -> dict:
    (layer,) = result.metadata["layers"]
    assert layer["kind"] == "recording"
    return layer


def levels_db(audio, frame_s=0.05):
    mono = audio.mean(axis=0)
    frame = int(frame_s * SR)
    count = mono.size // frame
    rms = np.sqrt(np.mean(mono[: count * frame].reshape(count, frame) ** 2, axis=1))
    return 20 * np.log10(rms + 1e-9)


def test_a_one_shot_starts_at_its_sound_and_is_levelled(generator):
    gen, files = generator
    result = render(gen, "a dog barks twice", duration_s=1.5)
    layer = recording(result)
    assert layer["name"] in {files["dog_close"].name, files["dog_close_2"].name}
    assert 0.25 <= layer["parameters"]["start_s"] <= 0.6  # the lead-in silence is cut
    assert layer["parameters"]["looped"] is False and layer["parameters"]["score"] > 0.8
    audio = result.audio
    assert audio.shape == (2, int(1.5 * SR)) and audio.dtype == np.float32
    assert levels_db(audio[:, : int(0.1 * SR)]).max() > -40  # sound from the first 100 ms
    assert integrated_lufs(audio, SR) == pytest.approx(TARGET_LUFS["effects"], abs=0.5)
    assert np.max(np.abs(audio)) <= 10 ** (-1 / 20) + 1e-6
    assert not result.notes


def test_a_bed_longer_than_its_recording_loops_without_seams(generator):
    gen, files = generator
    result = render(gen, "heavy rain on a tin roof", duration_s=10.0, kind="ambience")
    layer = recording(result)
    assert layer["name"] == files["rain"].name and layer["parameters"]["looped"] is True
    levels = levels_db(result.audio[:, int(0.1 * SR):-int(0.1 * SR)], frame_s=0.1)
    assert levels.max() - levels.min() < 3.0  # no dip or bump where the loop turns
    assert integrated_lufs(result.audio, SR) == pytest.approx(TARGET_LUFS["ambience"], abs=0.5)


def test_loop_crossfades_keep_the_level_and_cuts_land_on_zero_crossings():
    rng = np.random.default_rng(0)
    noise = (0.2 * rng.standard_normal((2, SR))).astype(np.float32)
    looped = loop_to_length(noise, 5 * SR, SR)
    assert looped.shape == (2, 5 * SR)
    rms = [np.sqrt(np.mean(looped[:, i:i + SR // 10] ** 2)) for i in range(0, 5 * SR, SR // 10)]
    assert 20 * np.log10(max(rms) / min(rms)) < 2.5
    tone = np.sin(2 * np.pi * 100 * np.arange(SR) / SR).astype(np.float32)[None]
    cut = zero_crossing(tone, 1000, SR)
    assert abs(tone[0, cut]) < 0.015 and abs(cut - 1000) <= 0.005 * SR


def test_one_source_keeps_its_recording_family_and_a_new_seed_picks_the_next_best(generator):
    gen, files = generator
    family = {files["dog_close"].name, files["dog_close_2"].name}
    first = recording(render(gen, "a dog barks", seed=3))
    later = recording(render(gen, "the dog barks again angrily", seed=8))
    assert {first["name"], later["name"]} <= family  # the same dog, not the terrier
    assert first["parameters"]["family"] == later["parameters"]["family"]
    picks = {recording(render(gen, "a dog barks", seed=seed))["name"] for seed in (3, 4)}
    assert picks == family  # seed + 1: the next-best of the near-best candidates
    again = recording(render(gen, "a dog barks", seed=3))
    assert again == first  # the same request, the same file and region
    other = recording(render(gen, "another dog yaps", seed=3))
    assert other["name"] == files["dog_small"].name  # "another dog" is another family


def test_a_caption_nothing_matches_falls_back_to_the_procedural_engine(generator):
    gen, _ = generator
    result = render(gen, "a spaceship engine hums on the bridge")
    assert any("rendered by the procedural engine instead" in note for note in result.notes)
    assert "no library recording matched" in result.notes[0]
    assert result.metadata["layers"][0]["kind"] == "recipe"
    assert result.audio.shape[1] == 3 * SR and np.max(np.abs(result.audio)) > 0.01


def test_a_chosen_file_is_used_as_is_and_a_missing_one_is_one_clear_error(generator, tmp_path):
    gen, files = generator
    layer = recording(render(gen, "anything at all", settings={"file": str(files["knock"])}))
    assert layer["name"] == files["knock"].name
    assert layer["parameters"]["chosen"] == "by the user"
    from engine.errors import InvalidInput

    with pytest.raises(InvalidInput, match="not there any more"):
        render(gen, "a knock", settings={"file": str(tmp_path / "gone.wav")})


def test_a_story_renders_from_the_library_and_its_takes_name_their_recordings(generator,
                                                                                 tmp_path):
    gen, files = generator
    story = Story(title="Storm", prompt=PROMPT, duration=8 * SR, seed=5,
                  tracks=[Track(id="a", name="Ambience", kind=TrackKind.AMBIENCE),
                          Track(id="e", name="Effects", kind=TrackKind.EFFECTS)],
                  events=[Event(id="e1", track_id="a", start=0, duration=8 * SR, seed=1,
                                caption="heavy rain drumming on a roof", generator="library"),
                          Event(id="e2", track_id="e", start=SR, duration=2 * SR, seed=2,
                                caption="a dog barks", generator="library"),
                          Event(id="e3", track_id="e", start=4 * SR, duration=2 * SR, seed=3,
                                caption="the dog barks at the door", generator="library"),
                          Event(id="e4", track_id="e", start=6 * SR, duration=SR, seed=4,
                                caption="three knocks on a wooden door", generator="library")])
    project = Project.create(tmp_path / "storm", story)
    report = render_events(project, project.story.events, generator_for=lambda name: gen)
    assert report.rendered == ["e1", "e2", "e3", "e4"] and not report.failed
    takes = {e.id: e.active_take() for e in project.story.events}
    used = {event_id: take.layers[0].name for event_id, take in takes.items()}
    assert used["e1"] == files["rain"].name and takes["e1"].layers[0].parameters["looped"]
    assert used["e4"] == files["knock"].name
    dog_family = {files["dog_close"].name, files["dog_close_2"].name}
    assert {used["e2"], used["e3"]} <= dog_family
    for take in takes.values():
        assert take.layers[0].kind == "recording"
        assert {"path", "start_s", "end_s", "score"} <= set(take.layers[0].parameters)
        assert project.take_available(take)
    assert takes["e1"].loudness_lufs == pytest.approx(TARGET_LUFS["ambience"], abs=0.5)
    assert takes["e2"].loudness_lufs == pytest.approx(TARGET_LUFS["effects"], abs=0.5)
    reopened = Project.open(project.folder)  # the layers survive a save and a load
    project.save()
    reopened = Project.open(project.folder)
    assert reopened.story.event("e4").active_take().layers[0].name == files["knock"].name
    assert not reopened.stale_events()


def test_an_empty_library_renders_procedurally_with_a_note(tmp_path):
    with LibraryIndex(tmp_path / "empty.sqlite") as index:
        result = LibraryGenerator(index).render(RenderRequest(caption="rain on a roof",
                                                              duration_s=1.0, seed=1))
    assert "the sound library is empty" in result.notes[0]
    assert result.audio.shape == (2, SR)


def test_attach_keeps_the_layers(generator, tmp_path, story):
    gen, _ = generator
    project = Project.create(tmp_path / "p", story)
    event = project.story.events[1]
    request = RenderRequest(caption="a dog barks", duration_s=1.0, seed=1, event_id=event.id)
    take = attach_take(event, project.store_take(request, gen.render(request), gen.name,
                                                 gen.version))
    assert take.layers[0].kind == "recording" and Path(take.layers[0].parameters["path"]).is_file()
