"""The diffusers text-to-audio backends, end to end on tiny random-weight checkpoints saved
in the real layouts and loaded through the same code as downloaded ones (2 sampling steps)."""
from __future__ import annotations

import numpy as np
import pytest
from safetensors.torch import load_file, save_file

from engine.errors import Cancelled
from engine.generation import NeighbourEvent, RenderRequest, generator_names, get_generator
from engine.generation.diffusers.audioldm2 import AudioLDM2Generator
from engine.generation.diffusers.stable_audio import StableAudioGenerator
from engine.generation.tangoflux.components import CheckpointError
from engine.generation.tangoflux.generator import TangoFluxGenerator
from engine.progress import CancelToken
from tests.conftest import ROOT
from tests.support.tiny_models import cli_env

pytestmark = pytest.mark.tiny_model

CONTEXT = (NeighbourEvent("steady rain falls on the harbour", "ambience", 0.0, 6.0, "calm",
                          "before"),
           NeighbourEvent("a dog barks twice", "effects", 4.0, 1.0, "neutral", "after"))
BACKENDS = {"tangoflux": (TangoFluxGenerator, 2), "stable-audio-open": (StableAudioGenerator, 2),
            "audioldm2": (AudioLDM2Generator, 1)}
_instances: dict = {}


def generator(name: str):
    if name not in _instances:
        _instances[name] = BACKENDS[name][0]()
    return _instances[name]


def request(duration_s=1.0, seed=7, context=(), **settings) -> RenderRequest:
    return RenderRequest(caption="a wooden door slams in the wind", duration_s=duration_s,
                         seed=seed, settings={"steps": 2, **settings}, context=context,
                         story_prompt="a storm at the harbour")


@pytest.mark.parametrize("name", list(BACKENDS))
def test_renders_a_take_at_the_native_rate(tiny_models, name):
    out = generator(name).render(request())
    channels = BACKENDS[name][1]
    assert out.sample_rate == 16000  # the tiny VAEs and vocoder run at 16 kHz
    assert out.audio.dtype == np.float32 and out.audio.shape == (channels, 16000)
    assert np.all(np.isfinite(out.audio)) and np.abs(out.audio).max() > 0
    assert out.metadata["steps"] == 2 and out.metadata["windows"] == 1


@pytest.mark.parametrize("name", list(BACKENDS))
def test_same_seed_same_take_other_seed_other_take(tiny_models, name):
    first = generator(name).render(request(seed=11)).audio
    again = generator(name).render(request(seed=11)).audio
    other = generator(name).render(request(seed=12)).audio
    assert np.array_equal(first, again)
    assert not np.allclose(first, other)


@pytest.mark.parametrize("name", list(BACKENDS))
def test_neighbouring_events_condition_the_take(tiny_models, name):
    alone = generator(name).render(request(seed=5)).audio
    in_story = generator(name).render(request(seed=5, context=CONTEXT))
    without_pull = generator(name).render(request(seed=5, context=CONTEXT, context_strength=0.0))
    assert not np.array_equal(alone, in_story.audio)
    assert np.array_equal(alone, without_pull.audio)
    assert in_story.metadata["neighbours"] == 2
    assert in_story.metadata["conditioning"] == "caption-encoding+story-context"


def test_events_longer_than_the_model_are_windowed_not_refused(tiny_models):
    out = generator("tangoflux").render(request(duration_s=9.5))  # the tiny DiT's limit is 4 s
    assert out.audio.shape == (2, int(9.5 * 16000))
    assert out.metadata["windows"] == 4  # (9.5 - 2) / (4 - 2) overlapping 2 s
    assert any("overlapping windows" in note for note in out.notes)
    assert np.abs(out.audio[:, -1600:]).max() > 0  # the last window reaches the end


def test_progress_reaches_the_end_and_cancel_stops(tiny_models):
    seen = []
    generator("tangoflux").render(request(), lambda f, m: seen.append(f))
    assert seen[-1] == 1.0 and seen == sorted(seen)
    cancel = CancelToken()

    def cancel_midway(fraction, message):
        if fraction > 0.5:
            cancel.cancel()

    with pytest.raises(Cancelled):
        generator("stable-audio-open").render(request(steps=4), cancel_midway, cancel)


def test_a_checkpoint_of_another_architecture_is_refused(tiny_models_root, tmp_path,
                                                         monkeypatch):
    import shutil

    models = tmp_path / "models"
    shutil.copytree(tiny_models_root, models)
    weights = models / "tangoflux" / "tangoflux.safetensors"
    state = load_file(str(weights))
    del state["fc.0.weight"]
    state["extra.weight"] = state["fc.0.bias"].clone()
    save_file(state, str(weights))
    monkeypatch.setenv("AUDIOSTORY_MODELS_DIR", str(models))
    with pytest.raises(CheckpointError, match="1 missing .*fc.0.weight.*1 unexpected"):
        TangoFluxGenerator().render(request())


def test_backends_are_registered_and_selectable_from_the_cli(tiny_models, tmp_path):
    import subprocess
    import sys

    assert {"tangoflux", "stable-audio-open", "audioldm2", "audiostory"} <= set(generator_names())
    assert isinstance(get_generator("tangoflux"), TangoFluxGenerator)
    out = tmp_path / "story.wav"
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "render", "rain on a tin roof, then a door slams",
         "--generator", "tangoflux", "--duration", "6", "-o", str(out), "--quiet",
         "--project", str(tmp_path / "p")],
        capture_output=True, text=True, env=cli_env(tiny_models), timeout=600)
    assert result.returncode == 0, result.stderr
    import soundfile

    info = soundfile.info(str(out))
    assert info.samplerate == 48000 and abs(info.duration - 6.0) < 0.01
    import json

    story = json.loads((tmp_path / "p.story" / "story.json").read_text())
    takes = [t for e in story["story"]["events"] for t in e["takes"]]
    assert takes and all(t["generator"] == "tangoflux" and t["sample_rate"] == 16000
                         for t in takes)
