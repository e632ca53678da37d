"""Fire, explosions, gunshots."""
from __future__ import annotations

import numpy as np

from engine.generation.procedural import dsp
from engine.generation.procedural.params import RecipeContext
from engine.generation.procedural.registry import recipe


def _crackles(c: RecipeContext, clusters_per_s: float, pops_per_s: float) -> np.ndarray:
    """Wood crackling: clustered sharp clicks with heavy-tailed loudness, and a few pops."""
    centres = dsp.poisson_times(c.rng, c.n, c.sr, clusters_per_s)
    sizes = c.rng.integers(1, 14, centres.size)
    spread = (c.rng.exponential(0.06, sizes.sum()) * c.sr).astype(int)
    positions = np.repeat(centres, sizes) + spread
    singles = dsp.poisson_times(c.rng, c.n, c.sr, clusters_per_s * 2)
    positions = np.concatenate([positions, singles])
    gains = np.minimum(c.rng.pareto(2.5, positions.size) + 0.1, 6.0)
    clicks = [dsp.noise_burst(c.sr, c.rng, 0.006, 900, 11000, 0.0001, c.rng.uniform(0.0004, 0.0015))
              for _ in range(6)]
    out = dsp.place_variants(c.n, clicks, positions, gains, c.rng)
    pop_at = dsp.poisson_times(c.rng, c.n, c.sr, pops_per_s)
    pops = [dsp.resonate(dsp.noise_burst(c.sr, c.rng, 0.04, 200, 4000, 0.0003, 0.006), c.sr,
                         [c.rng.uniform(400, 1500)], 3.0) for _ in range(3)]
    popped = dsp.place_variants(c.n, pops, pop_at, c.rng.uniform(0.5, 1.0, pop_at.size), c.rng)
    return dsp.normalise_rms(out, 0.1) + 0.5 * dsp.normalise_rms(popped, 0.05)


@recipe("fire_crackle", rate=32_000)
def fire_crackle(c: RecipeContext) -> np.ndarray:
    """A campfire or hearth: a soft breathing roar under dry crackles."""
    p = c.p
    out = []
    for _ in range(2):
        roar = dsp.lowpass(dsp.brown(c.rng, c.n, sr=c.sr, corner_hz=40), c.sr, 450)
        roar = dsp.highpass(roar, c.sr, 35) * (0.6 + 0.4 * c.wobble(3.0))
        hiss = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 2500, 9000) * c.wobble(1.0)
        crack = _crackles(c, 2.0 + 5.0 * p.intensity, 0.3 + 0.5 * p.intensity)
        out.append(0.55 * dsp.normalise_rms(roar, 0.1) + 0.12 * dsp.normalise_rms(hiss, 0.1)
                   + dsp.normalise_rms(crack, 0.1))
    return np.stack(out)


@recipe("fire_roar", rate=32_000)
def fire_roar(c: RecipeContext) -> np.ndarray:
    """A blaze: turbulent roaring flames, whooshing surges, sparse loud cracks."""
    p = c.p
    surge = 0.55 + 0.45 * c.curve(0.3, "surge")
    out = []
    for _ in range(2):
        turbulence = 0.6 + 0.4 * dsp.smooth_curve(c.rng, c.n, c.sr, 14.0)
        body = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 50, 1400 + 1200 * p.brightness)
        rumble = dsp.lowpass(dsp.brown(c.rng, c.n, sr=c.sr, corner_hz=25), c.sr, 180)
        crack = _crackles(c, 1.0 + 2.0 * p.intensity, 0.6)
        flames = dsp.normalise_rms(body, 0.1) * turbulence + 0.7 * dsp.normalise_rms(rumble, 0.1)
        out.append(flames * surge + 0.45 * dsp.normalise_rms(crack, 0.1))
    return np.stack(out)


@recipe("explosion", rate=32_000)
def explosion(c: RecipeContext) -> np.ndarray:
    """A blast: a hard transient, a deep falling boom, debris, a long rolling tail."""
    size = 0.4 + 0.6 * c.p.size
    out = np.zeros((2, c.n))
    for position in c.onsets(1, 4.0, first_s=0.03, fill=False):
        length = min(c.n - position, int((2.5 + 4 * size) * c.sr))
        t = np.arange(length) / c.sr
        boom_hz = (55 - 20 * size) * (1 + 1.5 * np.exp(-t / 0.08))
        boom = np.sin(dsp.phase_of(boom_hz, length, c.sr)) * dsp.attack_decay(
            length, c.sr, 0.004, 0.35 + 0.5 * size)
        for side in range(2):
            blast = dsp.bandpass(c.rng.standard_normal(length), c.sr, 80, 6000) * dsp.attack_decay(
                length, c.sr, 0.002, 0.12 + 0.2 * size)
            rumble = dsp.lowpass(dsp.brown(c.rng, length, sr=c.sr, corner_hz=20), c.sr, 220)
            rumble *= dsp.attack_decay(length, c.sr, 0.05, 0.8 + 1.4 * size)
            debris_at = (c.rng.exponential(0.5, 60) * c.sr).astype(int) + int(0.1 * c.sr)
            chip = dsp.noise_burst(c.sr, c.rng, 0.02, 1000, 8000, 0.0003, 0.004)
            debris = dsp.place(length, chip, debris_at,
                               c.rng.uniform(0.1, 0.6, 60) * np.exp(-debris_at / c.sr))
            layer = (1.6 * boom + dsp.normalise_rms(blast, 0.3) + dsp.normalise_rms(rumble, 0.15)
                     + 0.4 * dsp.normalise_rms(debris, 0.05))
            out[side, position:position + length] += layer * dsp.hold_envelope(
                length, c.sr, 0.0, 0.3 * length / c.sr)
    return out


def _shot(c: RecipeContext, length: int, weight: float, tail_s: float,
           echo_s: float) -> np.ndarray:
    """One shot: a muzzle blast a few ms long over a short low thump, the body of the report
    (100 Hz to 2 kHz, a tenth of a second), all driven into saturation as a microphone is by
    a gunshot; the land answers with a short dark tail and one echo. It is over in 0.6 s
    (longer when far away)."""
    t = np.arange(length) / c.sr
    blast = c.rng.standard_normal(length) * np.exp(-t / 0.0025)
    body = dsp.bandpass(c.rng.standard_normal(length), c.sr, 95, 2300)
    body *= dsp.attack_decay(length, c.sr, 0.001, 0.15 * (0.7 + 0.6 * weight))
    thump_hz = 83 * (1 - 0.3 * weight) * (1 + 1.5 * np.exp(-t / 0.015))
    thump = np.sin(dsp.phase_of(thump_hz, length, c.sr)) * np.exp(-t / 0.013)
    tail = dsp.sweep_filter(dsp.pink(c.rng, length), c.sr, 3900 * np.exp(-t / tail_s) + 330,
                            q=0.7, kind="lowpass", block=512)
    tail *= dsp.attack_decay(length, c.sr, 0.03, tail_s)
    shot = (8.0 * blast + 1.5 * body / (np.std(body[: int(0.1 * c.sr)]) + 1e-9) + 0.43 * thump
            + 0.023 * tail / (np.std(tail[: int(0.3 * c.sr)]) + 1e-9))
    lag = int(echo_s * c.sr)
    if lag < length:
        shot[lag:] += 0.57 * dsp.lowpass(shot[:length - lag], c.sr, 2000)
    shot = np.tanh(19.6 * shot / np.abs(shot).max())
    shot = dsp.lowpass(shot, c.sr, 11000, order=4)
    end = min(length, int((0.6 + 1.5 * tail_s - 0.15) * c.sr))
    shot[:end] *= np.cos(0.5 * np.pi * np.linspace(0, 1, end)) ** 0.77
    shot[end:] = 0
    return shot


@recipe("gunshot")
def gunshot(c: RecipeContext) -> np.ndarray:
    """A gunshot: the crack of the muzzle blast, a short saturated body, the land answering
    with a short tail and an echo (longer and darker the further it is, or the bigger the
    gun). Dry otherwise: its echo is its room."""
    out = np.zeros(c.n)
    weight = 0.3 + 0.5 * c.p.size
    tail_s = 0.1 + 0.6 * max(c.p.distance - 0.3, 0.0) + 0.2 * (weight - 0.55)
    echo_s = c.timbre.uniform(0.35, 0.55)
    default = 1 if c.seconds < 3 else 3
    for position in c.onsets(default, 0.43, first_s=0.02, group_pause_s=1.5, fill=False):
        length = min(c.n - position, int(2.5 * c.sr))
        out[position:position + length] += _shot(c, length, weight, tail_s, echo_s)
    return out
