"""Load an AudioStory checkpoint folder (the TencentARC/AudioStory-3B layout):

    config.yaml            model configuration (see config.py)
    pytorch_model.bin      the whole model's state dict, released key layout (loaded with
      or model.safetensors torch.load(weights_only=True); safetensors preferred when present)
    tokenizer/             optional: the Qwen tokenizer with AudioStory's tokens; without it
                           the base LLM's tokenizer gets them added in the released order
    Flux_detokenizer/      optional: config.json (DiT configuration) + model.safetensors (VAE);
                           without it both come from the `tangoflux` checkpoint

and beside it, through the model manager: the base LLM the config names
(Qwen2.5-3B-Instruct) and the Flan-T5 text encoder the DiT configuration names.

The released state dict was written with peft 0.4, where a LoRA-wrapped Linear keeps its
weight at `q_proj.weight`; current peft keeps it at `q_proj.base_layer.weight`. Keys are
mapped between the two. Every key is accounted for: loaded, supplied by the base LLM folder
(frozen base weights a checkpoint may leave out), or belonging to a module this application
does not use (the image/audio-understanding resamplers, listed in UNUSED_PREFIXES). Anything
else — a key the model lacks, or a trained weight the checkpoint lacks — is an error.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import torch

from engine.errors import StudioError
from engine.generation.audiostory.config import AudioStoryConfig, read_config
from engine.generation.audiostory.model import AudioStoryModel, StoryLLM
from engine.generation.audiostory.model_errors import CheckpointLayoutError
from engine.generation.audiostory.tokens import special_tokens
from engine.generation.tangoflux.components import (
    CheckpointError,
    T5TextEncoder,
    load_exact,
    load_vae,
    quiet_libraries,
    read_weights,
)
from engine.generation.tangoflux.dit import DiTConfig, TangoFluxDiT

TOKENIZER_DIR = "tokenizer"
DETOKENIZER_DIR = "Flux_detokenizer"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
TEXT_ENCODER_PREFIX = "tangoflux.text_encoder."
UNUSED_PREFIXES = {
    "seedx.input_resampler.": "image input resampler",
    "seedx.output_resampler.": "image output resampler",
    "seedx.whisper_resampler_llava.": "audio-understanding input resampler",
    "tangoflux.ref_transformer.": "DPO reference transformer",
}


@dataclass
class LoadReport:
    loaded: int = 0
    from_base: int = 0                 # frozen LLM weights taken from the base LLM folder
    skipped: dict[str, int] = field(default_factory=dict)  # unused module -> keys
    text_encoder_keys: int = 0         # Flan-T5 weights carried by the checkpoint
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)


@dataclass
class AudioStoryBundle:
    model: AudioStoryModel
    tokenizer: object
    text: T5TextEncoder
    vae: torch.nn.Module
    config: AudioStoryConfig
    report: LoadReport
    device: str
    offload: bool
    folder: Path

    @property
    def sample_rate(self) -> int:
        return int(self.vae.config.sampling_rate)


def build_model(config: AudioStoryConfig, base_llm: Path, dit_config: DiTConfig, text_dim: int,
                vocab_size: int, dtype: torch.dtype = torch.float32) -> AudioStoryModel:
    """The model from its parts, before the checkpoint's weights: base LLM (its own weights),
    resized embeddings, LoRA, fresh projectors, DiT and fuser."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    llm = AutoModelForCausalLM.from_pretrained(str(base_llm), dtype=dtype)
    if llm.get_input_embeddings().weight.shape[0] != vocab_size:
        llm.resize_token_embeddings(vocab_size, mean_resizing=False)
    llm = get_peft_model(llm, LoraConfig(
        r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
        target_modules=list(config.target_modules), modules_to_save=list(config.modules_to_save),
        task_type="CAUSAL_LM"))
    hidden = llm.get_input_embeddings().weight.shape[1]
    seedx = StoryLLM(llm, hidden, text_dim, config.feature_scale)
    return AudioStoryModel(seedx, TangoFluxDiT(dit_config, text_dim), config.fuser_heads).to(dtype)


def released_state(model: AudioStoryModel) -> dict[str, torch.Tensor]:
    """The model's state dict in the released key layout (peft 0.4 names)."""
    return {key.replace(".base_layer.", "."): value for key, value in model.state_dict().items()}


def load_released_state(model: AudioStoryModel, state: dict[str, torch.Tensor],
                        text: T5TextEncoder | None = None, where: str = "checkpoint"
                        ) -> LoadReport:
    own = model.state_dict()
    report = LoadReport()
    mapped: dict[str, torch.Tensor] = {}
    text_state: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        if key.startswith(TEXT_ENCODER_PREFIX):
            text_state[key[len(TEXT_ENCODER_PREFIX):]] = value
            continue
        unused = next((p for p in UNUSED_PREFIXES if key.startswith(p)), None)
        if unused is not None:
            report.skipped[UNUSED_PREFIXES[unused]] = report.skipped.get(UNUSED_PREFIXES[unused],
                                                                         0) + 1
            continue
        target = key if key in own else _with_base_layer(key)
        if target in own:
            mapped[target] = value
        else:
            report.unexpected.append(key)
    absent = [k for k in own if k not in mapped]
    report.missing = [k for k in absent if not _frozen_base_weight(k)]
    report.from_base = len(absent) - len(report.missing)
    if report.missing or report.unexpected:
        raise CheckpointError(_mismatch(where, report))
    try:
        model.load_state_dict(mapped, strict=False)
    except RuntimeError as exc:  # shapes: a checkpoint of another size
        raise CheckpointError(f"{where}: weights of the wrong shape for this configuration "
                              f"({str(exc).splitlines()[1].strip()[:200]}).") from None
    report.loaded = len(mapped)
    if text_state and text is not None:
        text_state.setdefault("encoder.embed_tokens.weight", text_state.get("shared.weight"))
        load_exact(text.model, {k: v for k, v in text_state.items() if v is not None},
                   f"{where} (Flan-T5 weights)")
        report.text_encoder_keys = len(text_state)
    return report


def _with_base_layer(key: str) -> str:
    head, _, leaf = key.rpartition(".")
    return f"{head}.base_layer.{leaf}"


def _frozen_base_weight(key: str) -> bool:
    """A weight of the base LLM that LoRA training leaves frozen: the base folder has it."""
    return key.startswith("seedx.llm.") and "lora_" not in key and ".modules_to_save." not in key


def _mismatch(where: str, report: LoadReport) -> str:
    parts = []
    if report.missing:
        parts.append(f"{len(report.missing)} trained weights missing (e.g. {report.missing[0]})")
    if report.unexpected:
        parts.append(f"{len(report.unexpected)} unknown keys (e.g. {report.unexpected[0]})")
    return (f"{where} does not match the AudioStory architecture: {'; '.join(parts)}. "
            "Check that config.yaml belongs to these weights.")


def locate_base_llm(folder: Path, name: str) -> Path:
    """The base LLM a config names ("ckpt/Qwen2.5-3B-Instruct", a repo id or a path):
    a folder beside the checkpoint, else the model manager's copy."""
    from engine.checkpoints import ModelMissing, resolve, spec_for_repo

    path = Path(name).expanduser()
    for candidate in (path, folder / path, folder / path.name, folder.parent / path.name):
        if (candidate / "config.json").is_file():
            return candidate
    spec = spec_for_repo(name) or spec_for_repo(path.name)
    if spec is None:
        raise ModelMissing(f"{folder / 'config.yaml'} names the base LLM {name!r}, which is "
                           f"neither beside the checkpoint nor in the model catalogue; put it "
                           f"in {folder.parent / path.name}.")
    return resolve(spec.name)


def load_tokenizer(folder: Path, base_llm: Path):
    from transformers import AutoTokenizer

    own = folder / TOKENIZER_DIR
    if own.is_dir():
        return AutoTokenizer.from_pretrained(str(own))
    tokenizer = AutoTokenizer.from_pretrained(str(base_llm))
    tokenizer.add_special_tokens({"additional_special_tokens": special_tokens()},
                                 replace_extra_special_tokens=False)
    return tokenizer


def locate_detokenizer(folder: Path) -> tuple[DiTConfig, Path, Path]:
    """(DiT configuration, VAE weights, folder of an optional vae_config.json)."""
    from engine.checkpoints import resolve

    own = folder / DETOKENIZER_DIR
    if (own / "config.json").is_file():
        return _dit_config(own / "config.json"), own / "model.safetensors", own
    tangoflux = resolve("tangoflux")
    return _dit_config(tangoflux / "config.json"), tangoflux / "vae.safetensors", tangoflux


def _dit_config(path: Path) -> DiTConfig:
    try:
        return DiTConfig.from_json(json.loads(path.read_text()))
    except (OSError, ValueError, TypeError) as exc:
        raise CheckpointLayoutError(f"{path}: not a DiT configuration ({exc}).") from None


def weights_file(folder: Path) -> Path:
    for name in WEIGHT_FILES:
        if (folder / name).is_file():
            return folder / name
    raise CheckpointLayoutError(f"{folder}: no {' or '.join(WEIGHT_FILES)}; the checkpoint "
                                "is incomplete, download it again.")


def load_audiostory(folder: Path, placement) -> AudioStoryBundle:
    from engine.checkpoints import resolve

    quiet_libraries()
    config = read_config(folder)
    base = locate_base_llm(folder, config.base_llm)
    tokenizer = load_tokenizer(folder, base)
    vocab = config.vocab_size or len(tokenizer)
    if len(tokenizer) > vocab:
        raise CheckpointLayoutError(f"{folder}: the tokenizer has {len(tokenizer)} tokens but "
                                    f"the model only {vocab} embeddings.")
    dit_config, vae_weights, vae_folder = locate_detokenizer(folder)
    home = "cpu" if placement.cpu_offload else placement.device
    text = T5TextEncoder(resolve(dit_config.text_encoder_name), home, placement.dtype)
    model = build_model(config, base, dit_config, text.dim, vocab)
    report = load_released_state(model, read_weights(weights_file(folder)), text, str(folder))
    model.to(home, placement.dtype).eval().requires_grad_(False)
    vae = load_vae(vae_weights, vae_folder).to(home, placement.dtype).requires_grad_(False)
    return AudioStoryBundle(model, tokenizer, text, vae, config, report, placement.device,
                            placement.cpu_offload, folder)


_shared_lock = threading.Lock()
_shared: dict = {}


def shared_bundle(model: str, placement) -> AudioStoryBundle:
    """One loaded AudioStory per process, shared by the planner and the generator."""
    from engine.checkpoints import resolve

    key = (model, placement)
    with _shared_lock:
        if key not in _shared:
            _shared.clear()  # free the previous model's memory first
            _shared[key] = load_audiostory(resolve(model), placement)
        return _shared[key]


__all__ = ["AudioStoryBundle", "LoadReport", "StudioError", "build_model", "load_audiostory",
           "load_released_state", "released_state", "shared_bundle"]
