"""The training loop, on Hugging Face accelerate.

The same loop runs on one CPU (the smoke test), one GPU, or many GPUs and machines under
`accelerate launch`: accelerate places the model, wraps it for distributed data parallelism,
handles mixed precision and gradient accumulation. What trains: the LLM's LoRA adapters and
saved norms, the new token embeddings, the two projectors, the fuser, and (unless
`train_dit: false`) the DiT; the base LLM weights, Flan-T5 and the VAE stay frozen.
The result is a checkpoint folder in the released layout (config.yaml, model.safetensors,
tokenizer/, Flux_detokenizer/) that `--generator audiostory` and `--planner audiostory` load.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import torch

from engine.atomic import write_text_atomic
from engine.progress import CancelToken, Progress, no_progress
from engine.training.config import TrainConfig
from engine.training.dataset import prepare_items
from engine.training.losses import StoryLoss
from engine.training.sampling import ItemOrder


@dataclass
class TrainResult:
    history: list[dict[str, float]] = field(default_factory=list)  # one entry per step
    output: Path | None = None


def trainable(name: str, train_dit: bool) -> bool:
    if name.startswith("seedx.llm."):
        return "lora_" in name or ".modules_to_save." in name or "embed_tokens" in name \
            or "lm_head" in name
    if name.startswith("tangoflux."):
        return train_dit
    return True  # projectors and fuser


def train(config: TrainConfig, progress: Progress = no_progress,
          cancel: CancelToken | None = None) -> TrainResult:
    from accelerate import Accelerator
    from accelerate.utils import set_seed

    from engine.checkpoints import Placement, resolve
    from engine.generation.audiostory.loader import load_audiostory

    accelerator = Accelerator(mixed_precision=config.mixed_precision, cpu=config.cpu,
                              gradient_accumulation_steps=config.gradient_accumulation_steps)
    set_seed(config.seed)
    folder = resolve(config.checkpoint)
    progress(0.0, f"loading {folder}")
    bundle = load_audiostory(folder, Placement(str(accelerator.device), "fp32", False))
    progress(0.02, f"preparing {config.data}")
    items = prepare_items(config.data, bundle)
    model = bundle.model
    model.train()
    for name, parameter in model.named_parameters():
        parameter.requires_grad_(trainable(name, config.train_dit))
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=config.learning_rate,
                                  weight_decay=config.weight_decay)
    loss_module = StoryLoss(model, config.loss_weights)
    loss_module, optimizer = accelerator.prepare(loss_module, optimizer)
    # each process (rank) of an `accelerate launch` run trains on its own share of the items
    order = ItemOrder(len(items), config.seed, accelerator.process_index,
                      accelerator.num_processes)
    result = TrainResult()
    for step in range(config.steps):
        if cancel is not None:
            cancel.raise_if_cancelled()
        item = items[next(order)]
        with accelerator.accumulate(loss_module):
            losses = loss_module(item)
            accelerator.backward(losses["total"])
            if accelerator.sync_gradients:
                accelerator.clip_grad_norm_(parameters, config.max_grad_norm)
            optimizer.step()
            optimizer.zero_grad()
        record = {k: float(v.detach()) for k, v in losses.items()}
        result.history.append(record)
        if (step + 1) % config.log_every == 0 or step == config.steps - 1:
            progress(0.05 + 0.9 * (step + 1) / config.steps,
                     f"step {step + 1}/{config.steps}: loss {record['total']:.4f} (text "
                     f"{record['text']:.3f}, semantic {record['semantic']:.4f}, flow "
                     f"{record['flow']:.4f})")
        if config.save_every and (step + 1) % config.save_every == 0 and step + 1 < config.steps:
            _save(accelerator, loss_module, bundle, config.output / f"step-{step + 1}")
    result.output = _save(accelerator, loss_module, bundle, config.output)
    progress(1.0, f"saved {result.output}")
    return result


def _save(accelerator, loss_module, bundle, output: Path) -> Path:
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        model = accelerator.unwrap_model(loss_module).model
        save_checkpoint(model, bundle, output)
    return output


def save_checkpoint(model, bundle, output: Path) -> None:
    """The released layout; weights as safetensors (the loader prefers them to .bin)."""
    from safetensors.torch import save_file

    from engine.atomic import atomic_path
    from engine.generation.audiostory.config import config_yaml
    from engine.generation.audiostory.loader import DETOKENIZER_DIR, TOKENIZER_DIR, released_state

    output.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to("cpu").clone().contiguous()
             for k, v in released_state(model).items()}
    with atomic_path(output / "model.safetensors") as temp:
        save_file(state, str(temp))
    write_text_atomic(output / "config.yaml", config_yaml(bundle.config))
    bundle.tokenizer.save_pretrained(str(output / TOKENIZER_DIR))
    source = bundle.folder / DETOKENIZER_DIR
    if source.is_dir() and source.resolve() != (output / DETOKENIZER_DIR).resolve():
        shutil.copytree(source, output / DETOKENIZER_DIR, dirs_exist_ok=True)
