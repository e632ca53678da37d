#!/usr/bin/env python3
"""Time a TangoFlux-architecture render at full size: a 30 s clip, 50 flow-matching steps with
classifier-free guidance, in bf16, through the same code the `tangoflux` generator runs
(Flan-T5-large encoder, TangoFluxDiT.sample, Oobleck VAE decode). Weights are random: speed
does not depend on their values, and nothing needs downloading.

    python benchmarks/gpu_tangoflux.py            # needs a CUDA GPU
    python benchmarks/gpu_tangoflux.py --tiny     # tiny sizes on the CPU: checks the script

Prints seconds beside TangoFlux's published 3.7 s on an NVIDIA A40 (README, 30 s, 50 steps).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PUBLISHED_A40_S = 3.7
FLAN_T5_LARGE = dict(vocab_size=32128, d_model=1024, d_kv=64, d_ff=2816, num_layers=24,
                     num_heads=16, feed_forward_proj="gated-gelu", relative_attention_num_buckets=32)


def build(tiny: bool, device: str, dtype):
    import torch
    from diffusers import AutoencoderOobleck
    from transformers import T5Config, T5EncoderModel

    from engine.generation.tangoflux.dit import DiTConfig, TangoFluxDiT
    from tests.support.tiny_checkpoints import TINY_DIT, TINY_VAE

    torch.manual_seed(0)
    text_config = T5Config(**(dict(FLAN_T5_LARGE, d_model=32, d_kv=8, d_ff=64, num_layers=1,
                                   num_heads=4, vocab_size=100) if tiny else FLAN_T5_LARGE))
    text = T5EncoderModel(text_config).to(device, dtype).eval()
    dit = TangoFluxDiT(DiTConfig.from_json(TINY_DIT) if tiny else DiTConfig(),
                       text_config.d_model).to(device, dtype).eval()
    vae = AutoencoderOobleck(**(TINY_VAE if tiny else {})).to(device, dtype).eval()
    return text, dit, vae


def render_once(text, dit, vae, seconds: float, steps: int, guidance: float, device: str):
    import torch

    ids = torch.randint(2, text.config.vocab_size, (2, 64), device=device)  # caption, uncond
    timings = {}
    with torch.no_grad():
        start = _now(device)
        hidden = text(input_ids=ids)[0]
        timings["text"] = _now(device) - start
        duration = torch.tensor([seconds])
        condition = dit.condition(hidden[1:], None, duration)
        uncondition = dit.condition(hidden[:1], None, duration)
        start = _now(device)
        latents = dit.sample(condition, uncondition, dit.initial_noise(0), steps, guidance)
        timings["dit"] = _now(device) - start
        start = _now(device)
        wave = vae.decode(latents.transpose(1, 2).to(next(vae.parameters()).dtype)).sample
        samples = int(seconds * vae.config.sampling_rate)
        wave = wave[..., :samples].float().cpu()
        timings["vae"] = _now(device) - start
    return wave, timings


def _now(device: str) -> float:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return time.perf_counter()


def main() -> int:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="tiny random model on the CPU")
    parser.add_argument("--seconds", type=float, default=None, help="clip length (30; tiny: 4)")
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--guidance", type=float, default=4.5)
    parser.add_argument("--dtype", choices=("bf16", "fp16", "fp32"), default=None,
                        help="default bf16 on a GPU, fp32 for --tiny on the CPU")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not args.tiny and not torch.cuda.is_available():
        print("no CUDA GPU here: the full-size benchmark needs one (try --tiny to check the "
              "script on the CPU)", file=sys.stderr)
        return 2
    device = "cpu" if args.tiny else "cuda"
    dtype_name = args.dtype or ("fp32" if args.tiny else "bf16")
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[dtype_name]
    seconds = args.seconds or (4.0 if args.tiny else 30.0)
    text, dit, vae = build(args.tiny, device, dtype)
    params = sum(p.numel() for p in dit.parameters()) / 1e6
    name = torch.cuda.get_device_name() if device == "cuda" else "CPU"
    print(f"TangoFlux-architecture DiT ({params:.0f} M parameters{', tiny' if args.tiny else ''})"
          f" + Oobleck VAE + Flan-T5 encoder, {dtype_name} on {name}")
    render_once(text, dit, vae, seconds, 2, args.guidance, device)  # warm-up: kernels, caches
    runs = []
    for _ in range(args.repeats):
        wave, timings = render_once(text, dit, vae, seconds, args.steps, args.guidance, device)
        runs.append(timings)
        print(f"  {seconds:g} s clip, {args.steps} steps: {sum(timings.values()):.2f} s "
              f"(text {timings['text']:.3f} s, DiT {timings['dit']:.2f} s, "
              f"VAE {timings['vae']:.2f} s); audio {tuple(wave.shape)}")
    best = min(sum(t.values()) for t in runs)
    print(f"best of {args.repeats}: {best:.2f} s   published TangoFlux: {PUBLISHED_A40_S} s on "
          f"an A40 (ratio {best / PUBLISHED_A40_S:.2f}x)"
          + ("   [tiny CPU run: a check of the script, not a comparable figure]"
             if args.tiny else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
