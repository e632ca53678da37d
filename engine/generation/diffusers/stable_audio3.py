"""Stable Audio 3 through diffusers: text-to-audio for whole clips, audio-to-audio for close
variations, inpainting for regions and continuations. 44.1 kHz stereo; the small models
reach 120 s and run on a CPU, the medium one 380 s.

One loaded checkpoint serves all three diffusers pipelines (`StableAudio3Pipeline`,
`StableAudio3AudioToAudioPipeline`, `StableAudio3InpaintPipeline` share their components).
The caption goes through the checkpoint's T5Gemma encoder, the story's neighbouring events
add their residual context (`engine.generation.conditioning`), and the fused tokens are
handed to the pipeline as `prompt_embeds`, so its duration conditioning and sampler run
unchanged. Inpainting builds its own latent mask (every span widened to whole latent
frames) and its own starting noise, each span's frames drawn from that span's seed, so
several regions with their own seeds are filled in one pass.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import soxr
import torch

from engine.generation.base import GeneratedAudio, RenderRequest
from engine.generation.conditioning import CaptionBridge, fuse_context
from engine.generation.diffusers.base import (
    LOAD_SHARE,
    RUNTIME_SETTINGS,
    ModelGenerator,
    model_setting,
    window_seed,
)
from engine.generation.diffusers.pipelines import load_pipeline
from engine.generation.editing import AudioSpan
from engine.generation.settings import CONTEXT_STRENGTH, NEGATIVE_PROMPT, Setting, parse_settings
from engine.generation.windows import Window, fit_length, join_windows, plan_windows
from engine.progress import CancelToken, Progress, no_progress, sub_progress

TOKENS_MAX = 256  # the pipelines cap T5Gemma at 256 tokens
# the longest clip each released checkpoint was trained for; other folders: their duration
# embedder's range
LONGEST_CLIP_S = {"stable-audio-3-small": 120.0, "stable-audio-3-medium": 380.0}
MIN_NOISE = 0.05  # audio-to-audio at similarity 1: the least noise that still re-renders


@dataclass
class StableAudio3Bundle:
    """The loaded checkpoint and the pipelines built on its components."""

    pipe: Any                       # StableAudio3Pipeline (diffusers is imported on use)
    model: str
    offload_device: str | None      # CPU offload onto this device, or None
    variants: dict = field(default_factory=dict)
    hooked: object = None           # the pipeline whose offload hooks are in place

    @property
    def sample_rate(self) -> int:
        return int(self.pipe.vae.config.sampling_rate)

    @property
    def frame(self) -> int:
        """Audio samples per latent frame."""
        return int(self.pipe.vae.downsampling_ratio)

    def pipeline(self, kind: str):
        """The text-to-audio ("text"), audio-to-audio ("audio") or inpainting ("inpaint")
        pipeline, sharing the loaded weights."""
        from diffusers import StableAudio3AudioToAudioPipeline, StableAudio3InpaintPipeline

        if kind == "text":
            chosen = self.pipe
        else:
            if kind not in self.variants:
                cls = {"audio": StableAudio3AudioToAudioPipeline,
                       "inpaint": StableAudio3InpaintPipeline}[kind]
                self.variants[kind] = cls(**self.pipe.components)
                self.variants[kind].set_progress_bar_config(disable=True)
            chosen = self.variants[kind]
        if self.offload_device is not None and self.hooked is not chosen:
            chosen.enable_model_cpu_offload(device=self.offload_device)  # hooks are per pipeline
            self.hooked = chosen
        return chosen


class StableAudio3Generator(ModelGenerator):
    name = "stable-audio-3"
    version = "1.0"
    DEFAULT_MODEL = "stable-audio-3-small"
    MODEL_GB = 5.0
    SETTINGS = (
        model_setting("stable-audio-3-small"),
        Setting("steps", "int", 8, "sampler steps (the distilled checkpoints use 8; the base "
                "ones about 100)", minimum=1, maximum=1000),
        Setting("guidance", "float", 1.0, "classifier-free guidance scale (1: off, right for "
                "the distilled checkpoints; whole clips only)", minimum=1.0, maximum=20.0),
        NEGATIVE_PROMPT, CONTEXT_STRENGTH, *RUNTIME_SETTINGS)

    def load(self, model: str, placement, progress: Progress) -> StableAudio3Bundle:
        from diffusers import StableAudio3Pipeline

        pipe = load_pipeline(StableAudio3Pipeline, model, placement, progress)
        bundle = StableAudio3Bundle(pipe, model,
                                    placement.device if placement.cpu_offload else None)
        bundle.hooked = pipe if placement.cpu_offload else None
        return bundle

    def sample_rate(self, bundle: StableAudio3Bundle) -> int:
        return bundle.sample_rate

    def max_window_s(self, bundle: StableAudio3Bundle) -> float:
        trained = float(bundle.pipe.duration_embedder.config.max_val)
        return min(trained, LONGEST_CLIP_S.get(bundle.model, trained))

    # -- conditioning ---------------------------------------------------------------------
    def _encode(self, pipe, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        length = min(int(getattr(pipe.tokenizer, "model_max_length", TOKENS_MAX)), TOKENS_MAX)
        batch = pipe.tokenizer(texts, padding="max_length", max_length=length, truncation=True,
                               return_tensors="pt")
        device = pipe._execution_device
        with torch.no_grad():
            hidden = pipe.text_encoder(batch.input_ids.to(device),
                                       attention_mask=batch.attention_mask.to(device))[0]
        return hidden.float(), batch.attention_mask.to(device).bool()

    def _conditioning(self, pipe, request: RenderRequest, values: dict) -> tuple[dict, str]:
        """The pipeline's prompt arguments: the caption's tokens pulled toward the story."""
        tokens = CaptionBridge(lambda texts: self._encode(pipe, texts)).tokens(request)
        fused = fuse_context(tokens, values["context_strength"])
        dtype = pipe.transformer.dtype
        return ({"prompt_embeds": fused[None].to(dtype),
                 "encoder_attention_mask": tokens.semantic_mask[None].long()}, tokens.method)

    # -- whole clips ----------------------------------------------------------------------
    def render_window(self, bundle: StableAudio3Bundle, request: RenderRequest, values: dict,
                      window: Window, seed: int, progress: Progress, cancel: CancelToken | None
                      ) -> tuple[np.ndarray, dict]:
        pipe = bundle.pipeline("text")
        prompt, method = self._conditioning(pipe, request, values)
        extra = {}
        if values["negative_prompt"] and values["guidance"] > 1.0:
            negative, negative_mask = self._encode(pipe, [values["negative_prompt"]])
            extra = {"negative_prompt_embeds": negative.to(pipe.transformer.dtype),
                     "negative_encoder_attention_mask": negative_mask.long()}
        output = pipe(**prompt, duration=window.duration_s, num_inference_steps=values["steps"],
                      guidance_scale=values["guidance"], generator=_generator(seed),
                      output_type="pt",
                      callback_on_step_end=step_end_callback(values["steps"], progress, cancel),
                      **extra)
        audio = output.audios[0].float().cpu().numpy()
        return audio, {"steps": values["steps"], "guidance": values["guidance"],
                       "conditioning": method, "neighbours": len(request.context),
                       "mode": "text-to-audio"}

    # -- variations: audio-to-audio -------------------------------------------------------
    def vary(self, request: RenderRequest, audio: np.ndarray, sample_rate: int,
             similarity: float, seed: int, progress: Progress | None = None,
             cancel: CancelToken | None = None) -> GeneratedAudio:
        """The take noised to a level set by `similarity` and rendered back from there."""
        progress = progress or no_progress
        values, notes = parse_settings(self.SETTINGS, request.settings, self.name)
        bundle = self.loaded_model(values, sub_progress(progress, 0.0, LOAD_SHARE))
        rate = bundle.sample_rate
        native = _to_stereo(_resample(audio, sample_rate, rate))
        total_s = native.shape[1] / rate
        noise = init_noise_level(similarity)
        pipe = bundle.pipeline("audio")
        prompt, method = self._conditioning(pipe, request, values)
        windows = plan_windows(total_s, self.max_window_s(bundle), values["crossfade_s"])
        clips = []
        for window in windows:
            if cancel is not None:
                cancel.raise_if_cancelled()
            first = int(round(window.start_s * rate))
            length = int(round(window.duration_s * rate))
            share = (1 - LOAD_SHARE) / len(windows)
            step = sub_progress(progress, LOAD_SHARE + share * window.index,
                                LOAD_SHARE + share * (window.index + 1))
            reference = fit_length(native[:, first:first + length], length)
            output = pipe(**prompt, duration=window.duration_s,
                          audio=torch.from_numpy(reference)[None].to(pipe.transformer.dtype),
                          init_noise_level=noise, num_inference_steps=values["steps"],
                          generator=_generator(window_seed(seed, window)), output_type="pt",
                          callback_on_step_end=step_end_callback(values["steps"], step, cancel))
            clips.append(fit_length(output.audios[0].float().cpu().numpy(), length))
        varied = join_windows(clips, windows, rate, total_s)
        result = _resample(varied, rate, sample_rate)
        progress(1.0, "varied")
        return GeneratedAudio(_like(result, audio), sample_rate,
                              {"mode": "audio-to-audio", "similarity": similarity,
                               "init_noise_level": round(noise, 4), "steps": values["steps"],
                               "conditioning": method, "model": values["model"],
                               "windows": len(windows)}, tuple(notes))

    # -- regions and continuations: inpainting --------------------------------------------
    def inpaint(self, request: RenderRequest, audio: np.ndarray, sample_rate: int,
                spans: Sequence[AudioSpan], progress: Progress | None = None,
                cancel: CancelToken | None = None) -> GeneratedAudio:
        progress = progress or no_progress
        values, notes = parse_settings(self.SETTINGS, request.settings, self.name)
        bundle = self.loaded_model(values, sub_progress(progress, 0.0, LOAD_SHARE))
        rate = bundle.sample_rate
        native = _to_stereo(_resample(audio, sample_rate, rate))
        ratio = rate / sample_rate
        native_spans = [AudioSpan(int(math.floor(s.start * ratio)),
                                  max(int(math.ceil(s.end * ratio)),
                                      int(math.floor(s.start * ratio)) + 1), s.seed)
                        for s in spans]
        max_samples = int(self.max_window_s(bundle) * rate) // bundle.frame * bundle.frame
        passes = inpaint_windows(native_spans, native.shape[1], max_samples, bundle.frame)
        pipe = bundle.pipeline("inpaint")
        prompt, method = self._conditioning(pipe, request, values)
        out = native.copy()
        for index, (first, last, members) in enumerate(passes):
            if cancel is not None:
                cancel.raise_if_cancelled()
            step = sub_progress(progress, LOAD_SHARE + (1 - LOAD_SHARE) * index / len(passes),
                                LOAD_SHARE + (1 - LOAD_SHARE) * (index + 1) / len(passes))
            out[:, first:last] = self._inpaint_pass(bundle, pipe, prompt, values,
                                                    out[:, first:last],
                                                    [AudioSpan(s.start - first, s.end - first,
                                                               s.seed) for s in members],
                                                    step, cancel)
        result = _resample(out, rate, sample_rate)
        progress(1.0, "inpainted")
        if len(passes) > 1:
            notes.append(f"{len(spans)} region{'s' if len(spans) > 1 else ''} filled in "
                         f"{len(passes)} passes (the model's longest clip is "
                         f"{self.max_window_s(bundle):g} s)")
        return GeneratedAudio(_like(fit_length(result, audio.shape[1]), audio), sample_rate,
                              {"mode": "inpaint", "passes": len(passes), "regions": len(spans),
                               "steps": values["steps"], "conditioning": method,
                               "model": values["model"]}, tuple(notes))

    def _inpaint_pass(self, bundle: StableAudio3Bundle, pipe, prompt: dict, values: dict,
                      audio: np.ndarray, spans: list[AudioSpan], progress: Progress,
                      cancel: CancelToken | None) -> np.ndarray:
        """One pipeline call over `audio` (whole latent frames) with every span masked."""
        frame = bundle.frame
        length = audio.shape[1]
        frames = math.ceil(length / frame)
        padded = fit_length(audio, frames * frame)
        mask = torch.ones(1, 1, frames)
        latent_dim = int(pipe.vae.config.latent_dim)
        dtype = pipe.transformer.dtype
        device = pipe._execution_device
        noise = _noise(latent_dim, frames, spans[0].seed)
        for span in spans:
            first, last = span.start // frame, min(math.ceil(span.end / frame), frames)
            mask[..., first:last] = 0.0
            noise[..., first:last] = _noise(latent_dim, frames, span.seed)[..., first:last]
        output = pipe(**prompt, duration=_duration_of(frames, frame, bundle.sample_rate),
                      audio=torch.from_numpy(padded)[None].to(dtype), mask=mask.to(device),
                      latents=noise.to(device, dtype), num_inference_steps=values["steps"],
                      generator=_generator(spans[0].seed), output_type="pt",
                      callback_on_step_end=step_end_callback(values["steps"], progress, cancel))
        return fit_length(output.audios[0].float().cpu().numpy(), length)


def init_noise_level(similarity: float) -> float:
    """Audio-to-audio noise for a similarity 0..1: 1 keeps the most (MIN_NOISE), 0 is a
    fresh render (pure noise)."""
    similarity = min(max(float(similarity), 0.0), 1.0)
    return 1.0 - similarity * (1.0 - MIN_NOISE)


def inpaint_windows(spans: Sequence[AudioSpan], length: int, max_samples: int,
                    frame: int) -> list[tuple[int, int, list[AudioSpan]]]:
    """Passes (first, last, spans): windows of `max_samples` (whole latent frames) that
    together cover every span, each with as much audio around its spans as fits.

    Audio that fits the model is one pass with every span. Otherwise spans close enough to
    share a window (together at most half of it, leaving the rest as context) share a
    pass, and a span longer than that is filled piece by piece, each piece seeing the one
    before it."""
    if length <= max_samples:
        return [(0, length, list(spans))]
    reach = max(max_samples // 2 // frame * frame, frame)
    pieces = []
    for span in sorted(spans, key=lambda s: s.start):
        for start in range(span.start, span.end, reach):
            pieces.append(AudioSpan(start, min(start + reach, span.end), span.seed))
    groups: list[list[AudioSpan]] = []
    for piece in pieces:
        if groups and piece.end - min(s.start for s in groups[-1]) <= reach:
            groups[-1].append(piece)
        else:
            groups.append([piece])
    passes = []
    for members in groups:  # each group in the middle of its window, within the audio
        lo, hi = members[0].start, max(s.end for s in members)
        first = min(max((lo + hi) // 2 - max_samples // 2, 0), length - max_samples)
        passes.append((first, first + max_samples, members))
    return passes


def step_end_callback(steps: int, progress: Progress, cancel: CancelToken | None):
    """diffusers' `callback_on_step_end(pipe, step, timestep, tensors)`: progress, cancel."""

    def callback(pipe, step: int, timestep, tensors: dict) -> dict:
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(min((step + 1) / steps, 1.0), f"step {step + 1}/{steps}")
        return tensors

    return callback


def _duration_of(frames: int, frame: int, sample_rate: int) -> float:
    """Seconds the pipelines turn back into exactly `frames` latent frames."""
    seconds = frames * frame / sample_rate
    while math.ceil(seconds * sample_rate / frame) > frames:
        seconds = math.nextafter(seconds, 0.0)
    return seconds


def _generator(seed: int) -> torch.Generator:
    return torch.Generator("cpu").manual_seed(int(seed))


def _noise(latent_dim: int, frames: int, seed: int) -> torch.Tensor:
    return torch.randn((1, latent_dim, frames), generator=_generator(seed))


def _resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    if from_rate == to_rate:
        return np.ascontiguousarray(audio, np.float32)
    out = soxr.resample(np.ascontiguousarray(audio.T), from_rate, to_rate, quality="VHQ")
    return np.ascontiguousarray(np.asarray(out, np.float32).reshape(-1, audio.shape[0]).T)


def _to_stereo(audio: np.ndarray) -> np.ndarray:
    if audio.shape[0] == 2:
        return audio
    if audio.shape[0] == 1:
        return np.repeat(audio, 2, axis=0)
    return np.ascontiguousarray(audio[:2])


def _like(audio: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Stereo model output with the channel count of the audio it came from."""
    if reference.shape[0] == 1:
        audio = audio.mean(axis=0, keepdims=True)
    elif reference.shape[0] > 2:
        audio = np.concatenate([audio, np.repeat(audio.mean(axis=0, keepdims=True),
                                                 reference.shape[0] - 2, axis=0)])
    return np.ascontiguousarray(audio, np.float32)


__all__ = ["StableAudio3Generator", "init_noise_level", "inpaint_windows"]
