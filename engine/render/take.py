"""Rendering one take: the one path every render goes through, from the CLI, the editor and
batch jobs alike. It runs the generator, checks what came back, and stores the take file;
recording the take on its event is the caller's step (`attach_take`, or the editor's
undoable command), so a worker thread never touches the story.

Every render passes the guards of `engine.render.guards` (silent, clipped, noise where a
tone was asked, shorter than asked, non-finite samples). A render that fails one is tried
once more with the next seed; if that fails too, the render fails with both reasons and the
event keeps its previous take. A take rendered with the next seed records that seed and a
note; attaching it gives the event that seed (as choosing any take does), so it is current.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from engine.errors import RenderError
from engine.generation.base import GeneratedAudio, Generator, RenderRequest
from engine.model.fields import MAX_SEED
from engine.model.story import Take
from engine.progress import CancelToken, Progress, no_progress
from engine.project.folder import Project, write_take
from engine.render.guards import audio_problem


def render_take(project: Project, request: RenderRequest, generator: Generator,
                progress: Progress = no_progress, cancel: CancelToken | None = None) -> Take:
    """Render `request` with `generator` and store it as a take file in `project`."""
    generated, used = _render_checked(request, generator, progress, cancel)
    return project.store_take(used, generated, generator.name, generator.version)


def render_take_to(folder: Path, request: RenderRequest, generator: Generator,
                   progress: Progress = no_progress, cancel: CancelToken | None = None
                   ) -> tuple[Take, GeneratedAudio]:
    """The same, into a project folder from another process (a render worker)."""
    generated, used = _render_checked(request, generator, progress, cancel)
    return write_take(folder, used, generated, generator.name, generator.version), generated


def _render_checked(request: RenderRequest, generator: Generator, progress: Progress,
                    cancel: CancelToken | None) -> tuple[GeneratedAudio, RenderRequest]:
    generated, used = guarded_render(generator, request, progress, cancel)
    if cancel is not None:
        cancel.raise_if_cancelled()
    return generated, used


def guarded_render(generator: Generator, request: RenderRequest,
                   progress: Progress = no_progress, cancel: CancelToken | None = None
                   ) -> tuple[GeneratedAudio, RenderRequest]:
    """(the checked audio, the request that rendered it): `request` itself, or `request`
    with the next seed when the first render failed a guard. Raises RenderError when the
    second render fails too."""
    generated = generator.render(request, progress, cancel)
    problem = audio_problem(generated, request)
    if problem is None:
        return generated, request
    retry = replace(request, seed=next_seed(request.seed))
    progress(0.0, f"seed {request.seed} failed a check ({problem}); trying seed {retry.seed}")
    generated = generator.render(retry, progress, cancel)
    second = audio_problem(generated, retry)
    if second is not None:
        raise RenderError(f"{generator.name} render of {request.caption!r} failed its checks: "
                          f"with seed {request.seed} {problem}; with seed {retry.seed} "
                          f"{second}. The previous take is kept; try another seed or caption.")
    note = (f"seed {request.seed} was rejected ({problem}); this take was rendered with "
            f"seed {retry.seed}")
    return replace(generated, notes=(*generated.notes, note)), retry


def next_seed(seed: int) -> int:
    return seed + 1 if seed < MAX_SEED else 0


def check_generated(generated: GeneratedAudio, request: RenderRequest) -> None:
    """Raise RenderError if a render fails a guard (no retry: see `guarded_render`)."""
    problem = audio_problem(generated, request)
    if problem is not None:
        raise RenderError(f"the {request.caption!r} render failed its checks: {problem}")
