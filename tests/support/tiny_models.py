"""Tiny random-weight checkpoints for the model-backend tests, built once per test session
in the real layouts (tests.support.tiny_checkpoints) and found through the model manager."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

_built: dict[str, Path] = {}


def build_tiny_models(root: Path) -> Path:
    """Every tiny checkpoint under `root/models`, named as in the model catalogue."""
    if "models" in _built:
        return _built["models"]
    from tests.support import tiny_checkpoints as tiny

    models = root / "models"
    tiny.tiny_t5(models / "flan-t5-large")
    tiny.tiny_tangoflux(models / "tangoflux")
    tiny.tiny_stable_audio(models / "stable-audio-open")
    tiny.tiny_stable_audio3(models / "stable-audio-3-small")
    tiny.tiny_audioldm2(models / "audioldm2")
    tiny.tiny_audiostory(models / "audiostory-3b", models)
    _built["models"] = models
    return models


@pytest.fixture(scope="session")
def tiny_models_root(tmp_path_factory) -> Path:
    return build_tiny_models(tmp_path_factory.mktemp("tiny"))


@pytest.fixture
def tiny_models(tiny_models_root, monkeypatch, tmp_path) -> Path:
    """The tiny models as this machine's models folder; an empty Hugging Face cache."""
    monkeypatch.setenv("AUDIOSTORY_MODELS_DIR", str(tiny_models_root))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    return tiny_models_root


def cli_env(models: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, AUDIOSTORY_MODELS_DIR=str(models), HF_HUB_OFFLINE="1")
    env.update(extra)
    return env
