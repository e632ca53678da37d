"""Find a checkpoint on this machine: a folder the user named, the models folder, or the
Hugging Face cache. Nothing here touches the network.

Order of lookup for a catalogue name (e.g. "tangoflux"):
1. `<models folder>/<name>/` — the models folder is $AUDIOSTORY_MODELS_DIR, or the per-user
   data folder (`~/.local/share/AudioStory Studio/models` on Linux);
2. the Hugging Face cache ($HF_HUB_CACHE / $HF_HOME, as huggingface_hub defines it), at the
   catalogue revision.
A folder counts only when it holds the spec's required files, so a half-copied model is
reported as missing, not loaded and crashed on.
"""
from __future__ import annotations

import os
from pathlib import Path

from engine.checkpoints.catalogue import ModelSpec, get_spec, spec_for_repo
from engine.errors import StudioError
from engine.locations import data_dir

MODELS_DIR_ENV = "AUDIOSTORY_MODELS_DIR"


class ModelMissing(StudioError):
    """A checkpoint a backend needs is not on this machine."""


def models_dir() -> Path:
    configured = os.environ.get(MODELS_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    return data_dir() / "models"


def missing_files(folder: Path, spec: ModelSpec) -> list[str]:
    return [name for name in spec.required_files if not (folder / name).is_file()]


def find_local(spec: ModelSpec) -> Path | None:
    """The usable copy of `spec` on this machine, or None."""
    folder = models_dir() / spec.name
    if folder.is_dir() and not missing_files(folder, spec):
        return folder
    cached = _hub_cache_snapshot(spec)
    if cached is not None and not missing_files(cached, spec):
        return cached
    return None


def resolve(name_or_path: str) -> Path:
    """A catalogue name, a repository id of the catalogue, or a local folder -> its folder."""
    candidate = Path(name_or_path).expanduser()
    if candidate.is_dir():
        return candidate
    spec = spec_for_repo(name_or_path) if "/" in name_or_path else None
    if spec is None:
        if os.sep in name_or_path or name_or_path.startswith("."):
            raise ModelMissing(f"{name_or_path}: no such model folder; give a folder that "
                               "holds the checkpoint, or a name from `python main.py models "
                               "list`.")
        spec = get_spec(name_or_path)
    found = find_local(spec)
    if found is None:
        raise ModelMissing(missing_message(spec))
    return found


def missing_message(spec: ModelSpec) -> str:
    return (f"model {spec.name!r} ({spec.repo_id}, about {spec.size_text}, licence: "
            f"{spec.licence}) is not on this machine; fetch it with `python main.py models "
            f"download {spec.name}`, or put its files in {models_dir() / spec.name}.")


def _hub_cache_snapshot(spec: ModelSpec) -> Path | None:
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import LocalEntryNotFoundError
    except ImportError:  # the `ai` extra is not installed: only the models folder counts
        return None
    try:
        folder = snapshot_download(spec.repo_id, revision=spec.revision, local_files_only=True,
                                   allow_patterns=list(spec.allow_patterns or ["*"]))
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None
    return Path(folder)
