"""The training configuration: `python main.py train --config FILE` (YAML or JSON).

    checkpoint: audiostory-3b        # catalogue name or folder to start from
    data: /data/stories              # dataset folder (see dataset.py)
    output: /runs/audiostory-ft      # where the trained checkpoint is written
    steps: 2000
    learning_rate: 1.0e-4
    gradient_accumulation_steps: 4
    mixed_precision: bf16            # no | bf16 | fp16
    loss_weights: {text: 1.0, semantic: 1.0, flow: 1.0}
    train_dit: true                  # false: LoRA, projectors and fuser only
    seed: 0
    log_every: 10
    save_every: 500                  # 0: only at the end

Launch on several GPUs or machines with accelerate's launcher, e.g.
`accelerate launch --multi_gpu --num_processes 8 main.py train --config FILE`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.errors import InvalidInput


class LossWeights(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: float = Field(1.0, ge=0)
    semantic: float = Field(1.0, ge=0)
    flow: float = Field(1.0, ge=0)


class TrainConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    checkpoint: str = "audiostory-3b"
    data: Path
    output: Path
    steps: int = Field(1000, ge=1)
    learning_rate: float = Field(1e-4, gt=0)
    weight_decay: float = Field(0.0, ge=0)
    gradient_accumulation_steps: int = Field(1, ge=1)
    max_grad_norm: float = Field(1.0, gt=0)
    mixed_precision: Literal["no", "bf16", "fp16"] = "no"
    loss_weights: LossWeights = Field(default_factory=LossWeights)
    train_dit: bool = True
    seed: int = Field(0, ge=0)
    log_every: int = Field(10, ge=1)
    save_every: int = Field(0, ge=0)
    cpu: bool = False


def read_train_config(path: Path) -> TrainConfig:
    import json

    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read the training configuration "
                           f"({exc.strerror}).") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise InvalidInput(f"{path}: not valid {'JSON' if path.suffix == '.json' else 'YAML'} "
                           f"({str(exc).splitlines()[0]}).") from None
    if not isinstance(data, dict):
        raise InvalidInput(f"{path}: the configuration must be a mapping of settings.")
    for key in ("data", "output"):  # relative paths are relative to the file
        if isinstance(data.get(key), str) and not Path(data[key]).is_absolute():
            data[key] = str(path.parent / data[key])
    if isinstance(data.get("checkpoint"), str) and data["checkpoint"].startswith("."):
        data["checkpoint"] = str(path.parent / data["checkpoint"])
    try:
        return TrainConfig(**data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"{path}: {where}: {first['msg']}.") from None
