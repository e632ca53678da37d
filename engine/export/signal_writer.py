"""Writing long signals to audio files a chunk at a time, measuring them on the way.

A `Signal` hands out any part of itself on request (the master or a stem with the master bus
applied, one event's clip on silence), so an hour-long file is written and measured without
a second full-size copy, and its true peak is found afterwards by oversampling only the
parts that could hold it.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import soundfile as sf

from engine.audio.source import SampleSource
from engine.errors import Cancelled
from engine.export.formats import AudioFormat
from engine.meter.loudness import (
    PEAK_BLOCK,
    LoudnessMeter,
    LoudnessStats,
    block_peaks,
    measure,
    search_true_peak,
    window,
)
from engine.mix.master_bus import MasterBus
from engine.progress import CancelToken

CHUNK = 16 * PEAK_BLOCK  # samples per write (a whole number of peak blocks)
_LOSSY_QUALITY = 0.2  # libsndfile compression level for MP3 / Vorbis: 0 best .. 1 smallest


class Signal(Protocol):
    @property
    def channels(self) -> int: ...
    @property
    def length(self) -> int: ...

    def read(self, lo: int, hi: int) -> np.ndarray:
        """Samples [lo, hi) as a new float32 array (channels, hi - lo); zeros outside."""

    def read_frames(self, lo: int, hi: int, out: np.ndarray) -> None:
        """Samples [lo, hi) (inside the signal) into `out`, shaped (hi - lo, channels)."""


@dataclass(frozen=True)
class BusSignal:
    """A full-length buffer (the master or a stem) through the master bus."""

    audio: SampleSource  # a stem, or the master (summed from the stems as it is read)
    bus: MasterBus

    @property
    def channels(self) -> int:
        return self.audio.shape[0]

    @property
    def length(self) -> int:
        return self.audio.shape[1]

    def read(self, lo: int, hi: int) -> np.ndarray:
        return self.bus.process(window(self.audio, lo, hi), lo)

    def read_frames(self, lo: int, hi: int, out: np.ndarray) -> None:
        samples = out.T  # interleaved, as the file wants it: no separate transposing copy
        np.multiply(self.audio[:, lo:hi], np.float32(self.bus.gain), out=samples)
        limiter = self.bus.limiter_gains(lo, hi - lo)
        if limiter is not None:
            samples *= limiter


@dataclass(frozen=True)
class ClipSignal:
    """One clip at its place on an otherwise silent timeline, through the master bus."""

    clip: np.ndarray  # (channels, n)
    start: int
    length: int
    bus: MasterBus

    @property
    def channels(self) -> int:
        return self.clip.shape[0]

    def read(self, lo: int, hi: int) -> np.ndarray:
        out = np.zeros((self.channels, hi - lo), dtype=np.float32)
        a, b = max(lo, self.start), min(hi, self.start + self.clip.shape[1])
        if a >= b:
            return out
        out[:, a - lo:b - lo] = self.clip[:, a - self.start:b - self.start]
        return self.bus.process(out, lo)

    def read_frames(self, lo: int, hi: int, out: np.ndarray) -> None:
        out[...] = self.read(lo, hi).T


@dataclass(frozen=True)
class WrittenAudio:
    loudness: LoudnessStats | None  # None when the caller knows it (the master)
    true_peak: float  # linear, of the samples written (before any lossy encoding)
    sample_peak: float
    clipped: bool  # some samples were beyond full scale in an integer format


def write_signal(path: Path, signal: Signal, sample_rate: int, audio_format: AudioFormat,
                 measure_loudness: bool = True, cancel: CancelToken | None = None,
                 stop: threading.Event | None = None,
                 on_chunk: Callable[[int], None] = lambda n: None) -> WrittenAudio:
    """Write `signal` to `path` in `audio_format`, measuring what is written."""
    meter = LoudnessMeter(sample_rate, signal.channels, true_peak=False) \
        if measure_loudness else None
    peaks = []
    dither = np.random.default_rng(0) if audio_format.bits == 16 else None
    options: dict[str, Any] = {}
    if audio_format.lossy:
        options = {"compression_level": _LOSSY_QUALITY}
        if audio_format.container == "MP3":
            options["bitrate_mode"] = "VARIABLE"
    with sf.SoundFile(str(path), "w", samplerate=sample_rate, channels=signal.channels,
                      format=audio_format.container, subtype=audio_format.subtype,
                      **options) as out:
        buffer = np.empty((CHUNK, signal.channels), dtype=np.float32)
        for lo in range(0, signal.length, CHUNK):
            if (cancel is not None and cancel.cancelled) or (stop is not None and stop.is_set()):
                raise Cancelled("cancelled")
            hi = min(lo + CHUNK, signal.length)
            frames = buffer[:hi - lo]
            signal.read_frames(lo, hi, frames)
            block = frames.T
            if meter is not None:
                meter.feed(block)
            peaks.append(block_peaks(block))
            if dither is not None:  # TPDF dither of one 16-bit step keeps quiet fades clean
                frames += (dither.random(frames.shape, dtype=np.float32)
                           - dither.random(frames.shape, dtype=np.float32)) / 32768
            out.write(frames)
            on_chunk(block.shape[1])
    block_peak = np.concatenate(peaks) if peaks else np.zeros(0)
    sample_peak = float(block_peak.max(initial=0.0))
    true_peak = search_true_peak(block_peak, PEAK_BLOCK, signal.length, signal.read, sample_peak)
    loudness = meter.result(true_peak, sample_peak) if meter is not None else None
    return WrittenAudio(loudness, true_peak, sample_peak,
                        audio_format.bits is not None and sample_peak > 1.0)


def measure_file(path: Path) -> LoudnessStats:
    """Loudness report of an audio file as decoded (for lossy formats: what players hear)."""
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return measure(np.ascontiguousarray(data.T), rate)
