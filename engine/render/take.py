"""Rendering one take: the one path every render goes through, from the CLI, the editor and
batch jobs alike. It runs the generator, checks what came back, and stores the take file;
recording the take on its event is the caller's step (`attach_take`, or the editor's
undoable command), so a worker thread never touches the story.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.errors import StudioError
from engine.generation.base import GeneratedAudio, Generator, RenderRequest
from engine.model.story import Take
from engine.progress import CancelToken, Progress, no_progress
from engine.project.folder import Project, write_take


def render_take(project: Project, request: RenderRequest, generator: Generator,
                progress: Progress = no_progress, cancel: CancelToken | None = None) -> Take:
    """Render `request` with `generator` and store it as a take file in `project`."""
    generated = _render_checked(request, generator, progress, cancel)
    return project.store_take(request, generated, generator.name, generator.version)


def render_take_to(folder: Path, request: RenderRequest, generator: Generator,
                   progress: Progress = no_progress, cancel: CancelToken | None = None
                   ) -> tuple[Take, GeneratedAudio]:
    """The same, into a project folder from another process (a render worker), returning
    the audio too so the caller can mix it without reading it back."""
    generated = _render_checked(request, generator, progress, cancel)
    return write_take(folder, request, generated, generator.name, generator.version), generated


def _render_checked(request: RenderRequest, generator: Generator, progress: Progress,
                    cancel: CancelToken | None) -> GeneratedAudio:
    generated = generator.render(request, progress, cancel)
    check_generated(generated, request)
    if cancel is not None:
        cancel.raise_if_cancelled()
    return generated


def check_generated(generated: GeneratedAudio, request: RenderRequest) -> None:
    if not np.all(np.isfinite(generated.audio)):
        raise StudioError("the generator produced invalid audio (NaN or infinite samples)")
    got_s = generated.audio.shape[1] / generated.sample_rate
    if got_s + 0.01 < request.duration_s and not generated.metadata.get("natural_length"):
        raise StudioError(f"the generator returned {got_s:.2f} s for a {request.duration_s:.2f} s "
                          "event")
