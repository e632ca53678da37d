"""AudioStory's modules. Attribute names follow the released state dict, whose keys are

    seedx.llm.base_model.model.…          the Qwen2 LLM with LoRA (peft)
    seedx.projector.{0,2}.{weight,bias}   semantic (bridging) projector: Linear, GELU, Linear
    seedx.audio_projector.{0,2}.…         residual projector, same shape
    multihead_attention.…                 the fuser (semantic attends to residual)
    tangoflux.transformer|fc|duration_emebdder.…   the TangoFlux DiT
    tangoflux.text_encoder.…              Flan-T5 (when saved with the model)

so a released checkpoint loads by name.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from engine.generation.conditioning import fuse_learned
from engine.generation.tangoflux.dit import TangoFluxDiT


def mlp_projector(in_dim: int, out_dim: int) -> nn.Sequential:
    """The paper's 2-layer MLP from LLM hidden states to the text encoder's space."""
    return nn.Sequential(nn.Linear(in_dim, out_dim), nn.GELU(), nn.Linear(out_dim, out_dim))


@dataclass
class QueryStates:
    semantic: torch.Tensor   # (events, n_semantic, text_dim) projected bridging queries
    residual: torch.Tensor   # (events, n_residual, text_dim) projected residual queries
    lm_loss: torch.Tensor | None


class StoryLLM(nn.Module):
    """The causal LLM and the two projectors of its query hidden states."""

    def __init__(self, llm: nn.Module, hidden_size: int, text_dim: int,
                 feature_scale: float) -> None:
        super().__init__()
        self.llm = llm
        self.projector = mlp_projector(hidden_size, text_dim)
        self.audio_projector = mlp_projector(hidden_size, text_dim)
        self.feature_scale = feature_scale

    def query_states(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                     semantic_positions: torch.Tensor, residual_positions: torch.Tensor,
                     labels: torch.Tensor | None = None) -> QueryStates:
        """One causal pass; positions are (events, n) indices into the single sequence
        (batch 1), so event i's queries see the whole story up to event i."""
        output = self.llm(input_ids=input_ids, attention_mask=attention_mask, labels=labels,
                          output_hidden_states=True, return_dict=True)
        last = output.hidden_states[-1][0]
        dtype = self.projector[0].weight.dtype
        semantic = self.projector(last[semantic_positions].to(dtype))
        residual = self.audio_projector(last[residual_positions].to(dtype))
        return QueryStates(semantic, residual, output.loss if labels is not None else None)


class AudioStoryModel(nn.Module):
    def __init__(self, seedx: StoryLLM, tangoflux: TangoFluxDiT, fuser_heads: int) -> None:
        super().__init__()
        self.seedx = seedx
        self.tangoflux = tangoflux
        self.multihead_attention = nn.MultiheadAttention(tangoflux.text_dim, fuser_heads)

    def fuse(self, states: QueryStates) -> torch.Tensor:
        """(events, n_semantic, text_dim): the conditioning H that replaces the text tokens."""
        dtype = self.multihead_attention.in_proj_weight.dtype
        return fuse_learned(self.multihead_attention, states.semantic.to(dtype),
                            states.residual.to(dtype), self.seedx.feature_scale)
