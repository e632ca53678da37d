"""The released `config.yaml`, read as data.

The file is a Hydra configuration whose `_target_`s name classes of the research code; they
are never imported or run here. What the model needs is read from it:

    llm_model.model.pretrained_model_name_or_path   base LLM (e.g. ckpt/Qwen2.5-3B-Instruct)
    llm_model.peft_config                           LoRA: r, lora_alpha, target_modules, ...
    llm_model.vocab_size                            embedding rows after adding the tokens
    agent_model.t5_feature_scale                    scale of the fused features
    train_dataset.datapipes[0].num_t5_out_tokens    semantic queries per event
    train_dataset.datapipes[0].num_aud_out_tokens   residual queries per event
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.generation.audiostory.model_errors import CheckpointLayoutError

CONFIG_FILE = "config.yaml"


@dataclass(frozen=True)
class AudioStoryConfig:
    base_llm: str
    semantic_queries: int
    residual_queries: int
    feature_scale: float = 10.0
    vocab_size: int | None = None
    lora_r: int = 32
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    target_modules: tuple[str, ...] = ("q_proj", "v_proj", "k_proj", "o_proj", "gate_proj",
                                       "down_proj", "up_proj")
    modules_to_save: tuple[str, ...] = ("input_layernorm", "post_attention_layernorm", "norm")
    fuser_heads: int = 8
    raw: dict = field(default_factory=dict, compare=False, repr=False)


def read_config(folder: Path) -> AudioStoryConfig:
    import yaml

    path = folder / CONFIG_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CheckpointLayoutError(f"{path}: cannot read ({exc.strerror}); an AudioStory "
                                    "checkpoint folder holds config.yaml.") from None
    except yaml.YAMLError as exc:
        raise CheckpointLayoutError(f"{path}: not valid YAML ({str(exc).splitlines()[0]}).") \
            from None
    if not isinstance(raw, dict):
        raise CheckpointLayoutError(f"{path}: expected a mapping at the top level.")
    llm = _get(raw, path, "llm_model")
    peft = llm.get("peft_config") or {}
    pipe = _get(raw, path, "train_dataset", "datapipes")
    pipe = pipe[0] if isinstance(pipe, list) and pipe else {}
    agent = raw.get("agent_model") or {}
    return AudioStoryConfig(
        base_llm=str(_get(raw, path, "llm_model", "model", "pretrained_model_name_or_path")),
        semantic_queries=int(_required(pipe, path, "train_dataset.datapipes[0].num_t5_out_tokens",
                                       "num_t5_out_tokens")),
        residual_queries=int(_required(pipe, path, "train_dataset.datapipes[0].num_aud_out_tokens",
                                       "num_aud_out_tokens")),
        feature_scale=float(agent.get("t5_feature_scale", 10.0)),
        vocab_size=int(llm["vocab_size"]) if llm.get("vocab_size") else None,
        lora_r=int(peft.get("r", 32)), lora_alpha=int(peft.get("lora_alpha", 32)),
        lora_dropout=float(peft.get("lora_dropout", 0.05)),
        target_modules=tuple(peft.get("target_modules") or AudioStoryConfig.target_modules),
        modules_to_save=tuple(peft.get("modules_to_save") or AudioStoryConfig.modules_to_save),
        raw=raw)


def _get(raw: dict, path: Path, *keys: str) -> Any:
    node: Any = raw
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            raise CheckpointLayoutError(f"{path}: missing {'.'.join(keys)}; is this an "
                                        "AudioStory config.yaml?")
        node = node[key]
    return node


def _required(node: dict, path: Path, name: str, key: str) -> Any:
    if key not in node:
        raise CheckpointLayoutError(f"{path}: missing {name}.")
    return node[key]


def config_yaml(config: AudioStoryConfig) -> str:
    """A config.yaml in the released structure (used when saving a trained checkpoint)."""
    import yaml

    data = {
        "tokenizer": {"_target_": "src.models.tokenizer.init_qwen_tokenizer_special_token"
                                  ".init_tokenizer", "pretrained_model_path": "tokenizer"},
        "llm_model": {
            "_target_": "src.models.mllm.peft_models.get_peft_model_with_resize_embedding",
            "model": {"_target_": "transformers.AutoModelForCausalLM.from_pretrained",
                      "pretrained_model_name_or_path": config.base_llm},
            "peft_config": {"_target_": "peft.LoraConfig", "_convert_": "object",
                            "r": config.lora_r, "lora_alpha": config.lora_alpha,
                            "modules_to_save": list(config.modules_to_save),
                            "target_modules": list(config.target_modules),
                            "task_type": "CAUSAL_LM", "lora_dropout": config.lora_dropout},
            "vocab_size": config.vocab_size},
        "agent_model": {"_target_": "src.models.mllm.modeling_audiostory_llm.AudioStory_llm"
                                    ".from_pretrained", "t5_feature_scale": config.feature_scale},
        "seedx_dit_model_cfg": {"_target_": "src.models.mllm.modeling_audiostory_unified"
                                            ".AudioStory_unified", "rec_loss_type": "mse"},
        "train_dataset": {"datapipes": [{"num_t5_out_tokens": config.semantic_queries,
                                         "num_aud_out_tokens": config.residual_queries}]},
    }
    return yaml.safe_dump(data, sort_keys=False)
