"""How a line is said: a delivery hint ("shouted", "whispered", "calm") as prosody for the
engine, plus the shaping no engine does itself (a whisper, the strain of a shout).

Engines vary pitch, rate and effort; a whisper is made here for every engine alike: the
line's own spectral envelope (linear prediction, frame by frame) excited by noise instead of
the voice's buzz, which is what whispering is.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg, signal


@dataclass(frozen=True)
class Delivery:
    rate: float = 1.0
    pitch: float = 0.0
    volume: float = 1.0
    whisper: bool = False
    strain: float = 0.0  # 0..1: the hard edge of a shout (soft saturation and presence)


DELIVERIES = {
    "neutral": Delivery(),
    "calm": Delivery(rate=0.92, pitch=-0.1, volume=0.9),
    "shouted": Delivery(rate=1.08, pitch=0.45, volume=1.6, strain=0.7),
    "whispered": Delivery(rate=0.9, volume=0.6, whisper=True),
    "excited": Delivery(rate=1.15, pitch=0.3, volume=1.2, strain=0.2),
    "sad": Delivery(rate=0.85, pitch=-0.25, volume=0.8),
    "angry": Delivery(rate=1.05, pitch=0.2, volume=1.5, strain=0.6),
    "frightened": Delivery(rate=1.2, pitch=0.35, volume=1.0, strain=0.1),
    "laughing": Delivery(rate=1.05, pitch=0.25, volume=1.1),
}
_ALIASES = {"shout": "shouted", "shouts": "shouted", "yelled": "shouted", "yells": "shouted",
            "screamed": "shouted", "cried out": "shouted", "roared": "shouted",
            "bellowed": "shouted", "called": "shouted", "whisper": "whispered",
            "whispers": "whispered", "murmured": "whispered", "hissed": "whispered",
            "softly": "calm", "quietly": "calm", "gently": "calm", "said": "neutral",
            "laughed": "laughing", "laughs": "laughing", "sobbed": "sad", "wept": "sad",
            "snapped": "angry", "growled": "angry", "gasped": "frightened"}


def delivery_of(hint: str) -> Delivery:
    hint = (hint or "neutral").strip().lower()
    return DELIVERIES.get(_ALIASES.get(hint, hint), DELIVERIES["neutral"])


def shape(audio: np.ndarray, sample_rate: int, delivery: Delivery,
          rng: np.random.Generator) -> np.ndarray:
    """The delivery's shaping on an engine's mono line, (1, samples) float32."""
    out = audio
    if delivery.whisper:
        out = whisper(out, sample_rate, rng)
    if delivery.strain > 0:
        out = strain(out, sample_rate, delivery.strain)
    return out.astype(np.float32)


def whisper(audio: np.ndarray, sample_rate: int, rng: np.random.Generator,
            order: int = 18) -> np.ndarray:
    """Keep each frame's vocal-tract envelope, replace its excitation with noise."""
    x = audio[0].astype(np.float64)
    frame = int(0.025 * sample_rate)
    hop = frame // 2
    window = np.hanning(frame)
    out = np.zeros(len(x) + frame)
    noise = rng.standard_normal(len(x) + frame)
    for start in range(0, max(len(x) - frame, 1), hop):
        piece = x[start:start + frame]
        if len(piece) < frame:
            piece = np.pad(piece, (0, frame - len(piece)))
        windowed = piece * window
        energy = float(np.dot(windowed, windowed))
        if energy < 1e-10:
            continue
        r = np.correlate(windowed, windowed, "full")[frame - 1:frame + order]
        r[0] *= 1.0 + 1e-6  # a touch of white noise: the normal equations stay solvable
        a = linalg.solve_toeplitz(r[:order], -r[1:order + 1])
        excitation = noise[start:start + frame] * window
        shaped = signal.lfilter([1.0], np.concatenate(([1.0], a)), excitation)
        shaped *= np.sqrt(energy / max(float(np.dot(shaped, shaped)), 1e-12))
        out[start:start + frame] += shaped * window
    out = out[:len(x)]
    b, a = signal.butter(2, 300 / (sample_rate / 2), "highpass")  # no chest in a whisper
    out = signal.lfilter(b, a, out) * 0.8
    return out[np.newaxis, :].astype(np.float32)


def strain(audio: np.ndarray, sample_rate: int, amount: float) -> np.ndarray:
    """A shout's edge: a presence lift around 3 kHz, then soft saturation."""
    b, a = signal.iirpeak(3000 / (sample_rate / 2), Q=1.0)
    lifted = audio + amount * signal.lfilter(b, a, audio, axis=-1)
    peak = float(np.max(np.abs(lifted))) or 1.0
    drive = 1.0 + 3.0 * amount
    return (np.tanh(drive * lifted / peak) / np.tanh(drive) * peak).astype(np.float32)
