"""Bells, sirens, alarms, beeps, whistles, phones, clocks, horns."""
from __future__ import annotations

import numpy as np

from engine.generation.procedural import dsp
from engine.generation.procedural.params import RecipeContext
from engine.generation.procedural.registry import recipe

# A church bell's partials relative to its prime (strike tone): hum, prime, minor-third
# tierce, quint, nominal and the upper partials; the hum rings longest.
_BELL_RATIOS = np.array([0.5, 1.0, 1.19, 1.5, 2.0, 2.52, 2.66, 3.01, 4.1, 5.2])
_BELL_AMPS = np.array([0.45, 0.7, 0.55, 0.25, 1.0, 0.35, 0.3, 0.3, 0.18, 0.1])
_BELL_DECAYS = np.array([1.6, 1.0, 0.9, 0.6, 0.7, 0.45, 0.4, 0.35, 0.25, 0.18])


def bell_strike(sr: int, rng: np.random.Generator, prime_hz: float, ring_s: float,
                length_s: float, ratios=_BELL_RATIOS, amps=_BELL_AMPS,
                decays=_BELL_DECAYS, clang: float = 0.4, hardness: float = 1.0) -> np.ndarray:
    """One stroke of a bell: each partial a slightly mistuned pair, so it beats (wah-wah).
    A softer stroke (hardness < 1) wakes the upper partials less."""
    n = max(int(length_s * sr), 1)
    t = np.arange(n) / sr
    out = np.zeros(n)
    amps = np.asarray(amps) * hardness ** (np.arange(len(amps)) / 3)
    for ratio, amp, tau in zip(ratios, amps, decays):
        freq = prime_hz * ratio
        if freq >= 0.45 * sr:
            continue
        beat = rng.uniform(0.3, 1.5)
        envelope = amp * np.exp(-t / (ring_s * tau))
        pair = np.sin(2 * np.pi * freq * t) + 0.6 * np.sin(2 * np.pi * (freq + beat) * t)
        out += envelope * pair
    strike = dsp.noise_burst(sr, rng, 0.05, 1500, 9000, 0.0002, 0.004)
    dsp.add_into(out, 0, clang * strike / (np.abs(strike).max() + 1e-9) * np.abs(out).max())
    ramp = min(int(0.001 * sr), n)
    out[:ramp] *= np.linspace(0, 1, ramp)
    return out


@recipe("church_bell")
def church_bell(c: RecipeContext) -> np.ndarray:
    """A large bell tolling: a deep strike and a long, beating hum."""
    prime = c.timbre.uniform(200, 320) * (1.5 - 0.9 * c.p.size)
    ring_s = (3.0 + 4.0 * c.p.size) * c.timbre.uniform(0.9, 1.1)
    interval = c.timbre.uniform(2.4, 3.2)
    positions = c.onsets(4, interval, jitter=0.03, first_s=c.rng.uniform(0.02, 0.08),
                         group_pause_s=interval * 2)
    grain = bell_strike(c.sr, c.timbre, prime, ring_s, min(ring_s * 2.5, c.seconds + 0.1),
                        hardness=c.rng.uniform(0.6, 1.0))
    out = np.zeros(c.n)
    for position in positions:  # a long bed outlasts one strike's ring
        dsp.add_into(out, position, grain, c.rng.uniform(0.85, 1.0))
    return out


@recipe("small_bell")
def small_bell(c: RecipeContext) -> np.ndarray:
    """A small bell: a hand bell, a shop-door bell, a sleigh bell shaken in bursts."""
    prime = c.timbre.uniform(900, 1700) * (1.4 - 0.8 * c.p.size)
    ratios = np.array([1.0, 2.0, 2.98, 4.2, 5.43])
    grain = bell_strike(c.sr, c.timbre, prime, c.timbre.uniform(0.6, 1.2), 2.5, ratios,
                        np.array([1.0, 0.5, 0.35, 0.2, 0.1]), np.array([1.0, 0.7, 0.5, 0.3, 0.2]),
                        clang=0.2)
    out = np.zeros(c.n + grain.size)
    for burst in c.onsets(1, 2.0, first_s=0.03, group_pause_s=1.5):
        strikes = int(c.rng.integers(4, 10)) if c.p.count is None else 1
        rate = c.rng.uniform(6, 10)
        for k in range(strikes):
            at = burst + int((k / rate + c.rng.uniform(0, 0.02)) * c.sr)
            if at < c.n:
                dsp.add_into(out, at, c.rng.uniform(0.5, 1.0) * grain * 0.8 ** k)
    return out[:c.n]


@recipe("doorbell")
def doorbell(c: RecipeContext) -> np.ndarray:
    """A doorbell: ding-dong, two struck chime bars falling a major third."""
    high = c.timbre.uniform(620, 700)
    out = np.zeros(c.n)
    for position in c.onsets(1, 2.2, first_s=0.03, group_pause_s=2.5):
        for offset_s, freq in ((0.0, high), (0.55, high / 1.26)):
            bar = dsp.modal_strike(c.sr, [freq, freq * 2.76, freq * 5.4], [1.1, 0.4, 0.15],
                                   [1.0, 0.25, 0.08], 6.0, c.rng, noise_level=0.05)
            at = position + int(offset_s * c.sr)
            dsp.add_into(out, at, bar)
    return out[:c.n]


def _horn_tone(freq: np.ndarray, n: int, sr: int, odd_only: bool = True) -> np.ndarray:
    amps = dsp.square_amplitudes(12) if odd_only else dsp.saw_amplitudes(12)
    return dsp.harmonics(dsp.phase_of(freq, n, sr), amps, freq, sr)


@recipe("siren", rate=24_000)
def siren(c: RecipeContext) -> np.ndarray:
    """An emergency siren: the rising and falling wail, a fast yelp, or a two-tone hi-lo."""
    t = c.t + c.rng.uniform(0, 5)  # joined mid-cycle
    style = c.timbre.choice(["wail", "wail", "hilo", "yelp"])
    if style == "wail":
        period = c.timbre.uniform(3.5, 5.5)
        phase = (t / period) % 1
        shape = np.where(phase < 0.6, np.sin(0.5 * np.pi * phase / 0.6),
                         np.cos(0.5 * np.pi * (phase - 0.6) / 0.4))
        freq = 620 + 880 * shape
    elif style == "yelp":
        phase = (t / c.timbre.uniform(0.3, 0.4)) % 1
        freq = 700 + 800 * phase ** 0.7
    else:
        low = c.timbre.uniform(420, 470)
        freq = np.where((t / 0.55) % 2 < 1, low * 1.335, low)
        freq = dsp.lowpass(freq, c.sr, 40)
    tone = _horn_tone(freq, c.n, c.sr)
    return dsp.resonate(tone, c.sr, [900, 1800, 2700], 2.0) + 0.3 * tone


@recipe("alarm_clock")
def alarm_clock(c: RecipeContext) -> np.ndarray:
    """A mechanical alarm clock ringing: a hammer rattling between two small bells."""
    prime = c.timbre.uniform(2000, 2800)
    ratios = np.array([1.0, 1.52, 2.3, 3.1])
    grains = [bell_strike(c.sr, c.timbre, prime * k, 0.25, 0.4, ratios,
                          np.array([1.0, 0.6, 0.4, 0.2]), np.array([1.0, 0.7, 0.5, 0.3]), 0.3)
              for k in (1.0, 1.07)]
    rate = c.timbre.uniform(16, 22)
    positions = dsp.pulses(c.n, c.sr, c.rng, rate, jitter=0.08, start_s=0.03)
    bursts = c.onsets(1, 2.5, first_s=0.03, group_pause_s=0.5)  # brief pauses as it rattles
    keep = np.zeros(positions.size, bool)
    for start in bursts:
        keep |= (positions >= start) & (positions < start + int(2.2 * c.sr))
    positions = positions[keep]
    parity = np.arange(positions.size) % 2
    out = np.zeros(c.n)
    for index, grain in enumerate(grains):
        chosen = positions[parity == index]
        out += dsp.place(c.n, grain, chosen, c.rng.uniform(0.6, 1.0, chosen.size))
    return out


@recipe("alarm", rate=24_000)
def alarm(c: RecipeContext) -> np.ndarray:
    """An alarm going off: a harsh rising whoop, or a pulsing buzzer (emergency, fire, ship)."""
    t = c.t + c.rng.uniform(0, 1)  # joined mid-cycle
    if c.timbre.random() < 0.6:
        period = c.timbre.uniform(0.9, 1.3)
        phase = (t / period) % 1
        freq = 380 + 620 * np.clip(phase / 0.75, 0, 1)
        gate = (phase < 0.8).astype(float)
    else:
        freq = np.full(c.n, c.timbre.uniform(420, 560))
        gate = ((t / c.timbre.uniform(0.35, 0.5)) % 2 < 1).astype(float)
    gate = dsp.lowpass(gate, c.sr, 120)
    tone = _horn_tone(freq, c.n, c.sr, odd_only=False) * gate
    return dsp.resonate(tone, c.sr, [700, 1400, 2500], 2.5) + 0.4 * tone


@recipe("beeps")
def beeps(c: RecipeContext) -> np.ndarray:
    """Electronic beeps: a monitor, a microwave, a truck reversing, a keypad."""
    freq = c.timbre.choice([880.0, 1000.0, 1200.0, 1500.0, 2000.0, 2400.0])
    length_s = c.timbre.uniform(0.08, 0.25)
    group = int(c.timbre.choice([1, 1, 2, 3]))
    spacing = length_s * 2 if group > 1 else c.timbre.uniform(0.7, 1.2)
    n_beep = int(length_s * c.sr)
    t = np.arange(n_beep) / c.sr
    beep = (np.sin(2 * np.pi * freq * t) + 0.15 * np.sin(6 * np.pi * freq * t)) * \
        dsp.hold_envelope(n_beep, c.sr, 0.004, 0.006)
    positions = c.onsets(group, spacing, jitter=0.0, first_s=c.rng.uniform(0.02, 0.2),
                         group_pause_s=c.rng.uniform(0.6, 1.0))
    return dsp.place(c.n, beep, positions, 1.0)


@recipe("whistle")
def whistle(c: RecipeContext) -> np.ndarray:
    """A referee's pea whistle: a shrill trilling tone, short blasts or one long."""
    carrier = c.timbre.uniform(2800, 3600)
    trill = c.timbre.uniform(25, 45)
    pattern = [0.25, 0.25, 0.9] if c.p.count is None and c.seconds > 2.5 else \
        [0.8] * (c.p.count or 1)
    out = np.zeros(c.n)
    now = 0.03
    for blast_s in pattern:
        start = int(now * c.sr)
        length = min(int(blast_s * c.sr), c.n - start)
        if length <= 0:
            break
        t = np.arange(length) / c.sr
        wobble = np.sin(2 * np.pi * trill * t)
        freq = carrier * (1 + 0.03 * wobble)
        tone = np.sin(dsp.phase_of(freq, length, c.sr)) * (0.65 + 0.35 * wobble)
        breath = dsp.bandpass(c.rng.standard_normal(length), c.sr, 2000, 8000)
        blast = tone + 0.08 * breath / (np.std(breath) + 1e-9)
        out[start:start + length] += blast * dsp.hold_envelope(length, c.sr, 0.015, 0.04)
        now += blast_s + 0.15
    return out


@recipe("phone_ring")
def phone_ring(c: RecipeContext) -> np.ndarray:
    """An old telephone ringing: a hammer between two bells, in its ringing rhythm."""
    prime = c.timbre.uniform(1100, 1500)
    ratios = np.array([1.0, 2.3, 3.9])
    grains = [bell_strike(c.sr, c.timbre, prime * k, 0.3, 0.5, ratios, np.array([1.0, 0.5, 0.3]),
                          np.array([1.0, 0.6, 0.4]), 0.2) for k in (1.0, 1.12)]
    double = c.timbre.random() < 0.5  # ring-ring, or one long ring
    on_spans = [(0.0, 0.4), (0.6, 1.0)] if double else [(0.0, 1.8)]
    cycle_s = 3.0 if double else 4.5
    positions = dsp.pulses(c.n, c.sr, c.rng, 20.0, jitter=0.05, start_s=0.03)
    phase = ((positions / c.sr - 0.03) % cycle_s)
    keep = np.zeros(positions.size, bool)
    for start, end in on_spans:
        keep |= (phase >= start) & (phase < end)
    if c.p.count is not None:
        keep &= (positions / c.sr - 0.03) < c.p.count * cycle_s
    positions = positions[keep]
    parity = np.arange(positions.size) % 2
    out = np.zeros(c.n)
    for index, grain in enumerate(grains):
        chosen = positions[parity == index]
        out += dsp.place(c.n, grain, chosen, c.rng.uniform(0.7, 1.0, chosen.size))
    return out


def _tick(c: RecipeContext, pitch: float) -> np.ndarray:
    """One beat of an escapement: the pallet's click (600 Hz to 5 kHz, 5 ms) under the brief
    ring of the works (a few high partials) and the case."""
    click = dsp.noise_burst(c.sr, c.rng, 0.01, 640, 5200, 0.0001, 0.005)
    ring = dsp.modal_strike(c.sr, np.array([3800, 6400, 2600]) * pitch, [0.003] * 3,
                            [1.0, 0.7, 0.4], 0.06, c.rng)
    case = dsp.modal_strike(c.sr, [1200 * pitch], [0.01], [1.0], 0.06, c.rng)
    tick = np.zeros(int(0.06 * c.sr))
    for part, level in ((click, 0.06), (ring, 1.22), (case, 1.57)):
        part = dsp.normalise_rms(part, 0.1) * level
        tick[:part.size] += part[:tick.size]
    return tick


@recipe("clock_tick")
def clock_tick(c: RecipeContext) -> np.ndarray:
    """A clock ticking: tick, tock, four beats a second as a mantel clock's escapement runs
    (a slow pendulum clock beats once a second), with the faint whirr of the works between."""
    interval = 1.0 if c.p.speed < 0.35 else (0.25 if c.p.speed < 0.7 else 0.2)
    positions = dsp.pulses(c.n, c.sr, c.rng, 1 / interval, jitter=0.003, start_s=0.05)
    out = np.zeros(c.n)
    for index, pitch in enumerate((1.0, 1.2)):  # the tock is the other pallet: another pitch
        tick = _tick(c, pitch * c.timbre.uniform(0.95, 1.05))
        out += dsp.place(c.n, tick, positions[index::2], 1.0)
    works = dsp.bandpass(c.rng.standard_normal(c.n), c.sr, 300, 3000)
    return out + 0.23 * dsp.normalise_rms(works, 0.1) * np.std(out)


@recipe("clock_chime")
def clock_chime(c: RecipeContext) -> np.ndarray:
    """A grandfather clock chiming the quarters, then striking the hour."""
    scale = c.timbre.uniform(0.95, 1.05)
    e4, fs4, gs4, b3 = (np.array([329.6, 370.0, 415.3, 246.9]) * scale)
    phrases = [[gs4, fs4, e4, b3], [e4, gs4, fs4, b3], [e4, fs4, gs4, e4], [gs4, e4, fs4, b3]]
    ratios = np.array([0.5, 1.0, 1.19, 1.5, 2.0, 2.52, 3.01])
    amps = np.array([0.3, 0.8, 0.4, 0.2, 0.6, 0.2, 0.15])
    decays = np.array([1.5, 1.0, 0.8, 0.6, 0.6, 0.4, 0.3])
    out = np.zeros(c.n + 6 * c.sr)
    notes: dict[float, np.ndarray] = {}
    now = c.rng.uniform(0.03, 0.15)
    strikes = c.p.count if c.p.count is not None else 3
    quarter_budget = c.seconds - strikes * 2.0 - 1.0
    for phrase in phrases:
        if now + 3.0 > max(quarter_budget, 3.2):
            break
        for freq in phrase:
            if freq not in notes:
                notes[freq] = bell_strike(c.sr, c.timbre, freq, 1.4, 4.0, ratios, amps, decays, 0.2)
            at = int(now * c.sr)
            dsp.add_into(out, at, notes[freq], c.rng.uniform(0.8, 1.0))
            now += 0.7 * c.rng.uniform(0.97, 1.03)
        now += 0.9
    hour = bell_strike(c.sr, c.timbre, e4 / 2, 2.5, 5.0, ratios, amps, decays, 0.3)
    for _ in range(strikes):
        at = int(now * c.sr)
        if at >= c.n:
            break
        dsp.add_into(out, at, 1.2 * hour)
        now += 2.0
    return out[:c.n]


@recipe("ship_horn", rate=24_000)
def ship_horn(c: RecipeContext) -> np.ndarray:
    """A ship's horn or a foghorn: a deep, long, reedy blast."""
    f0 = c.timbre.uniform(85, 150) * (1.3 - 0.6 * c.p.size)
    blast_s = c.timbre.uniform(2.0, 3.5) * c.rng.uniform(0.85, 1.15)
    out = np.zeros(c.n)
    for position in c.onsets(1, blast_s + 1.5, jitter=0.05, first_s=c.rng.uniform(0.03, 0.2),
                             fill=False):
        length = min(int(blast_s * c.sr), c.n - position)
        if length <= 0:
            continue
        t = np.arange(length) / c.sr
        freq = f0 * (1 - 0.05 * np.exp(-t / 0.15)) * (1 + 0.003 * np.sin(2 * np.pi * 4 * t))
        tone = dsp.harmonics(dsp.phase_of(freq, length, c.sr), dsp.saw_amplitudes(30, 0.9), freq,
                             c.sr)
        tone = dsp.resonate(tone, c.sr, [f0 * 3, f0 * 7], 3.0) + 0.6 * tone
        out[position:position + length] += tone * dsp.hold_envelope(length, c.sr, 0.15, 0.4)
    return out
