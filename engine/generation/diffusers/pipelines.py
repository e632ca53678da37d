"""Loading a diffusers pipeline from a resolved folder, and its step callback."""
from __future__ import annotations

from engine.generation.tangoflux.components import CheckpointError, quiet_libraries
from engine.progress import CancelToken, Progress


def load_pipeline(pipeline_class, model: str, placement, progress: Progress):
    from engine.checkpoints import resolve

    quiet_libraries()
    folder = resolve(model)
    progress(0.0, f"loading {model}")
    try:
        pipe = pipeline_class.from_pretrained(str(folder), torch_dtype=placement.dtype)
    except (OSError, ValueError, KeyError) as exc:
        raise CheckpointError(f"{folder}: cannot load it as {pipeline_class.__name__} "
                              f"({str(exc).splitlines()[0][:200]}).") from None
    if placement.cpu_offload:
        pipe.enable_model_cpu_offload(device=placement.device)
    else:
        pipe.to(placement.device)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def step_callback(steps: int, progress: Progress, cancel: CancelToken | None):
    """diffusers' per-step `callback(step, timestep, latents)`: progress and cancellation."""

    def callback(step: int, timestep, latents) -> None:
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(min((step + 1) / steps, 1.0), f"step {step + 1}/{steps}")

    return callback
