#!/usr/bin/env python3
"""Time the Stable Audio 3 generator at full architecture size on a CUDA GPU: a whole clip
(text-to-audio), a close variation (audio-to-audio) and two regions inpainted in one pass,
through the same code the `stable-audio-3` generator runs (its render, vary and inpaint,
with the bridging + residual conditioning). Weights are random: speed does not depend on
their values, and the gated checkpoints need no download.

    python benchmarks/gpu_stable_audio3.py                  # medium, on a CUDA GPU
    python benchmarks/gpu_stable_audio3.py --size small
    python benchmarks/gpu_stable_audio3.py --tiny           # tiny sizes on the CPU

Sizes: the medium DiT (24 blocks, 1536 wide) with the SAME-L autoencoder, and a small DiT of
about the small checkpoints' size (20 blocks, 1024 wide) with SAME-S; the T5Gemma text
encoder is built at the B size (12 layers, 768 wide). Prints seconds per operation and how
many times faster than real time, best of --repeats, after one warm-up.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZES = {
    "medium": dict(dit=dict(embed_dim=1536, depth=24, num_heads=24),
                   vae=dict(encoder_channels=256, encoder_transformer_depths=(12,),
                            decoder_sinusoidal_blocks=(8,)),
                   model="stable-audio-3-medium"),
    "small": dict(dit=dict(embed_dim=1024, depth=20, num_heads=16), vae={},
                  model="stable-audio-3-small"),
}
T5GEMMA_B = dict(hidden_size=768, intermediate_size=2048, num_hidden_layers=12,
                 num_attention_heads=12, num_key_value_heads=12, head_dim=64,
                 query_pre_attn_scalar=64, sliding_window=4096, max_position_embeddings=512)


def build(size: str, tiny: bool, device: str, dtype):
    import torch
    from diffusers import (
        AutoencoderSAME,
        FlowMatchEulerDiscreteScheduler,
        StableAudio3DiTModel,
        StableAudio3Pipeline,
    )
    from diffusers.pipelines.stable_audio_3 import StableAudio3DurationEmbedder
    from transformers import T5GemmaConfig, T5GemmaEncoderModel
    from transformers.models.t5gemma.configuration_t5gemma import T5GemmaModuleConfig

    from tests.support.tiny_checkpoints import tiny_gemma_tokenizer, tiny_stable_audio3_pipeline

    if tiny:
        return tiny_stable_audio3_pipeline().to(device, dtype)
    torch.manual_seed(0)
    chosen = SIZES[size]
    tokenizer = tiny_gemma_tokenizer(max_length=256)  # token ids only: the encoder's size counts
    with torch.device(device):
        module = T5GemmaModuleConfig(vocab_size=256_000, **T5GEMMA_B).to_dict()
        text = T5GemmaEncoderModel(T5GemmaConfig(encoder=module, decoder=module,
                                                 is_encoder_decoder=False, vocab_size=256_000))
        vae = AutoencoderSAME(**chosen["vae"])
        dit = StableAudio3DiTModel(**chosen["dit"])
        duration = StableAudio3DurationEmbedder()
    pipe = StableAudio3Pipeline(vae=vae, text_encoder=text, tokenizer=tokenizer,
                                duration_embedder=duration, transformer=dit,
                                scheduler=FlowMatchEulerDiscreteScheduler(stochastic_sampling=True))
    return pipe.to(device, dtype)


def generator_for(pipe, model: str):
    """The real generator, with its checkpoint loaded from memory instead of a folder."""
    from engine.generation.diffusers.stable_audio3 import StableAudio3Bundle, StableAudio3Generator

    class InMemory(StableAudio3Generator):
        def load(self, name, placement, progress):
            pipe.set_progress_bar_config(disable=True)
            return StableAudio3Bundle(pipe, model, None)

    return InMemory()


def timed(device: str, work):
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()
    start = time.perf_counter()
    result = work()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter() - start, result


def main() -> int:
    import torch

    from engine.generation import NeighbourEvent, RenderRequest
    from engine.generation.editing import AudioSpan

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="tiny random model on the CPU")
    parser.add_argument("--size", choices=list(SIZES), default="medium")
    parser.add_argument("--seconds", type=float, default=None, help="clip length (30; tiny: 4)")
    parser.add_argument("--steps", type=int, default=8, help="sampler steps (distilled: 8)")
    parser.add_argument("--dtype", choices=("bf16", "fp16", "fp32"), default=None,
                        help="default bf16 on a GPU, fp32 for --tiny on the CPU")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    if not args.tiny and not torch.cuda.is_available():
        print("no CUDA GPU here: the full-size benchmark needs one (try --tiny to check the "
              "script on the CPU)", file=sys.stderr)
        return 2
    device = "cpu" if args.tiny else "cuda"
    dtype_name = args.dtype or ("fp32" if args.tiny else "bf16")
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[dtype_name]
    seconds = args.seconds or (4.0 if args.tiny else 30.0)
    started = time.perf_counter()
    pipe = build(args.size, args.tiny, device, dtype)
    model = "stable-audio-3-small" if args.tiny else SIZES[args.size]["model"]
    generator = generator_for(pipe, model)
    params = sum(p.numel() for p in pipe.transformer.parameters()) / 1e6
    vae_params = sum(p.numel() for p in pipe.vae.parameters()) / 1e6
    name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
    print(f"Stable Audio 3 {'tiny' if args.tiny else args.size} (DiT {params:.3g} M, SAME "
          f"{vae_params:.3g} M parameters, random), {dtype_name} on {name}; built in "
          f"{time.perf_counter() - started:.1f} s")
    settings = {"steps": args.steps, "device": device, "dtype": dtype_name, "offload": "off",
                "model": model}
    context = (NeighbourEvent("a storm gathers over the harbour", "ambience", 0.0, 20.0,
                              "tense", "before"),)
    request = RenderRequest(caption="heavy rain on a tin roof, distant thunder",
                            duration_s=seconds, seed=1, settings=settings, context=context)
    rate = pipe.vae.config.sampling_rate
    clip = generator.render(request).audio  # warm-up: kernels, caches
    spans = [AudioSpan(int(0.2 * clip.shape[1]), int(0.35 * clip.shape[1]), 2),
             AudioSpan(int(0.6 * clip.shape[1]), int(0.7 * clip.shape[1]), 3)]
    operations = {
        "text-to-audio": lambda: generator.render(request),
        "audio-to-audio (similarity 0.7)": lambda: generator.vary(request, clip, rate, 0.7, 4),
        "inpaint, 2 regions in one pass": lambda: generator.inpaint(request, clip, rate, spans),
    }
    for label, work in operations.items():
        work()  # warm-up of this pipeline
        runs = [timed(device, work) for _ in range(args.repeats)]
        best = min(seconds_taken for seconds_taken, _ in runs)
        audio = runs[0][1].audio
        print(f"  {label:<32} {seconds:g} s clip, {args.steps} steps: best {best:.2f} s "
              f"({seconds / best:.0f}x real time); audio {tuple(audio.shape)} at {rate} Hz")
    if device == "cuda":
        print(f"  peak GPU memory {torch.cuda.max_memory_allocated() / 1e9:.1f} GB")
    if args.tiny:
        print("  [tiny CPU run: a check of the script, not a comparable figure]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
