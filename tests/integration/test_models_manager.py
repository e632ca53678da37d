"""The model manager: finding checkpoints, missing-model messages, downloads without a
network, verification, device/dtype choice, generator settings and long-event windows."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from engine.checkpoints import ModelMissing, choose_placement, find_local, get_spec, resolve
from engine.errors import InvalidInput
from engine.generation.settings import parse_settings, settings_schema
from engine.generation.windows import join_windows, plan_windows
from tests.conftest import ROOT
from tests.support.tiny_models import cli_env

pytestmark = pytest.mark.tiny_model


def run_main(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_missing_model_names_repo_size_and_download_command(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIOSTORY_MODELS_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    with pytest.raises(ModelMissing) as error:
        resolve("tangoflux")
    message = str(error.value)
    assert "declare-lab/TangoFlux" in message and "2.7 GB" in message
    assert "python main.py models download tangoflux" in message


def test_render_with_a_missing_model_fails_with_one_clear_line(tmp_path):
    env = cli_env(tmp_path / "empty", HF_HUB_CACHE=str(tmp_path / "hf"))
    result = run_main("render", "rain on a roof", "--generator", "stable-audio-open",
                      "--duration", "3", "-o", str(tmp_path / "out.wav"), env=env)
    assert result.returncode == 1
    assert "stabilityai/stable-audio-open-1.0" in result.stderr
    assert "python main.py models download stable-audio-open" in result.stderr
    assert not (tmp_path / "out.wav").exists()


def test_models_folder_and_catalogue_repo_ids_resolve(tiny_models):
    assert resolve("tangoflux") == tiny_models / "tangoflux"
    assert resolve("google/flan-t5-large") == tiny_models / "flan-t5-large"
    assert resolve(str(tiny_models / "audioldm2")) == tiny_models / "audioldm2"


def test_a_half_copied_model_counts_as_missing(tiny_models_root, tmp_path, monkeypatch):
    partial = tmp_path / "models" / "tangoflux"
    partial.mkdir(parents=True)
    (partial / "config.json").write_text("{}")
    monkeypatch.setenv("AUDIOSTORY_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    assert find_local(get_spec("tangoflux")) is None


def test_models_in_the_hugging_face_cache_are_found(tiny_models_root, tmp_path):
    """A snapshot laid out as huggingface_hub caches it is used without the models folder."""
    cache = tmp_path / "hf-cache"
    repo = cache / "models--google--flan-t5-large"
    snapshot = repo / "snapshots" / ("ab" * 20)
    snapshot.mkdir(parents=True)
    for path in (tiny_models_root / "flan-t5-large").iterdir():
        (snapshot / path.name).write_bytes(path.read_bytes())
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("ab" * 20)
    env = cli_env(tmp_path / "empty", HF_HUB_CACHE=str(cache))
    result = run_main("models", "list", "--json", env=env)
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)["models"]}
    assert rows["flan-t5-large"]["path"] == str(snapshot)
    assert rows["tangoflux"]["path"] is None


def test_download_without_a_network_fails_cleanly(tmp_path):
    env = cli_env(tmp_path / "empty", HF_HUB_CACHE=str(tmp_path / "hf"))
    result = run_main("models", "download", "tangoflux", "--quiet", env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot download declare-lab/TangoFlux")
    assert "Traceback" not in result.stderr


def test_download_of_an_unknown_model_is_a_usage_error(tmp_path):
    result = run_main("models", "download", "no-such-model", env=cli_env(tmp_path))
    assert result.returncode == 2 and "unknown model 'no-such-model'" in result.stderr


def test_verify_reports_a_damaged_weights_file(tiny_models_root, tmp_path):
    import shutil

    models = tmp_path / "models"
    shutil.copytree(tiny_models_root / "tangoflux", models / "tangoflux")
    env = cli_env(models, HF_HUB_CACHE=str(tmp_path / "hf"))
    good = run_main("models", "verify", "tangoflux", env=env)
    assert good.returncode == 0 and "tangoflux: ok" in good.stdout
    (models / "tangoflux" / "vae.safetensors").write_bytes(b"not a safetensors file")
    bad = run_main("models", "verify", "tangoflux", env=env)
    assert bad.returncode == 1 and "vae.safetensors: unreadable" in bad.stdout


def test_placement_defaults_and_refusals():
    cpu = choose_placement()
    assert (cpu.device, cpu.dtype_name, cpu.cpu_offload) == ("cpu", "fp32", False)
    assert choose_placement("cpu", "bf16").dtype_name == "bf16"
    import torch

    if not torch.cuda.is_available():
        with pytest.raises(InvalidInput, match="no CUDA GPU"):
            choose_placement("cuda")
    with pytest.raises(InvalidInput, match="unknown dtype 'fp8'"):
        choose_placement("auto", "fp8")


def test_every_backend_publishes_its_settings_for_the_editor():
    for name in ("tangoflux", "stable-audio-open", "audioldm2", "audiostory"):
        schema = {s["name"]: s for s in settings_schema(name)}
        assert {"model", "steps", "guidance", "device", "dtype"} <= set(schema), name
        assert schema["steps"]["kind"] == "int" and schema["steps"]["minimum"] == 1
    procedural = {s["name"]: s for s in settings_schema("procedural")}
    assert {"recipe", "intensity", "distance", "count", "loop"} <= set(procedural)
    assert "dog_bark" in procedural["recipe"]["choices"]
    assert procedural["count"]["kind"] == "int" and procedural["count"]["maximum"] == 64


def test_bad_settings_are_refused_with_the_setting_named():
    from engine.generation.tangoflux.generator import TangoFluxGenerator

    schema = TangoFluxGenerator.SETTINGS
    values, notes = parse_settings(schema, {"steps": 10, "mood": "dark"}, "tangoflux")
    assert values["steps"] == 10 and values["guidance"] == 4.5
    assert notes == ["setting 'mood' is not used by the tangoflux generator"]
    with pytest.raises(InvalidInput, match="tangoflux setting 'steps' is 0"):
        parse_settings(schema, {"steps": 0}, "tangoflux")
    with pytest.raises(InvalidInput, match="'guidance' must be a number"):
        parse_settings(schema, {"guidance": "loud"}, "tangoflux")
    with pytest.raises(InvalidInput, match="choose one of: auto, cuda, mps, cpu"):
        parse_settings(schema, {"device": "tpu"}, "tangoflux")


def test_long_events_are_split_into_equal_overlapping_windows():
    windows = plan_windows(70.0, max_s=30.0, overlap_s=2.0)
    assert len(windows) == 3
    assert all(w.duration_s <= 30.0 for w in windows)
    assert windows[-1].start_s + windows[-1].duration_s == pytest.approx(70.0)
    for a, b in zip(windows, windows[1:]):
        assert a.start_s + a.duration_s - b.start_s == pytest.approx(2.0)
    assert plan_windows(12.0, 30.0, 2.0)[0].duration_s == 12.0


def test_crossfaded_windows_of_independent_noise_keep_their_level():
    rate = 8000
    windows = plan_windows(9.0, max_s=4.0, overlap_s=1.0)
    rng = np.random.default_rng(0)
    clips = [rng.standard_normal((1, int(round(w.duration_s * rate)))).astype(np.float32)
             for w in windows]
    joined = join_windows(clips, windows, rate, 9.0)
    assert joined.shape == (1, 9 * rate)
    frame = rate // 4
    levels = [np.sqrt(np.mean(joined[0, i:i + frame] ** 2)) for i in
              range(0, joined.shape[1] - frame, frame)]
    assert max(abs(20 * np.log10(level)) for level in levels) < 1.5
