"""Measurements that tell voiced speech from other sound: a pitch track and the rate at
which the loudness rises and falls (syllables)."""
from __future__ import annotations

import numpy as np


def pitch_track(audio: np.ndarray, sample_rate: int, frame_s: float = 0.04,
                lowest_hz: float = 60.0, highest_hz: float = 500.0) -> np.ndarray:
    """Fundamental frequency (Hz) of each clearly voiced frame, by normalised autocorrelation."""
    x = audio.mean(axis=0) if audio.ndim == 2 else audio
    frame = int(frame_s * sample_rate)
    level = np.sqrt(np.mean(x ** 2)) or 1.0
    lags = np.arange(int(sample_rate / highest_hz), int(sample_rate / lowest_hz))
    found = []
    for start in range(0, len(x) - frame - lags[-1], frame // 2):
        piece = x[start:start + frame + lags[-1]]
        head = piece[:frame]
        if np.sqrt(np.mean(head ** 2)) < 0.3 * level:
            continue
        energy = np.dot(head, head)
        scores = np.array([np.dot(head, piece[lag:lag + frame])
                           / np.sqrt(energy * np.dot(piece[lag:lag + frame],
                                                     piece[lag:lag + frame]) + 1e-12)
                           for lag in lags])
        best = int(np.argmax(scores))
        if scores[best] > 0.6:  # periodic: a voice, not noise
            found.append(sample_rate / lags[best])
    return np.array(found)


def syllable_rate_hz(audio: np.ndarray, sample_rate: int) -> float:
    """The strongest modulation of the loudness envelope between 1 and 12 Hz."""
    x = audio.mean(axis=0) if audio.ndim == 2 else audio
    hop = sample_rate // 100  # a 100 Hz envelope
    frames = len(x) // hop
    envelope = np.sqrt(np.mean(x[:frames * hop].reshape(frames, hop) ** 2, axis=1))
    envelope = envelope - envelope.mean()
    spectrum = np.abs(np.fft.rfft(envelope * np.hanning(frames), n=4096))
    freqs = np.fft.rfftfreq(4096, 1 / 100)
    band = (freqs >= 1.0) & (freqs <= 12.0)
    return float(freqs[band][np.argmax(spectrum[band])])


def voiced_share(audio: np.ndarray, sample_rate: int) -> float:
    """Share of the loud frames that are periodic (high for speech, near zero for whisper)."""
    x = audio.mean(axis=0) if audio.ndim == 2 else audio
    frame = int(0.04 * sample_rate)
    level = np.sqrt(np.mean(x ** 2)) or 1.0
    loud = sum(1 for start in range(0, len(x) - frame, frame // 2)
               if np.sqrt(np.mean(x[start:start + frame] ** 2)) >= 0.3 * level)
    return len(pitch_track(audio, sample_rate)) / max(loud, 1)
