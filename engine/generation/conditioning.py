"""Conditioning for the diffusion backends: per event, bridging (semantic) tokens and residual
tokens, and the fusion that turns them into the tokens the diffusion model attends to.

Two sources give the same `BridgeTokens`:

- **The AudioStory model** (`engine.generation.audiostory`): the LLM reads the story so far
  and emits query tokens; their last-layer hidden states, projected by two 2-layer MLPs, are
  the semantic and residual tokens, and a trained cross-attention fuser joins them
  (`fuse_learned`).
- **Any text-to-audio model without a trained bridge** (`CaptionBridge`): the semantic
  tokens are the model's own text encoding of the caption, exactly what it was trained on.
  The residual tokens come from the neighbouring events of the story: one token per
  neighbour, the masked mean of that neighbour's caption encoding, weighted by where it sits
  (the nearest earlier event 1.0, each step further back x0.6; overlapping events 0.5; later
  events 0.3, x0.6 per step). `fuse_context` then lets every caption token attend to those
  context tokens (scaled dot product, log-weights as a bias) and takes a residual step of
  size `strength x the largest weight` toward what it attended to. With no neighbours, or
  strength 0, the conditioning is the caption's encoding unchanged.

Because the request carries its neighbours (`RenderRequest.context`), regenerating one event
conditions on the same story around it, and nothing else changes.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from engine.generation.base import NeighbourEvent, RenderRequest

if TYPE_CHECKING:
    import torch

# (texts) -> (hidden states (batch, tokens, dim), mask (batch, tokens) bool)
TextEncodeFn = Callable[[list[str]], "tuple[torch.Tensor, torch.Tensor]"]

BEFORE_DECAY = 0.6
DURING_WEIGHT = 0.5
AFTER_WEIGHT = 0.3


@dataclass(frozen=True)
class BridgeTokens:
    semantic: torch.Tensor          # (n_semantic, dim): the event's own meaning
    semantic_mask: torch.Tensor     # (n_semantic,) bool: True for real tokens
    residual: torch.Tensor          # (n_residual, dim): what the caption cannot say
    residual_weights: torch.Tensor  # (n_residual,): how much each residual token counts
    method: str                       # recorded with the take


class ConditioningSource(Protocol):
    def tokens(self, request: RenderRequest) -> BridgeTokens: ...


def neighbour_weights(context: Sequence[NeighbourEvent]) -> list[float]:
    """Weight of each neighbour, in the order given (the render's story context order)."""
    before = [i for i, n in enumerate(context) if n.relation == "before"]
    after = [i for i, n in enumerate(context) if n.relation == "after"]
    weights = []
    for index, neighbour in enumerate(context):
        if neighbour.relation == "before":  # the context lists earlier events oldest first
            weights.append(BEFORE_DECAY ** (len(before) - 1 - before.index(index)))
        elif neighbour.relation == "after":
            weights.append(AFTER_WEIGHT * BEFORE_DECAY ** after.index(index))
        else:
            weights.append(DURING_WEIGHT)
    return weights


class CaptionBridge:
    """Bridging tokens from a model's own text encoder, residual tokens from the story."""

    method = "caption-encoding+story-context"

    def __init__(self, encode: TextEncodeFn) -> None:
        self.encode = encode

    def tokens(self, request: RenderRequest) -> BridgeTokens:
        # the caption is encoded on its own: batching it with the neighbours would pad it to
        # their length and change what the model sees even with no context at all
        hidden, mask = self.encode([request.caption])
        neighbours = neighbour_mask = None
        if request.context:
            neighbours, neighbour_mask = self.encode([n.caption for n in request.context])
        return caption_bridge_tokens(request, hidden[0], mask[0], neighbours, neighbour_mask,
                                     self.method)


def caption_bridge_tokens(request: RenderRequest, caption: torch.Tensor,
                          caption_mask: torch.Tensor, neighbours: torch.Tensor | None,
                          neighbour_mask: torch.Tensor | None,
                          method: str = CaptionBridge.method) -> BridgeTokens:
    """Bridge tokens from encodings already made: the caption's (n, dim) and the neighbours'
    (count, m, dim); each neighbour becomes one residual token, its masked mean."""
    import torch

    semantic = caption.float()
    if neighbours is None or neighbour_mask is None or not request.context:
        residual = semantic.new_zeros((0, semantic.shape[-1]))
    else:
        m = neighbour_mask.to(semantic.device, torch.float32).unsqueeze(-1)
        residual = (neighbours.to(semantic.device).float() * m).sum(1) / m.sum(1).clamp(min=1.0)
    weights = torch.tensor(neighbour_weights(request.context), dtype=torch.float32)
    return BridgeTokens(semantic, caption_mask.bool(), residual, weights, method)


def fuse_context(tokens: BridgeTokens, strength: float) -> torch.Tensor:
    """(n_semantic, dim): caption tokens with a weighted residual step toward the story."""
    import torch

    semantic = tokens.semantic
    if strength <= 0 or tokens.residual.shape[0] == 0:
        return semantic
    weights = tokens.residual_weights.to(semantic)
    scores = semantic @ tokens.residual.to(semantic).T / math.sqrt(semantic.shape[-1])
    attended = torch.softmax(scores + weights.log(), dim=-1) @ tokens.residual.to(semantic)
    step = strength * float(weights.max()) * tokens.semantic_mask.to(semantic).unsqueeze(-1)
    return semantic + step * (attended - semantic)


def fuse_learned(attention: torch.nn.MultiheadAttention, semantic: torch.Tensor,
                 residual: torch.Tensor, scale: float) -> torch.Tensor:
    """AudioStory's fuser: semantic tokens attend to residual tokens, plus a skip
    connection, divided by the feature scale. (batch, n, dim) in and out."""
    attended = attention(semantic.transpose(0, 1), residual.transpose(0, 1),
                         residual.transpose(0, 1), need_weights=False)[0].transpose(0, 1)
    return (semantic + attended) / scale
