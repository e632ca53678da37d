"""Sea, streams, drips, splashes, bubbles, pouring, underwater."""
from __future__ import annotations

import numpy as np

from engine.generation.procedural import dsp
from engine.generation.procedural.params import RecipeContext
from engine.generation.procedural.registry import recipe


def _wave_times(c: RecipeContext, period_s: float, tag: str) -> np.ndarray:
    """Wave crash times in story time (so consecutive events share one sea), relative to
    this event's start; includes waves that broke up to 12 s before it."""
    seed = dsp.int_seed(c.scene_seed, c.name, tag)
    first = int(np.floor((c.start_s - 12.0) / period_s))
    last = int(np.ceil((c.start_s + c.seconds) / period_s)) + 1
    k = np.arange(first, last)
    jitter = dsp.hashed_uniform(seed, k) - 0.5
    return k * period_s + jitter * period_s * 0.5 - c.start_s


def _wave_envelopes(c: RecipeContext, crashes: np.ndarray, build_s: float, low_decay_s: float,
                    wash_decay_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = c.t
    low, mid, wash = (np.zeros(c.n) for _ in range(3))
    seed = dsp.int_seed(c.scene_seed, c.name, "size")
    sizes = 0.6 + 0.4 * dsp.hashed_uniform(seed, np.round(crashes * 10).astype(np.int64))
    for at, size in zip(crashes, sizes):
        rel = t - at
        rising = np.clip(1 + rel / build_s, 0, 1) ** 2 * (rel <= 0)
        falling = (rel > 0)
        low += size * (rising + falling * np.exp(-rel.clip(0) / low_decay_s))
        mid += size * (0.4 * rising ** 2 + falling * np.exp(-rel.clip(0) / (0.5 * low_decay_s)))
        wash += size * falling * (1 - np.exp(-rel.clip(0) / 0.25)) * np.exp(
            -rel.clip(0) / wash_decay_s)
    return low, mid, wash


def _sea(c: RecipeContext, period_s: float, build_s: float, wash_decay_s: float,
         thump: float) -> np.ndarray:
    p = c.p
    period_s = period_s * (1.3 - 0.5 * p.intensity)
    out = []
    for side in range(2):  # the wave breaks along the shore: one side a little later
        crashes = _wave_times(c, period_s, "waves") + side * 0.25
        low, mid, wash = _wave_envelopes(c, crashes, build_s, 1.2, wash_decay_s)
        roar = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 60, 500)
        body = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 400, 2500)
        fizz = dsp.bandpass(dsp.white(c.rng, c.n), c.sr, 1800, 3500 + 6000 * p.brightness)
        bed = 0.1 + 0.08 * p.intensity  # the rest of the sea, never silent
        mix = (dsp.normalise_rms(roar, 0.1) * (bed + low)
               + dsp.normalise_rms(body, 0.1) * (0.5 * bed + mid * (0.6 + 0.6 * p.intensity))
               + dsp.normalise_rms(fizz, 0.1) * (0.3 * bed + 0.9 * wash))
        if thump > 0:
            hit = dsp.lowpass(dsp.white(c.rng, c.n), c.sr, 120)
            mix += thump * dsp.normalise_rms(hit, 0.1) * np.clip(mid - 0.5, 0, None)
        out.append(mix)
    return np.stack(out)


@recipe("ocean_waves", rate=24_000)
def ocean_waves(c: RecipeContext) -> np.ndarray:
    return _sea(c, period_s=c.timbre.uniform(8, 11), build_s=2.5, wash_decay_s=3.5, thump=0.0)


@recipe("surf_rocks", rate=24_000)
def surf_rocks(c: RecipeContext) -> np.ndarray:
    return _sea(c, period_s=c.timbre.uniform(5, 7), build_s=1.0, wash_decay_s=1.6, thump=1.5)


def _bubble_grains(c: RecipeContext, low_hz: float, high_hz: float, count: int,
                   decay_s: tuple[float, float], rise: float) -> list[np.ndarray]:
    return [dsp.bubble(c.sr, np.exp(c.rng.uniform(np.log(low_hz), np.log(high_hz))),
                       c.rng.uniform(*decay_s), rise * c.rng.uniform(0.5, 1.5))
            for _ in range(count)]


def _babble(c: RecipeContext, rate_hz: float, low_hz: float, high_hz: float,
            noise_band: tuple[float, float], noise_level: float) -> np.ndarray:
    """Running water: a dense stream of bubbles over a bed of filtered noise."""
    out = []
    swell = 0.8 + 0.2 * c.curve(0.2, "flow")
    for _ in range(2):
        positions = dsp.poisson_times(c.rng, c.n, c.sr, rate_hz * (0.5 + c.p.intensity))
        grains = _bubble_grains(c, low_hz, high_hz, 12, (0.004, 0.02), 0.15)
        bubbles = dsp.place_variants(c.n, grains, positions,
                                     c.rng.lognormal(-0.5, 0.6, positions.size), c.rng)
        bed = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, *noise_band)
        out.append(dsp.normalise_rms(bubbles, 0.1) + noise_level * dsp.normalise_rms(bed, 0.1))
    return np.stack(out) * swell


@recipe("stream", rate=24_000)
def stream(c: RecipeContext) -> np.ndarray:
    return _babble(c, 260, 350, 2200, (300, 5000), 0.45)


@recipe("waterfall", rate=24_000)
def waterfall(c: RecipeContext) -> np.ndarray:
    return _babble(c, 900, 150, 1200, (60, 9000), 1.6)


@recipe("water_lapping", rate=24_000)
def water_lapping(c: RecipeContext) -> np.ndarray:
    """Small waves slapping a hull or a pier: irregular hollow slaps and gurgles."""
    out = []
    for _ in range(2):
        positions = dsp.poisson_times(c.rng, c.n, c.sr, 1.2 + 1.5 * c.p.intensity)
        slap = np.zeros(c.n)
        for position in positions:
            length = int(c.rng.uniform(0.15, 0.35) * c.sr)
            burst = dsp.noise_burst(c.sr, c.rng, length / c.sr, 150, 1800,
                                    c.rng.uniform(0.01, 0.04), c.rng.uniform(0.04, 0.1))
            burst = dsp.resonate(burst, c.sr, c.rng.uniform(200, 900, 3), 4.0) + 0.3 * burst
            for b in _bubble_grains(c, 300, 1200, int(c.rng.integers(1, 4)), (0.005, 0.015), 0.2):
                at = int(c.rng.uniform(0.02, 0.15) * c.sr)
                dsp.add_into(burst, at, 0.4 * b * np.abs(burst).max())
            end = min(position + burst.size, c.n)
            slap[position:end] += c.rng.uniform(0.4, 1.0) * burst[:end - position]
        wash = dsp.lowpass(dsp.pink(c.rng, c.n), c.sr, 700) * (0.6 + 0.4 * c.wobble(0.5))
        out.append(dsp.normalise_rms(slap, 0.1) + 0.35 * dsp.normalise_rms(wash, 0.1))
    return np.stack(out)


@recipe("drips")
def drips(c: RecipeContext) -> np.ndarray:
    """Water dripping: a few drip points, each steady-ish, each with its own pitch."""
    out = np.zeros(c.n)
    points = int(c.timbre.integers(2, 5))
    for _ in range(points):
        period = c.timbre.uniform(0.5, 2.2) * (1.4 - 0.8 * c.p.speed)
        pitch = c.timbre.uniform(900, 3200)
        positions = dsp.pulses(c.n, c.sr, c.rng, 1 / period, jitter=0.15,
                               start_s=c.rng.uniform(0.03, period))
        grain = dsp.bubble(c.sr, pitch, c.timbre.uniform(0.006, 0.015), 1.2, length_s=0.08)
        tick = dsp.noise_burst(c.sr, c.rng, 0.01, 2000, 9000, 0.0002, 0.0015)
        dsp.add_into(grain, 0, 0.3 * tick)
        out += dsp.place(c.n, grain, positions, c.rng.uniform(0.5, 1.0, positions.size))
    return out


@recipe("splash", rate=32_000)
def splash(c: RecipeContext) -> np.ndarray:
    """Something falls into water: a hollow plunge, a spray, bubbles, drops falling back."""
    size = c.p.size
    out = np.zeros(c.n)
    for position in c.onsets(1, 1.5, first_s=0.03, fill=False):
        length = int(min(2.5, c.seconds) * c.sr)
        burst = np.zeros(length)
        plunge = dsp.noise_burst(c.sr, c.rng, 0.3, 80, 500 + 400 * (1 - size), 0.005, 0.06)
        spray = dsp.noise_burst(c.sr, c.rng, 0.9, 500, 9000, 0.01, 0.12 + 0.25 * size)
        dsp.add_into(burst, 0, 1.2 * dsp.normalise_rms(plunge, 0.3))
        dsp.add_into(burst, 0, dsp.normalise_rms(spray, 0.2))
        for grain in _bubble_grains(c, 250, 1800, 40, (0.006, 0.03), 0.2):
            at = int(c.rng.exponential(0.12) * c.sr) + 200
            end = min(at + grain.size, length)
            if at < length:
                burst[at:end] += c.rng.uniform(0.05, 0.25) * grain[:end - at]
        for grain in _bubble_grains(c, 1200, 4000, 12, (0.003, 0.008), 0.8):  # drops fall back
            at = int(c.rng.uniform(0.3, 1.2) * c.sr)
            end = min(at + grain.size, length)
            if at < length:
                burst[at:end] += c.rng.uniform(0.03, 0.12) * grain[:end - at]
        end = min(position + length, c.n)
        out[position:end] += burst[:end - position]
    return out


@recipe("underwater", rate=16_000)
def underwater(c: RecipeContext) -> np.ndarray:
    """Submerged: a pressing low rumble, muffled surges and slow bubbles."""
    out = []
    surge = 0.6 + 0.4 * c.curve(0.15, "surge")
    for _ in range(2):
        rumble = dsp.lowpass(dsp.brown(c.rng, c.n, sr=c.sr, corner_hz=30), c.sr, 350, order=4)
        positions = dsp.poisson_times(c.rng, c.n, c.sr, 3 + 6 * c.p.intensity)
        grains = _bubble_grains(c, 120, 600, 8, (0.02, 0.06), 0.3)
        bubbles = dsp.lowpass(dsp.place_variants(c.n, grains, positions,
                                                 c.rng.uniform(0.3, 1.0, positions.size), c.rng),
                              c.sr, 900)
        out.append(dsp.normalise_rms(rumble, 0.1) * surge + 0.5 * dsp.normalise_rms(bubbles, 0.1))
    return np.stack(out)


@recipe("bubbles", rate=24_000)
def bubbles(c: RecipeContext) -> np.ndarray:
    """Bubbling: a boiling pot, an aquarium, air rising from a diver."""
    rate = 18 + 50 * c.p.intensity
    bursts = c.wobble(1.5) ** 2
    positions = dsp.poisson_times(c.rng, c.n, c.sr, rate)
    keep = c.rng.random(positions.size) < 0.3 + 0.7 * bursts[positions]
    positions = positions[keep]
    grains = _bubble_grains(c, 180 + 300 * (1 - c.p.size), 900 + 800 * (1 - c.p.size), 16,
                            (0.01, 0.04), 0.25)
    out = dsp.place_variants(c.n, grains, positions, c.rng.uniform(0.3, 1.0, positions.size), c.rng)
    hiss = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 200, 2000)
    return dsp.normalise_rms(out, 0.1) + 0.12 * dsp.normalise_rms(hiss, 0.1)


@recipe("pouring", rate=32_000)
def pouring(c: RecipeContext) -> np.ndarray:
    """Liquid poured into a vessel: the resonance rises as it fills."""
    n = c.n
    pour_n = int(n * 0.85)
    t = np.arange(pour_n) / pour_n
    stream_noise = dsp.bandpass(dsp.white(c.rng, pour_n), c.sr, 300, 9000)
    stream_noise *= 0.7 + 0.3 * dsp.smooth_curve(c.rng, pour_n, c.sr, 12)
    vessel_hz = c.timbre.uniform(250, 450) * (1 + 3.5 * t ** 1.3)
    ring = dsp.sweep_filter(stream_noise, c.sr, vessel_hz, q=6, kind="bandpass")
    out = np.zeros(n)
    out[:pour_n] = (dsp.normalise_rms(ring, 0.1) + 0.35 * dsp.normalise_rms(stream_noise, 0.1)) * \
        dsp.hold_envelope(pour_n, c.sr, 0.05, 0.15)
    positions = dsp.poisson_times(c.rng, pour_n, c.sr, 25)
    grains = _bubble_grains(c, 500, 2500, 8, (0.004, 0.01), 0.4)
    out[:pour_n] += 0.05 * dsp.place_variants(pour_n, grains, positions, 1.0, c.rng)
    return out
