"""Machines: hum, servos, jackhammers, factories, keyboards, typewriters, spaceships."""
from __future__ import annotations

import numpy as np

from engine.generation.procedural import dsp
from engine.generation.procedural.params import RecipeContext
from engine.generation.procedural.registry import recipe


@recipe("electrical_hum", rate=24_000)
def electrical_hum(c: RecipeContext) -> np.ndarray:
    """Mains hum and buzz: a transformer, fluorescent lights, a fridge."""
    mains = float(c.timbre.choice([50.0, 60.0]))
    buzz_amps = [0.6, 1.0, 0.3, 0.5, 0.15, 0.25, 0.1, 0.12, 0.06, 0.08, 0.04, 0.05]
    phase = dsp.phase_of(mains * 2, c.n, c.sr)  # rectified: twice the mains frequency
    hum = 0.8 * np.sin(phase / 2) + dsp.harmonics(phase, buzz_amps, mains * 2, c.sr)
    hum *= 1 + 0.1 * (c.wobble(0.3) - 0.5)
    hiss = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 2000, 8000)
    return dsp.normalise_rms(hum, 0.1) + 0.04 * dsp.normalise_rms(hiss, 0.1)


@recipe("robot_servo")
def robot_servo(c: RecipeContext) -> np.ndarray:
    """A robot moving: servo motors whirring up and down between short pauses."""
    top_hz = c.timbre.uniform(500, 1100)
    gear = c.timbre.uniform(6, 10)
    out = np.zeros(c.n)
    now = 0.03
    while now < c.seconds - 0.2:
        length = min(c.rng.uniform(0.25, 0.8), c.seconds - now)
        n = int(length * c.sr)
        shape = np.sin(np.pi * np.linspace(0, 1, n)) ** 0.6
        freq = top_hz * c.rng.uniform(0.6, 1.2) * (0.35 + 0.65 * shape)
        phase = dsp.phase_of(freq, n, c.sr)
        whir = dsp.harmonics(phase, dsp.saw_amplitudes(8, 1.3), freq, c.sr)
        whir *= 1 + 0.3 * np.sin(phase / gear)  # gear teeth
        whir += 0.2 * dsp.bandpass(c.rng.standard_normal(n), c.sr, 2000, 8000) * shape
        at = int(now * c.sr)
        dsp.add_into(out, at, whir * dsp.hold_envelope(n, c.sr, 0.02, 0.04))
        stop = dsp.noise_burst(c.sr, c.rng, 0.02, 2000, 8000, 0.0002, 0.002)  # it locks in place
        end = at + n
        dsp.add_into(out, end, 0.5 * stop)
        now += length + c.rng.uniform(0.15, 0.6)
    return out


@recipe("jackhammer")
def jackhammer(c: RecipeContext) -> np.ndarray:
    """A jackhammer breaking concrete: rapid pounding in bursts, and the compressor's hiss."""
    rate = c.timbre.uniform(18, 25)
    out = np.zeros(c.n)
    hits = []
    for _ in range(4):
        ring = dsp.modal_strike(c.sr, c.rng.uniform(900, 2600, 3), [0.015, 0.01, 0.008],
                                [0.5, 0.4, 0.3], 0.06, c.rng, noise_level=1.0, noise_decay_s=0.004)
        thump = dsp.noise_burst(c.sr, c.rng, 0.06, 60, 500, 0.001, 0.012)
        dsp.add_into(ring, 0, 2 * thump * np.abs(ring).max() / (np.abs(thump).max() + 1e-9))
        hits.append(ring)
    now = 0.03
    while now < c.seconds - 0.1:
        length = min(c.rng.uniform(1.0, 3.0), c.seconds - now)
        start = int(now * c.sr)
        n = int(length * c.sr)
        positions = start + dsp.pulses(n, c.sr, c.rng, rate, jitter=0.05)
        gains = c.rng.uniform(0.7, 1.0, positions.size)
        out += dsp.place_variants(c.n, hits, positions, gains, c.rng)
        air = dsp.bandpass(c.rng.standard_normal(n), c.sr, 1500, 9000)
        dsp.add_into(out, start, 0.05 * air * dsp.hold_envelope(n, c.sr, 0.05, 0.2))
        now += length + c.rng.uniform(0.4, 1.5)
    return out


@recipe("factory_machinery", rate=24_000)
def factory_machinery(c: RecipeContext) -> np.ndarray:
    """A factory floor: a stamping press, a rattling conveyor, motors, bursts of air."""
    press_period = c.timbre.uniform(1.2, 2.2)
    press_at = dsp.pulses(c.n, c.sr, c.rng, 1 / press_period, jitter=0.01, start_s=0.2)
    press = dsp.modal_strike(c.sr, [70, 180, c.timbre.uniform(600, 900), 1900],
                             [0.15, 0.1, 0.2, 0.1], [1.0, 0.6, 0.4, 0.2], 0.8, c.timbre,
                             noise_level=1.0, noise_decay_s=0.01)
    conveyor_at = dsp.pulses(c.n, c.sr, c.rng, c.timbre.uniform(6, 10), jitter=0.08)
    rattle = dsp.noise_burst(c.sr, c.rng, 0.03, 800, 5000, 0.0005, 0.006)
    motor_hz = c.timbre.uniform(45, 60)
    motor = dsp.harmonics(dsp.phase_of(motor_hz, c.n, c.sr), dsp.saw_amplitudes(20, 1.5),
                          motor_hz, c.sr)
    whine = 0.1 * np.sin(dsp.phase_of(c.timbre.uniform(700, 1200), c.n, c.sr))
    air_at = dsp.poisson_times(c.rng, c.n, c.sr, 0.25)
    air = dsp.noise_burst(c.sr, c.rng, 0.6, 1500, 9000, 0.01, 0.15)
    out = (dsp.normalise_rms(dsp.place(c.n, press, press_at, 1.0), 0.1)
           + 0.4 * dsp.normalise_rms(dsp.place(c.n, rattle, conveyor_at, c.rng.uniform(
               0.4, 1.0, conveyor_at.size)), 0.1)
           + 0.4 * dsp.normalise_rms(motor + whine, 0.1)
           + 0.3 * dsp.normalise_rms(dsp.place(c.n, air, air_at, 1.0), 0.1))
    return out


def _typing(c: RecipeContext, key: list[np.ndarray], space: np.ndarray, keys_per_s: float,
            line_keys: int | None = None, bell: np.ndarray | None = None,
            carriage: np.ndarray | None = None) -> np.ndarray:
    out = np.zeros(c.n + 2 * c.sr)
    now, typed = 0.03, 0
    while now < c.seconds - 0.1:
        word = int(c.rng.integers(2, 9))
        for _ in range(word):
            grain = key[int(c.rng.integers(len(key)))]
            at = int(now * c.sr)
            dsp.add_into(out, at, c.rng.uniform(0.6, 1.0) * grain)
            now += c.rng.gamma(6, 1 / (6 * keys_per_s))
            typed += 1
        at = int(now * c.sr)
        dsp.add_into(out, at, space)
        now += c.rng.uniform(0.12, 0.3)
        if line_keys and typed >= line_keys and bell is not None and carriage is not None:
            at = int(now * c.sr)
            dsp.add_into(out, at, bell)
            at += int(0.5 * c.sr)
            dsp.add_into(out, at, carriage)
            now += 1.4
            typed = 0
        elif c.rng.random() < 0.12:  # a pause to think
            now += c.rng.uniform(0.5, 1.5)
    return out[:c.n]


@recipe("keyboard_typing")
def keyboard_typing(c: RecipeContext) -> np.ndarray:
    """Typing on a computer keyboard: clicky keys in bursts, a heavier space bar."""
    def key_sound(low: float, level: float) -> np.ndarray:
        click = dsp.noise_burst(c.sr, c.rng, 0.06, 1500, 9000, 0.0002, 0.003)
        thock = dsp.modal_strike(c.sr, [low, low * 2.3], [0.012, 0.008], [1.0, 0.4], 0.05, c.rng)
        dsp.add_into(click, 0, thock * np.abs(click).max() * 0.6)
        return level * click / (np.abs(click).max() + 1e-9)
    keys = [key_sound(c.timbre.uniform(350, 600), 1.0) for _ in range(6)]
    space = key_sound(250, 1.3)
    return _typing(c, keys, space, 6 + 4 * c.p.speed)


@recipe("typewriter")
def typewriter(c: RecipeContext) -> np.ndarray:
    """An old typewriter: heavy metallic clacks, the bell at the line's end, the carriage return."""
    def clack() -> np.ndarray:
        strike = dsp.modal_strike(c.sr, c.rng.uniform(1500, 3500, 3), [0.03, 0.02, 0.015],
                                  [1.0, 0.6, 0.4], 0.12, c.rng, noise_level=1.5,
                                  noise_decay_s=0.004)
        body = dsp.noise_burst(c.sr, c.rng, 0.08, 150, 900, 0.001, 0.015)
        dsp.add_into(strike, 0, body * np.abs(strike).max() / (np.abs(body).max() + 1e-9))
        return strike / (np.abs(strike).max() + 1e-9)
    keys = [clack() for _ in range(6)]
    bell = dsp.modal_strike(c.sr, [2100, 5300], [0.6, 0.2], [1.0, 0.3], 1.2, c.rng) * 0.6
    n = int(0.6 * c.sr)
    zip_noise = dsp.bandpass(c.rng.standard_normal(n), c.sr, 800, 5000) * np.linspace(0.2, 1, n)
    carriage = np.concatenate([0.3 * zip_noise / np.abs(zip_noise).max(), clack()])
    line_keys = int(c.timbre.integers(25, 40))
    return _typing(c, keys, keys[0] * 1.2, 5 + 3 * c.p.speed, line_keys=line_keys,
                   bell=bell, carriage=carriage)


@recipe("spaceship_hum", rate=24_000)
def spaceship_hum(c: RecipeContext) -> np.ndarray:
    """Inside a spaceship: a deep engine drone, a slow pulse, a whine, stray computer blips."""
    root = c.timbre.uniform(38, 55)
    drone = dsp.harmonics(dsp.phase_of(root, c.n, c.sr), dsp.saw_amplitudes(16, 1.4), root, c.sr)
    drone = dsp.lowpass(drone, c.sr, 400)
    pulse = 0.75 + 0.25 * np.sin(2 * np.pi * c.timbre.uniform(0.3, 0.8) * c.t)
    whine_hz = c.timbre.uniform(1800, 3200) * (1 + 0.002 * c.wobble(0.5))
    whine = np.sin(dsp.phase_of(whine_hz, c.n, c.sr))
    air = dsp.bandpass(dsp.pink(c.rng, c.n), c.sr, 200, 3000)
    blips = np.zeros(c.n)
    for at in dsp.poisson_times(c.rng, c.n, c.sr, 0.4):
        n = int(c.rng.uniform(0.05, 0.15) * c.sr)
        blip = np.sin(2 * np.pi * c.rng.choice([1200, 1600, 2000, 2400]) * np.arange(n) / c.sr)
        dsp.add_into(blips, at, blip * dsp.hold_envelope(n, c.sr, 0.005, 0.01))
    return (dsp.normalise_rms(drone, 0.1) * pulse + 0.01 * whine
            + 0.12 * dsp.normalise_rms(air, 0.1) + 0.03 * blips)
