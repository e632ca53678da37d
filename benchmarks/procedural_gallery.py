"""Spectrogram gallery of the procedural recipes: look at what they render.

    .venv/bin/python benchmarks/procedural_gallery.py [-o DIR] [--duration S] [--wav]
        [--only RECIPE ...] [--caption "TEXT" ...]

Renders each recipe from its first catalogue description (or the given captions) through the
real generator, and writes one PNG per category (a spectrogram and a waveform per sound) to
DIR (default: a folder in the system temp dir). --wav also writes each sound. Needs
matplotlib (`pip install matplotlib`; not a dependency of the app).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy import signal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.audio.files import write_audio  # noqa: E402
from engine.generation.base import RenderRequest  # noqa: E402
from engine.generation.procedural import ProceduralGenerator  # noqa: E402
from engine.generation.procedural.catalogue import catalogue  # noqa: E402


def spectrogram_db(audio: np.ndarray, sr: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mono = audio.mean(axis=0)
    freqs, times, z = signal.stft(mono, sr, nperseg=2048, noverlap=1536)
    return freqs, times, 20 * np.log10(np.abs(z) + 1e-7)


def draw(items: list[tuple[str, str, np.ndarray, int]], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = 2
    rows = (len(items) + cols - 1) // cols
    fig, axes = plt.subplots(rows * 2, cols, figsize=(7 * cols, 3.2 * rows),
                             gridspec_kw={"height_ratios": [3, 1] * rows}, squeeze=False)
    for index in range(rows * cols):
        spec_ax = axes[2 * (index // cols), index % cols]
        wave_ax = axes[2 * (index // cols) + 1, index % cols]
        if index >= len(items):
            spec_ax.axis("off")
            wave_ax.axis("off")
            continue
        name, caption, audio, sr = items[index]
        freqs, times, db = spectrogram_db(audio, sr)
        top = db.max()
        spec_ax.pcolormesh(times, np.maximum(freqs, 20), db, vmin=top - 80, vmax=top,
                           shading="auto", cmap="magma")
        spec_ax.set_yscale("log")
        spec_ax.set_ylim(30, sr / 2)
        spec_ax.set_title(f"{name}: {caption}", fontsize=8)
        spec_ax.tick_params(labelsize=6)
        t = np.arange(audio.shape[1]) / sr
        wave_ax.plot(t, audio[0], lw=0.3)
        wave_ax.plot(t, audio[1], lw=0.3, alpha=0.6)
        wave_ax.set_xlim(0, t[-1])
        wave_ax.set_ylim(-1, 1)
        wave_ax.tick_params(labelsize=6)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=70)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path,
                        default=Path(tempfile.gettempdir()) / "procedural-gallery")
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wav", action="store_true", help="also write each sound as WAV")
    parser.add_argument("--only", nargs="*", default=None, help="recipe names or categories")
    parser.add_argument("--caption", nargs="*", default=None, help="render these captions")
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    generator = ProceduralGenerator()
    jobs: list[tuple[str, str, str]] = []  # (group, label, caption)
    if args.caption:
        jobs = [("captions", f"caption {i + 1}", text) for i, text in enumerate(args.caption)]
    else:
        for entry in catalogue():
            if args.only and entry.name not in args.only and entry.category not in args.only:
                continue
            jobs.append((entry.category, entry.name, entry.descriptions[0]))
    groups: dict[str, list] = defaultdict(list)
    for group, label, caption in jobs:
        kind = "music" if group == "music" else "effects"
        request = RenderRequest(caption=caption, duration_s=args.duration, seed=args.seed,
                                track_kind=kind, story_seed=7)
        result = generator.render(request)
        rendered = "+".join(result.metadata["recipes"])
        groups[group].append((f"{label} [{rendered}]", caption, result.audio, result.sample_rate))
        if args.wav:
            write_audio(args.output / f"{label.replace(' ', '_')}.wav", result.audio,
                        result.sample_rate, "PCM_16")
    for group, items in groups.items():
        for start in range(0, len(items), 8):
            path = args.output / f"{group}-{start // 8 + 1}.png"
            draw(items[start:start + 8], path, group)
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
