"""Place beds: room tone, city, forest, night, a busy restaurant or tavern.

They are built from the other recipes (birds, crickets, traffic, murmur) placed far away and
quiet, over a texture of their own.
"""
from __future__ import annotations

import numpy as np

from engine.generation.procedural import dsp
from engine.generation.procedural.params import RecipeContext
from engine.generation.procedural.recipes.animals import crickets, frogs, owl, songbirds
from engine.generation.procedural.recipes.crowds import WALLA, Talk, babble
from engine.generation.procedural.recipes.vehicles import traffic
from engine.generation.procedural.registry import recipe


def _part(c: RecipeContext, function, **changes) -> np.ndarray:
    """Another recipe rendered inside this one, with its own parameters."""
    sub = RecipeContext(c.n, c.sr, c.rng, c.timbre, c.p.merged(changes), c.start_s,
                        c.scene_seed, c.name)
    return dsp.to_stereo(np.asarray(function(sub)))


def _far(x: np.ndarray, sr: int, cutoff_hz: float) -> np.ndarray:
    return dsp.lowpass(x, sr, cutoff_hz)


@recipe("room_tone", rate=24_000)
def room_tone(c: RecipeContext) -> np.ndarray:
    """A quiet room: the soft air of a space, a faint hum of appliances."""
    out = []
    for _ in range(2):
        air = dsp.lowpass(dsp.pink(c.rng, c.n), c.sr, 900 + 800 * c.p.brightness)
        air = dsp.highpass(air, c.sr, 40)
        out.append(dsp.normalise_rms(air, 0.1))
    mains = float(c.timbre.choice([50.0, 60.0]))
    hum = dsp.harmonics(dsp.phase_of(mains, c.n, c.sr), [0.3, 1.0, 0.2, 0.3], mains, c.sr)
    return np.stack(out) + 0.015 * hum


def _leaves(c: RecipeContext) -> np.ndarray:
    """Wind in the treetops: a high rustle that gusts."""
    gust = 0.3 + 0.7 * c.curve(0.15, "leaves") ** 1.5
    out = []
    for _ in range(2):
        rustle = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 900, 7000)
        rustle *= 0.7 + 0.3 * dsp.smooth_curve(c.rng, c.n, c.sr, 8)
        out.append(dsp.normalise_rms(rustle, 0.1) * gust)
    return np.stack(out)


@recipe("forest_ambience", rate=24_000)
def forest_ambience(c: RecipeContext) -> np.ndarray:
    """A forest by day: leaves rustling in the wind, birds near and far."""
    birds = _part(c, songbirds, intensity=0.35)
    return (0.6 * dsp.normalise_rms(_leaves(c), 0.1)
            + 0.8 * dsp.normalise_rms(_far(birds, c.sr, 7000), 0.1))


@recipe("night_ambience", rate=24_000)
def night_ambience(c: RecipeContext) -> np.ndarray:
    """Outdoors at night: crickets all around, a frog now and then, a distant owl."""
    insects = _part(c, crickets, intensity=0.6)
    pond = _part(c, frogs, intensity=0.0)
    air = np.stack([dsp.lowpass(dsp.pink(c.rng, c.n), c.sr, 500) for _ in range(2)])
    out = (dsp.normalise_rms(insects, 0.1) + 0.3 * dsp.normalise_rms(_far(pond, c.sr, 2500), 0.1)
           + 0.25 * dsp.normalise_rms(air, 0.1))
    if c.seconds > 6 and c.rng.random() < 0.6:
        hoots = _part(c, owl)
        out += 0.25 * dsp.normalise_rms(_far(hoots, c.sr, 1500), 0.1)
    return out


@recipe("city_ambience", rate=16_000)
def city_ambience(c: RecipeContext) -> np.ndarray:
    """A city street: distant traffic, footsteps and voices passing, a horn far off."""
    road = _far(_part(c, traffic, intensity=0.5), c.sr, 3000)
    unique_n = min(c.n, int(40 * c.sr))
    talk = Talk(f0_range=(100, 230), syllable_hz=4.5, talk_share=0.4, brightness=0.4)
    people = np.stack([babble(c, unique_n, 3, talk) for _ in range(2)])
    people = dsp.loop_texture(people, c.n, c.sr, c.rng)
    out = dsp.normalise_rms(road, 0.1) + 0.25 * dsp.normalise_rms(people, 0.1)
    for at in dsp.poisson_times(c.rng, c.n, c.sr, 0.05):  # a horn somewhere
        n = min(int(c.rng.uniform(0.2, 0.5) * c.sr), c.n - at)
        freq = c.rng.uniform(350, 500)
        honk = dsp.harmonics(dsp.phase_of(freq, n, c.sr), dsp.square_amplitudes(9), freq, c.sr)
        honk = dsp.lowpass(honk, c.sr, 1800) * dsp.hold_envelope(n, c.sr, 0.01, 0.05)
        out[:, at:at + n] += 0.015 * dsp.pan(honk, c.rng.uniform(-0.8, 0.8))
    return out


@recipe("restaurant_ambience", rate=16_000)
def restaurant_ambience(c: RecipeContext) -> np.ndarray:
    """A busy tavern, café or restaurant: chatter, cutlery and glasses clinking."""
    unique_n = min(c.n, int(40 * c.sr))
    chatter = np.stack([babble(c, unique_n, 9, WALLA) for _ in range(2)])
    chatter = dsp.lowpass(chatter + chatter[::-1], c.sr, 3600, order=4)
    chatter = dsp.loop_texture(chatter, c.n, c.sr, c.rng)
    clinks = np.zeros((2, c.n))
    for side in range(2):
        grains = [dsp.modal_strike(c.sr, c.rng.uniform(1800, 6000, 2), c.rng.uniform(0.05, 0.3, 2),
                                   [1.0, 0.5], 0.6, c.rng, noise_level=0.5, noise_decay_s=0.002)
                  for _ in range(6)]
        positions = dsp.poisson_times(c.rng, c.n, c.sr, 0.8 + 1.5 * c.p.intensity)
        clinks[side] = dsp.place_variants(c.n, grains, positions,
                                          c.rng.uniform(0.2, 1.0, positions.size), c.rng)
    return dsp.normalise_rms(chatter, 0.1) + 0.06 * dsp.normalise_rms(clinks, 0.1)
