"""The procedural generator: caption -> recipes -> a clean, loudness-normalised stereo take."""
from __future__ import annotations

import re
import zlib

import numpy as np

from ...loudness import integrated_lufs
from ...progress import CancelToken, Progress
from ..base import GeneratedAudio, RenderRequest
from .recipes import CATALOGUE, FALLBACK, RecipeEntry

SAMPLE_RATE = 48_000
EDGE_FADE_S = 0.01  # boundaries never click
PEAK_CEILING = 10 ** (-1 / 20)  # -1 dBFS
# Integrated loudness a take is normalised to, by track kind: beds sit under foreground sounds.
TARGET_LUFS = {"ambience": -30.0, "effects": -22.0, "music": -26.0, "speech": -22.0}
_INTENSITY_WORDS = {
    "heavy": 0.9, "loud": 0.9, "violent": 1.0, "pouring": 0.9, "strong": 0.8, "fierce": 0.9,
    "light": 0.3, "soft": 0.3, "gentle": 0.3, "faint": 0.2, "distant": 0.3, "quiet": 0.2,
}
MAX_LAYERS = 2


class ProceduralGenerator:
    name = "procedural"
    version = "0.1"

    def render(self, request: RenderRequest, progress: Progress | None = None,
               cancel: CancelToken | None = None) -> GeneratedAudio:
        words = re.findall(r"[a-z]+", request.caption.lower())
        recipes = match_recipes(words)
        matched = bool(recipes)
        recipes = recipes or [FALLBACK]
        intensity = caption_intensity(words)
        n = max(int(round(request.duration_s * SAMPLE_RATE)), 1)
        mix = np.zeros((2, n))
        for index, recipe in enumerate(recipes):
            if cancel is not None:
                cancel.raise_if_cancelled()
            rng = np.random.default_rng([request.seed, zlib.crc32(recipe.name.encode())])
            layer = np.atleast_2d(recipe.function(n, SAMPLE_RATE, rng, intensity))
            layer = np.broadcast_to(layer, (2, n)) if layer.shape[0] == 1 else layer
            mix += layer / (np.sqrt(np.mean(layer ** 2)) + 1e-12) / (1 + index)
            if progress is not None:
                progress((index + 1) / len(recipes), recipe.name)
        audio = finish(mix, request.track_kind)
        notes = () if matched else (
            f"no recipe matched the caption; rendered {FALLBACK.name} instead",)
        return GeneratedAudio(
            audio=audio, sample_rate=SAMPLE_RATE,
            metadata={"recipes": [r.name for r in recipes], "intensity": intensity,
                      "matched": matched},
            notes=notes)


def match_recipes(words: list[str]) -> list[RecipeEntry]:
    """Recipes whose keywords appear in the caption, in the order the caption names them."""
    found: list[tuple[int, RecipeEntry]] = []
    for entry in CATALOGUE:
        positions = [i for i, w in enumerate(words) if any(w.startswith(k) for k in entry.keywords)]
        if positions:
            found.append((min(positions), entry))
    return [entry for _, entry in sorted(found, key=lambda pair: pair[0])][:MAX_LAYERS]


def caption_intensity(words: list[str]) -> float:
    values = [_INTENSITY_WORDS[w] for w in words if w in _INTENSITY_WORDS]
    return float(np.mean(values)) if values else 0.6


def finish(mix: np.ndarray, track_kind: str) -> np.ndarray:
    """Remove DC, normalise loudness for the track kind, keep peaks below -1 dBFS, fade edges."""
    mix = mix - mix.mean(axis=1, keepdims=True)
    loudness = integrated_lufs(mix, SAMPLE_RATE)
    target = TARGET_LUFS.get(track_kind, -24.0)
    if loudness is not None:
        mix *= 10 ** ((target - loudness) / 20)
    else:  # too short to measure: fall back to RMS
        mix *= 10 ** (target / 20) / (np.sqrt(np.mean(mix ** 2)) + 1e-12)
    peak = np.max(np.abs(mix))
    if peak > PEAK_CEILING:
        mix *= PEAK_CEILING / peak
    fade = min(int(EDGE_FADE_S * SAMPLE_RATE), mix.shape[1] // 2)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade)
        mix[:, :fade] *= ramp
        mix[:, -fade:] *= ramp[::-1]
    return mix.astype(np.float32)
