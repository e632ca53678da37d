"""Cars, engines, trains, boats, aircraft, rockets, horns."""
from __future__ import annotations

import numpy as np

from engine.generation.procedural import dsp, effects
from engine.generation.procedural.params import RecipeContext
from engine.generation.procedural.registry import recipe


def engine_sound(c: RecipeContext, rpm: np.ndarray, cylinders: int, body_hz: float,
                 strokes: int = 4, roughness: float = 0.15) -> np.ndarray:
    """A combustion engine: one exhaust pop per firing, through the exhaust's resonances.

    At idle the pops are heard one by one (putt-putt); revved up they fuse into a growl.
    """
    n = c.n
    fire_hz = np.broadcast_to(np.asarray(rpm, float), (n,)) / 60 * cylinders / (strokes / 2)
    cycles = np.cumsum(fire_hz) / c.sr
    positions = np.flatnonzero(np.diff(np.floor(cycles), prepend=0) > 0)
    firing = np.arange(positions.size) % cylinders
    lumpy = c.timbre.uniform(1 - roughness, 1, cylinders)  # each cylinder fires a bit differently
    gains = lumpy[firing] * c.rng.uniform(1 - roughness, 1, positions.size)
    pop = dsp.noise_burst(c.sr, c.rng, 0.012, 30, 2500, 0.0003, 0.0025)
    pulses = dsp.place(n, pop, positions, gains)
    exhaust = dsp.resonate(pulses, c.sr, [body_hz, body_hz * 2.3, body_hz * 4.1], [4, 5, 6],
                           [1.0, 0.6, 0.3])
    rpm_level = np.clip(fire_hz / 200, 0, 1)
    mechanical = dsp.bandpass(dsp.white(c.rng, n), c.sr, 900, 5000) * (0.3 + rpm_level)
    thump = dsp.lowpass(pulses, c.sr, 300 + 1500 * float(np.mean(rpm_level)))
    return (dsp.normalise_rms(exhaust, 0.1) + 0.4 * dsp.normalise_rms(thump, 0.1)
            + 0.08 * dsp.normalise_rms(mechanical, 0.1))


def _car_engine(c: RecipeContext, rpm: np.ndarray) -> np.ndarray:
    cylinders = int(c.timbre.choice([4, 4, 6, 8]))
    body_hz = c.timbre.uniform(70, 130) * (1.3 - 0.6 * c.p.size)
    return engine_sound(c, rpm, cylinders, body_hz)


@recipe("engine_idle", rate=24_000)
def engine_idle(c: RecipeContext) -> np.ndarray:
    """An engine ticking over: a car, a truck, a generator."""
    rpm = c.timbre.uniform(700, 950) * (1.2 - 0.4 * c.p.size) * (1 + 0.03 * (c.wobble(1.5) - 0.5))
    return _car_engine(c, rpm)


@recipe("engine_revving", rate=24_000)
def engine_revving(c: RecipeContext) -> np.ndarray:
    """An engine revved hard: rpm surging up and falling back (a car, a motorbike)."""
    idle = c.timbre.uniform(800, 1000)
    peak = c.timbre.uniform(4000, 6500) * (0.7 + 0.5 * c.p.intensity)
    t = c.t
    rpm = np.full(c.n, idle)
    now = 0.3
    while now < c.seconds - 0.5:
        up, hold, down = c.rng.uniform(0.4, 0.8), c.rng.uniform(0.1, 0.5), c.rng.uniform(0.8, 1.4)
        target = peak * c.rng.uniform(0.7, 1.0)
        rising = (t >= now) & (t < now + up)
        rpm[rising] = idle + (target - idle) * ((t[rising] - now) / up) ** 0.7
        held = (t >= now + up) & (t < now + up + hold)
        rpm[held] = target
        falling = (t >= now + up + hold) & (t < now + up + hold + down)
        rpm[falling] = idle + (target - idle) * np.exp(-4 * (t[falling] - now - up - hold) / down)
        now += up + hold + down + c.rng.uniform(0.3, 1.0)
    return _car_engine(c, rpm)


@recipe("car_pass_by", rate=24_000)
def car_pass_by(c: RecipeContext) -> np.ndarray:
    """A car driving past: engine and tyre roar swelling, the pitch dropping as it passes."""
    rpm = c.timbre.uniform(2000, 3000) * (0.8 + 0.5 * c.p.speed)
    engine = _car_engine(c, rpm * (1 + 0.02 * (c.wobble(0.5) - 0.5)))
    tyres = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 150, 3500)
    mono = dsp.normalise_rms(engine, 0.1) + 0.9 * dsp.normalise_rms(tyres, 0.1)
    moved, pan_curve = effects.motion(mono, c.sr, c.p.motion or "passing", c.rng)
    return dsp.pan(moved, pan_curve)


@recipe("traffic", rate=24_000)
def traffic(c: RecipeContext) -> np.ndarray:
    """A busy road: a steady wash of tyres and engines, cars passing now and then."""
    out = []
    for _ in range(2):
        wash = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 60, 2500) * (0.7 + 0.3 * c.wobble(0.2))
        rumble = dsp.lowpass(dsp.brown(c.rng, c.n, sr=c.sr), c.sr, 150)
        out.append(dsp.normalise_rms(wash, 0.1) + 0.6 * dsp.normalise_rms(rumble, 0.1))
    out = np.stack(out)
    passes = dsp.poisson_times(c.rng, c.n, c.sr, 0.25 + 0.3 * c.p.intensity)
    for position in passes:
        length = min(int(c.rng.uniform(3, 6) * c.sr), c.n - position)
        if length < c.sr:
            continue
        sub = dsp.bandpass(dsp.pink(c.rng, length), c.sr, 100, 3000)
        moved, pan_curve = effects.motion(sub, c.sr, "passing", c.rng)
        out[:, position:position + length] += 0.7 * dsp.pan(dsp.normalise_rms(moved, 0.1),
                                                           pan_curve)
    return out


@recipe("train", rate=24_000)
def train(c: RecipeContext) -> np.ndarray:
    """A train on the rails: rumble and the clickety-clack of wheels over rail joints."""
    period = (1.4 - 0.8 * c.p.speed) * c.timbre.uniform(0.9, 1.1)
    starts = np.arange(0.05, c.seconds, period)
    pattern = np.array([0.0, 0.11, 0.30, 0.41]) * period
    times = (starts[:, None] + pattern[None, :]).ravel()
    times = times[times < c.seconds]
    positions = (times * c.sr).astype(int)
    clacks = [dsp.modal_strike(c.sr, c.rng.uniform(0.9, 1.1) * np.array([170, 410, 930, 2100]),
                               [0.05, 0.04, 0.03, 0.02], [1.0, 0.7, 0.5, 0.3], 0.15, c.rng,
                               noise_level=0.8, noise_decay_s=0.005) for _ in range(4)]
    gains = c.rng.uniform(0.6, 1.0, positions.size)
    clack = dsp.place_variants(c.n, clacks, positions, gains, c.rng)
    rumble = dsp.lowpass(dsp.brown(c.rng, c.n, sr=c.sr, corner_hz=25), c.sr, 250)
    roar = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 250, 2500) * (0.8 + 0.2 * c.wobble(0.5))
    out = (dsp.normalise_rms(clack, 0.1) + 0.9 * dsp.normalise_rms(rumble, 0.1)
           + 0.6 * dsp.normalise_rms(roar, 0.1))
    if c.rng.random() < 0.5 and c.seconds > 3:  # a wheel squeal on a bend
        at = int(c.rng.uniform(0.2, 0.7) * c.n)
        length = min(int(c.rng.uniform(0.6, 1.5) * c.sr), c.n - at)
        freq = c.rng.uniform(2500, 4000) * (1 + 0.01 * np.sin(np.arange(length) / c.sr * 30))
        squeal = np.sin(dsp.phase_of(freq, length, c.sr))
        squeal *= dsp.hold_envelope(length, c.sr, 0.2, 0.3)
        out[at:at + length] += 0.05 * squeal
    return out


@recipe("train_horn", rate=24_000)
def train_horn(c: RecipeContext) -> np.ndarray:
    """A train horn: a loud three-note chord, long-long-short-long at a crossing."""
    base = c.timbre.uniform(260, 330)
    chord = base * np.array([1.0, 1.19, 1.5])
    if c.p.count is not None:
        blasts = [1.2] * c.p.count
    elif c.seconds >= 6:
        blasts = [1.6, 1.6, 0.6, 2.4]
    else:
        blasts = [min(c.seconds * 0.8, 2.5)]
    blasts = [b * c.rng.uniform(0.85, 1.1) for b in blasts]  # the driver's hand on the lever
    out = np.zeros(c.n)
    now = c.rng.uniform(0.03, 0.1)
    for length_s in blasts:
        start = int(now * c.sr)
        length = min(int(length_s * c.sr), c.n - start)
        if length <= 0:
            break
        t = np.arange(length) / c.sr
        slide = 1 - 0.03 * np.exp(-t / 0.06)
        blast = sum(dsp.harmonics(dsp.phase_of(f * slide, length, c.sr),
                                  dsp.saw_amplitudes(12, 1.2), f, c.sr) for f in chord)
        out[start:start + length] += blast * dsp.hold_envelope(length, c.sr, 0.06, 0.12)
        now += length_s + 0.35
    return dsp.bandpass(out, c.sr, 200, 5000)


@recipe("boat_motor", rate=24_000)
def boat_motor(c: RecipeContext) -> np.ndarray:
    """A boat's engine: a fishing boat's slow diesel chug, or a small outboard's buzz."""
    outboard = c.p.size < 0.35
    if outboard:
        rpm = c.timbre.uniform(4000, 5200) * (1 + 0.03 * (c.wobble(0.7) - 0.5))
        motor = engine_sound(c, rpm, 1, c.timbre.uniform(300, 500), strokes=2)
    else:
        rpm = c.timbre.uniform(450, 650) * (1 + 0.05 * (c.wobble(0.4) - 0.5))
        motor = engine_sound(c, rpm, 2, c.timbre.uniform(50, 80), roughness=0.3)
    wash = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 200, 3000) * (0.6 + 0.4 * c.wobble(0.8))
    return dsp.normalise_rms(motor, 0.1) + 0.45 * dsp.normalise_rms(wash, 0.1)


def _flange(x: np.ndarray, sr: int, delay_s: np.ndarray, depth: float) -> np.ndarray:
    """A copy arriving by a second path (the ground) with a changing delay: the sweeping
    comb filter of an aircraft overhead."""
    t = np.arange(x.size)
    return x + depth * np.interp(t - delay_s * sr, t, x, left=0.0)


@recipe("jet_flyover", rate=24_000)
def jet_flyover(c: RecipeContext) -> np.ndarray:
    """A jet (or airliner) flying overhead: a broad roar with a whine and a swept comb."""
    roar = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 60, 2500 + 5000 * c.p.brightness)
    rumble = dsp.lowpass(dsp.brown(c.rng, c.n, sr=c.sr), c.sr, 200)
    whine_hz = c.timbre.uniform(2500, 4500)
    whine = np.sin(dsp.phase_of(whine_hz * (1 + 0.002 * c.wobble(2)), c.n, c.sr))
    mono = dsp.normalise_rms(roar, 0.1) + 0.6 * dsp.normalise_rms(rumble, 0.1) + 0.01 * whine
    moved, pan_curve = effects.motion(mono, c.sr, c.p.motion or "passing", c.rng)
    nearness = np.abs(moved) / (np.abs(moved).max() + 1e-9)
    level = np.convolve(nearness, np.ones(2400) / 2400, mode="same")
    delay = 0.0008 + 0.006 * (1 - level / (level.max() + 1e-9))
    return dsp.pan(_flange(moved, c.sr, delay, 0.7), pan_curve)


@recipe("helicopter", rate=24_000)
def helicopter(c: RecipeContext) -> np.ndarray:
    """A helicopter: the chop of the rotor blades, a turbine whine, the tail rotor's buzz."""
    blade_hz = c.timbre.uniform(9, 13)
    positions = dsp.pulses(c.n, c.sr, c.rng, blade_hz, jitter=0.02)
    chop = dsp.noise_burst(c.sr, c.rng, 0.06, 60, 1400, 0.002, 0.018)
    blades = dsp.place(c.n, chop, positions, c.rng.uniform(0.8, 1.0, positions.size))
    blades = dsp.resonate(blades, c.sr, [90, 220], 2.0) + 0.5 * blades
    tail_hz = c.timbre.uniform(55, 75)
    tail = dsp.harmonics(dsp.phase_of(tail_hz, c.n, c.sr), dsp.saw_amplitudes(10), tail_hz, c.sr)
    whine = np.sin(dsp.phase_of(c.timbre.uniform(4500, 6000), c.n, c.sr))
    mono = (dsp.normalise_rms(blades, 0.1) + 0.25 * dsp.normalise_rms(tail, 0.1)
            + 0.02 * whine)
    if c.p.motion:
        moved, pan_curve = effects.motion(mono, c.sr, c.p.motion, c.rng)
        return dsp.pan(moved, pan_curve)
    return mono


@recipe("rocket_launch", rate=24_000)
def rocket_launch(c: RecipeContext) -> np.ndarray:
    """A rocket lifting off: ignition, a crackling roar that builds, then climbs away."""
    t = c.t
    length = max(c.seconds, 1.0)
    build = np.clip(t / min(2.5, 0.3 * length), 0, 1) ** 1.5
    climb = np.exp(-np.clip(t - 0.45 * length, 0, None) / (0.35 * length))
    out = []
    for _ in range(2):
        roar = dsp.lowpass(dsp.brown(c.rng, c.n, sr=c.sr, corner_hz=30), c.sr, 700)
        hiss = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 300, 6000)
        crackle_at = dsp.poisson_times(c.rng, c.n, c.sr, 400)
        crackle = dsp.highpass(dsp.impulse_train(c.n, crackle_at, np.minimum(
            c.rng.pareto(2.0, crackle_at.size), 8)), c.sr, 500)
        high = dsp.normalise_rms(hiss, 0.1) + 0.8 * dsp.normalise_rms(crackle, 0.1)
        far = dsp.lowpass(high, c.sr, 900)
        high = high * climb + far * (1 - climb)
        out.append((dsp.normalise_rms(roar, 0.1) + 0.8 * high) * build * (0.3 + 0.7 * climb))
    return np.stack(out)


@recipe("car_horn", rate=24_000)
def car_horn(c: RecipeContext) -> np.ndarray:
    """A car horn: two tones a third apart, short honks or one long blare."""
    low = c.timbre.uniform(380, 460)
    honk_s = 0.3 + 1.0 * max(c.p.intensity - 0.6, 0) * 2
    out = np.zeros(c.n)
    for position in c.onsets(2, honk_s + 0.18, jitter=0.1, first_s=0.03, fill=False):
        length = min(int(honk_s * c.rng.uniform(0.8, 1.2) * c.sr), c.n - position)
        tone = sum(dsp.harmonics(dsp.phase_of(f, length, c.sr), dsp.square_amplitudes(15), f, c.sr)
                   for f in (low, low * 1.26))
        out[position:position + length] += tone * dsp.hold_envelope(length, c.sr, 0.01, 0.03)
    return dsp.resonate(out, c.sr, [500, 1500, 2600], 2.5) + 0.3 * out
