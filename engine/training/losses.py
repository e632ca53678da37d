"""The paper's training losses for one story, computed in a module's forward so that
accelerate's distributed wrappers see the whole computation.

- text: next-token cross-entropy over the reasoning, captions and timestamps;
- semantic: MSE between the projected semantic queries and the (scaled) Flan-T5 encoding of
  each event's caption — the bridging queries learn to say what the caption says;
- flow: the DiT's rectified-flow loss on each event's audio latents, conditioned on the fused
  semantic + residual tokens — the residual queries learn only through this loss.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from engine.training.dataset import TrainingItem


class StoryLoss(nn.Module):
    def __init__(self, model: nn.Module, weights) -> None:
        super().__init__()
        self.model = model
        self.weights = weights

    def forward(self, item: TrainingItem) -> dict[str, torch.Tensor]:
        model = self.model
        device = next(model.parameters()).device
        ids = torch.tensor([item.sequence.ids], device=device)
        labels = torch.tensor([item.sequence.labels], device=device)
        states = model.seedx.query_states(
            ids, torch.ones_like(ids), torch.tensor(item.sequence.semantic_positions, device=device),
            torch.tensor(item.sequence.residual_positions, device=device), labels)
        semantic = F.mse_loss(states.semantic.float(), item.semantic_targets.to(device).float())
        text = states.lm_loss.float()
        flow = text.new_zeros(())
        if self.weights.flow > 0:  # the DiT pass is most of the cost: skip it when unused
            dit = model.tangoflux
            condition = dit.condition(model.fuse(states), None, item.durations_s.to(device))
            flow = dit.flow_loss(item.latents.to(device, dit.weight_dtype), condition)
        total = (self.weights.text * text + self.weights.semantic * semantic
                 + self.weights.flow * flow)
        return {"total": total, "text": text, "semantic": semantic, "flow": flow}
