"""Footsteps, doors, keys, impacts and breakage."""
from __future__ import annotations

import numpy as np

from engine.generation.procedural import dsp
from engine.generation.procedural.params import RecipeContext
from engine.generation.procedural.registry import recipe

# ---- footsteps ----------------------------------------------------------------------------

def _granular_crunch(c: RecipeContext, length_s: float, grains: int, low_hz: float,
                     high_hz: float, attack_s: float, squeak_hz: float | None = None) -> np.ndarray:
    """Many tiny fractures under a foot: gravel, snow, dry leaves."""
    n = int(length_s * c.sr)
    env = dsp.attack_decay(n, c.sr, attack_s, length_s / 3)
    positions = np.sort((c.rng.beta(1.5, 3.0, grains) * n).astype(int))
    clicks = dsp.impulse_train(n, positions, c.rng.lognormal(0, 0.7, grains) * env[positions])
    clicks = dsp.bandpass(clicks, c.sr, low_hz, high_hz)
    out = clicks + 0.15 * dsp.bandpass(c.rng.standard_normal(n), c.sr, low_hz, high_hz) * env
    if squeak_hz:
        out += 0.8 * dsp.resonate(clicks, c.sr, [squeak_hz, squeak_hz * 1.6], 8.0)
    return out


def _heel(c: RecipeContext, material: str, weight: float, body_hz: float) -> np.ndarray:
    """One footfall on `material`; `weight` 0..1 makes it heavier and lower."""
    rng = c.rng
    if material == "wood":
        step = dsp.modal_strike(c.sr, [body_hz, body_hz * 2.3, body_hz * 4.9, body_hz * 8.1],
                                [0.05, 0.03, 0.02, 0.01], [1.0, 0.6, 0.35, 0.2], 0.18, rng,
                                noise_level=0.5, noise_decay_s=0.006)
        scuff = dsp.noise_burst(c.sr, rng, 0.08, 800, 5000, 0.01, 0.02)
        dsp.add_into(step, 0, 0.15 * scuff * np.abs(step).max() / (np.abs(scuff).max() + 1e-9))
        if rng.random() < 0.15:  # an old floorboard gives
            step = np.concatenate([step, 0.3 * _creak_burst(c, 0.2, rng.uniform(60, 120))])
        return step
    if material == "metal":
        base = rng.uniform(0.95, 1.05) * (420 - 120 * weight)
        return dsp.modal_strike(c.sr, base * np.array([1, 2.32, 4.25, 6.63, 9.38]),
                                [0.12, 0.09, 0.06, 0.04, 0.03], [0.6, 1.0, 0.7, 0.5, 0.3], 0.4,
                                rng, noise_level=1.0, noise_decay_s=0.004)
    if material == "gravel":
        return _granular_crunch(c, rng.uniform(0.16, 0.24), int(rng.integers(60, 120)),
                                900, 9000, 0.012)
    if material == "snow":
        return _granular_crunch(c, rng.uniform(0.22, 0.32), int(rng.integers(40, 80)),
                                350, 4500, 0.04, squeak_hz=rng.uniform(900, 1600))
    if material in ("grass", "sand"):
        n = int(rng.uniform(0.16, 0.25) * c.sr)
        low = 1500 if material == "grass" else 300
        high = 9000 if material == "grass" else 3500
        swish = dsp.bandpass(rng.standard_normal(n), c.sr, low, high)
        swish *= dsp.attack_decay(n, c.sr, 0.035, 0.05)
        thud = dsp.noise_burst(c.sr, rng, 0.1, 40, 250, 0.004, 0.03)
        dsp.add_into(swish, 0, 1.5 * thud * np.abs(swish).max() / (np.abs(thud).max() + 1e-9))
        if material == "grass":
            dsp.add_into(swish, 0, 0.5 * _granular_crunch(c, n / c.sr, 20, 2000, 8000, 0.03))
        return swish
    if material == "water":
        n = int(0.3 * c.sr)
        splash = dsp.bandpass(rng.standard_normal(n), c.sr, 400, 7000) * dsp.attack_decay(
            n, c.sr, 0.01, 0.07)
        for _ in range(5):
            b = dsp.bubble(c.sr, rng.uniform(500, 2000), rng.uniform(0.005, 0.02), 0.3)
            at = int(rng.uniform(0.01, 0.15) * c.sr)
            dsp.add_into(splash, at, 0.6 * b)
        return splash
    # hard floor (stone, concrete, tiles): a shoe heel's click over a small thud
    click = dsp.noise_burst(c.sr, rng, 0.04, 1200, 7000, 0.0003, 0.006)
    thud = dsp.noise_burst(c.sr, rng, 0.08, 60, 400, 0.002, 0.02 + 0.02 * weight)
    step = np.zeros(int(0.15 * c.sr))
    dsp.add_into(step, 0, dsp.normalise_rms(click, 0.2) * (1.2 - 0.6 * weight))
    dsp.add_into(step, 0, dsp.normalise_rms(thud, 0.2) * (0.6 + 0.8 * weight))
    return step


def _creak_burst(c: RecipeContext, length_s: float, rate_hz: float) -> np.ndarray:
    n = int(length_s * c.sr)
    rate = rate_hz * (1 + 0.3 * np.sin(np.linspace(0, np.pi, n)))
    cycles = np.cumsum(rate) / c.sr
    positions = np.flatnonzero(np.diff(np.floor(cycles), prepend=0) > 0)
    hits = dsp.impulse_train(n, positions, c.rng.uniform(0.6, 1.0, positions.size))
    body = dsp.resonate(hits, c.sr, [520, 1150, 2300], [10, 12, 14])
    return body * np.sin(np.linspace(0, np.pi, n)) ** 0.5


def footsteps(c: RecipeContext, material: str) -> np.ndarray:
    """Walking (or running, with speed): alternating feet, heel then toe on hard floors."""
    p = c.p
    weight = c.timbre.uniform(0.3, 0.7) * 0.5 + p.size * 0.5
    body_hz = c.timbre.uniform(90, 150) * (1.3 - 0.5 * weight)
    interval = (0.78 - 0.5 * p.speed) * c.timbre.uniform(0.92, 1.08)
    positions = dsp.pulses(c.n, c.sr, c.rng, 1 / interval, jitter=0.05, start_s=0.03)
    out = np.zeros(c.n + c.sr)
    for index, position in enumerate(positions):
        step = _heel(c, material, weight, body_hz)
        step = step / (np.abs(step).max() + 1e-9) * (1.0 if index % 2 else 0.82)
        step *= c.rng.uniform(0.85, 1.0) * (0.6 + 0.8 * p.intensity)
        dsp.add_into(out, position, step)
        if material in ("wood", "stone", "metal") and p.speed < 0.7:  # toe after the heel
            toe = _heel(c, material, weight * 0.5, body_hz * 1.1) * 0.35
            toe = toe / (np.abs(toe).max() + 1e-9) * 0.35
            at = position + int(c.rng.uniform(0.06, 0.1) * c.sr)
            dsp.add_into(out, at, toe)
    return out[:c.n]


@recipe("footsteps_wood")
def footsteps_wood(c: RecipeContext) -> np.ndarray:
    return footsteps(c, "wood")


@recipe("footsteps_stone")
def footsteps_stone(c: RecipeContext) -> np.ndarray:
    return footsteps(c, c.p.material if c.p.material in ("stone", "water") else "stone")


@recipe("footsteps_metal")
def footsteps_metal(c: RecipeContext) -> np.ndarray:
    return footsteps(c, "metal")


@recipe("footsteps_gravel")
def footsteps_gravel(c: RecipeContext) -> np.ndarray:
    return footsteps(c, "gravel")


@recipe("footsteps_snow")
def footsteps_snow(c: RecipeContext) -> np.ndarray:
    return footsteps(c, "snow")


@recipe("footsteps_grass")
def footsteps_grass(c: RecipeContext) -> np.ndarray:
    return footsteps(c, "sand" if c.p.material == "sand" else "grass")


# ---- doors --------------------------------------------------------------------------------

@recipe("door_creak")
def door_creak(c: RecipeContext) -> np.ndarray:
    """A door swinging on a dry hinge: the latch lets go with a click, then stick-slip pulses
    at a rate that wanders (a creak is a pitch that moves) ring the wood of the door."""
    metal = c.p.material == "metal"
    base_hz = c.timbre.uniform(67, 200) * (4.0 if metal else 1.0)
    modes = (c.timbre.uniform(225, 385), c.timbre.uniform(530, 830), c.timbre.uniform(1125, 1660))
    swing_s = min(c.seconds * 0.9, 0.5 + 3.0 * (1 - c.p.speed))
    n = int(swing_s * c.sr)
    t = np.linspace(0, 1, n)
    wander = dsp.smooth_curve(c.rng, n, c.sr, 4.2)
    rate = base_hz * (0.5 + 0.1 * np.sin(np.pi * t) ** 0.7 + 0.23 * wander)
    cycles = np.cumsum(rate) / c.sr
    positions = np.flatnonzero(np.diff(np.floor(cycles), prepend=0) > 0)
    positions = positions + c.rng.integers(0, max(int(0.11 * c.sr / base_hz), 1), positions.size)
    hits = dsp.impulse_train(n, positions, c.rng.uniform(0.6, 1.0, positions.size))
    hits = dsp.lowpass(hits, c.sr, 3100)
    body = dsp.resonate(hits, c.sr, modes, 25 if metal else 14, [1.0, 0.52, 0.46])
    body += 0.78 * dsp.bandpass(hits, c.sr, 2000, 5000)
    env = np.sin(np.pi * t) ** 0.39 * (0.6 + 0.4 * dsp.smooth_curve(c.rng, n, c.sr, 1.1))
    creak = body * env
    out = np.zeros(c.n)
    start = int(0.03 * c.sr)
    latch = dsp.modal_strike(c.sr, c.timbre.uniform(1800, 4000, 3), [0.03, 0.02, 0.015],
                             [1.0, 0.6, 0.4], 0.15, c.rng, noise_level=0.6, noise_decay_s=0.002)
    dsp.add_into(out, start, 2.0 * latch * np.abs(creak).max() / (np.abs(latch).max() + 1e-9))
    start += int(0.12 * c.sr)
    out[start:start + n] += creak[:max(c.n - start, 0)]
    return out


@recipe("door_knock")
def door_knock(c: RecipeContext) -> np.ndarray:
    """Knuckles on a wooden door, in groups of three; pounding when intense."""
    p = c.p
    metal = p.material == "metal"
    body_hz = c.timbre.uniform(85, 130)
    freqs = body_hz * np.array([1, 2.2, 4.6, 7.9, 12.5]) if not metal else \
        c.timbre.uniform(300, 500) * np.array([1, 2.32, 4.25, 6.63])
    decays = [0.07, 0.045, 0.03, 0.02, 0.012] if not metal else [0.3, 0.2, 0.12, 0.08]
    fist = p.intensity > 0.7
    out = np.zeros(c.n + c.sr)
    for position in c.onsets(3, 0.2 if not fist else 0.28, jitter=0.1, first_s=0.03,
                             group_pause_s=1.4):
        amps = [1.0, 0.7, 0.45, 0.3, 0.2] if not fist else [1.0, 0.5, 0.2, 0.1, 0.05]
        knock = dsp.modal_strike(c.sr, freqs * (0.8 if fist else 1.0), decays, amps, 0.3, c.rng,
                                 noise_level=0.4 if not fist else 0.8, noise_decay_s=0.003)
        knock *= c.rng.uniform(0.8, 1.0)
        dsp.add_into(out, position, knock)
    return out[:c.n]


@recipe("door_slam")
def door_slam(c: RecipeContext) -> np.ndarray:
    """A door slammed shut: the slap of the panel against the frame (a broad thud of 100 Hz
    to 2.6 kHz), the panel's deep boom, the latch snapping home and the frame rattling, all
    over within a third of a second; the air it pushed just before."""
    size = 0.5 + 0.5 * c.p.size
    metal = c.p.material == "metal"
    out = np.zeros(c.n)
    for position in c.onsets(1, 2.0, first_s=0.12, fill=False):
        length = min(int(0.3 * c.sr), c.n - position)
        low = c.timbre.uniform(38, 63) / size
        boom = dsp.modal_strike(c.sr, [low, low * 1.8, low * 3.1, low * 5.3],
                                [0.043, 0.03, 0.02, 0.015], [1.0, 0.7, 0.5, 0.3], 0.3, c.rng,
                                noise_level=1.4, noise_decay_s=0.01)
        if metal:
            ring_hz = c.timbre.uniform(250, 400) * np.array([1, 2.7, 5.2, 8.9])
            boom += dsp.modal_strike(c.sr, ring_hz, [0.6, 0.4, 0.25, 0.15],
                                     [0.5, 0.6, 0.4, 0.2], 0.3, c.rng)
        slap = dsp.noise_burst(c.sr, c.rng, 0.3, 105, 2640, 0.0005, 0.113)
        latch = dsp.noise_burst(c.sr, c.rng, 0.02, 2500, 9000, 0.0002, 0.002)
        latch_ring = dsp.modal_strike(c.sr, c.timbre.uniform(1800, 4000, 3), [0.03, 0.02, 0.015],
                                      [1.0, 0.6, 0.4], 0.15, c.rng)
        rattle_grain = dsp.modal_strike(c.sr, c.rng.uniform(300, 1500, 3), [0.02, 0.015, 0.01],
                                        [0.5, 0.4, 0.3], 0.08, c.rng, noise_level=0.5,
                                        noise_decay_s=0.002)
        rattle = dsp.place(length, rattle_grain, [int(0.02 * c.sr)], 1.0)
        hit = np.zeros(length)
        for part, level in ((boom, 0.96), (slap, 2.0), (latch, 0.46), (latch_ring, 0.47),
                            (rattle, 0.55)):
            part = dsp.normalise_rms(part[:length], 0.1) * level
            hit[:part.size] += part
        hit = dsp.lowpass(hit, c.sr, 8800, order=4)
        hit *= dsp.hold_envelope(length, c.sr, 0.0, 0.62 * length / c.sr)
        whoosh_n = int(0.1 * c.sr)
        whoosh = dsp.lowpass(c.rng.standard_normal(whoosh_n), c.sr, 600)
        whoosh *= np.linspace(0, 0.46, whoosh_n)
        dsp.add_into(out, position - whoosh_n, whoosh)
        dsp.add_into(out, position, hit)
    return out


@recipe("keys_jingle")
def keys_jingle(c: RecipeContext) -> np.ndarray:
    """A bunch of keys shaken: many tiny metallic strikes in bursts."""
    out = np.zeros(c.n + c.sr)
    grains = [dsp.modal_strike(c.sr, c.rng.uniform(2500, 9000, 3), c.rng.uniform(0.02, 0.09, 3),
                               [1.0, 0.6, 0.4], 0.2, c.rng, noise_level=0.3, noise_decay_s=0.001)
              for _ in range(10)]
    for burst in c.onsets(1, 1.2, first_s=0.03, group_pause_s=0.8):
        length = c.rng.uniform(0.4, 0.9)
        count = int(length * c.rng.uniform(35, 60))
        shake = 0.5 + 0.5 * np.sin(2 * np.pi * c.rng.uniform(6, 9) * np.linspace(0, length, count))
        times = np.sort(c.rng.uniform(0, length, count))
        for time, gain in zip(times, shake):
            grain = grains[c.rng.integers(len(grains))]
            at = burst + int(time * c.sr)
            if at < c.n:
                dsp.add_into(out, at, gain * c.rng.uniform(0.2, 1.0) * grain)
    return out[:c.n]


# ---- impacts and breakage -----------------------------------------------------------------

def _shards(c: RecipeContext, length: int, count: int, low_hz: float, high_hz: float,
            decay_range_s: tuple[float, float], spread_s: float) -> np.ndarray:
    """Fragments ringing as they fall and bounce: fewer and fewer as time goes on."""
    grains = [dsp.modal_strike(c.sr, c.rng.uniform(low_hz, high_hz, 2),
                               c.rng.uniform(*decay_range_s, 2), [1.0, 0.5],
                               decay_range_s[1] * 3, c.rng, noise_level=0.5, noise_decay_s=0.001)
              for _ in range(16)]
    times = c.rng.exponential(spread_s, count)
    times = times[times < length / c.sr * 0.9]
    gains = c.rng.uniform(0.1, 1.0, times.size) * np.exp(-times / (spread_s * 2))
    return dsp.place_variants(length, grains, (times * c.sr).astype(int), gains, c.rng)


def _breakage(c: RecipeContext, crash_band: tuple[float, float], shards: int,
              shard_band: tuple[float, float], decays: tuple[float, float], spread_s: float,
              thud: float) -> np.ndarray:
    out = np.zeros(c.n)
    for position in c.onsets(1, 2.0, first_s=0.03, fill=False):
        length = min(int(2.5 * c.sr), c.n - position)
        crash = dsp.noise_burst(c.sr, c.rng, 0.4, *crash_band, 0.0005, 0.05)
        event = np.zeros(length)
        event[:min(crash.size, length)] += dsp.normalise_rms(crash, 0.3)[:length]
        if thud > 0:
            low = dsp.noise_burst(c.sr, c.rng, 0.2, 50, 300, 0.002, 0.04)
            event[:min(low.size, length)] += thud * dsp.normalise_rms(low, 0.3)[:length]
        pieces = _shards(c, length, shards, *shard_band, decays, spread_s)
        event += 0.9 * dsp.normalise_rms(pieces, 0.15)
        out[position:position + length] += event
    return out


@recipe("glass_shatter")
def glass_shatter(c: RecipeContext) -> np.ndarray:
    """Glass breaking: a bright crash and a shower of ringing shards."""
    return _breakage(c, (1500, 12000), int(120 + 120 * c.p.size), (2500, 11000), (0.04, 0.25),
                     0.25 + 0.2 * c.p.size, thud=0.3)


@recipe("ceramic_smash")
def ceramic_smash(c: RecipeContext) -> np.ndarray:
    """A plate or a pot smashing: a hard crack and duller clinking fragments."""
    return _breakage(c, (600, 8000), int(40 + 40 * c.p.size), (1200, 5500), (0.01, 0.05),
                     0.15, thud=0.6)


@recipe("wood_break")
def wood_break(c: RecipeContext) -> np.ndarray:
    """Wood cracking or snapping: a sharp crack, a hollow body, splinters."""
    out = np.zeros(c.n)
    for position in c.onsets(1, 1.5, first_s=0.03, fill=False):
        length = min(int(1.0 * c.sr), c.n - position)
        body_hz = c.rng.uniform(180, 320) * (1.3 - 0.6 * c.p.size)
        crack = dsp.noise_burst(c.sr, c.rng, 0.05, 600, 7000, 0.0003, 0.008)
        body = dsp.modal_strike(c.sr, body_hz * np.array([1, 2.6, 4.1, 6.9]),
                                [0.05, 0.03, 0.02, 0.015], [1, 0.6, 0.4, 0.3], 0.3, c.rng)
        splinters = _shards(c, length, 25, 1500, 6000, (0.003, 0.01), 0.08)
        event = np.zeros(length)
        for part, level in ((crack, 1.0), (body, 0.8), (splinters, 0.5)):
            part = dsp.normalise_rms(part, 0.2) * level
            event[:min(part.size, length)] += part[:length]
        out[position:position + length] += event
    return out


@recipe("metal_clang")
def metal_clang(c: RecipeContext) -> np.ndarray:
    """Struck metal: a pipe, a pan, an anvil; long inharmonic ringing."""
    size = c.p.size
    base = c.timbre.uniform(180, 320) * (1.8 - 1.2 * size)
    ratios = np.array([1, 2.76, 5.40, 8.93, 13.34]) * (1 + c.timbre.uniform(-0.02, 0.02, 5))
    ring_s = 0.4 + 1.4 * size
    out = np.zeros(c.n + 4 * c.sr)
    for position in c.onsets(1, 0.9, first_s=0.02, group_pause_s=1.5, fill=False):
        clang = dsp.modal_strike(c.sr, base * ratios, ring_s * np.array([1, 0.7, 0.5, 0.3, 0.2]),
                                 [0.8, 1.0, 0.7, 0.4, 0.3], ring_s * 2.5, c.rng,
                                 noise_level=1.5, noise_decay_s=0.003)
        dsp.add_into(out, position, c.rng.uniform(0.8, 1.0) * clang)
    return out[:c.n]


@recipe("thud")
def thud(c: RecipeContext) -> np.ndarray:
    """A heavy fall: a body or a sack hitting the floor, a box dropped."""
    out = np.zeros(c.n)
    for position in c.onsets(1, 1.5, first_s=0.03, fill=False):
        length = min(int(0.8 * c.sr), c.n - position)
        low_hz = c.rng.uniform(55, 90) * (1.3 - 0.5 * c.p.size)
        body = dsp.modal_strike(c.sr, [low_hz, low_hz * 2.1], [0.09, 0.05], [1.0, 0.4], 0.8, c.rng)
        punch = dsp.noise_burst(c.sr, c.rng, 0.3, 60, 900, 0.003, 0.05)
        cloth = dsp.noise_burst(c.sr, c.rng, 0.15, 1000, 6000, 0.005, 0.03)
        event = np.zeros(length)
        for part, level in ((body, 1.0), (punch, 0.8), (cloth, 0.15)):
            part = dsp.normalise_rms(part, 0.2) * level
            event[:min(part.size, length)] += part[:length]
        out[position:position + length] += event
    return out


@recipe("whoosh")
def whoosh(c: RecipeContext) -> np.ndarray:
    """A whoosh: something swinging or flying past fast (a sword, an arrow, a punch)."""
    out = np.zeros((2, c.n))
    for position in c.onsets(1, 0.9, first_s=0.02, fill=False):
        n = min(int(c.rng.uniform(0.35, 0.7) * (1.4 - 0.8 * c.p.speed) * c.sr), c.n - position)
        if n < 16:
            continue
        x = np.linspace(0, 1, n)
        swell = np.exp(-((x - 0.55) / 0.2) ** 2)
        centre = 400 + 2600 * (1 - np.abs(x - 0.5) * 2) ** 2 * (0.5 + c.p.brightness)
        swish = dsp.sweep_filter(c.rng.standard_normal(n), c.sr, centre, q=1.5, kind="bandpass")
        moving = dsp.pan(swish * swell, np.linspace(-0.8, 0.8, n))
        out[:, position:position + n] += moving
    return out
