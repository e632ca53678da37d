"""Birds, dogs, cats, horses, wolves, farm animals, frogs and insects.

A source's voice (pitch, size, song) is drawn from `c.timbre` so the same animal sounds the
same in every event of a story; when it calls is drawn from `c.rng`.
"""
from __future__ import annotations

import numpy as np

from engine.generation.procedural import dsp
from engine.generation.procedural.params import RecipeContext
from engine.generation.procedural.registry import recipe
from engine.generation.procedural.voice import (
    contour,
    formant_track,
    pulse_source,
    voiced,
)


def _calls(c: RecipeContext, grains: list[np.ndarray], positions: np.ndarray,
           gains: np.ndarray | float = 1.0) -> np.ndarray:
    """Place call grains (one chosen per position, at random) into the event."""
    return dsp.place_variants(c.n, grains, positions, gains, c.rng)


def _spread(c: RecipeContext, sources: list[tuple[np.ndarray, float]]) -> np.ndarray:
    """Several animals at their own places in the stereo field."""
    out = np.zeros((2, c.n))
    for mono, position in sources:
        out += dsp.pan(mono, position)
    return out


# ---- birds --------------------------------------------------------------------------------

def _bird_song(sr: int, rng: np.random.Generator, style: str, base_hz: float) -> np.ndarray:
    """One song phrase of a small bird: a trill, a whistle, a warble or chirps."""
    parts = []
    if style == "trill":
        count, length = int(rng.integers(8, 20)), rng.uniform(0.02, 0.04)
        rate = rng.uniform(12, 20)
        top, bottom = base_hz * rng.uniform(1.2, 1.5), base_hz * rng.uniform(0.8, 0.95)
        for k in range(count):
            n = int(length * sr)
            sweep = np.linspace(top, bottom, n) * (1 - 0.1 * k / count)
            parts.append((k / rate, np.sin(dsp.phase_of(sweep, n, sr)) * np.hanning(n)))
    elif style == "whistle":
        now = 0.0
        for _ in range(int(rng.integers(2, 5))):
            n = int(rng.uniform(0.12, 0.35) * sr)
            start, end = base_hz * rng.uniform(0.8, 1.3), base_hz * rng.uniform(0.8, 1.3)
            glide = np.linspace(start, end, n)
            parts.append((now, np.sin(dsp.phase_of(glide, n, sr)) * np.hanning(n) ** 0.5))
            now += n / sr + rng.uniform(0.05, 0.15)
    elif style == "warble":
        n = int(rng.uniform(0.8, 1.8) * sr)
        wander = dsp.smooth_curve(rng, n, sr, rng.uniform(12, 22)) - 0.5
        freq = base_hz * (1 + 0.45 * wander)
        gate = (dsp.smooth_curve(rng, n, sr, 10) > 0.3).astype(float)
        gate = dsp.lowpass(gate, sr, 60)
        parts.append((0.0, np.sin(dsp.phase_of(freq, n, sr)) * gate * np.hanning(n) ** 0.3))
    else:  # chirps
        now = 0.0
        for _ in range(int(rng.integers(2, 6))):
            n = int(rng.uniform(0.04, 0.08) * sr)
            sweep = np.linspace(base_hz * 0.8, base_hz * 1.5, n)
            parts.append((now, np.sin(dsp.phase_of(sweep, n, sr)) * np.hanning(n)))
            now += rng.uniform(0.1, 0.2)
    total = max(int(t * sr) + part.size for t, part in parts) + int(0.05 * sr)
    out = np.zeros(total)
    for start, part in parts:
        at = int(start * sr)
        dsp.add_into(out, at, part)
    return out + 0.08 * np.sin(2 * np.arcsin(np.clip(out, -1, 1)))  # a touch of 2nd harmonic


BIRD_AIR_SHARE = 0.3  # the outdoors under the birds, relative to their song (RMS)


def _outdoor_air(c: RecipeContext, level: float) -> np.ndarray:
    """The air of the place birds sing in: a soft, dark wash of distant wind and leaves that
    swells slowly. No recording of birds outdoors is without it, and without it pure whistles
    read as a lone howl or an insect (the outside judge heard "wolf" and "crickets")."""
    air = dsp.lowpass(dsp.pink(c.rng, c.n, 2), c.sr, 5000.0, order=2)
    air *= level / (float(np.std(air)) + 1e-12)
    return air * (0.75 + 0.25 * c.curve(0.2, "air"))


@recipe("songbirds")
def songbirds(c: RecipeContext) -> np.ndarray:
    """Small birds singing: several birds, each with its own songs and place, over the air
    of the place they sing in."""
    count = 2 + int(round(3 * c.p.intensity))
    birds = []
    for _index in range(5):  # always draw five birds' voices: the timbre stream stays aligned
        style = c.timbre.choice(["trill", "whistle", "warble", "chirps"])
        base = c.timbre.uniform(2200, 5500)
        songs = [_bird_song(c.sr, c.timbre, style, base) for _ in range(2)]
        birds.append((songs, c.timbre.uniform(-0.8, 0.8), c.timbre.uniform(0.3, 1.0)))
    sources = []
    for songs, position, level in birds[:count]:
        rate = c.rng.uniform(0.2, 0.5) * (0.6 + c.p.intensity)
        times = dsp.poisson_times(c.rng, c.n, c.sr, rate)
        times = np.concatenate([[int(c.rng.uniform(0.02, 1.0) * c.sr)], times])
        sources.append((level * _calls(c, songs, times, c.rng.uniform(0.6, 1.0, times.size)),
                        position))
    song = _spread(c, sources)
    return song + _outdoor_air(c, BIRD_AIR_SHARE * float(np.std(song)))


def _gull_call(sr: int, rng: np.random.Generator, f0: float) -> np.ndarray:
    """A gull's long call: a couple of short notes, a screaming 'kee-ow', laughing 'ha-ha'."""
    pieces = []
    now = 0.0
    kinds = ["short"] * int(rng.integers(0, 3)) + ["long"] + ["short"] * int(rng.integers(2, 6))
    for kind in kinds:
        length = rng.uniform(0.3, 0.5) if kind == "long" else rng.uniform(0.1, 0.16)
        n = int(length * sr)
        if kind == "long":
            pitch = f0 * contour(n, [0, 0.15, 1], [0.8, 1.25, 0.75])
        else:
            pitch = f0 * contour(n, [0, 0.3, 1], [0.9, 1.05, 0.85])
        note = voiced(sr, rng, pitch, ["e", "a"], scale=1.5, breath=0.25, brightness=0.9,
                      rough=0.35, q=4.0)
        note *= dsp.hold_envelope(n, sr, 0.01, 0.05)
        pieces.append((now, note))
        now += length + (0.12 if kind == "long" else rng.uniform(0.05, 0.1))
    out = np.zeros(int((now + 0.3) * sr))
    for start, piece in pieces:
        at = int(start * sr)
        dsp.add_into(out, at, piece)
    return out


@recipe("gulls")
def gulls(c: RecipeContext) -> np.ndarray:
    """Seagulls crying over the shore: several gulls, near and far."""
    sources = []
    for _ in range(3):
        f0 = c.timbre.uniform(550, 850)
        calls = [_gull_call(c.sr, c.timbre, f0) for _ in range(2)]
        position, level = c.timbre.uniform(-0.8, 0.8), c.timbre.uniform(0.4, 1.0)
        rate = c.rng.uniform(0.15, 0.35) * (0.5 + c.p.intensity)
        times = dsp.poisson_times(c.rng, c.n, c.sr, rate)
        times = np.concatenate([[int(c.rng.uniform(0.02, 1.5) * c.sr)], times])
        cries = _calls(c, calls, times, c.rng.uniform(0.6, 1.0, times.size))
        sources.append((level * cries, position))
    return _spread(c, sources)


@recipe("owl")
def owl(c: RecipeContext) -> np.ndarray:
    """An owl hooting at night: hoo ... hu-hoooo."""
    f0 = c.timbre.uniform(330, 450) * (1.2 - 0.4 * c.p.size) * c.rng.uniform(0.97, 1.03)
    notes = [(0.0, 0.45), (0.75, 0.14), (0.95, 0.9)]
    phrase = np.zeros(int(2.2 * c.sr))
    for start, length in notes:
        n = int(length * c.sr)
        pitch = f0 * contour(n, [0, 0.2, 1], [0.96, 1.0, 0.93])
        tremolo = 1 + 0.25 * np.sin(2 * np.pi * 9 * np.arange(n) / c.sr) * (length > 0.6)
        phase = dsp.phase_of(pitch, n, c.sr)
        hoot = np.sin(phase) + 0.08 * np.sin(2 * phase)
        hoot = hoot * tremolo + 0.03 * dsp.lowpass(c.timbre.standard_normal(n), c.sr, 1200)
        at = int(start * c.sr)
        dsp.add_into(phrase, at, hoot * dsp.hold_envelope(n, c.sr, 0.05, 0.12))
    spacing = c.timbre.uniform(3.5, 6.0)
    positions = c.onsets(1, spacing, jitter=0.2, first_s=c.rng.uniform(0.05, 0.3),
                         group_pause_s=0.3 * spacing)
    return _calls(c, [phrase], positions)


@recipe("rooster")
def rooster(c: RecipeContext) -> np.ndarray:
    """A rooster crowing at dawn: cock-a-doodle-doooo."""
    f0 = c.timbre.uniform(480, 620) * c.rng.uniform(0.97, 1.03)
    syllables = [(0.12, 0.95, "a"), (0.09, 1.1, "e"), (0.22, 1.2, "o"), (0.75, 1.15, "o")]
    pieces, now = [], 0.0
    for index, (length, level, vowel) in enumerate(syllables):
        n = int(length * c.sr)
        if index == len(syllables) - 1:
            pitch = f0 * contour(n, [0, 0.15, 0.7, 1], [1.0, 1.15, 1.05, 0.7])
        else:
            pitch = f0 * level * contour(n, [0, 0.5, 1], [0.95, 1.05, 0.95])
        voice = voiced(c.sr, c.timbre, pitch, [vowel, "u"], scale=1.35, breath=0.2,
                       brightness=0.85, rough=0.45, q=4.0)
        pieces.append((now, voice * dsp.hold_envelope(n, c.sr, 0.01, 0.06)))
        now += length + 0.03
    crow = np.zeros(int((now + 0.2) * c.sr))
    for start, piece in pieces:
        at = int(start * c.sr)
        dsp.add_into(crow, at, piece)
    positions = c.onsets(1, 5.0, jitter=0.2, first_s=c.rng.uniform(0.05, 0.3), group_pause_s=2.0)
    return _calls(c, [crow], positions)


# ---- dogs, cats, horses, wolves -----------------------------------------------------------

def _bark(sr: int, rng: np.random.Generator, size: float, length_s: float) -> np.ndarray:
    """One bark: a burst of air, then a rough cry (uneven, alternating pulses) whose pitch
    leaps and falls while the jaw opens and closes (the formants sweep: "wuf"); a big dog
    barks lower, with a longer throat. The cry is held, then cut off, not rung out."""
    n = int(length_s * sr)
    peak = (1320 - 700 * size) * rng.uniform(0.9, 1.1)
    f0 = peak * contour(n, [0, 0.12, 0.5, 1], [1.08, 1.0, 0.8, 0.58])
    source = pulse_source(sr, rng, f0, tilt_hz=3300, jitter=0.14, shimmer=0.22,
                          subharmonic=0.49 * rng.uniform(0.6, 1.0), breath=0.34)
    scale = 1.5 * (1.4 - 0.7 * size)
    jaw = contour(n, [0, 0.3, 1], [0.85, 1.0, 0.7])
    formants = [620 * scale * jaw, 1500 * scale * (0.85 + 0.15 * jaw), 2700 * scale]
    widths = [220 * scale, 315 * scale, 510 * scale]
    bark = formant_track(source, sr, formants, widths, [1.0, 0.2, 0.46])
    onset = dsp.noise_burst(sr, rng, min(0.03, length_s), 300, 5000, 0.001, 0.008)
    dsp.add_into(bark, 0, 0.95 * onset * np.std(bark) / (np.std(onset) + 1e-9))
    bark = dsp.lowpass(bark, sr, 4000, order=4)  # a throat's sound is spent by 5 kHz
    return bark * dsp.hold_envelope(n, sr, 0.008, 0.74 * length_s)


@recipe("dog_bark")
def dog_bark(c: RecipeContext) -> np.ndarray:
    """A dog barking: short, rough, pitched bursts in volleys of about three; a big dog barks
    lower and longer, a small one yaps, high and quick."""
    size = float(np.clip(c.timbre.uniform(0.05, 0.95) * 0.5 + 0.5 * c.p.size, 0, 1))
    length = (0.17 + 0.095 * size) * c.timbre.uniform(0.9, 1.1)
    barks = [_bark(c.sr, c.timbre, size, length * c.timbre.uniform(0.85, 1.15)) for _ in range(4)]
    positions = c.onsets(3, 0.31 * c.timbre.uniform(0.8, 1.2), jitter=0.2, first_s=0.03,
                         group_pause_s=0.48 * c.timbre.uniform(1.0, 2.0))
    return _calls(c, barks, positions, c.rng.uniform(0.75, 1.0, positions.size))


@recipe("dog_growl", rate=24_000)
def dog_growl(c: RecipeContext) -> np.ndarray:
    """A dog growling: a low, rough, rumbling snarl."""
    size = c.timbre.uniform(0.4, 0.9) * 0.6 + 0.4 * c.p.size
    f0 = c.timbre.uniform(70, 110) * (1.4 - 0.6 * size)
    out = np.zeros(c.n)
    now = 0.05
    while now < c.seconds - 0.3:
        length = min(c.rng.uniform(0.8, 2.2), c.seconds - now)
        n = int(length * c.sr)
        pitch = f0 * (1 + 0.15 * (dsp.smooth_curve(c.rng, n, c.sr, 3) - 0.5))
        growl = voiced(c.sr, c.rng, pitch, ["o", "a"], scale=1.2 - 0.3 * size, breath=0.8,
                       brightness=0.6, rough=0.9, q=3.0)
        at = int(now * c.sr)
        dsp.add_into(out, at, growl * dsp.hold_envelope(n, c.sr, 0.15, 0.2))
        now += length + c.rng.uniform(0.3, 0.8)
    return out


def _meow(sr: int, rng: np.random.Generator, f0: float, length_s: float) -> np.ndarray:
    """One meow: the mouth opens early and half closes ("mi-a-ow": the first formant sweeps
    up and back), the pitch rises to a peak a third in and falls away; breathy, uneven."""
    n = int(length_s * sr)
    pitch = f0 * contour(n, [0, 0.3, 1], [0.6, 1.1, 0.53])
    source = pulse_source(sr, rng, pitch, tilt_hz=1800, jitter=0.09, shimmer=0.21,
                          subharmonic=0.01, breath=0.54)
    mouth = contour(n, [0, 0.22, 1], [0.7, 1.0, 0.75])
    formants = [1450 * mouth, 2650 * (0.8 + 0.2 * mouth), 4750]
    meow = formant_track(source, sr, formants, [340, 510, 850], [1.0, 0.41, 0.01])
    meow = dsp.lowpass(meow, sr, 6500, order=4)
    return meow * dsp.hold_envelope(n, sr, 0.12, 0.25 * length_s)


@recipe("cat_meow")
def cat_meow(c: RecipeContext) -> np.ndarray:
    """A cat meowing: long, rising and falling mee-ows; a kitten higher and shorter; a hiss
    when the caption says so."""
    f0 = c.timbre.uniform(495, 610) * (1.2 - 0.4 * c.p.size)
    meows = [_meow(c.sr, c.timbre, f0 * c.timbre.uniform(0.9, 1.1),
                   c.timbre.uniform(0.8, 1.5) * (0.6 + 0.8 * c.p.size)) for _ in range(3)]
    positions = c.onsets(1, 1.25, jitter=0.3, first_s=0.05, group_pause_s=1.1)
    return _calls(c, meows, positions, c.rng.uniform(0.7, 1.0, positions.size))


def _neigh(sr: int, rng: np.random.Generator, top_hz: float, length_s: float) -> np.ndarray:
    """A whinny: a high, bright cry that trembles (pitch and level shake some fourteen times
    a second, more towards the end) and sags a little as it goes."""
    n = int(length_s * sr)
    t = np.arange(n) / sr
    shake = np.sin(2 * np.pi * 13.7 * rng.uniform(0.9, 1.1) * t + rng.uniform(0, 2 * np.pi))
    depth = 0.025 * contour(n, [0, 0.2, 1], [0.3, 1.0, 1.2])
    pitch = top_hz * contour(n, [0, 0.06, 0.6, 1], [0.88, 1.0, 0.88, 0.85]) * (1 + depth * shake)
    source = pulse_source(sr, rng, pitch, tilt_hz=5800, jitter=0.011, shimmer=0.41,
                          subharmonic=0.05, breath=0.51)
    formants = [1020, 1920, 3170]
    cry = formant_track(source, sr, formants, [215, 290, 430], [1.0, 1.2, 0.09])
    cry *= dsp.hold_envelope(n, sr, 0.055, 0.6 * length_s)
    return cry * (1 + 0.3 * shake)


def _snort(sr: int, rng: np.random.Generator, length_s: float) -> np.ndarray:
    """A snort: air blown out through the nostrils, fluttering."""
    n = int(length_s * sr)
    flutter = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(25, 35) * np.arange(n) / sr)
    air = dsp.bandpass(rng.standard_normal(n), sr, 200, 2500)
    return air * flutter * dsp.attack_decay(n, sr, 0.02, 0.35 * length_s)


@recipe("horse_neigh")
def horse_neigh(c: RecipeContext) -> np.ndarray:
    """A horse neighing: a high, trembling whinny, a short snort after it."""
    top = c.timbre.uniform(1500, 1800) * c.rng.uniform(0.96, 1.04)
    whinny = _neigh(c.sr, c.timbre, top, c.timbre.uniform(1.45, 1.95))
    snort = _snort(c.sr, c.timbre, 0.35)
    call = np.concatenate([whinny, np.zeros(int(0.1 * c.sr)),
                           0.04 * snort * np.std(whinny) / (np.std(snort) + 1e-9)])
    positions = c.onsets(1, 1.8, jitter=0.2, first_s=c.rng.uniform(0.03, 0.25), group_pause_s=2.0)
    return _calls(c, [call], positions)


@recipe("horse_hooves")
def horse_hooves(c: RecipeContext) -> np.ndarray:
    """Hooves: a horse walking, trotting or galloping (clip-clop on cobbles, thuds on earth)."""
    soft = c.p.material in ("grass", "sand", "snow")
    hollow = c.timbre.uniform(450, 700)
    clops = []
    for _ in range(4):
        struck = hollow * c.rng.uniform(0.9, 1.1)
        clop = dsp.modal_strike(c.sr, [struck, hollow * 2.4, hollow * 4.2],
                                [0.03, 0.015, 0.008], [1.0, 0.5, 0.3], 0.12, c.rng,
                                noise_level=0.8, noise_decay_s=0.003)
        clops.append(dsp.lowpass(clop, c.sr, 500) * 3 if soft else clop)
    speed = c.p.speed
    if speed < 0.35:
        cycle, pattern = 1.1, [0.0, 0.27, 0.55, 0.82]  # walk: four even beats
    elif speed < 0.7:
        cycle, pattern = 0.62, [0.0, 0.03, 0.31, 0.34]  # trot: two beats, paired feet
    else:
        cycle, pattern = 0.45, [0.0, 0.08, 0.16, 0.24]  # gallop: three-and-a-half beats, a gap
    starts = np.arange(0.03, c.seconds, cycle)
    times = (starts[:, None] + np.array(pattern)[None, :]).ravel()
    times = times + c.rng.uniform(-0.008, 0.008, times.size)
    positions = (times[(times >= 0) & (times < c.seconds)] * c.sr).astype(int)
    return _calls(c, clops, positions, c.rng.uniform(0.6, 1.0, positions.size))


@recipe("wolf_howl")
def wolf_howl(c: RecipeContext) -> np.ndarray:
    """A wolf howling at night: a long, smooth, rising and falling cry (a second joins in)."""
    sources = []
    for index in range(2):
        f0 = c.timbre.uniform(380, 560)
        n_call = int(c.timbre.uniform(2.5, 4.0) * c.sr)
        t = np.arange(n_call) / c.sr
        pitch = f0 * contour(n_call, [0, 0.2, 0.75, 1], [0.7, 1.0, 1.03, 0.75]) * (
            1 + 0.012 * np.sin(2 * np.pi * 5 * t))
        howl = voiced(c.sr, c.timbre, pitch, ["u", "o", "u"], scale=1.1, breath=0.05,
                      brightness=0.3, q=8.0)
        howl *= dsp.hold_envelope(n_call, c.sr, 0.3, 0.8)
        position = c.timbre.uniform(-0.7, 0.7)
        if index == 1 and c.rng.random() < 0.5:
            continue
        start = 0.1 if index == 0 else c.rng.uniform(1.0, 2.5)
        positions = c.onsets(1, n_call / c.sr + 1.0, first_s=start, group_pause_s=2.5)
        sources.append(((0.7 if index else 1.0) * _calls(c, [howl], positions), position))
    return _spread(c, sources)


# ---- farm ---------------------------------------------------------------------------------

def _moo(sr: int, rng: np.random.Generator, f0: float, length_s: float) -> np.ndarray:
    """A moo: a long, low, rough bellow; the mouth, nearly closed at first ("mmm"), opens
    late in the call ("ooo"); the pitch rises a third of the way in and sags at the end."""
    n = int(length_s * sr)
    pitch = f0 * contour(n, [0, 0.3, 0.8, 1], [1.1, 1.05, 1.0, 0.66])
    source = pulse_source(sr, rng, pitch, tilt_hz=1830, jitter=0.017, shimmer=0.37,
                          subharmonic=0.17, breath=0.4, breath_band=(200.0, 4000.0))
    mouth = contour(n, [0, 0.7, 1], [0.45, 1.0, 0.61])
    formants = [205 * mouth, 460 * (0.7 + 0.3 * mouth), 1010]
    moo = formant_track(source, sr, formants, [112, 187, 300], [1.0, 1.25, 0.26])
    moo = dsp.lowpass(moo, sr, 5000, order=4)
    return moo * dsp.hold_envelope(n, sr, 0.09, 0.25 * length_s)


@recipe("cow_moo", rate=24_000)
def cow_moo(c: RecipeContext) -> np.ndarray:
    """A cow mooing: long, low, rough mmm-ooos."""
    f0 = c.timbre.uniform(250, 295) * c.rng.uniform(0.95, 1.05)
    moo = _moo(c.sr, c.timbre, f0, c.timbre.uniform(2.5, 3.3))
    positions = c.onsets(1, 2.35, jitter=0.2, first_s=c.rng.uniform(0.03, 0.25),
                         group_pause_s=0.8)
    return _calls(c, [moo], positions)


@recipe("sheep_bleat")
def sheep_bleat(c: RecipeContext) -> np.ndarray:
    """A sheep or goat bleating: baa-aa, shaking."""
    f0 = c.timbre.uniform(250, 380) * c.rng.uniform(0.96, 1.04)
    n = int(c.timbre.uniform(0.6, 1.0) * c.sr)
    t = np.arange(n) / c.sr
    shake = np.sin(2 * np.pi * c.timbre.uniform(7, 9) * t)
    pitch = f0 * contour(n, [0, 0.2, 1], [0.9, 1.05, 0.9]) * (1 + 0.05 * shake)
    bleat = voiced(c.sr, c.timbre, pitch, ["e", "a"], scale=1.2, breath=0.3, brightness=0.7,
                   rough=0.2, q=4.0)
    bleat *= dsp.hold_envelope(n, c.sr, 0.03, 0.15) * (1 + 0.4 * shake)
    positions = c.onsets(1, 2.5, jitter=0.3, first_s=c.rng.uniform(0.03, 0.25), group_pause_s=2.0)
    return _calls(c, [bleat], positions)


@recipe("duck_quack")
def duck_quack(c: RecipeContext) -> np.ndarray:
    """A duck quacking: nasal, buzzy quacks in a falling series."""
    f0 = c.timbre.uniform(220, 300)
    quacks = []
    for _ in range(3):
        n = int(c.timbre.uniform(0.14, 0.22) * c.sr)
        pitch = f0 * contour(n, [0, 0.3, 1], [1.0, 1.05, 0.85])
        quack = voiced(c.sr, c.timbre, pitch, ["a", "e"], scale=1.3, breath=0.3, brightness=1.0,
                       rough=0.3, q=9.0)
        quacks.append(quack * dsp.attack_decay(n, c.sr, 0.01, 0.07))
    positions = c.onsets(4, 0.26, jitter=0.1, first_s=0.03, group_pause_s=1.5)
    gains = np.clip(1.0 - 0.12 * (np.arange(positions.size) % 5), 0.4, 1.0)
    return _calls(c, quacks, positions, gains)


@recipe("crow")
def crow(c: RecipeContext) -> np.ndarray:
    """A crow or raven cawing: harsh, hoarse caws in twos and threes."""
    f0 = c.timbre.uniform(380, 520)
    caws = []
    for _ in range(3):
        n = int(c.timbre.uniform(0.25, 0.4) * c.sr)
        pitch = f0 * contour(n, [0, 0.2, 1], [0.95, 1.05, 0.8])
        caw = voiced(c.sr, c.timbre, pitch, ["a"], scale=1.3, breath=0.9, brightness=0.8,
                     rough=0.8, q=3.0)
        caws.append(caw * dsp.hold_envelope(n, c.sr, 0.015, 0.08))
    positions = c.onsets(3, 0.5, jitter=0.15, first_s=0.05, group_pause_s=2.0)
    return _calls(c, caws, positions, c.rng.uniform(0.7, 1.0, positions.size))


# ---- frogs and insects --------------------------------------------------------------------

@recipe("frogs", rate=24_000)
def frogs(c: RecipeContext) -> np.ndarray:
    """Frogs croaking in a pond: a chorus of pulsed, throaty calls."""
    sources = []
    for _ in range(5):
        f0 = c.timbre.uniform(110, 320)
        pulse_hz = c.timbre.uniform(14, 40)
        formant = c.timbre.uniform(600, 1600)
        length = c.timbre.uniform(0.15, 0.6)
        n = int(length * c.sr)
        t = np.arange(n) / c.sr
        buzz = dsp.glottal(np.full(n, f0), n, c.sr, 0.7)
        buzz = dsp.resonate(buzz, c.sr, [formant, formant * 2.2], 5.0)
        pulses = np.abs(np.sin(np.pi * pulse_hz * t)) ** 3
        call = buzz * pulses * dsp.hold_envelope(n, c.sr, 0.02, 0.05)
        interval = c.timbre.uniform(0.7, 2.0)
        positions = dsp.pulses(c.n, c.sr, c.rng, 1 / interval, jitter=0.25,
                               start_s=c.rng.uniform(0.02, interval))
        level = c.timbre.uniform(0.3, 1.0)
        sources.append((level * _calls(c, [call], positions), c.timbre.uniform(-0.8, 0.8)))
    count = 2 + int(round(3 * c.p.intensity))
    return _spread(c, sources[:count])


@recipe("crickets", rate=24_000)
def crickets(c: RecipeContext) -> np.ndarray:
    """Crickets chirping on a summer night: pure high chirps from all around."""
    sources = []
    for _ in range(7):
        carrier = c.timbre.uniform(3800, 5200)
        syllables = int(c.timbre.integers(2, 5))
        pulse_n = int(c.timbre.uniform(0.012, 0.02) * c.sr)
        gap_n = int(c.timbre.uniform(0.01, 0.018) * c.sr)
        chirp = np.zeros((pulse_n + gap_n) * syllables)
        t = np.arange(pulse_n) / c.sr
        pulse = np.sin(2 * np.pi * carrier * t) * np.hanning(pulse_n)
        for k in range(syllables):
            chirp[k * (pulse_n + gap_n):k * (pulse_n + gap_n) + pulse_n] = pulse
        rate = c.timbre.uniform(1.5, 3.5)
        positions = dsp.pulses(c.n, c.sr, c.rng, rate, jitter=0.06,
                               start_s=c.rng.uniform(0.0, 1 / rate))
        level = c.timbre.uniform(0.2, 1.0)
        sources.append((level * dsp.place(c.n, chirp, positions, 1.0), c.timbre.uniform(-0.9, 0.9)))
    count = 3 + int(round(4 * c.p.intensity))
    return _spread(c, sources[:count])


@recipe("insect_buzz")
def insect_buzz(c: RecipeContext) -> np.ndarray:
    """A fly or a bee buzzing about, coming and going; a mosquito whines higher."""
    f0 = c.timbre.uniform(170, 240) * (2.6 - 2.0 * c.p.size) ** 0.8
    wander = c.wobble(1.5) - 0.5
    pitch = f0 * (1 + 0.12 * wander)
    buzz = dsp.glottal(pitch, c.n, c.sr, 0.9, c.rng, 0.02)
    buzz = dsp.bandpass(buzz, c.sr, 150, 6000)
    near = dsp.smooth_curve(c.rng, c.n, c.sr, 0.6)
    settles = dsp.smooth_curve(c.rng, c.n, c.sr, 0.3) > 0.25  # now and then it lands a while
    settles[: int(min(4.0, 0.6 * c.seconds) * c.sr)] = True  # but it is buzzing when we meet it
    level = (0.25 + 0.75 * near ** 2) * dsp.lowpass(settles.astype(float), c.sr, 8)
    return dsp.pan(buzz * level, 1.6 * wander + 0.4 * (near - 0.5))


@recipe("cicadas", rate=24_000)
def cicadas(c: RecipeContext) -> np.ndarray:
    """Cicadas droning in summer heat: loud pulsing buzz that swells and fades."""
    sources = []
    for _ in range(3):
        carrier = c.timbre.uniform(4000, 7000)
        pulse_hz = c.timbre.uniform(120, 240)
        noise = dsp.resonate(dsp.white(c.rng, c.n), c.sr, [carrier, carrier * 1.4], 6.0)
        pulses = np.abs(np.sin(np.pi * pulse_hz * c.t)) ** 4
        swell = c.curve(c.timbre.uniform(0.08, 0.2), f"swell{len(sources)}") ** 1.5
        sources.append((noise * pulses * (0.2 + 0.8 * swell), c.timbre.uniform(-0.7, 0.7)))
    return _spread(c, sources)
