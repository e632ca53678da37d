"""Fetch a catalogue checkpoint into the Hugging Face cache, with progress and sizes.

Files go through huggingface_hub into its cache (shared with every other tool that uses it),
one at a time, so cancelling stops between files and a repeated download skips what is
already there. Without a network the command fails with one clear line.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from engine.checkpoints.catalogue import ModelSpec, format_size
from engine.checkpoints.resolve import models_dir
from engine.errors import StudioError
from engine.progress import CancelToken, Progress, no_progress


class DownloadError(StudioError):
    """A download could not start or finish (no network, no access, disk full)."""


@dataclass(frozen=True)
class RemoteFile:
    path: str
    size_bytes: int


def remote_files(spec: ModelSpec) -> list[RemoteFile]:
    """The repository's files that the backend needs, with their sizes, from the Hub."""
    api = _hub().HfApi()
    try:
        info = api.model_info(spec.repo_id, revision=spec.revision, files_metadata=True)
    except Exception as exc:  # network, auth and HTTP errors all end here
        raise DownloadError(_explain(spec, exc)) from None
    files = [RemoteFile(s.rfilename, int(s.size or 0)) for s in info.siblings or []]
    if spec.allow_patterns is not None:
        files = [f for f in files if any(fnmatch.fnmatch(f.path, p) for p in spec.allow_patterns)]
    return files


def download(spec: ModelSpec, progress: Progress = no_progress,
             cancel: CancelToken | None = None) -> Path:
    """Download every file `spec` needs; return the snapshot folder."""
    hub = _hub()
    files = remote_files(spec)
    if not files:
        raise DownloadError(f"{spec.repo_id} lists no files to download at revision "
                            f"{spec.revision}; check the repository on the Hub.")
    total = sum(f.size_bytes for f in files) or 1
    done = 0
    progress(0.0, f"{spec.repo_id}: {len(files)} files, {format_size(total)}")
    folder = Path()
    for remote in files:
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(done / total, f"{remote.path} ({format_size(remote.size_bytes)})")
        try:
            local = hub.hf_hub_download(spec.repo_id, remote.path, revision=spec.revision)
        except Exception as exc:
            raise DownloadError(_explain(spec, exc)) from None
        folder = Path(local).parents[len(Path(remote.path).parts) - 1]
        done += remote.size_bytes
    progress(1.0, f"{spec.name} ready in {folder}")
    return folder


def _hub():
    try:
        import huggingface_hub
    except ImportError:
        raise DownloadError("downloading models needs the `ai` extra; install it with "
                            "`pip install -e '.[ai]'`.") from None
    return huggingface_hub


def _explain(spec: ModelSpec, exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    status = getattr(getattr(exc, "response", None), "status_code", None)
    where = models_dir() / spec.name
    if status in (401, 403):
        return (f"cannot download {spec.repo_id}: the Hub refused access ({status}); accept "
                f"its licence ({spec.licence}) on the model page and log in with "
                "`hf auth login`, then try again.")
    if status == 404:
        return f"cannot download {spec.repo_id}: not found on the Hub ({text})."
    return (f"cannot download {spec.repo_id} (about {spec.size_text}): the Hugging Face Hub "
            f"is unreachable ({text}); check the network connection, or copy the model's "
            f"files into {where}.")
