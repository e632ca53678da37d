"""Musical beds and cues: drones, pads, pizzicato, drums, a music box, piano, brass.

The key, tempo and tune come from `c.timbre` (the story's music keeps its key and motif in
every event); a bed is one musical cycle tiled in story time, so two abutting events on a
music track continue the same progression instead of starting it over.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.generation.procedural import dsp
from engine.generation.procedural.params import RecipeContext
from engine.generation.procedural.recipes.signals import bell_strike
from engine.generation.procedural.registry import recipe

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)


def midi_hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def scale_note(root: int, scale: tuple[int, ...], degree: int) -> int:
    """The MIDI note of a scale degree (negative and beyond-the-octave degrees allowed)."""
    octave, step = divmod(degree, len(scale))
    return root + 12 * octave + scale[step]


def tile_in_story_time(c: RecipeContext, cycle: np.ndarray, cycle_n: int) -> np.ndarray:
    """Repeat a rendered cycle (with its ringing tail) along story time; mono or stereo."""
    out = np.zeros(cycle.shape[:-1] + (c.n,))
    phase = int(round(c.start_s * c.sr)) % cycle_n
    start = -phase
    while start < c.n:
        lo, hi = max(start, 0), min(start + cycle.shape[-1], c.n)
        if hi > lo:
            out[..., lo:hi] += cycle[..., lo - start:hi - start]
        start += cycle_n
    return out


def place_notes(total_n: int, notes: list[tuple[float, np.ndarray]], sr: int,
                rng: np.random.Generator | None = None) -> np.ndarray:
    """Mix notes at their start times; with `rng`, each played a little softer or louder
    (a player's touch, different in every take)."""
    out = np.zeros(total_n)
    for start_s, sound in notes:
        touch = rng.uniform(0.8, 1.0) if rng is not None else 1.0
        dsp.add_into(out, int(max(start_s, 0.0) * sr), sound, touch)
    return out


def _cached(make: Callable[[float], np.ndarray]) -> Callable[[float], np.ndarray]:
    cache: dict[float, np.ndarray] = {}

    def get(hz: float) -> np.ndarray:
        key = round(hz, 3)
        if key not in cache:
            cache[key] = make(hz)
        return cache[key]
    return get


# ---- pads and drones ----------------------------------------------------------------------

def _pad_note(sr: int, hz: float, length_s: float, cutoff_hz: float, attack_s: float,
              release_s: float) -> np.ndarray:
    n = int((length_s + release_s) * sr)
    tone = dsp.saw_blep(hz * 0.997, n, sr) + dsp.saw_blep(hz * 1.003, n, sr, 0.37)
    tone = dsp.lowpass(tone, sr, cutoff_hz, order=2)
    env = dsp.hold_envelope(n, sr, attack_s, release_s)
    return tone * env


@recipe("calm_pad", rate=24_000)
def calm_pad(c: RecipeContext) -> np.ndarray:
    """A calm, warm pad: soft major chords changing slowly."""
    root = int(c.timbre.integers(48, 56))
    progression = [[0, 5, 3, 4], [0, 3, 5, 4], [0, 4, 5, 3]][int(c.timbre.integers(3))]
    chord_s = c.timbre.uniform(4.0, 6.0) * (1.4 - 0.8 * c.p.speed)
    cutoff = 700 + 1400 * c.p.brightness
    cycle_n = int(len(progression) * chord_s * c.sr)
    notes = []
    voicing = (0, 2, 4, int(c.rng.choice([6, 8, 9, 11])))  # this take's colour on top
    for index, degree in enumerate(progression):
        start = index * chord_s
        for k, step in enumerate(voicing):
            note = scale_note(root, MAJOR, degree + step) + (-12 if k == 0 else 0)
            sound = _pad_note(c.sr, midi_hz(note), chord_s, cutoff, 1.2, 1.8)
            notes.append((start, sound * (1.0 if k else 0.8)))
    cycle = place_notes(cycle_n + int(2 * c.sr), notes, c.sr, c.rng)
    mono = tile_in_story_time(c, cycle, cycle_n)
    chorus = np.interp(np.arange(c.n) - 0.012 * c.sr * (1 + 0.3 * np.sin(2 * np.pi * 0.3 * c.t)),
                       np.arange(c.n), mono, left=0.0)
    return np.stack([mono + 0.5 * chorus, mono - 0.2 * chorus + 0.3 * mono])


@recipe("tense_drone", rate=24_000)
def tense_drone(c: RecipeContext) -> np.ndarray:
    """A tense, dark drone: a low dissonant cluster, a slowly opening filter, eerie highs."""
    root = midi_hz(int(c.timbre.integers(33, 40)))
    cycle_s = 16.0
    cycle_n = int(cycle_s * c.sr)
    t = np.arange(cycle_n) / c.sr
    cluster = (dsp.saw_blep(root, cycle_n, c.sr)
               + 0.8 * dsp.saw_blep(root * 2 ** (1 / 12), cycle_n, c.sr, 0.3)
               + 0.6 * dsp.saw_blep(root * 2 ** (6 / 12) * 2, cycle_n, c.sr, 0.6))
    cutoff = (180 + 500 * c.p.brightness) * (1 + 1.5 * np.sin(np.pi * t / cycle_s) ** 2)
    cluster = dsp.sweep_filter(cluster, c.sr, cutoff, q=2.0, kind="lowpass", block=512)
    sub = np.sin(2 * np.pi * root / 2 * t)
    high_hz = root * 16 * 2 ** (int(c.rng.choice([1, 6, 11])) / 12)
    eerie = np.sin(2 * np.pi * high_hz * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 11 * t)) * \
        np.sin(np.pi * t / cycle_s) ** 2
    boom_n = int(2.5 * c.sr)
    bt = np.arange(boom_n) / c.sr
    boom = np.sin(2 * np.pi * root / 2 * (1 + 0.5 * np.exp(-bt / 0.05)) * bt) * np.exp(-bt / 0.8)
    cycle = 0.5 * cluster + 0.5 * sub + 0.04 * eerie
    boom_at = int(c.rng.uniform(0.0, 0.5) * cycle_n)
    dsp.add_into(cycle, boom_at, 0.8 * boom)
    # the cycle loops on itself: fade its ends into each other
    fade = int(1.0 * c.sr)
    ramp = np.linspace(0, 1, fade)
    cycle[:fade] *= ramp
    tail = np.concatenate([cycle, np.zeros(fade)])
    tail[cycle_n:cycle_n + fade] = cycle[-fade:] * ramp[::-1]
    tail[cycle_n - fade:cycle_n] *= 1.0
    mono = tile_in_story_time(c, tail, cycle_n)
    return np.stack([mono, np.roll(mono, int(0.011 * c.sr))])


# ---- plucked, struck and blown ------------------------------------------------------------

def _pluck(sr: int, hz: float, decay_s: float = 0.3) -> np.ndarray:
    n = int(decay_s * 4 * sr)
    t = np.arange(n) / sr
    out = np.zeros(n)
    for k in range(1, 8):
        if k * hz < 0.45 * sr:
            out += np.sin(2 * np.pi * k * hz * t) / k ** 1.2 * np.exp(-t * k ** 0.7 / decay_s)
    ramp = int(0.002 * sr)
    out[:ramp] *= np.linspace(0, 1, ramp)
    return out


@recipe("playful_pizzicato", rate=24_000)
def playful_pizzicato(c: RecipeContext) -> np.ndarray:
    """Playful pizzicato strings: a bouncy plucked tune over a walking bass."""
    root = int(c.timbre.integers(60, 68))
    tempo = c.timbre.uniform(116, 140) * (0.8 + 0.4 * c.p.speed)
    eighth = 30.0 / tempo
    bars, chords = 4, [0, 3, 4, 0]
    steps = []
    degree = int(c.timbre.integers(0, 5))
    for _ in range(bars * 8):
        degree = int(np.clip(degree + c.timbre.choice([-2, -1, 1, 1, 2]), -2, 9))
        steps.append(degree if c.timbre.random() < 0.62 else None)
    for index, degree in enumerate(steps):  # this take's variations on the tune
        if c.rng.random() < 0.2:
            steps[index] = None if degree is not None else int(c.rng.integers(0, 7))
    cycle_n = int(bars * 8 * eighth * c.sr)
    pluck = _cached(lambda hz: _pluck(c.sr, hz, 0.22))
    bass = _cached(lambda hz: _pluck(c.sr, hz, 0.35))
    notes = []
    for index, degree in enumerate(steps):
        if degree is not None:
            notes.append((index * eighth, pluck(midi_hz(scale_note(root, MAJOR, degree)))
                          * (1.0 if index % 2 == 0 else 0.75)))
    for bar, chord in enumerate(chords):
        for beat, step in ((0, 0), (2, 4), (4, 0), (6, 4)):
            note = scale_note(root - 24, MAJOR, chord + step)
            notes.append(((bar * 8 + beat) * eighth, 0.8 * bass(midi_hz(note))))
    cycle = place_notes(cycle_n + c.sr, notes, c.sr, c.rng)
    mono = tile_in_story_time(c, cycle, cycle_n)
    return dsp.pan(mono, 0.0) * np.array([[1.0], [0.9]])


@recipe("drum_roll")
def drum_roll(c: RecipeContext) -> np.ndarray:
    """A snare drum roll building up, ending on a hit and a cymbal crash."""
    ends_with_hit = c.seconds >= 1.5
    roll_s = c.seconds * (0.85 if ends_with_hit else 1.0)
    rate = c.timbre.uniform(17, 22)
    positions = dsp.pulses(int(roll_s * c.sr), c.sr, c.rng, rate, jitter=0.06, start_s=0.02)
    crescendo = 0.15 + 0.85 * (positions / max(roll_s * c.sr, 1)) ** 1.5
    strokes = []
    for _ in range(6):
        wires = dsp.noise_burst(c.sr, c.rng, 0.15, 1500, 9000, 0.0005, 0.07)
        body = dsp.modal_strike(c.sr, [c.timbre.uniform(180, 230), 330], [0.03, 0.02], [1.0, 0.5],
                                0.1, c.rng)
        dsp.add_into(wires, 0, 0.6 * body * np.abs(wires).max() / (np.abs(body).max() + 1e-9))
        strokes.append(wires)
    gains = crescendo * c.rng.uniform(0.8, 1.0, positions.size)
    out = dsp.place_variants(c.n, strokes, positions, gains, c.rng)
    if ends_with_hit:
        at = int(roll_s * c.sr)
        n = c.n - at
        crash = dsp.highpass(c.rng.standard_normal(n), c.sr, 3000)
        crash *= dsp.attack_decay(n, c.sr, 0.002, 1.2)
        hit = dsp.modal_strike(c.sr, [90, 200], [0.2, 0.1], [1.0, 0.6], n / c.sr, c.rng, 1.0,
                               0.02)[:n]
        out[at:] += 1.3 * crash * np.abs(out).max() / (np.abs(crash).max() + 1e-9) + \
            1.5 * hit * np.abs(out).max() / (np.abs(hit).max() + 1e-9)
    return out


def _big_drum(sr: int, rng: np.random.Generator, hz: float, decay_s: float) -> np.ndarray:
    n = int(decay_s * 4 * sr)
    t = np.arange(n) / sr
    pitch = hz * (1 + 0.6 * np.exp(-t / 0.03))
    body = np.sin(dsp.phase_of(pitch, n, sr)) * np.exp(-t / decay_s)
    skin = dsp.lowpass(rng.standard_normal(n), sr, 400) * np.exp(-t / 0.05)
    stick = dsp.bandpass(rng.standard_normal(n), sr, 1500, 5000) * np.exp(-t / 0.004)
    return body + 0.3 * skin / (np.std(skin[:int(0.05 * sr)]) + 1e-9) * 0.3 + 0.15 * stick


@recipe("war_drums", rate=24_000)
def war_drums(c: RecipeContext) -> np.ndarray:
    """War drums: huge booming drums pounding a heavy, driving rhythm."""
    tempo = c.timbre.uniform(84, 104) * (0.8 + 0.4 * c.p.speed)
    sixteenth = 15.0 / tempo
    big_hz, small_hz = c.timbre.uniform(55, 75), c.timbre.uniform(130, 170)
    patterns = [[0, 3, 6, 8, 11, 14], [0, 4, 6, 8, 12, 13, 14], [0, 3, 8, 10, 11]]
    big_steps = patterns[int(c.timbre.integers(len(patterns)))]
    small_steps = [s for s in range(16) if s % 2 == 1 and s not in big_steps][:4]
    cycle_n = int(2 * 16 * sixteenth * c.sr)
    big = [_big_drum(c.sr, c.timbre, big_hz * c.timbre.uniform(0.97, 1.03), 0.6) for _ in range(3)]
    small = [_big_drum(c.sr, c.timbre, small_hz, 0.18) for _ in range(2)]
    notes = []
    for bar in range(2):
        for step in big_steps:
            accent = 1.0 if step in (0, 8) else 0.7
            notes.append(((bar * 16 + step) * sixteenth, accent * big[(bar + step) % 3]))
        for step in small_steps:
            notes.append(((bar * 16 + step) * sixteenth, 0.35 * small[step % 2]))
        for step in c.rng.choice(16, int(c.rng.integers(1, 4)), replace=False):  # fills
            fill = c.rng.uniform(0.2, 0.45) * small[step % 2]
            notes.append(((bar * 16 + step) * sixteenth, fill))
    cycle = place_notes(cycle_n + 2 * c.sr, notes, c.sr, c.rng)
    mono = tile_in_story_time(c, cycle, cycle_n)
    return np.stack([mono, np.roll(mono, int(0.006 * c.sr))])


def _tine(sr: int, hz: float) -> np.ndarray:
    """A music-box comb tooth: a pure tone with a faint clamped-bar overtone."""
    return dsp.modal_strike(sr, [hz, hz * 6.27], [1.8, 0.25], [1.0, 0.12], 4.0)


@recipe("music_box_lullaby")
def music_box_lullaby(c: RecipeContext) -> np.ndarray:
    """A music box playing a gentle lullaby in three-four time."""
    root = int(c.timbre.integers(72, 79))
    tempo = c.timbre.uniform(66, 84) * (0.8 + 0.4 * c.p.speed)
    beat = 60.0 / tempo
    chords = [0, 3, 4, 0, 0, 5, 4, 0]
    melody = []
    degree = 4
    for bar, chord in enumerate(chords):
        last = bar in (3, 7)
        tune = c.timbre if bar < 4 else c.rng  # the first phrase is the tune, the answer varies
        for beat_index in range(3):
            if last and beat_index > 0:
                break
            if last:
                degree = chord + (0 if bar == 7 else 4)
            else:
                degree = int(np.clip(degree + tune.choice([-2, -1, -1, 1, 1, 2]), -1, 9))
            melody.append((bar * 3 + beat_index, degree, 3 if last else 1))
    cycle_n = int(len(chords) * 3 * beat * c.sr)
    tine = _cached(lambda hz: _tine(c.sr, hz))
    notes = [(start * beat, tine(midi_hz(scale_note(root, MAJOR, degree))))
             for start, degree, _ in melody]
    for bar, chord in enumerate(chords):  # broken chord below the tune
        for beat_index, step in enumerate((0, 2, 4)):
            note = scale_note(root - 12, MAJOR, chord + step)
            notes.append(((bar * 3 + beat_index) * beat + beat / 2, 0.35 * tine(midi_hz(note))))
    cycle = place_notes(cycle_n + 4 * c.sr, notes, c.sr, c.rng)
    return tile_in_story_time(c, cycle, cycle_n)


def _piano(sr: int, hz: float) -> np.ndarray:
    """A piano string: slightly stretched partials, the highs dying first, a hammer thump."""
    n = int(3.0 * sr)
    t = np.arange(n) / sr
    out = np.zeros(n)
    sustain = 2.5 * (262 / hz) ** 0.35
    for k in range(1, 9):
        freq = k * hz * np.sqrt(1 + 0.0004 * k * k)
        if freq < 0.45 * sr:
            out += np.sin(2 * np.pi * freq * t) / k ** 1.1 * np.exp(-t * k ** 0.6 / sustain)
    ramp = int(0.003 * sr)
    out[:ramp] *= np.linspace(0, 1, ramp)
    thump = dsp.lowpass(np.random.default_rng(int(hz)).standard_normal(n), sr, 800)
    thump *= np.exp(-t / 0.01)
    return out + 0.05 * thump


@recipe("sad_piano", rate=24_000)
def sad_piano(c: RecipeContext) -> np.ndarray:
    """A slow, sad piano: minor chords broken into arpeggios, a sparse melody above."""
    root = int(c.timbre.integers(45, 52))
    tempo = c.timbre.uniform(58, 72) * (0.8 + 0.4 * c.p.speed)
    eighth = 30.0 / tempo
    progression = [[0, 5, 2, 6], [0, 3, 5, 4], [0, 6, 5, 4]][int(c.timbre.integers(3))]
    piano = _cached(lambda hz: _piano(c.sr, hz))
    notes = []
    for bar, degree in enumerate(progression):
        start = bar * 8 * eighth
        notes.append((start, 0.9 * piano(midi_hz(scale_note(root - 12, MINOR, degree)))))
        for k, step in enumerate((0, 4, 7, 9, 7, 4, 2, 4)):
            note = scale_note(root, MINOR, degree + step)
            notes.append((start + k * eighth, 0.4 * piano(midi_hz(note))))
        for k in (0, 4) if c.rng.random() < 0.7 else (0,):
            note = scale_note(root + 12, MINOR, degree + int(c.rng.choice([2, 4, 7])))
            notes.append((start + k * eighth, 0.7 * piano(midi_hz(note))))
    cycle_n = int(len(progression) * 8 * eighth * c.sr)
    cycle = place_notes(cycle_n + 4 * c.sr, notes, c.sr, c.rng)
    mono = tile_in_story_time(c, cycle, cycle_n)
    return np.stack([mono, 0.9 * mono])


def _brass(sr: int, hz: float, length_s: float) -> np.ndarray:
    """A brass note: it brightens as it swells (the higher harmonics follow the level)."""
    n = int((length_s + 0.15) * sr)
    t = np.arange(n) / sr
    vibrato = 1 + 0.08 * np.sin(2 * np.pi * 5.5 * t) * (t > 0.3)
    env = dsp.hold_envelope(n, sr, 0.05, 0.15) * vibrato
    phase = dsp.phase_of(hz * (1 + 0.003 * np.sin(2 * np.pi * 5 * t)), n, sr)
    out = np.zeros(n)
    for k in range(1, 16):
        if k * hz < 0.45 * sr:
            out += np.sin(k * phase) / k * env ** (1 + 0.3 * k)
    return out


@recipe("heroic_fanfare", rate=24_000)
def heroic_fanfare(c: RecipeContext) -> np.ndarray:
    """A heroic brass fanfare: a rising call of trumpets over horns, triumphant."""
    root = int(c.timbre.integers(58, 65))
    beat = 60.0 / c.timbre.uniform(96, 112)
    # (start beat, length in beats, scale degree): a triplet pickup, then the call rises.
    call = [(0, 1 / 3, 0), (1 / 3, 1 / 3, 0), (2 / 3, 1 / 3, 0), (1, 1.5, 4), (2.5, 0.5, 2),
            (3, 1, 4), (4, 2, 7), (6, 0.5, 6), (6.5, 0.5, 5), (7, 1, 6), (8, 3, 7)]
    notes = []
    below = int(c.rng.choice([2, 3, 5]))  # this take's horn harmony under the call
    for start, length, degree in call:
        hz = midi_hz(scale_note(root, MAJOR, degree))
        start = start + c.rng.uniform(-0.01, 0.01)
        notes.append((max(start, 0) * beat, _brass(c.sr, hz, length * beat * 0.95)))
        harmony = midi_hz(scale_note(root - 12, MAJOR, degree - below))
        notes.append((start * beat, 0.5 * _brass(c.sr, harmony, length * beat * 0.95)))
    cycle_n = int(12 * beat * c.sr)
    cycle = place_notes(cycle_n + c.sr, notes, c.sr, c.rng)
    mono = tile_in_story_time(c, cycle, cycle_n)
    return np.stack([mono, np.roll(mono, int(0.008 * c.sr))])


@recipe("heartbeat", rate=16_000)
def heartbeat(c: RecipeContext) -> np.ndarray:
    """A heartbeat: lub-dub, lub-dub; faster when tense."""
    bpm = 55 + 70 * c.p.speed * 0.7 + 30 * max(c.p.intensity - 0.5, 0)
    period = 60.0 / bpm

    def thump(hz: float, decay_s: float) -> np.ndarray:
        n = int(0.4 * c.sr)
        t = np.arange(n) / c.sr
        return np.sin(dsp.phase_of(hz * (1 + 0.5 * np.exp(-t / 0.02)), n, c.sr)) * \
            dsp.attack_decay(n, c.sr, 0.008, decay_s)
    lub, dub = thump(c.timbre.uniform(45, 60), 0.07), thump(c.timbre.uniform(60, 80), 0.05)
    beats = dsp.pulses(c.n, c.sr, c.rng, 1 / period, jitter=0.02, start_s=0.05)
    gap = int(c.timbre.uniform(0.16, 0.24) * c.sr)
    return dsp.place(c.n, lub, beats, 1.0) + 0.7 * dsp.place(c.n, dub, beats + gap, 1.0)


@recipe("magic_sparkle", rate=32_000)
def magic_sparkle(c: RecipeContext) -> np.ndarray:
    """A magic spell: a shimmering cascade of little chimes and glitter."""
    root = int(c.timbre.integers(79, 86))
    pentatonic = (0, 2, 4, 7, 9)
    chime_of = _cached(lambda hz: bell_strike(
        c.sr, c.timbre, hz, 0.5, 1.5, np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.3, 0.1]),
        np.array([1.0, 0.6, 0.4]), 0.05))
    out = np.zeros((2, c.n + 3 * c.sr))
    for gesture in c.onsets(1, 2.5, first_s=0.03, group_pause_s=1.0):
        count = int(c.rng.integers(8, 15))
        for k in range(count):
            note = scale_note(root, pentatonic, k + int(c.rng.integers(0, 2)))
            chime = chime_of(midi_hz(min(note, 100)))
            at = gesture + int(k * c.rng.uniform(0.03, 0.05) * c.sr)
            dsp.add_into(out, at, dsp.pan(chime * (1 - 0.4 * k / count), c.rng.uniform(-0.8, 0.8)))
        n = int(1.5 * c.sr)
        sparks = dsp.poisson_times(c.rng, n, c.sr, 60)
        glitter = dsp.highpass(dsp.impulse_train(n, sparks, c.rng.uniform(0.1, 1.0, sparks.size)),
                               c.sr, 5000) * np.linspace(1, 0, n)
        out[0, gesture:gesture + n] += 0.5 * glitter
        out[1, gesture:gesture + n] += 0.5 * np.roll(glitter, 97)
    return out[:, :c.n]
