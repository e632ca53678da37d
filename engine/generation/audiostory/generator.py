"""The AudioStory generator: one event, conditioned on the story so far through the LLM.

For event i the LLM reads the story prompt, a reasoning line, and every earlier event's
block (caption, timestamp, queries) — the neighbours of the render request that began
before it — then
event i's own caption and queries, in one causal pass. The hidden states at event i's query
positions are projected and fused into the DiT conditioning; the DiT samples with the event's
seed and the VAE decodes. Regenerating an event therefore recomputes the story context up to
it and draws new noise; other events are untouched.
"""
from __future__ import annotations

import numpy as np
import torch

from engine.generation.audiostory.loader import AudioStoryBundle, shared_bundle
from engine.generation.audiostory.sequence import StoryEvent, build_sequence, default_reasoning
from engine.generation.base import RenderRequest
from engine.generation.diffusers.base import RUNTIME_SETTINGS, ModelGenerator, model_setting
from engine.generation.diffusers.offload import on_device
from engine.generation.settings import NEGATIVE_PROMPT, Setting
from engine.generation.tangoflux.generator import TangoFluxParts, decode_latents
from engine.generation.windows import Window
from engine.progress import CancelToken, Progress


def story_so_far(request: RenderRequest) -> list:
    """The neighbours that began before this event (a bed that started earlier and still
    plays counts), oldest first: the LLM reads them before this event's caption."""
    return sorted((n for n in request.context
                   if n.relation == "before" or n.start_s < request.start_s),
                  key=lambda n: n.start_s)


class AudioStoryGenerator(ModelGenerator):
    name = "audiostory"
    version = "1.0"
    DEFAULT_MODEL = "audiostory-3b"
    MODEL_GB = 10.0
    SETTINGS = (
        model_setting("audiostory-3b"),
        Setting("steps", "int", 50, "flow-matching steps", minimum=1, maximum=1000),
        Setting("guidance", "float", 4.0, "classifier-free guidance scale", minimum=1.0,
                maximum=20.0),
        NEGATIVE_PROMPT, *RUNTIME_SETTINGS)

    def __init__(self) -> None:
        super().__init__()
        self._conditioning: tuple[RenderRequest, torch.Tensor] | None = None

    def load(self, model: str, placement, progress: Progress) -> AudioStoryBundle:
        progress(0.0, f"loading {model}")
        return shared_bundle(model, placement)

    def sample_rate(self, bundle: AudioStoryBundle) -> int:
        return bundle.sample_rate

    def max_window_s(self, bundle: AudioStoryBundle) -> float:
        return float(bundle.model.tangoflux.config.max_duration)

    def story_conditioning(self, bundle: AudioStoryBundle, request: RenderRequest
                           ) -> torch.Tensor:
        """(1, n_semantic, text_dim): the fused conditioning of this event in its story."""
        if self._conditioning is not None and self._conditioning[0] is request:
            return self._conditioning[1]
        earlier = story_so_far(request)
        events = [StoryEvent(n.caption, n.duration_s) for n in earlier]
        events.append(StoryEvent(request.caption, request.duration_s))
        everything = events + [StoryEvent(n.caption, n.duration_s) for n in request.context
                               if n not in earlier]
        total_s = max([request.start_s + request.duration_s]
                      + [n.start_s + n.duration_s for n in request.context])
        config = bundle.config
        sequence = build_sequence(bundle.tokenizer, request.story_prompt or request.caption,
                                  total_s, default_reasoning(everything), events,
                                  config.semantic_queries, config.residual_queries,
                                  finished=False)
        with on_device(bundle.model, bundle.device, bundle.offload) as model, torch.no_grad():
            device = next(model.parameters()).device
            ids = torch.tensor([sequence.ids], device=device)
            states = model.seedx.query_states(
                ids, torch.ones_like(ids),
                torch.tensor(sequence.semantic_positions[-1:], device=device),
                torch.tensor(sequence.residual_positions[-1:], device=device))
            fused = model.fuse(states)
        self._conditioning = (request, fused)
        return fused

    def render_window(self, bundle: AudioStoryBundle, request: RenderRequest, values: dict,
                      window: Window, seed: int, progress: Progress,
                      cancel: CancelToken | None) -> tuple[np.ndarray, dict]:
        fused = self.story_conditioning(bundle, request)
        with on_device(bundle.text.model, bundle.device, bundle.offload):
            negative, _ = bundle.text([values["negative_prompt"]], length=fused.shape[1])
        seconds = torch.tensor([window.duration_s])
        with on_device(bundle.model, bundle.device, bundle.offload) as model:
            dit = model.tangoflux
            device = next(dit.parameters()).device
            condition = dit.condition(fused.to(device), None, seconds)
            uncondition = dit.condition(negative.to(device), None, seconds)
            latents = dit.sample(condition, uncondition, dit.initial_noise(seed),
                                 values["steps"], values["guidance"], progress, cancel)
        parts = TangoFluxParts(bundle.model.tangoflux, bundle.vae, bundle.text, bundle.device,
                               bundle.offload)
        audio = decode_latents(parts, latents, window.duration_s)
        earlier = len(story_so_far(request))
        return audio, {"steps": values["steps"], "guidance": values["guidance"],
                       "conditioning": "audiostory-llm-queries", "story_events_before": earlier}
