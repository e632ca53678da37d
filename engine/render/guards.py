"""Checks on what a generator returned, before it can become a take.

Every backend can misfire: a diffusion model can return silence or noise, a decoder can
clip, a window can come back short, a numeric fault can leave NaNs. `audio_problem` names
the first problem a listener would notice, or returns None:

- not finite: NaN or infinite samples (they would poison the mix and every meter);
- shorter than asked: more than 10 ms short of the event's duration (unless the generator
  says the sound has a natural length, as a spoken line does);
- silent: the loudest sample is below SILENT_BELOW_DBFS;
- clipped: at least CLIPPED_MIN_SHARE of the samples sit in flat runs of CLIP_RUN or more
  equal samples at a full-scale peak (a waveform cut off flat, not a limited one);
- noise where a tone was asked: the generator (or, if it does not say, the caption) asks for
  a tonal source (a bell, a siren, a whistle, music), yet almost none of the energy sits in
  spectral peaks that stand clear of the noise around them.

Long takes are read in blocks and sampled in frames, so a check costs little beside the
render itself.
"""
from __future__ import annotations

import re

import numpy as np
from scipy import ndimage

from engine.generation.base import GeneratedAudio, RenderRequest

SHORT_TOLERANCE_S = 0.01
SILENT_BELOW_DBFS = -60.0
CLIP_LEVEL = 0.98  # a flat top this close to full scale is a clip
CLIP_RUN = 3  # equal samples in a row at the peak
CLIPPED_MIN_SHARE = 2e-4  # of all samples (0.02 %), at least CLIPPED_MIN_SAMPLES
CLIPPED_MIN_SAMPLES = 12
TONAL_MIN_SHARE = 0.08  # of the energy in spectral peaks, when a tone was asked
PEAK_ABOVE_LOCAL_DB = 10.0  # a spectral peak stands this far above the local median
_BLOCK = 1 << 20  # samples per block when scanning long takes
_FRAME = 4096
_MAX_FRAMES = 96  # frames analysed for tonality, spread over the take
# Sources whose sound is a pitch. A caption naming one asks for a tonal render (a model
# backend does not say what it rendered; the procedural engine does, in its metadata).
TONAL_WORDS = re.compile(
    r"\b(?:bells?|chimes?|chiming|sirens?|whistl(?:e|es|ing)|horns?|foghorn|beeps?|beeping|"
    r"flutes?|piano|violins?|cello|organ|trumpets?|fanfare|melody|lullaby|music box|"
    r"singing|sings|hum|humming|tone|ringtone|doorbell)\b")


def audio_problem(generated: GeneratedAudio, request: RenderRequest) -> str | None:
    """What is wrong with a render, in a few words for the user, or None if it is usable."""
    audio, rate = generated.audio, generated.sample_rate
    if not _all_finite(audio):
        return "it holds invalid samples (NaN or infinite)"
    got_s = audio.shape[1] / rate
    if got_s + SHORT_TOLERANCE_S < request.duration_s and not generated.metadata.get(
            "natural_length"):  # a spoken line is as long as its words, whatever was asked
        return f"it is {got_s:.2f} s long, shorter than the {request.duration_s:.2f} s asked"
    peak = _peak(audio)
    if peak <= 10 ** (SILENT_BELOW_DBFS / 20):
        level = f"{20 * np.log10(peak):.0f} dBFS" if peak > 0 else "no signal"
        return f"it is silent (loudest sample {level})"
    clipped = clipped_samples(audio, peak)
    if clipped >= max(CLIPPED_MIN_SAMPLES, CLIPPED_MIN_SHARE * audio.size):
        return f"it is clipped ({clipped} samples cut off flat at full scale)"
    if asks_for_tone(generated, request):
        share = tonal_share(audio, rate)
        if share < TONAL_MIN_SHARE:
            return (f"it is noise where a tonal sound was asked ({100 * share:.0f} % of its "
                    "energy is in pitched partials)")
    return None


def asks_for_tone(generated: GeneratedAudio, request: RenderRequest) -> bool:
    """The generator's own word ("tonal" in its metadata), else the caption's."""
    said = generated.metadata.get("tonal")
    if said is not None:
        return bool(said)
    return bool(TONAL_WORDS.search(request.caption.lower()))


def _blocks(audio: np.ndarray):
    for start in range(0, audio.shape[1], _BLOCK):
        yield audio[:, start:start + _BLOCK]


def _all_finite(audio: np.ndarray) -> bool:
    return all(np.isfinite(block).all() for block in _blocks(audio))


def _peak(audio: np.ndarray) -> float:
    return max((float(np.max(np.abs(block))) for block in _blocks(audio) if block.size),
               default=0.0)


def clipped_samples(audio: np.ndarray, peak: float | None = None) -> int:
    """Samples in flat runs (CLIP_RUN or more equal values in a row) at a full-scale peak."""
    peak = _peak(audio) if peak is None else peak
    if peak < CLIP_LEVEL:
        return 0
    count = 0
    for channel in audio:
        for start in range(0, channel.size, _BLOCK):
            block = channel[start:start + _BLOCK]  # (a run split by a block edge is rare)
            at_peak = np.abs(block) >= np.float32(peak) * (1 - 1e-6)
            if not at_peak.any():
                continue
            flat = at_peak[1:] & at_peak[:-1] & (block[1:] == block[:-1])
            # a run of k equal samples gives k-1 flat pairs; count runs of CLIP_RUN or more
            edges = np.diff(np.concatenate([[0], flat.astype(np.int8), [0]]))
            lengths = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
            long_runs = lengths[lengths >= CLIP_RUN - 1]
            count += int(np.sum(long_runs + 1))
    return count


def tonal_share(audio: np.ndarray, rate: int) -> float:
    """Share of the energy (100 Hz .. 10 kHz, audible frames) in clear spectral peaks.

    Noise of any colour puts about 1 % there (a noise spectrum's bins rarely stand 10 dB
    above their neighbours); a bell, a siren, a voice or a melody puts most of it there.
    """
    mono = audio.mean(axis=0, dtype=np.float64) if audio.shape[0] > 1 else audio[0]
    if mono.size < _FRAME:
        mono = np.pad(mono, (0, _FRAME - mono.size))
    starts = np.linspace(0, mono.size - _FRAME, min(_MAX_FRAMES, mono.size // (_FRAME // 2) or 1))
    frames = np.stack([mono[int(s):int(s) + _FRAME] for s in starts]) * np.hanning(_FRAME)
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    freqs = np.fft.rfftfreq(_FRAME, 1 / rate)
    band = (freqs >= 100) & (freqs <= min(10_000, 0.45 * rate))
    power = power[:, band]
    energy = power.sum(axis=1)
    audible = energy >= energy.max() * 1e-4 if energy.max() > 0 else energy > 0
    if not audible.any():
        return 0.0
    power = power[audible]
    width = max(int(round(400 / (rate / _FRAME))) | 1, 5)  # about 400 Hz of neighbours
    local = ndimage.median_filter(power, size=(1, width), mode="nearest")
    peaks = power > local * 10 ** (PEAK_ABOVE_LOCAL_DB / 10)
    return float(np.sum(power[peaks]) / np.sum(power))
