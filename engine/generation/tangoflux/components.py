"""Loading the pieces the TangoFlux-architecture backends share: the Flan-T5 text encoder,
the Oobleck VAE and the DiT, with every weight accounted for.

A state dict that leaves any parameter of the module unset, or carries a key the module does
not have, is refused with the names (a few of them) rather than loaded half-way: a checkpoint
of another architecture would otherwise render noise without a word.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import torch
from torch import nn

from engine.errors import StudioError
from engine.generation.tangoflux.dit import TEXT_TOKENS_MAX

VAE_CONFIG_FILE = "vae_config.json"  # optional: absent for the published (default) Oobleck


def quiet_libraries() -> None:
    """Keep the libraries' progress bars and advice off the user's terminal: progress goes
    through our callbacks, problems through our errors."""
    import warnings

    import diffusers.utils.logging as diffusers_logging
    import transformers.utils.logging as transformers_logging

    for logging_module in (transformers_logging, diffusers_logging):
        logging_module.set_verbosity_error()
        logging_module.disable_progress_bar()
    warnings.filterwarnings("ignore", message=".*weight_norm.*deprecated.*")
    warnings.filterwarnings("ignore", category=FutureWarning,
                            module=r"(transformers|diffusers|peft|accelerate)\.")


class CheckpointError(StudioError):
    """A checkpoint's files do not match the architecture that reads them."""


def read_weights(path: Path) -> dict[str, torch.Tensor]:
    """Safetensors, or a torch archive loaded with weights_only=True (no pickled code)."""
    if not path.is_file():
        raise CheckpointError(f"{path}: weights file missing; download the model again.")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(path))
        return torch.load(str(path), map_location="cpu", weights_only=True, mmap=True)
    except Exception as exc:
        raise CheckpointError(f"{path}: cannot read the weights ({str(exc).splitlines()[0]})"
                              "; the file is damaged or not a checkpoint.") from None


def load_exact(module: nn.Module, state: dict[str, torch.Tensor], what: str,
               ignore_prefixes: Iterable[str] = ()) -> None:
    ignore = tuple(ignore_prefixes)
    state = {k: v for k, v in state.items() if not k.startswith(ignore)} if ignore else state
    result = module.load_state_dict(state, strict=False)
    problems = []
    if result.missing_keys:
        problems.append(f"{len(result.missing_keys)} missing (e.g. {result.missing_keys[0]})")
    if result.unexpected_keys:
        problems.append(f"{len(result.unexpected_keys)} unexpected "
                        f"(e.g. {result.unexpected_keys[0]})")
    if problems:
        raise CheckpointError(f"{what}: the weights do not match the architecture: "
                              f"{'; '.join(problems)} keys.")


def load_vae(weights: Path, config_folder: Path | None = None):
    """An Oobleck VAE; its configuration is diffusers' default (the published one) unless a
    `vae_config.json` sits in `config_folder`."""
    from diffusers import AutoencoderOobleck

    config_path = (config_folder or weights.parent) / VAE_CONFIG_FILE
    config = json.loads(config_path.read_text()) if config_path.is_file() else {}
    vae = AutoencoderOobleck(**config)
    load_exact(vae, read_weights(weights), f"VAE {weights}")
    return vae.eval()


class T5TextEncoder:
    """Flan-T5 encoder + tokenizer: texts -> (hidden (batch, tokens, dim), mask bool)."""

    def __init__(self, folder: Path, device: str, dtype: torch.dtype) -> None:
        from transformers import AutoTokenizer, T5EncoderModel

        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        # T5 overflows in fp16: keep it in fp32 unless bf16 was asked for
        self.dtype = torch.bfloat16 if dtype == torch.bfloat16 else torch.float32
        self.model = T5EncoderModel.from_pretrained(str(folder), dtype=self.dtype).to(device)
        self.model.eval().requires_grad_(False)
        self.device = device

    @property
    def dim(self) -> int:
        return self.model.config.d_model

    @torch.no_grad()
    def __call__(self, texts: list[str], length: int | None = None
                 ) -> tuple[torch.Tensor, torch.Tensor]:
        padding = {"padding": "max_length", "max_length": length} if length else {
            "padding": True, "max_length": TEXT_TOKENS_MAX}
        batch = self.tokenizer(texts, truncation=True, return_tensors="pt", **padding)
        ids = batch.input_ids.to(self.device)
        mask = batch.attention_mask.to(self.device)
        hidden = self.model(input_ids=ids, attention_mask=mask)[0]
        return hidden.float(), mask.bool()
