"""Stable Audio Open through diffusers' `StableAudioPipeline`: 44.1 kHz stereo, up to 47 s.

The caption goes through the pipeline's own T5 encoder (padded to its 128 tokens), the
story's neighbouring events add their residual context (`engine.generation.conditioning`),
and the fused hidden states are handed to the pipeline as `prompt_embeds`, so its projection,
duration conditioning and sampler run unchanged.
"""
from __future__ import annotations

import numpy as np
import torch

from engine.errors import Cancelled
from engine.generation.base import RenderRequest
from engine.generation.conditioning import CaptionBridge, fuse_context
from engine.generation.diffusers.base import RUNTIME_SETTINGS, ModelGenerator, model_setting
from engine.generation.diffusers.pipelines import load_pipeline, step_callback
from engine.generation.settings import CONTEXT_STRENGTH, NEGATIVE_PROMPT, Setting
from engine.generation.windows import Window
from engine.progress import CancelToken, Progress

TOKENS_MAX = 128


class StableAudioGenerator(ModelGenerator):
    name = "stable-audio-open"
    version = "1.0"
    DEFAULT_MODEL = "stable-audio-open"
    MODEL_GB = 6.0
    SETTINGS = (
        model_setting("stable-audio-open"),
        Setting("steps", "int", 100, "sampler steps", minimum=1, maximum=1000),
        Setting("guidance", "float", 7.0, "classifier-free guidance scale", minimum=1.0,
                maximum=20.0),
        NEGATIVE_PROMPT, CONTEXT_STRENGTH, *RUNTIME_SETTINGS)

    def load(self, model: str, placement, progress: Progress):
        from diffusers import StableAudioPipeline

        return load_pipeline(StableAudioPipeline, model, placement, progress)

    def sample_rate(self, pipe) -> int:
        return int(pipe.vae.config.sampling_rate)

    def max_window_s(self, pipe) -> float:
        frames = pipe.transformer.config.sample_size * pipe.vae.hop_length
        return float(frames / pipe.vae.config.sampling_rate)

    def _encode(self, pipe, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        length = min(int(pipe.tokenizer.model_max_length), TOKENS_MAX)
        batch = pipe.tokenizer(texts, padding="max_length", max_length=length, truncation=True,
                               return_tensors="pt")
        device = pipe._execution_device
        with torch.no_grad():
            hidden = pipe.text_encoder(batch.input_ids.to(device),
                                       attention_mask=batch.attention_mask.to(device))[0]
        return hidden.float(), batch.attention_mask.to(device).bool()

    def render_window(self, pipe, request: RenderRequest, values: dict, window: Window,
                      seed: int, progress: Progress, cancel: CancelToken | None
                      ) -> tuple[np.ndarray, dict]:
        tokens = CaptionBridge(lambda texts: self._encode(pipe, texts)).tokens(request)
        dtype = pipe.text_encoder.dtype
        fused = fuse_context(tokens, values["context_strength"])
        extra = {}
        if values["negative_prompt"]:
            negative, negative_mask = self._encode(pipe, [values["negative_prompt"]])
            extra = {"negative_prompt_embeds": (negative * negative_mask[..., None]).to(dtype),
                     "negative_attention_mask": negative_mask.long()}
        output = pipe(
            prompt_embeds=fused[None].to(dtype), attention_mask=tokens.semantic_mask[None].long(),
            audio_end_in_s=window.duration_s, num_inference_steps=values["steps"],
            guidance_scale=values["guidance"], generator=torch.Generator("cpu").manual_seed(seed),
            output_type="pt", callback=step_callback(values["steps"], progress, cancel), **extra)
        audio = output.audios[0].float().cpu().numpy()
        return audio, {"steps": values["steps"], "guidance": values["guidance"],
                       "conditioning": tokens.method, "neighbours": len(request.context)}


__all__ = ["Cancelled", "StableAudioGenerator"]
