"""Parametric sound recipes. Each returns mono or stereo float64 audio for `n` samples.

Every recipe takes (n, sample_rate, rng, intensity) and is deterministic for its rng.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import dsp

Recipe = Callable[[int, int, np.random.Generator, float], np.ndarray]


def rain(n, sr, rng, intensity):
    bed = dsp.band(dsp.noise(n, rng, -1.5), sr, 400, 12000) * (0.5 + 0.5 * intensity)
    drops = np.zeros(n)
    drop = dsp.band(dsp.noise(int(0.004 * sr), rng), sr, 2000, None) * dsp.decay(
        int(0.004 * sr), sr, 0.001)
    positions = dsp.scatter(n, rng, 40 + 160 * intensity, sr)
    dsp.add_grains(drops, drop, positions, rng.uniform(0.2, 1.0, positions.size))
    return dsp.widen(bed + 0.6 * drops, rng)


def wind(n, sr, rng, intensity):
    gust = 0.3 + 0.7 * dsp.slow_random(n, sr, rng, 0.3)
    low = dsp.band(dsp.noise(n, rng, -6), sr, 60, 800)
    whistle = dsp.band(dsp.noise(n, rng), sr, 600, 1400) * 0.2 * intensity
    return dsp.widen((low + whistle) * gust, rng, 0.8)


def waves(n, sr, rng, intensity):
    t = np.arange(n) / sr
    swell = 0.5 + 0.5 * np.sin(2 * np.pi * t / rng.uniform(6, 9) + rng.uniform(0, 6.28))
    wash = dsp.band(dsp.noise(n, rng, -3), sr, 150, 6000)
    return dsp.widen(wash * (0.25 + swell ** 2 * (0.5 + 0.5 * intensity)), rng)


def fire(n, sr, rng, intensity):
    bed = dsp.band(dsp.noise(n, rng, -6), sr, 40, 500) * 0.5
    crackles = np.zeros(n)
    click = dsp.noise(int(0.003 * sr), rng) * dsp.decay(int(0.003 * sr), sr, 0.0006)
    positions = dsp.scatter(n, rng, 8 + 20 * intensity, sr)
    dsp.add_grains(crackles, click, positions, rng.uniform(0.3, 2.0, positions.size))
    return dsp.widen(bed + dsp.band(crackles, sr, 800, None), rng, 0.3)


def thunder(n, sr, rng, intensity):
    out = np.zeros(n)
    onset = int(min(0.3 * sr, n // 4))
    length = n - onset
    rumble = dsp.band(dsp.noise(length, rng, -6), sr, 20, 300)
    crack = dsp.band(dsp.noise(length, rng), sr, 500, 4000) * dsp.decay(length, sr, 0.08)
    body = rumble * dsp.decay(length, sr, max(0.25 * length / sr, 0.2)) * (
        0.6 + 0.4 * dsp.slow_random(length, sr, rng, 3))
    out[onset:] = body + 0.5 * intensity * crack
    return dsp.widen(out, rng, 0.4)


def _struck(n, sr, rng, interval_s, ring_hz, ring_s, jitter=0.1):
    out = np.zeros(n)
    grain_n = int(0.25 * sr)
    t = np.arange(grain_n) / sr
    grain = (np.sin(2 * np.pi * ring_hz * t) * 0.6 + dsp.noise(grain_n, rng) * 0.4)
    grain *= dsp.decay(grain_n, sr, ring_s)
    step = int(interval_s * sr)
    positions = np.arange(int(0.05 * sr), max(n - grain_n // 4, 1), max(step, 1))
    positions = positions + rng.integers(0, int(jitter * step) + 1, positions.size)
    dsp.add_grains(out, grain, positions[positions < n], rng.uniform(0.7, 1.0, positions.size))
    return out


def knock(n, sr, rng, intensity):
    return _struck(n, sr, rng, 0.28, rng.uniform(140, 220), 0.03)


def footsteps(n, sr, rng, intensity):
    return dsp.band(_struck(n, sr, rng, 0.55, rng.uniform(80, 140), 0.04), sr, 60, 6000)


def impact(n, sr, rng, intensity):
    out = np.zeros(n)
    length = min(n, int(1.5 * sr))
    out[:length] = dsp.band(dsp.noise(length, rng, -3), sr, 60, 8000) * dsp.decay(length, sr, 0.12)
    return out


def bell(n, sr, rng, intensity):
    t = np.arange(n) / sr
    fundamental = rng.uniform(300, 700)
    out = np.zeros(n)
    for ratio, level, tau in ((1.0, 1.0, 3.0), (2.0, 0.5, 2.0), (2.76, 0.4, 1.4), (5.4, 0.2, 0.6)):
        strikes = np.arange(0, max(t[-1], 0.01), 3.0)
        for s in strikes:
            active = t >= s
            out[active] += level * np.sin(2 * np.pi * fundamental * ratio * (t[active] - s)) * \
                np.exp(-(t[active] - s) / tau)
    return out


def pad(n, sr, rng, intensity):
    t = np.arange(n) / sr
    root = rng.choice([110.0, 130.81, 146.83, 164.81])
    out = np.zeros(n)
    for ratio in (1.0, 1.25, 1.5, 2.0):
        detune = 1 + rng.uniform(-0.003, 0.003)
        out += np.sin(2 * np.pi * root * ratio * detune * t) * (0.7 + 0.3 * np.sin(0.3 * t * ratio))
    return dsp.widen(out, rng, 0.3)


def birds(n, sr, rng, intensity):
    out = np.zeros(n)
    chirp_n = int(0.09 * sr)
    t = np.arange(chirp_n) / sr
    for position in dsp.scatter(n, rng, 3 + 5 * intensity, sr):
        f0 = rng.uniform(2500, 5500)
        sweep = f0 + rng.uniform(-1500, 1500) * t / t[-1]
        chirp = np.sin(2 * np.pi * np.cumsum(sweep) / sr) * np.hanning(chirp_n)
        dsp.add_grains(out, chirp, np.array([position]), np.array([rng.uniform(0.3, 1.0)]))
    return dsp.widen(out, rng, 0.5)


def crowd(n, sr, rng, intensity):
    out = np.zeros(n)
    for _ in range(8):
        syllables = dsp.slow_random(n, sr, rng, 5.0) ** 2
        out += dsp.band(dsp.noise(n, rng, -3), sr, rng.uniform(250, 400), 3000) * syllables
    return dsp.widen(out, rng)


def engine_hum(n, sr, rng, intensity):
    t = np.arange(n) / sr
    rpm_hz = rng.uniform(30, 55) * (1 + 0.1 * dsp.slow_random(n, sr, rng, 0.5))
    phase = 2 * np.pi * np.cumsum(rpm_hz) / sr
    tone = sum(np.sin(k * phase) / k for k in range(1, 8))
    return dsp.band(tone + 0.3 * dsp.noise(n, rng, -6), sr, 25, 3000) * (0.6 + 0.4 * np.minimum(t, 1))


def siren(n, sr, rng, intensity):
    t = np.arange(n) / sr
    freq = 950 + 400 * np.sin(2 * np.pi * t / 2.5)
    return np.sin(2 * np.pi * np.cumsum(freq) / sr)


def room_tone(n, sr, rng, intensity):
    t = np.arange(n) / sr
    hum = 0.05 * np.sin(2 * np.pi * 50 * t)
    return dsp.widen(dsp.band(dsp.noise(n, rng, -6), sr, 30, 2000) + hum, rng, 0.5)


@dataclass(frozen=True)
class RecipeEntry:
    name: str
    keywords: tuple[str, ...]
    function: Recipe
    ambience: bool  # a bed: continuous, diffuse


CATALOGUE = (
    RecipeEntry("thunder", ("thunder", "lightning"), thunder, False),
    RecipeEntry("rain", ("rain", "drizzle", "downpour", "storm", "shower"), rain, True),
    RecipeEntry("wind", ("wind", "gust", "breeze", "gale", "howling"), wind, True),
    RecipeEntry("waves", ("wave", "sea", "ocean", "surf", "harbor", "harbour", "shore",
                          "river", "stream", "water", "lake", "beach"), waves, True),
    RecipeEntry("fire", ("fire", "campfire", "crackl", "flame", "burning"), fire, True),
    RecipeEntry("knock", ("knock", "tap", "door"), knock, False),
    RecipeEntry("footsteps", ("footstep", "step", "walk", "running", "stride"), footsteps, False),
    RecipeEntry("impact", ("crash", "slam", "bang", "hit", "smash", "break", "fall", "thud"),
                impact, False),
    RecipeEntry("bell", ("bell", "chime", "church", "toll", "ring"), bell, False),
    RecipeEntry("birds", ("bird", "chirp", "tweet", "song", "dawn", "morning"), birds, True),
    RecipeEntry("crowd", ("crowd", "cheer", "people", "chatter", "applause", "voices",
                          "laugh", "murmur"), crowd, True),
    RecipeEntry("engine", ("engine", "motor", "car", "truck", "boat", "train", "vehicle",
                           "traffic", "drive"), engine_hum, False),
    RecipeEntry("siren", ("siren", "alarm", "police", "ambulance"), siren, False),
    RecipeEntry("pad", ("music", "melody", "pad", "drone", "piano", "strings", "score",
                        "lullaby", "song"), pad, False),
    RecipeEntry("room tone", ("room", "silence", "quiet", "indoor", "hum"), room_tone, True),
)
FALLBACK = CATALOGUE[-1]
