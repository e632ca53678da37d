"""Training on accelerate: a tiny end-to-end run on CPU with synthetic stories, through the
command line as a user runs it; the loss goes down and the checkpoint loads and renders."""
from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

from engine.checkpoints import Placement
from engine.errors import InvalidInput
from engine.generation import RenderRequest
from engine.generation.audiostory.generator import AudioStoryGenerator
from engine.generation.audiostory.loader import load_audiostory
from engine.training.config import read_train_config
from engine.training.dataset import read_stories
from engine.training.synthetic import write_synthetic_dataset
from tests.conftest import ROOT
from tests.support.tiny_models import cli_env

pytestmark = pytest.mark.tiny_model


def test_tiny_training_run_lowers_its_loss_and_writes_a_loadable_checkpoint(tiny_models,
                                                                            tmp_path):
    data = write_synthetic_dataset(tmp_path / "data", stories=2, events=2)
    config = tmp_path / "train.yaml"
    config.write_text(f"checkpoint: {tiny_models / 'audiostory-3b'}\n"
                      "data: data\noutput: run\nsteps: 24\nlearning_rate: 3.0e-3\n"
                      "log_every: 8\nseed: 1\ncpu: true\n")
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", "--config",
                             str(config)], capture_output=True, text=True,
                            env=cli_env(tiny_models), timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "step 24/24" in result.stderr
    match = re.search(r"mean loss ([\d.]+) over the first 5 -> ([\d.]+) over the last 5",
                      result.stdout)
    assert match, result.stdout
    first, last = float(match.group(1)), float(match.group(2))
    assert last < 0.9 * first
    output = tmp_path / "run"
    assert {p.name for p in output.iterdir()} == {"config.yaml", "model.safetensors",
                                                  "tokenizer", "Flux_detokenizer"}
    trained = load_audiostory(output, Placement("cpu", "fp32", False))
    assert trained.report.missing == [] and trained.report.unexpected == []
    take = AudioStoryGenerator().render(RenderRequest(
        caption=read_stories(data)[0]["events"][0]["caption"], duration_s=1.0, seed=1,
        settings={"steps": 2, "model": str(output)}))
    assert take.audio.shape == (2, 16000) and np.all(np.isfinite(take.audio))


def test_configuration_errors_name_the_setting(tmp_path):
    config = tmp_path / "train.yaml"
    config.write_text("data: d\noutput: o\nsteps: 0\n")
    with pytest.raises(InvalidInput, match="steps: Input should be greater than or equal to 1"):
        read_train_config(config)
    config.write_text("data: d\noutput: o\nlearning_rat: 0.1\n")
    with pytest.raises(InvalidInput, match="learning_rat: Extra inputs are not permitted"):
        read_train_config(config)
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", "--config",
                             str(tmp_path / "missing.yaml")], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 2 and "cannot read the training configuration" in result.stderr


def test_dataset_errors_are_one_clear_line(tmp_path):
    data = write_synthetic_dataset(tmp_path / "data", stories=1, events=1)
    (data / "audio" / "0000-1.wav").unlink()
    with pytest.raises(InvalidInput, match=r"stories.jsonl:1: audio file audio/0000-1.wav not"):
        read_stories(data)
    (data / "stories.jsonl").write_text('{"prompt": "x", "events": []}\n')
    with pytest.raises(InvalidInput, match="needs a 'prompt' and a non-empty 'events' list"):
        read_stories(data)
