"""People without words: murmur, cheering, applause, laughter, gasps, screams, a voice talking.

Speech is never intelligible here: it is a stand-in with the rhythm and melody of talk
(syllables, phrases, pauses) for the designer to replace with a recording or a voice model.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.generation.procedural import dsp
from engine.generation.procedural.params import RecipeContext
from engine.generation.procedural.registry import recipe
from engine.generation.procedural.voice import (
    VOWELS,
    contour,
    formant_filter,
    glide_weights,
    pulse_source,
    voiced,
)

_TALK_VOWELS = ("a", "e", "i", "o", "u")
_LOOP_ABOVE_S = 40.0  # longer crowd beds repeat a 40 s texture with crossfades (cheap, unnoticed)


@dataclass(frozen=True)
class Talk:
    """How a group of voices talks: their pitch, pace and the throat they talk with."""

    f0_range: tuple[float, float]
    syllable_hz: float
    talk_share: float  # of the time each voice is talking
    melody: float = 0.18  # pitch swing of a phrase
    brightness: float = 0.5  # (the smooth buzz of a single voice)
    rough: bool = False  # a crowd's voices: the pulsed throat with its faults, breathy
    quietest: float = 0.5  # the quietest voice's level against the loudest
    vowel_q: float = 5.0
    consonants: float = 0.05


# Walla: two dozen voices and more, quick, breathy and never all silent, at every distance,
# all around, their highs lost in the room.
WALLA = Talk(f0_range=(153.0, 280.0), syllable_hz=8.8, talk_share=1.0, melody=0.35,
             rough=True, quietest=0.24, vowel_q=12.0, consonants=0.049)


def babble(c: RecipeContext, n: int, voices: int, talk: Talk,
           timbre: np.random.Generator | None = None) -> np.ndarray:
    """Several voices talking at once, unintelligibly: syllables of changing vowels with
    consonants between them, in phrases and pauses, each voice with its own melody.

    All voices share five vowel filters: each voice's buzz is weighted into the filter of
    the vowel it is on, so the cost grows with the voices only by a few multiplications.
    """
    voice_rng = timbre if timbre is not None else c.rng
    inputs = np.zeros((len(_TALK_VOWELS), n))
    columns = np.arange(n)
    consonants = np.zeros(n)
    for _ in range(voices):
        base = voice_rng.uniform(*talk.f0_range)
        melody = 1 + talk.melody * (dsp.smooth_curve(c.rng, n, c.sr, 2.5) - 0.5)
        if talk.rough:
            buzz = pulse_source(c.sr, c.rng, base * melody, tilt_hz=1150, jitter=0.039,
                                shimmer=0.29, breath=0.77)
        else:
            buzz = dsp.glottal(base * melody, n, c.sr, talk.brightness, c.rng, 0.02)
        buzz /= np.std(buzz) + 1e-9
        rate = talk.syllable_hz * (1 + 0.7 * (dsp.smooth_curve(c.rng, n, c.sr, 3) - 0.5))
        phase = np.cumsum(rate) / c.sr + c.rng.random()
        syllable = 0.5 - 0.5 * np.cos(2 * np.pi * phase)
        syllable *= np.sqrt(syllable)  # ** 1.5, a sharper syllable shape
        talks = dsp.smooth_curve(c.rng, n, c.sr, 0.5) < talk.talk_share
        if voices == 1:  # one speaker: the event starts with them talking
            talks[: int(min(1.5, n / c.sr) * c.sr)] = True
        talking = dsp.lowpass(talks.astype(float), c.sr, 6)
        stress = 0.25 + 0.75 * dsp.smooth_curve(c.rng, n, c.sr, talk.syllable_hz / 1.5)
        amp = syllable * talking * stress * voice_rng.uniform(talk.quietest, 1.0)
        index = np.floor(phase).astype(int)
        # a new vowel each syllable; it changes where the syllable is silent, so no click
        vowel_of = c.rng.integers(0, len(_TALK_VOWELS), index.max() - index.min() + 1)[
            index - index.min()]
        inputs[vowel_of, columns] += buzz * amp
        if c.rng.random() < 0.7:
            gap = (1 - syllable) ** 2
            gap *= gap
            consonants += gap * gap * talking
    scale = 1.0 + 0.25 * (np.mean(talk.f0_range) > 170)  # higher voices, shorter tracts
    out = np.zeros(n)
    for k, vowel in enumerate(_TALK_VOWELS):
        out += formant_filter(inputs[k], c.sr, np.asarray(VOWELS[vowel]) * scale, talk.vowel_q)
    hiss = dsp.bandpass(c.rng.standard_normal(n), c.sr, 2500, min(7500, 0.45 * c.sr))
    out += talk.consonants * hiss * consonants  # consonants between the vowels
    return out


def _crowd_bed(c: RecipeContext, voices: int, talk: Talk, cross: float = 0.35,
               lowpass_hz: float | None = None) -> np.ndarray:
    """Voices on both sides of the listener (each side heard a little on the other)."""
    unique_n = min(c.n, int(_LOOP_ABOVE_S * c.sr))
    bed = np.stack([babble(c, unique_n, voices // 2, talk) for _ in range(2)])
    bed = bed + cross * bed[::-1]
    if lowpass_hz:
        bed = dsp.lowpass(bed, c.sr, lowpass_hz, order=4)
    return dsp.loop_texture(bed, c.n, c.sr, c.rng)


@recipe("crowd_murmur", rate=16_000)
def crowd_murmur(c: RecipeContext) -> np.ndarray:
    """A crowd murmuring (walla): many people talking at once, quick and breathy, near and
    far, no words made out."""
    voices = int(24 + 6 * c.p.intensity)
    return _crowd_bed(c, voices, WALLA, cross=1.0, lowpass_hz=3600)


@recipe("voice_talking", rate=16_000)
def voice_talking(c: RecipeContext) -> np.ndarray:
    """One person speaking (unintelligible stand-in): phrases, pauses, a natural melody."""
    male = c.timbre.random() < 0.5
    f0 = (c.timbre.uniform(95, 135),) * 2 if male else (c.timbre.uniform(175, 235),) * 2
    talk = Talk(f0_range=f0, syllable_hz=c.timbre.uniform(4.0, 5.5), talk_share=0.62)
    return babble(c, c.n, 1, talk, timbre=c.timbre)


def _shout(sr: int, rng: np.random.Generator, f0_range: tuple[float, float]) -> np.ndarray:
    """One cheer from one person: 'yeah!', 'woo!', 'hey!'."""
    n = int(rng.uniform(0.3, 0.9) * sr)
    f0 = rng.uniform(*f0_range)
    pitch = f0 * contour(n, [0, 0.3, 1], [0.9, 1.15, 0.85])
    vowels = [["e", "a"], ["u", "o"], ["e", "i"], ["a", "o"]][int(rng.integers(4))]
    shout = voiced(sr, rng, pitch, vowels, scale=1.1, breath=0.3, brightness=0.8, rough=0.2)
    return shout * dsp.hold_envelope(n, sr, 0.04, 0.2)


def _claps(c: RecipeContext, n: int, rate_hz: float) -> np.ndarray:
    grains = []
    for _ in range(8):
        clap = dsp.noise_burst(c.sr, c.rng, 0.03, 400, 6000, 0.0005, c.rng.uniform(0.005, 0.012))
        grains.append(dsp.resonate(clap, c.sr, [c.rng.uniform(800, 2200)], 2.0) + 0.5 * clap)
    positions = dsp.poisson_times(c.rng, n, c.sr, rate_hz)
    return dsp.place_variants(n, grains, positions, c.rng.uniform(0.3, 1.0, positions.size), c.rng)


@recipe("applause", rate=32_000)
def applause(c: RecipeContext) -> np.ndarray:
    """An audience applauding: hundreds of claps swelling, holding and dying away."""
    people = 30 + 150 * c.p.intensity * (0.5 + c.p.size)
    shape = dsp.hold_envelope(c.n, c.sr, min(0.6, c.seconds * 0.2), min(2.0, c.seconds * 0.4))
    out = np.stack([_claps(c, c.n, people * 2.2) for _ in range(2)])
    return out * shape


@recipe("cheering", rate=24_000)
def cheering(c: RecipeContext) -> np.ndarray:
    """A crowd cheering: shouts of joy over a roar of voices, whistles and clapping."""
    shouts = [_shout(c.sr, c.rng, (180, 420)) for _ in range(12)]
    roar = _crowd_bed(c, 6, Talk(f0_range=(160, 380), syllable_hz=3.0, talk_share=0.85,
                                 brightness=0.75))
    rate = 4 + 10 * c.p.intensity
    sides = []
    for _ in range(2):
        positions = dsp.poisson_times(c.rng, c.n, c.sr, rate)
        yells = dsp.place_variants(c.n, shouts, positions, c.rng.uniform(0.3, 1.0, positions.size),
                                   c.rng)
        claps = _claps(c, c.n, 120)
        sides.append(dsp.normalise_rms(yells, 0.1) + 0.35 * dsp.normalise_rms(claps, 0.1))
    out = np.stack(sides) + 0.8 * dsp.normalise_rms(roar, 0.1)
    for _ in range(int(c.rng.integers(0, 3))):  # a few whistles
        at = int(c.rng.uniform(0, 0.8) * c.n)
        length = min(int(c.rng.uniform(0.4, 0.9) * c.sr), c.n - at)
        freq = c.rng.uniform(1800, 2600) * contour(length, [0, 0.4, 1], [0.9, 1.1, 0.95])
        whistle = np.sin(dsp.phase_of(freq, length, c.sr))
        whistle *= dsp.hold_envelope(length, c.sr, 0.03, 0.1)
        out[int(c.rng.integers(2)), at:at + length] += 0.08 * whistle
    swell = 0.6 + 0.4 * c.wobble(0.3)
    shape = dsp.hold_envelope(c.n, c.sr, min(0.5, c.seconds * 0.2), min(1.5, c.seconds * 0.3))
    return out * swell * shape


def _laugh(sr: int, rng: np.random.Generator, f0: float) -> np.ndarray:
    """One person's laugh: 'ha-ha-ha-ha', each syllable breathy, falling in pitch."""
    syllables = int(rng.integers(4, 9))
    rate = rng.uniform(4.2, 5.5)
    out = np.zeros(int((syllables / rate + 0.4) * sr))
    for k in range(syllables):
        n = int(rng.uniform(0.09, 0.13) * sr)
        pitch = f0 * (1 - 0.04 * k) * contour(n, [0, 0.3, 1], [1.0, 1.08, 0.9])
        ha = voiced(sr, rng, pitch, ["a"], scale=1.1, breath=0.9, brightness=0.6)
        aspiration = dsp.noise_burst(sr, rng, 0.04, 600, 5000, 0.005, 0.015)
        dsp.add_into(ha, 0, 0.6 * aspiration * np.std(ha) / (np.std(aspiration) + 1e-9))
        at = int(k / rate * sr)
        dsp.add_into(out, at, ha * dsp.hold_envelope(n, sr, 0.01, 0.04) * (1 - 0.07 * k))
    return out


@recipe("laughter")
def laughter(c: RecipeContext) -> np.ndarray:
    """People laughing: bursts of 'ha-ha-ha' from a few people (one, if it is a child)."""
    people = 1 if c.p.size < 0.35 else 3 + int(4 * c.p.intensity)
    sources = []
    for person in range(7):  # always draw seven voices: the timbre stream stays aligned
        child = c.p.size < 0.35
        f0 = c.timbre.uniform(320, 450) if child else c.timbre.uniform(130, 300)
        laughs = [_laugh(c.sr, c.timbre, f0) for _ in range(2)]
        position = c.timbre.uniform(-0.7, 0.7)
        if person >= people:
            continue
        spacing = c.rng.uniform(1.8, 3.0)
        times = c.onsets(1, spacing, jitter=0.4, first_s=c.rng.uniform(0.02, 0.6),
                         group_pause_s=0.4 * spacing)
        mono = dsp.place_variants(c.n, laughs, times, c.rng.uniform(0.6, 1.0, times.size), c.rng)
        sources.append(dsp.pan(mono, position))
    return sum(sources)


@recipe("gasp")
def gasp(c: RecipeContext) -> np.ndarray:
    """A gasp of surprise: a sharp breath in (from a whole crowd, unless it is one person)."""
    people = 1 if c.p.size < 0.35 else 12
    out = np.zeros((2, c.n))
    for _ in range(people):
        n = min(int(c.rng.uniform(0.25, 0.45) * c.sr), c.n)
        breath = dsp.bandpass(c.rng.standard_normal(n), c.sr, 300, 7000)
        breath = formant_filter(breath, c.sr, np.asarray(VOWELS["a"]) * 1.1, 3.0) + 0.3 * breath
        breath *= np.linspace(0, 1, n) ** 2 * dsp.hold_envelope(n, c.sr, 0.0, 0.03)
        ooh_n = min(int(c.rng.uniform(0.4, 0.8) * c.sr), c.n)
        pitch = c.rng.uniform(140, 320) * contour(ooh_n, [0, 0.3, 1], [1.1, 1.0, 0.8])
        ooh = voiced(c.sr, c.rng, pitch, ["o", "u"], breath=0.4) * dsp.hold_envelope(
            ooh_n, c.sr, 0.05, 0.3)
        call = np.concatenate([breath / (np.std(breath) + 1e-9),
                               0.4 * ooh / (np.std(ooh) + 1e-9) * (c.rng.random() < 0.6)])
        at = int((0.05 + abs(c.rng.normal(0, 0.05)) * (people > 1)) * c.sr)
        dsp.add_into(out, at, dsp.pan(call, c.rng.uniform(-0.7, 0.7)))
    return out


@recipe("scream")
def scream(c: RecipeContext) -> np.ndarray:
    """A scream of fear: a high, rough, shaking cry."""
    f0 = c.timbre.uniform(700, 1100)
    out = np.zeros(c.n)
    for position in c.onsets(1, 2.5, first_s=0.03, fill=False):
        n = min(int(c.rng.uniform(0.9, 1.6) * c.sr), c.n - position)
        t = np.arange(n) / c.sr
        pitch = f0 * contour(n, [0, 0.1, 0.7, 1], [0.8, 1.05, 1.0, 0.75]) * (
            1 + 0.03 * np.sin(2 * np.pi * 6 * t))
        cry = voiced(c.sr, c.rng, pitch, ["a", "i"], weights=glide_weights(2, n, [0.0, 1.0]),
                     scale=1.15, breath=0.3, brightness=0.9, rough=0.5, q=5.0)
        dsp.add_into(out, position, cry * dsp.hold_envelope(n, c.sr, 0.04, 0.3))
    return out
