"""Rain, wind and thunder."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.generation.procedural import dsp
from engine.generation.procedural.params import RecipeContext
from engine.generation.procedural.registry import recipe


def _rain(c: RecipeContext, drops_per_s: float, bed_level: float, bed_low_hz: float,
          rumble: float) -> np.ndarray:
    """Rain: a hiss of distant drops, many near drops ticking, some ringing with a 'plink'.

    Each drop is an impulse through a couple of resonant bands (cheap even for thousands a
    second); only the few plinks, whose pitch rises, are placed as grains.
    """
    p = c.p
    top_hz = 5000 + 9000 * p.brightness
    surge = 0.75 + 0.25 * c.curve(0.08, "surge")  # rain thickens and thins, seamlessly
    bands = [c.timbre.uniform(2200, 3500), c.timbre.uniform(4500, 7500)]
    plinks = [dsp.bubble(c.sr, c.rng.uniform(1800, 4500), c.rng.uniform(0.003, 0.008), 0.4,
                         length_s=0.012) for _ in range(4)]
    channels = []
    for _ in range(2):  # two independent channels: rain is all around
        bed = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, bed_low_hz, top_hz)
        rate = drops_per_s * (0.4 + 1.2 * p.intensity)
        positions = dsp.poisson_times(c.rng, c.n, c.sr, rate)
        hits = dsp.impulse_train(c.n, positions, c.rng.lognormal(-1.0, 0.6, positions.size))
        ticks = dsp.resonate(hits, c.sr, bands, 1.2) + 0.4 * dsp.bandpass(hits, c.sr, 1200, top_hz)
        ringing = positions[c.rng.random(positions.size) < min(120.0 / max(rate, 1.0), 0.35)]
        plinked = dsp.place_variants(c.n, plinks, ringing, c.rng.uniform(0.2, 1.0, ringing.size),
                                     c.rng)
        drops = dsp.normalise_rms(ticks, 0.1) + 0.4 * dsp.normalise_rms(plinked, 0.1)
        channels.append(bed_level * dsp.normalise_rms(bed, 0.1) + drops)
    out = np.stack(channels) * surge
    if rumble > 0:  # heavy rain has weight: the roar of a whole landscape being hit
        low = dsp.lowpass(dsp.pink(c.rng, c.n, 2), c.sr, 500)
        out += rumble * dsp.normalise_rms(low, 0.1) * surge
    return out


@recipe("rain_light", rate=32_000)
def rain_light(c: RecipeContext) -> np.ndarray:
    return _rain(c, drops_per_s=260, bed_level=0.35, bed_low_hz=1500, rumble=0.0)


@recipe("rain_heavy", rate=32_000)
def rain_heavy(c: RecipeContext) -> np.ndarray:
    return _rain(c, drops_per_s=1800, bed_level=1.2, bed_low_hz=400, rumble=0.45)


@recipe("rain_on_roof", rate=32_000)
def rain_on_roof(c: RecipeContext) -> np.ndarray:
    """Drops drumming on a tin roof: every drop rings the panel's metallic modes."""
    modes = np.sort(c.timbre.uniform(350, 4200, 7))
    qs = c.timbre.uniform(25, 60, 7)
    surge = 0.75 + 0.25 * c.curve(0.08, "surge")
    channels = []
    for _ in range(2):
        rate = 350 + 1400 * c.p.intensity
        positions = dsp.poisson_times(c.rng, c.n, c.sr, rate)
        hits = dsp.impulse_train(c.n, positions, c.rng.lognormal(-1.0, 0.7, positions.size))
        ring = dsp.resonate(hits, c.sr, modes, qs, c.timbre.uniform(0.5, 1.0, 7))
        tick = dsp.highpass(hits, c.sr, 3000)
        bed = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 600, 9000)
        channels.append(dsp.normalise_rms(ring, 0.1) + 0.5 * dsp.normalise_rms(tick, 0.1)
                        + 0.45 * dsp.normalise_rms(bed, 0.1))
    return np.stack(channels) * surge


def _wind(c: RecipeContext, gust_rate_hz: float, howl: float, q: float) -> np.ndarray:
    p = c.p
    gust = c.curve(gust_rate_hz, "gust")
    gust = 0.12 + 0.88 * gust ** (2.0 - p.intensity)
    wander = c.curve(gust_rate_hz * 2.5, "wander")
    fine = 0.85 + 0.15 * c.curve(gust_rate_hz * 6, "flutter")
    channels = []
    for side in range(2):
        cutoff = 300 + 900 * gust.mean() * (0.5 + p.brightness)
        body = dsp.lowpass(dsp.pink(c.rng, c.n), c.sr, cutoff)
        body = dsp.highpass(body, c.sr, 40)
        centre = (200 + 550 * p.brightness) * (0.3 + 1.7 * gust + 0.4 * wander) * (1 + 0.04 * side)
        whistle = dsp.sweep_filter(dsp.pink(c.rng, c.n), c.sr, centre, q=q, kind="bandpass",
                                   block=max(512, c.sr // 40))
        mix = dsp.normalise_rms(body, 0.1) + howl * dsp.normalise_rms(whistle, 0.1) * gust
        channels.append(mix * gust * fine)
    return np.stack(channels)


@recipe("wind", rate=24_000)
def wind(c: RecipeContext) -> np.ndarray:
    return _wind(c, gust_rate_hz=0.18, howl=0.35 + 0.3 * c.p.intensity, q=3.0)


@recipe("wind_howling", rate=24_000)
def wind_howling(c: RecipeContext) -> np.ndarray:
    return _wind(c, gust_rate_hz=0.35, howl=1.1 + 0.5 * c.p.intensity, q=9.0)


@dataclass(frozen=True)
class Roll:
    """How a roll of thunder rumbles: when its swells arrive and die, how it grumbles."""

    spread: float = 0.6  # swells arrive over this share of the roll
    width: float = 1.0  # how long each swell lasts
    fall: float = 0.8  # each later swell this much softer
    grumble: float = 0.3  # depth of the level's shaking
    grumble_hz: float = 6.0
    corner_hz: float = 15.0  # the low noise's spectrum: -6 dB/octave above this
    mid_band: tuple[float, float] = (200.0, 1200.0)
    mid: float = 0.0  # the roll's middle (the far channel's crackle, heard as a roar)


NEAR_ROLL = Roll(spread=0.8, width=0.38, fall=0.65, grumble=0.064, grumble_hz=1.33,
                 corner_hz=80.0, mid_band=(108.0, 990.0), mid=0.98)
FAR_ROLL = Roll(spread=1.2, width=1.67, fall=1.0, grumble=0.54, grumble_hz=4.65,
                corner_hz=46.0, mid_band=(233.0, 4000.0), mid=1.15)


def _rumble(c: RecipeContext, onset_s: float, length_s: float, cutoff_hz: float,
            rolls: int, rise_s: float = 0.12, roll: Roll = Roll()) -> np.ndarray:
    """Rolling thunder: several overlapping swells of low noise, each decaying, the whole
    grumbling (its level shakes a few times a second) as the sound of the far parts of the
    channel arrives."""
    n = c.n
    t = c.t
    env = np.zeros(n)
    for k in range(rolls):
        at = onset_s + (k / rolls) ** 1.3 * length_s * roll.spread + c.rng.uniform(0, 0.3)
        width = c.rng.uniform(0.4, 1.2) * (1 + k * 0.3) * roll.width
        level = c.rng.uniform(0.5, 1.0) * (roll.fall ** k)
        rel = t - at
        rise = np.clip(rel / rise_s, 0, 1)
        env += level * np.where(rel > 0, rise * rise * (3 - 2 * rise) * np.exp(-rel / width), 0)
    flicker = (1 - roll.grumble) + roll.grumble * c.wobble(roll.grumble_hz)
    out = []
    for _ in range(2):
        low = dsp.lowpass(dsp.brown(c.rng, n, sr=c.sr, corner_hz=roll.corner_hz), c.sr,
                          cutoff_hz, order=4)
        low = dsp.highpass(low, c.sr, 22)
        body = dsp.normalise_rms(low, 0.1)
        if roll.mid > 0:
            mid = dsp.bandpass(dsp.pink(c.rng, n), c.sr, *roll.mid_band)
            body = body + roll.mid * dsp.normalise_rms(mid, 0.1)
        out.append(body * env * flicker)
    return np.stack(out)


@recipe("thunder_near", rate=32_000)
def thunder_near(c: RecipeContext) -> np.ndarray:
    """A close strike: a tearing crack a second long (a rain of sharp impulses over noise
    from 550 Hz up), then a roll of five swells under it, dying within a few seconds."""
    strikes = c.onsets(1, max(c.seconds, 6.0), first_s=0.05, fill=False)
    out = np.zeros((2, c.n))
    for position in strikes:
        seg = c.n - position
        sub = RecipeContext(seg, c.sr, c.rng, c.timbre, c.p, c.start_s, c.scene_seed, c.name)
        roll = _rumble(sub, 0.08, min(sub.seconds, 5.6), 560 + 300 * c.p.brightness, 5,
                       roll=NEAR_ROLL)
        roll = dsp.normalise_rms(roll, 0.1)
        crack_n = min(int(1.1 * c.sr), seg)
        rip_at = dsp.poisson_times(c.rng, crack_n, c.sr, 1000)
        rip = dsp.impulse_train(crack_n, rip_at, c.rng.uniform(0.3, 1.0, rip_at.size))
        rip = rip * dsp.attack_decay(crack_n, c.sr, 0.002, 0.072)
        crack = dsp.highpass(c.rng.standard_normal(crack_n), c.sr, 550) * dsp.attack_decay(
            crack_n, c.sr, 0.003, 0.25) + 1.54 * dsp.bandpass(rip, c.sr, 800, 2270)
        crack = dsp.normalise_rms(crack, 0.1) * (1.6 + 2.0 * c.p.intensity)
        out[:, position:] += roll * 2.6
        out[:, position:position + crack_n] += crack
    return dsp.lowpass(out, c.sr, 11000, order=4)


@recipe("thunder_far", rate=16_000)
def thunder_far(c: RecipeContext) -> np.ndarray:
    """Distant thunder: no crack; a slow roll that grumbles (its level shakes four or five
    times a second) over a low rumble, swells arriving for seconds and dying slowly."""
    strikes = c.onsets(1, max(c.seconds, 8.0), first_s=0.1, fill=False)
    out = np.zeros((2, c.n))
    for position in strikes:
        seg = c.n - position
        sub = RecipeContext(seg, c.sr, c.rng, c.timbre, c.p, c.start_s, c.scene_seed, c.name)
        roll = _rumble(sub, 0.1, min(sub.seconds, 2.0), 142 + 80 * c.p.brightness, 5,
                       rise_s=0.59, roll=FAR_ROLL)
        out[:, position:] += dsp.normalise_rms(roll, 0.1)
    return out


@recipe("storm", rate=32_000)
def storm(c: RecipeContext) -> np.ndarray:
    """A storm: driving rain, gusting wind, thunder rolling now and then."""
    rain = _rain(c, drops_per_s=1500, bed_level=1.1, bed_low_hz=400, rumble=0.4)
    gusts = _wind(c, gust_rate_hz=0.25, howl=0.9 + 0.4 * c.p.intensity, q=6.0)
    out = dsp.normalise_rms(rain, 0.1) + 0.8 * dsp.normalise_rms(gusts, 0.1)
    for position in c.onsets(1, c.timbre.uniform(12, 20), jitter=0.4,
                             first_s=c.rng.uniform(0.5, 4.0), group_pause_s=4.0):
        seg = min(c.n - position, int(9 * c.sr))
        sub = RecipeContext(seg, c.sr, c.rng, c.timbre, c.p, c.start_s, c.scene_seed, c.name)
        roll = _rumble(sub, 0.1, min(sub.seconds, 6.0), 150, 5, rise_s=0.4)
        roll *= dsp.hold_envelope(seg, c.sr, 0.0, min(2.0, sub.seconds / 2))
        level = 0.8 * min(1.0, seg / c.sr / 3)  # a roll cut short by the event's end is softer
        out[:, position:position + seg] += level * dsp.normalise_rms(roll, 0.1)
    return out
