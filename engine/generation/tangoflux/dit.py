"""The TangoFlux-architecture DiT: diffusers' `FluxTransformer2DModel` over Oobleck VAE
latents, conditioned on text tokens plus a duration token, sampled by flow matching.

The module names (`transformer`, `fc`, `duration_emebdder` — sic) are those of the published
TangoFlux and AudioStory checkpoints, so their state dicts load without renaming.

Sampling is the rectified-flow Euler method: sigmas fall linearly from 1 to 1/steps, then to
0 (diffusers' `FlowMatchEulerDiscreteScheduler` with shift 1 takes the same steps), with
classifier-free guidance v = v_uncond + g (v_cond - v_uncond). The model always generates its
full latent length (`audio_seq_len` frames, 30 s for TangoFlux); the duration token tells it
where the sound ends, and the caller trims.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from engine.progress import CancelToken, Progress

TEXT_TOKENS_MAX = 64  # TangoFlux tokenises captions to at most 64 T5 tokens
DURATION_FEATURES = 256


@dataclass(frozen=True)
class DiTConfig:
    num_layers: int = 6
    num_single_layers: int = 18
    in_channels: int = 64
    attention_head_dim: int = 128
    joint_attention_dim: int = 1024
    num_attention_heads: int = 8
    audio_seq_len: int = 645
    max_duration: float = 30.0
    text_encoder_name: str = "google/flan-t5-large"
    axes_dims_rope: tuple[int, int, int] = (16, 56, 56)

    @classmethod
    def from_json(cls, data: dict) -> DiTConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "axes_dims_rope" in known:
            known["axes_dims_rope"] = tuple(known["axes_dims_rope"])
        return cls(**known)


class FourierTimes(nn.Module):
    """A scalar in [0, 1] -> [x, sin(2 pi w x), cos(2 pi w x)] with learned frequencies w."""

    def __init__(self, features: int) -> None:
        super().__init__()
        self.weights = nn.Parameter(torch.randn(features // 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[..., None]
        angles = x * self.weights * (2 * math.pi)
        return torch.cat([x, angles.sin(), angles.cos()], dim=-1)


class DurationEmbedder(nn.Module):
    """Seconds -> one conditioning token (clamped to [0, max] and normalised first)."""

    def __init__(self, dim: int, max_seconds: float) -> None:
        super().__init__()
        self.max_seconds = max_seconds
        self.time_positional_embedding = nn.Sequential(
            FourierTimes(DURATION_FEATURES), nn.Linear(DURATION_FEATURES + 1, dim))

    def forward(self, seconds: torch.Tensor) -> torch.Tensor:
        weight = self.time_positional_embedding[1].weight
        normalised = (seconds.clamp(0, self.max_seconds) / self.max_seconds).to(weight.dtype)
        return self.time_positional_embedding(normalised).unsqueeze(1)  # (batch, 1, dim)


@dataclass
class DiTCondition:
    tokens: torch.Tensor   # (batch, n + 1, joint dim input): text tokens + duration token
    pooled: torch.Tensor   # (batch, joint dim)


class TangoFluxDiT(nn.Module):
    def __init__(self, config: DiTConfig, text_dim: int) -> None:
        super().__init__()
        from diffusers import FluxTransformer2DModel

        self.config = config
        self.text_dim = text_dim
        self.fc = nn.Sequential(nn.Linear(text_dim, config.joint_attention_dim), nn.ReLU())
        self.duration_emebdder = DurationEmbedder(text_dim, config.max_duration)
        self.transformer = FluxTransformer2DModel(
            in_channels=config.in_channels, num_layers=config.num_layers,
            num_single_layers=config.num_single_layers,
            attention_head_dim=config.attention_head_dim,
            num_attention_heads=config.num_attention_heads,
            joint_attention_dim=config.joint_attention_dim, pooled_projection_dim=text_dim,
            guidance_embeds=False, axes_dims_rope=config.axes_dims_rope)

    @property
    def weight_dtype(self) -> torch.dtype:
        return self.fc[0].weight.dtype

    def condition(self, tokens: torch.Tensor, mask: torch.Tensor | None,
                  duration_s: torch.Tensor) -> DiTCondition:
        """Text-like tokens (batch, n, text_dim) + seconds (batch,) -> the DiT's conditioning.
        The pooled vector is the mean over real tokens (all tokens when mask is None)."""
        tokens = tokens.to(self.weight_dtype)
        if mask is None:
            pooled = tokens.mean(1)
        else:
            m = mask.to(tokens.dtype).unsqueeze(-1)
            pooled = (tokens * m).sum(1) / m.sum(1).clamp(min=1.0)
        duration = self.duration_emebdder(duration_s.to(tokens.device))
        return DiTCondition(torch.cat([tokens, duration.to(tokens.dtype)], dim=1),
                            self.fc(pooled))

    def velocity(self, latents: torch.Tensor, sigma: torch.Tensor,
                 condition: DiTCondition) -> torch.Tensor:
        device = latents.device
        txt_ids = torch.zeros(condition.tokens.shape[1], 3, device=device)
        audio_ids = torch.arange(latents.shape[1], device=device)[:, None].repeat(1, 3).float()
        return self.transformer(
            hidden_states=latents.to(self.weight_dtype), timestep=sigma.to(self.weight_dtype),
            encoder_hidden_states=condition.tokens, pooled_projections=condition.pooled,
            txt_ids=txt_ids, img_ids=audio_ids, guidance=None, return_dict=False)[0]

    def initial_noise(self, seed: int, batch: int = 1) -> torch.Tensor:
        """Noise drawn on the CPU, so a seed gives the same take on every device."""
        generator = torch.Generator("cpu").manual_seed(int(seed))
        return torch.randn(batch, self.config.audio_seq_len, self.config.in_channels,
                           generator=generator)

    @torch.no_grad()
    def sample(self, condition: DiTCondition, uncondition: DiTCondition | None,
               noise: torch.Tensor, steps: int, guidance: float,
               progress: Progress | None = None, cancel: CancelToken | None = None
               ) -> torch.Tensor:
        device = condition.tokens.device
        latents = noise.to(device, torch.float32)
        both = None  # with classifier-free guidance: the unconditioned and conditioned batch
        if uncondition is not None and guidance != 1.0:
            both = DiTCondition(torch.cat([uncondition.tokens, condition.tokens]),
                                torch.cat([uncondition.pooled, condition.pooled]))
        sigmas = torch.cat([torch.linspace(1.0, 1.0 / steps, steps), torch.zeros(1)])
        for step in range(steps):
            if cancel is not None:
                cancel.raise_if_cancelled()
            sigma = sigmas[step].to(device)
            if both is not None:
                v = self.velocity(torch.cat([latents, latents]), sigma.repeat(2), both).float()
                v_uncond, v_cond = v.chunk(2)
                v = v_uncond + guidance * (v_cond - v_uncond)
            else:
                v = self.velocity(latents, sigma.repeat(latents.shape[0]), condition).float()
            latents = latents + (sigmas[step + 1] - sigmas[step]).to(device) * v
            if progress is not None:
                progress((step + 1) / steps, f"step {step + 1}/{steps}")
        return latents

    def flow_loss(self, latents: torch.Tensor, condition: DiTCondition,
                  generator: torch.Generator | None = None) -> torch.Tensor:
        """Rectified-flow training loss: predict (noise - latents) at a logit-normal sigma."""
        batch = latents.shape[0]
        noise = torch.randn(latents.shape, generator=generator).to(latents)
        sigma = torch.sigmoid(torch.randn(batch, generator=generator)).to(latents)
        noisy = (1 - sigma[:, None, None]) * latents + sigma[:, None, None] * noise
        prediction = self.velocity(noisy, sigma, condition).float()
        return torch.mean((prediction - (noise - latents).float()) ** 2)
