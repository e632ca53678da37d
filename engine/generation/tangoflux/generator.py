"""TangoFlux-architecture text-to-audio: Flan-T5 text tokens (+ the story's residual
context) -> Flux DiT (flow matching, classifier-free guidance) -> Oobleck VAE, 44.1 kHz stereo.

Checkpoint folder (the `declare-lab/TangoFlux` layout):

    config.json             DiT configuration (num_layers, num_single_layers, in_channels,
                            attention_head_dim, joint_attention_dim, num_attention_heads,
                            audio_seq_len, max_duration, text_encoder_name)
    tangoflux.safetensors   transformer.*, fc.*, duration_emebdder.* (text_encoder.* ignored)
    vae.safetensors         the Oobleck VAE (diffusers' default configuration, or
                            vae_config.json beside it)

The text encoder named by `text_encoder_name` ("google/flan-t5-large") is resolved through
the model manager like any other checkpoint.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from engine.generation.base import RenderRequest
from engine.generation.conditioning import CaptionBridge, fuse_context
from engine.generation.diffusers.base import RUNTIME_SETTINGS, ModelGenerator, model_setting
from engine.generation.diffusers.offload import on_device
from engine.generation.settings import CONTEXT_STRENGTH, NEGATIVE_PROMPT, Setting
from engine.generation.tangoflux.components import (
    CheckpointError,
    T5TextEncoder,
    load_exact,
    load_vae,
    quiet_libraries,
    read_weights,
)
from engine.generation.tangoflux.dit import DiTConfig, TangoFluxDiT
from engine.generation.windows import Window
from engine.progress import CancelToken, Progress

CONFIG_FILE = "config.json"
DIT_WEIGHTS = "tangoflux.safetensors"
VAE_WEIGHTS = "vae.safetensors"


@dataclass
class TangoFluxParts:
    dit: TangoFluxDiT
    vae: torch.nn.Module
    text: T5TextEncoder
    device: str
    offload: bool

    @property
    def sample_rate(self) -> int:
        return int(self.vae.config.sampling_rate)


def load_tangoflux(folder: Path, placement) -> TangoFluxParts:
    from engine.checkpoints import resolve

    quiet_libraries()
    config_path = folder / CONFIG_FILE
    try:
        config = DiTConfig.from_json(json.loads(config_path.read_text()))
    except (OSError, ValueError, TypeError) as exc:
        raise CheckpointError(f"{config_path}: not a TangoFlux configuration ({exc}).") from None
    home = "cpu" if placement.cpu_offload else placement.device
    text = T5TextEncoder(resolve(config.text_encoder_name), home, placement.dtype)
    dit = TangoFluxDiT(config, text.dim)
    load_exact(dit, read_weights(folder / DIT_WEIGHTS), f"TangoFlux DiT {folder}",
               ignore_prefixes=("text_encoder.",))
    vae = load_vae(folder / VAE_WEIGHTS, folder)
    dit.to(home, placement.dtype).eval().requires_grad_(False)
    vae.to(home, placement.dtype).requires_grad_(False)
    return TangoFluxParts(dit, vae, text, placement.device, placement.cpu_offload)


def decode_latents(parts: TangoFluxParts, latents: torch.Tensor, seconds: float) -> np.ndarray:
    """(1, frames, channels) latents -> float32 (channels, samples), trimmed to `seconds`."""
    with on_device(parts.vae, parts.device, parts.offload) as vae, torch.no_grad():
        first = next(vae.parameters())
        wave = vae.decode(latents.transpose(1, 2).to(first.device, first.dtype)).sample[0]
    samples = int(round(seconds * parts.sample_rate))
    return wave.float().cpu().numpy()[:, :samples]


class TangoFluxGenerator(ModelGenerator):
    name = "tangoflux"
    version = "1.0"
    DEFAULT_MODEL = "tangoflux"
    MODEL_GB = 3.5
    SETTINGS = (
        model_setting("tangoflux"),
        Setting("steps", "int", 50, "flow-matching steps (25 is faster and nearly as good)",
                minimum=1, maximum=1000),
        Setting("guidance", "float", 4.5, "classifier-free guidance scale", minimum=1.0,
                maximum=20.0),
        NEGATIVE_PROMPT, CONTEXT_STRENGTH, *RUNTIME_SETTINGS)

    def load(self, model: str, placement, progress: Progress) -> TangoFluxParts:
        from engine.checkpoints import resolve

        progress(0.0, f"loading {model}")
        return load_tangoflux(resolve(model), placement)

    def sample_rate(self, loaded: TangoFluxParts) -> int:
        return loaded.sample_rate

    def max_window_s(self, loaded: TangoFluxParts) -> float:
        return float(loaded.dit.config.max_duration)

    def render_window(self, loaded: TangoFluxParts, request: RenderRequest, values: dict,
                      window: Window, seed: int, progress: Progress,
                      cancel: CancelToken | None) -> tuple[np.ndarray, dict]:
        parts = loaded
        with on_device(parts.text.model, parts.device, parts.offload):
            tokens = CaptionBridge(parts.text).tokens(request)
            fused = fuse_context(tokens, values["context_strength"])
            negative, negative_mask = parts.text([values["negative_prompt"]],
                                                 length=fused.shape[0])
        seconds = torch.tensor([window.duration_s])
        with on_device(parts.dit, parts.device, parts.offload) as dit:
            device = next(dit.parameters()).device
            condition = dit.condition(fused[None].to(device), tokens.semantic_mask[None]
                                      .to(device), seconds)
            uncondition = dit.condition(negative.to(device), negative_mask.to(device), seconds)
            latents = dit.sample(condition, uncondition, dit.initial_noise(seed),
                                 values["steps"], values["guidance"], progress, cancel)
        audio = decode_latents(parts, latents, window.duration_s)
        return audio, {"steps": values["steps"], "guidance": values["guidance"],
                       "conditioning": tokens.method, "neighbours": len(request.context)}
