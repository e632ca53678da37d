"""What every model-based generator shares: settings, device choice, loading once, windows.

A subclass says how to load its weights (`load`), its native rate and longest clip, and how
to render one window (`render_window`). This class turns a `RenderRequest` into a take:
checked settings, a resolved checkpoint, overlapping windows for events longer than the
model's maximum (joined with equal-power crossfades), progress and cancellation.
Weights stay loaded between renders (one model per generator; asking for another replaces
it); requests never change the loaded model's state.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from engine.errors import StudioError
from engine.generation.base import GeneratedAudio, RenderRequest
from engine.generation.settings import CROSSFADE_S, DEVICE, DTYPE, OFFLOAD, Setting, parse_settings
from engine.generation.windows import Window, fit_length, join_windows, plan_windows
from engine.progress import CancelToken, Progress, no_progress, sub_progress

LOAD_SHARE = 0.1  # of the progress bar, for loading weights on the first render
RUNTIME_SETTINGS = (CROSSFADE_S, DEVICE, DTYPE, OFFLOAD)


def model_setting(default: str) -> Setting:
    return Setting("model", "str", default, "catalogue name (`python main.py models list`) "
                   "or a folder holding the checkpoint")


AI_MODULES = {"diffusers", "transformers", "peft", "accelerate", "huggingface_hub", "torchsde",
              "yaml", "safetensors"}


@contextmanager
def needs_ai_extra(what: str) -> Iterator[None]:
    """A missing optional library becomes one clear line, not a traceback."""
    try:
        yield
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in AI_MODULES:
            raise
        raise StudioError(f"{what} needs the `ai` extra ({exc.name} is not installed); "
                          "install it with `pip install -e '.[ai]'`.") from None


def window_seed(seed: int, window: Window) -> int:
    """The first window uses the event's seed itself; later ones derive their own."""
    if window.index == 0:
        return int(seed)
    return int(np.random.SeedSequence([int(seed), window.index]).generate_state(1)[0])


class ModelGenerator:
    name = ""
    version = ""
    DEFAULT_MODEL = ""
    MODEL_GB = 0.0            # GPU memory the weights need, for the CPU-offload decision
    SETTINGS: tuple[Setting, ...] = ()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: tuple[tuple, Any] | None = None

    # -- for subclasses -----------------------------------------------------------------
    def load(self, model: str, placement, progress: Progress) -> Any:
        raise NotImplementedError

    def sample_rate(self, loaded: Any) -> int:
        raise NotImplementedError

    def max_window_s(self, loaded: Any) -> float:
        raise NotImplementedError

    def render_window(self, loaded: Any, request: RenderRequest, values: dict, window: Window,
                      seed: int, progress: Progress, cancel: CancelToken | None
                      ) -> tuple[np.ndarray, dict]:
        """(float32 (channels, samples) at the native rate, metadata) for one window."""
        raise NotImplementedError

    # -- the render ---------------------------------------------------------------------
    def loaded_model(self, values: dict, progress: Progress = no_progress) -> Any:
        from engine.checkpoints import choose_placement

        placement = choose_placement(values["device"], values["dtype"], values["offload"],
                                     self.MODEL_GB)
        key = (values["model"], placement)
        with self._lock, needs_ai_extra(f"the {self.name} generator"):
            if self._loaded is None or self._loaded[0] != key:
                self._loaded = None  # free the old weights before loading new ones
                self._loaded = (key, self.load(values["model"], placement, progress))
            return self._loaded[1]

    def render(self, request: RenderRequest, progress: Progress | None = None,
               cancel: CancelToken | None = None) -> GeneratedAudio:
        progress = progress or no_progress
        values, notes = parse_settings(self.SETTINGS, request.settings, self.name)
        loaded = self.loaded_model(values, sub_progress(progress, 0.0, LOAD_SHARE))
        rate = self.sample_rate(loaded)
        windows = plan_windows(request.duration_s, self.max_window_s(loaded),
                               values["crossfade_s"])
        clips: list[np.ndarray] = []
        metadata: dict[str, Any] = {}
        for window in windows:
            if cancel is not None:
                cancel.raise_if_cancelled()
            share = (1 - LOAD_SHARE) / len(windows)
            step = sub_progress(progress, LOAD_SHARE + share * window.index,
                                LOAD_SHARE + share * (window.index + 1))
            audio, metadata = self.render_window(loaded, request, values, window,
                                                 window_seed(request.seed, window), step, cancel)
            clips.append(fit_length(audio, int(round(window.duration_s * rate))))
        audio = join_windows(clips, windows, rate, request.duration_s)
        if len(windows) > 1:
            notes.append(f"rendered in {len(windows)} overlapping windows of "
                         f"{windows[0].duration_s:.1f} s (the model's longest clip is "
                         f"{self.max_window_s(loaded):g} s)")
        metadata = {**metadata, "windows": len(windows), "model": values["model"]}
        progress(1.0, "rendered")
        return GeneratedAudio(np.ascontiguousarray(audio, dtype=np.float32), rate, metadata,
                              tuple(notes))
