"""The Stable Audio 3 backend end to end on a tiny random-weight checkpoint saved in the
real diffusers layout and loaded through the model manager: text-to-audio, audio-to-audio
variations, inpainted regions and continuations, offline; the missing-checkpoint line."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from engine.checkpoints import ModelMissing
from engine.cli import main as run_command
from engine.generation import NeighbourEvent, RenderRequest
from engine.generation.diffusers.stable_audio3 import (
    StableAudio3Generator,
    init_noise_level,
    inpaint_windows,
)
from engine.generation.editing import AudioSpan, Inpainter, Varier
from engine.generation.settings import parse_settings
from engine.model.story import Event, Story, Track, TrackKind
from engine.project.folder import Project, attach_take
from engine.render.context import render_request
from engine.render.regions import (
    RegionSpan,
    attach_composite,
    extension_edit,
    region_edit,
    render_composite,
    variation_edit,
)
from engine.render.take import render_take
from tests.support.tiny_checkpoints import TINY_SA3_RATE, tiny_stable_audio3

pytestmark = pytest.mark.tiny_model
RATE = TINY_SA3_RATE
STEPS = {"steps": 2}
_generator: list = []


@pytest.fixture(scope="module")
def sa3_models(tmp_path_factory):
    root = tmp_path_factory.mktemp("sa3") / "models"
    tiny_stable_audio3(root / "stable-audio-3-small")
    return root


@pytest.fixture
def models(sa3_models, monkeypatch, tmp_path):
    monkeypatch.setenv("AUDIOSTORY_MODELS_DIR", str(sa3_models))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    return sa3_models


def generator() -> StableAudio3Generator:
    if not _generator:  # one loaded checkpoint for the module, as the app keeps one
        _generator.append(StableAudio3Generator())
    return _generator[0]


def request(duration_s=2.0, seed=7, context=(), **settings) -> RenderRequest:
    return RenderRequest(caption="steady rain on the harbour", duration_s=duration_s,
                         seed=seed, settings={**STEPS, **settings}, context=context)


@pytest.fixture
def project(models, tmp_path) -> Project:
    story = Story(sample_rate=48_000, duration=20 * 48_000, tracks=[
        Track(id="amb", name="Ambience", kind=TrackKind.AMBIENCE)], events=[
        Event(id="rain", track_id="amb", start=48_000, duration=4 * 48_000,
              caption="steady rain on the harbour", seed=3, generator="stable-audio-3",
              generator_settings=STEPS)])
    project = Project.create(tmp_path / "harbour", story)
    event = story.event("rain")
    attach_take(event, render_take(project, render_request(story, event), generator()))
    return project


def test_text_to_audio_at_the_native_rate_seeded_and_in_its_story(models):
    out = generator().render(request(seed=11))
    assert out.sample_rate == RATE and out.audio.shape == (2, 2 * RATE)
    assert np.all(np.isfinite(out.audio)) and np.abs(out.audio).max() > 0
    assert out.metadata["mode"] == "text-to-audio" and out.metadata["steps"] == 2
    assert np.array_equal(out.audio, generator().render(request(seed=11)).audio)
    assert not np.allclose(out.audio, generator().render(request(seed=12)).audio)
    context = (NeighbourEvent("a dog barks twice", "effects", 0.0, 1.0, "neutral", "before"),)
    in_story = generator().render(request(seed=11, context=context))
    unpulled = generator().render(request(seed=11, context=context, context_strength=0.0))
    assert not np.array_equal(in_story.audio, out.audio)
    assert np.array_equal(unpulled.audio, out.audio)
    assert in_story.metadata["conditioning"] == "caption-encoding+story-context"


def test_clips_longer_than_the_model_are_windowed(models):
    out = generator().render(request(duration_s=9.0))  # the tiny model's longest is 8 s
    assert out.audio.shape == (2, 9 * RATE) and out.metadata["windows"] == 2


def test_audio_to_audio_similarity_sets_how_close_a_variation_stays(models):
    base = generator().render(request(seed=4)).audio
    close = generator().vary(request(seed=4), base, RATE, similarity=0.95, seed=9)
    free = generator().vary(request(seed=4), base, RATE, similarity=0.0, seed=9)
    assert close.audio.shape == base.shape and close.metadata["mode"] == "audio-to-audio"
    assert close.metadata["init_noise_level"] == pytest.approx(init_noise_level(0.95))
    assert init_noise_level(1.0) == pytest.approx(0.05) and init_noise_level(0.0) == 1.0
    # what the model keeps of the take is its autoencoder's reading of it
    bundle = generator().loaded_model(parse_settings(generator().SETTINGS, STEPS, "sa3")[0])
    with torch.no_grad():
        latents = bundle.pipe.vae.encode(torch.from_numpy(base)[None]).latents
        kept = bundle.pipe.vae.decode(latents).sample[0].clamp(-1, 1).numpy()[:, :base.shape[1]]
    distance = [float(np.sqrt(np.mean((v.audio - kept) ** 2))) for v in (close, free)]
    assert distance[0] < 0.5 * distance[1]
    again = generator().vary(request(seed=4), base, RATE, similarity=0.95, seed=9)
    assert np.array_equal(again.audio, close.audio)


def test_inpainting_fills_several_regions_in_one_pass_each_from_its_seed(models):
    base = generator().render(request(seed=4)).audio
    spans = [AudioSpan(4_000, 12_000, 1), AudioSpan(20_000, 26_000, 2)]
    first = generator().inpaint(request(), base, RATE, spans)
    reseeded = generator().inpaint(request(), base, RATE, [spans[0], AudioSpan(20_000, 26_000, 3)])
    assert first.audio.shape == base.shape and first.metadata["passes"] == 1
    assert first.metadata["regions"] == 2 and first.metadata["mode"] == "inpaint"
    assert not np.allclose(first.audio[:, 20_000:26_000], reseeded.audio[:, 20_000:26_000])
    assert isinstance(generator(), Inpainter) and isinstance(generator(), Varier)


def test_regions_are_inpainted_and_laid_over_the_take_bit_for_bit_outside(project):
    event = project.story.event("rain")
    base = event.active_take()
    edit = region_edit(project.story, event, [RegionSpan(0.5, 1.0, 21), RegionSpan(2.5, 3.0, 22)],
                       crossfade_s=0.02)
    composite = attach_composite(event, render_composite(project, edit, generator()))
    before, _ = project.read_take(base)
    after, _ = project.read_take(composite)
    fade = int(0.02 * RATE)
    changed = np.flatnonzero(np.any(before != after, axis=0))
    outside = np.ones(before.shape[1], bool)
    for lo, hi in ((0.5, 1.0), (2.5, 3.0)):
        outside[int(lo * RATE) - fade:int(hi * RATE) + fade] = False
    assert not np.any(np.isin(changed, np.flatnonzero(outside)))
    assert np.mean(np.any(before[:, 8_000:16_000] != after[:, 8_000:16_000], axis=0)) > 0.99
    assert [r.parameters["method"] for r in composite.regions] == ["inpaint", "inpaint"]
    assert composite.regions[0].parameters["passes"] == 1  # both regions in one pass
    assert not project.needs_render(event)


def test_an_extension_is_a_continuation_that_keeps_the_take(project):
    event = project.story.event("rain")
    base = event.active_take()
    edit = extension_edit(project.story, event, "right", 1.0, seed=5, crossfade_s=0.01)
    composite = attach_composite(event, render_composite(project, edit, generator()))
    before, _ = project.read_take(base)
    after, _ = project.read_take(composite)
    fade = int(0.01 * RATE)
    assert after.shape[1] == before.shape[1] + RATE
    assert np.array_equal(after[:, :before.shape[1] - fade], before[:, :-fade])
    assert np.abs(after[:, before.shape[1]:]).max() > 0
    assert composite.regions[0].parameters["method"] == "inpaint"
    assert event.duration == 5 * 48_000


def test_a_variation_through_the_region_editor_is_audio_to_audio(project):
    event = project.story.event("rain")
    edit = variation_edit(project.story, event, 0.2, seed=8)
    composite = attach_composite(event, render_composite(project, edit, generator()))
    assert composite.regions[0].parameters["method"] == "variation"
    assert composite.regions[0].parameters["similarity"] == pytest.approx(0.8)
    assert composite.frames == event.takes[0].frames


def test_long_audio_is_inpainted_in_windows_that_cover_every_region():
    frame, most = 64, 64 * 100
    spans = [AudioSpan(1_000, 2_000, 1), AudioSpan(2_200, 2_500, 2), AudioSpan(40_000, 52_000, 3)]
    passes = inpaint_windows(spans, 100_000, most, frame)
    assert len(passes) == 5  # the first two share one; the long one is filled in 4 pieces
    for first, last, members in passes:
        assert last - first == most and 0 <= first and last <= 100_000
        assert all(first <= s.start and s.end <= last for s in members)
    at_the_end = inpaint_windows([AudioSpan(99_000, 100_001 - 37, 1)], 100_001 - 37, most, frame)
    assert at_the_end[0][1] == 100_001 - 37  # a continuation reaches the very last sample
    covered = sorted((s.start, s.end) for _, _, members in passes for s in members)
    assert covered[0] == (1_000, 2_000) and covered[-1][1] == 52_000
    assert inpaint_windows(spans, 5_000, most, frame) == [(0, 5_000, spans)]


def test_without_the_checkpoint_one_line_names_repository_size_licence_and_command(
        tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIOSTORY_MODELS_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    with pytest.raises(ModelMissing) as error:
        StableAudio3Generator().render(request())
    message = str(error.value)
    assert "\n" not in message
    assert "stabilityai/stable-audio-3-small-sfx" in message and "2.6 GB" in message
    assert "Stability AI Community License" in message
    assert "python main.py models download stable-audio-3-small" in message


def test_models_list_names_the_small_and_medium_checkpoints(models, capsys):
    assert run_command(["models", "list", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)["models"]}
    small, medium = rows["stable-audio-3-small"], rows["stable-audio-3-medium"]
    assert small["path"] == str(models / "stable-audio-3-small") and medium["path"] is None
    assert medium["repo_id"] == "stabilityai/stable-audio-3-medium"
    assert "Community License" in small["licence"] and "gated" in medium["licence"]
    assert small["used_by"].startswith("generator stable-audio-3")


def test_the_editor_gets_the_backend_and_its_settings():
    from engine.generation import generator_names
    from engine.generation.settings import settings_schema

    assert "stable-audio-3" in generator_names()
    schema = {s["name"]: s for s in settings_schema("stable-audio-3")}
    assert {"model", "steps", "guidance", "device", "dtype", "context_strength"} <= set(schema)
    assert schema["model"]["default"] == "stable-audio-3-small"
    assert schema["steps"]["default"] == 8 and schema["guidance"]["default"] == 1.0
