"""The checkpoints the model-based backends use: where each comes from and what it weighs.

Weights are never bundled with the application. Each entry names a Hugging Face repository
(and revision), the files a backend reads from it, roughly how much a download weighs, and
the licence the user accepts by downloading it. Sizes are the published file sizes, rounded;
`models download` reports the exact figures from the Hub before it starts.
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.errors import InvalidInput

GB = 1_000_000_000


@dataclass(frozen=True)
class ModelSpec:
    name: str                      # what users type: `python main.py models download NAME`
    repo_id: str                   # Hugging Face repository
    size_bytes: int                # about this much is downloaded (allow_patterns applied)
    required_files: tuple[str, ...]  # a folder holding these is a usable copy
    description: str
    licence: str
    revision: str = "main"
    allow_patterns: tuple[str, ...] | None = None  # None: every file of the repository
    needs: tuple[str, ...] = ()    # other catalogue entries the backend loads beside this one

    @property
    def size_text(self) -> str:
        return format_size(self.size_bytes)


_DIFFUSERS_FILES = ("*.json", "*.txt", "*.model", "*/*.json", "*/*.txt", "*/*.model",
                    "*/*.safetensors")

# Stable Audio 3: text-to-audio, audio-to-audio and inpainting pipelines share these parts
_SA3_FILES = ("model_index.json", "transformer/config.json", "vae/config.json",
              "text_encoder/config.json", "duration_embedder/config.json",
              "scheduler/scheduler_config.json")
_SA3_LICENCE = ("Stability AI Community License (gated: accept it, and the Gemma terms of "
                "its T5Gemma text encoder, on the Hub first; free under USD 1M annual revenue)")

_PIPER_LICENCE = ("per voice: see its MODEL_CARD in rhasspy/piper-voices (the licence of the "
                  "dataset it was trained on; check it before commercial use)")

CATALOGUE: dict[str, ModelSpec] = {spec.name: spec for spec in (
    ModelSpec(
        name="audioldm2", repo_id="cvssp/audioldm2", size_bytes=int(4.3 * GB),
        required_files=("model_index.json", "unet/config.json", "vae/config.json",
                        "vocoder/config.json", "text_encoder/config.json",
                        "text_encoder_2/config.json", "language_model/config.json",
                        "projection_model/config.json"),
        allow_patterns=_DIFFUSERS_FILES,
        description="AudioLDM 2 text-to-audio (diffusers layout), 16 kHz mono, 10 s clips",
        licence="CC BY-NC-SA 4.0 (non-commercial)"),
    ModelSpec(
        name="audioldm2-music", repo_id="cvssp/audioldm2-music", size_bytes=int(4.3 * GB),
        required_files=("model_index.json", "unet/config.json", "vae/config.json"),
        allow_patterns=_DIFFUSERS_FILES,
        description="AudioLDM 2 trained on music (diffusers layout)",
        licence="CC BY-NC-SA 4.0 (non-commercial)"),
    ModelSpec(
        name="stable-audio-open", repo_id="stabilityai/stable-audio-open-1.0",
        size_bytes=int(5.3 * GB),
        required_files=("model_index.json", "transformer/config.json", "vae/config.json",
                        "text_encoder/config.json", "projection_model/config.json",
                        "scheduler/scheduler_config.json"),
        allow_patterns=_DIFFUSERS_FILES,
        description="Stable Audio Open 1.0 (diffusers layout), 44.1 kHz stereo, up to 47 s",
        licence="Stability AI Community License (gated: accept it on the Hub first)"),
    ModelSpec(
        name="stable-audio-3-small", repo_id="stabilityai/stable-audio-3-small-sfx",
        size_bytes=int(2.6 * GB), required_files=_SA3_FILES, allow_patterns=_DIFFUSERS_FILES,
        description="Stable Audio 3 Small SFX (diffusers layout): sound effects, 44.1 kHz "
                    "stereo, up to 120 s; runs on a CPU",
        licence=_SA3_LICENCE),
    ModelSpec(
        name="stable-audio-3-medium", repo_id="stabilityai/stable-audio-3-medium",
        size_bytes=int(10.4 * GB), required_files=_SA3_FILES, allow_patterns=_DIFFUSERS_FILES,
        description="Stable Audio 3 Medium (diffusers layout): music and sound effects, "
                    "44.1 kHz stereo, up to 380 s; wants a GPU",
        licence=_SA3_LICENCE),
    ModelSpec(
        name="piper-en-us-ryan-medium", repo_id="rhasspy/piper-voices",
        size_bytes=63_000_000,
        required_files=("en/en_US/ryan/medium/en_US-ryan-medium.onnx",
                        "en/en_US/ryan/medium/en_US-ryan-medium.onnx.json"),
        allow_patterns=("en/en_US/ryan/medium/*",),
        description="Piper neural voice (VITS), US English, male, 22.05 kHz; the speech "
                    "generator's neural voices (with the `voices` extra)",
        licence=_PIPER_LICENCE),
    ModelSpec(
        name="piper-en-gb-alan-medium", repo_id="rhasspy/piper-voices",
        size_bytes=63_000_000,
        required_files=("en/en_GB/alan/medium/en_GB-alan-medium.onnx",
                        "en/en_GB/alan/medium/en_GB-alan-medium.onnx.json"),
        allow_patterns=("en/en_GB/alan/medium/*",),
        description="Piper neural voice (VITS), British English, male, 22.05 kHz",
        licence=_PIPER_LICENCE),
    ModelSpec(
        name="tangoflux", repo_id="declare-lab/TangoFlux", size_bytes=int(2.7 * GB),
        required_files=("config.json", "tangoflux.safetensors", "vae.safetensors"),
        allow_patterns=("config.json", "tangoflux.safetensors", "vae.safetensors"),
        needs=("flan-t5-large",),
        description="TangoFlux: Flux DiT + Oobleck VAE, 44.1 kHz stereo, up to 30 s",
        licence="Stability AI Community License; WavCaps data: academic use only"),
    ModelSpec(
        name="flan-t5-large", repo_id="google/flan-t5-large", size_bytes=int(3.2 * GB),
        required_files=("config.json", "model.safetensors"),
        allow_patterns=("*.json", "spiece.model", "model.safetensors"),
        description="Flan-T5 large: the text encoder of TangoFlux and AudioStory",
        licence="Apache-2.0"),
    ModelSpec(
        name="audiostory-3b", repo_id="TencentARC/AudioStory-3B", size_bytes=int(9.0 * GB),
        required_files=("config.yaml",),
        needs=("qwen2.5-3b-instruct", "flan-t5-large", "tangoflux"),
        description="AudioStory: Qwen2.5-3B (LoRA) reasoning + bridging queries + TangoFlux DiT",
        licence="see the model card (code Apache-2.0; base models keep their licences)"),
    ModelSpec(
        name="qwen2.5-3b-instruct", repo_id="Qwen/Qwen2.5-3B-Instruct",
        size_bytes=int(6.2 * GB),
        required_files=("config.json", "tokenizer_config.json"),
        allow_patterns=("*.json", "*.txt", "*.safetensors"),
        description="Qwen2.5-3B-Instruct: the base LLM of AudioStory-3B",
        licence="Qwen Research License"),
)}


def get_spec(name: str) -> ModelSpec:
    if name not in CATALOGUE:
        raise InvalidInput(f"unknown model {name!r}; choose one of: {', '.join(CATALOGUE)} "
                           "(see `python main.py models list`).")
    return CATALOGUE[name]


def spec_for_repo(repo_id: str) -> ModelSpec | None:
    """The catalogue entry of a repository id, e.g. a config's "google/flan-t5-large"."""
    lowered = repo_id.strip("/").lower()
    for spec in CATALOGUE.values():
        if spec.repo_id.lower() == lowered or spec.repo_id.split("/")[-1].lower() == lowered:
            return spec
    return None


def format_size(size_bytes: int) -> str:
    if size_bytes >= GB:
        return f"{size_bytes / GB:.1f} GB"
    if size_bytes >= 1_000_000:
        return f"{size_bytes / 1_000_000:.0f} MB"
    return f"{max(size_bytes, 0) / 1000:.0f} kB"
