"""One sound file, measured for the index: its format, length, loudness, peak, a small
waveform overview and its tags. A file that cannot be used raises `Skipped` with the reason.

Loudness and peak are measured on the first `ANALYSE_S` seconds (a library's long files are
beds, steady past their first half minute); duration, rate and channels are the whole file's.
Files libsndfile cannot read go through ffmpeg (`engine.audio.decode`) when it is installed.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import numpy as np
import soundfile as sf

from engine.audio import decode
from engine.errors import StudioError
from engine.library.tags import FileTags, read_tags
from engine.meter.loudness import integrated_lufs

ANALYSE_S = 30.0
OVERVIEW_BINS = 96
MIN_RATE, MAX_RATE = 4_000, 768_000
MAX_CHANNELS = 64
MAX_HOURS = 24.0
LIBSNDFILE_SUFFIXES = frozenset({".wav", ".wave", ".bwf", ".rf64", ".w64", ".flac", ".aif",
                                 ".aiff", ".aifc", ".mp3", ".ogg", ".oga", ".caf"})
AUDIO_SUFFIXES = LIBSNDFILE_SUFFIXES | decode.FFMPEG_SUFFIXES


class Skipped(Exception):
    """A file the index leaves out; `code` groups the reasons (`needs-ffmpeg` is retried
    once ffmpeg is installed)."""

    def __init__(self, reason: str, code: str = "unreadable") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass
class FileFacts:
    duration_s: float
    sample_rate: int
    channels: int
    format: str
    decoder: str  # "libsndfile" or "ffmpeg"
    loudness_lufs: float | None
    peak_dbfs: float | None
    overview: bytes  # OVERVIEW_BINS peak levels, 0..255 linear
    tags: FileTags = field(default_factory=FileTags)


def analyse(path: str | os.PathLike) -> FileFacts:
    try:
        with sf.SoundFile(str(path)) as f:
            rate, channels, frames = int(f.samplerate), int(f.channels), int(f.frames)
            _check_layout(rate, channels, frames / rate if rate else 0.0)
            audio = f.read(min(frames, int(ANALYSE_S * rate)), dtype="float32",
                           always_2d=True).T
            tags = read_tags(path, f)
            file_format = str(f.format)
    except sf.LibsndfileError as exc:
        if not decode.needs_ffmpeg(path):
            raise Skipped(f"not a readable audio file ({_first_line(exc)})") from None
        return _analyse_with_ffmpeg(path)
    except (RuntimeError, OSError, MemoryError) as exc:
        raise Skipped(f"cannot read it ({_first_line(exc)})") from None
    if frames <= 0 or audio.shape[1] == 0:
        raise Skipped("the file holds no audio", "empty")
    return _facts(audio, rate, channels, frames / rate, file_format, "libsndfile", tags)


def _analyse_with_ffmpeg(path) -> FileFacts:
    if not decode.ffmpeg_available():
        raise Skipped(f"this format needs ffmpeg; {decode.INSTALL_HINT}", "needs-ffmpeg")
    try:
        info = decode.probe(path)
        _check_layout(info["sample_rate"], info["channels"], info["duration_s"])
        audio, rate = decode.decode_file(path, max_seconds=ANALYSE_S)
    except decode.DecoderMissing as exc:
        raise Skipped(str(exc), "needs-ffmpeg") from None
    except (StudioError, OSError, ValueError) as exc:
        raise Skipped(f"cannot decode it ({_first_line(exc)})") from None
    if audio.shape[1] == 0:
        raise Skipped("the file holds no audio", "empty")
    duration = info["duration_s"] or audio.shape[1] / rate
    return _facts(audio, rate, audio.shape[0], duration, info["codec"].upper(), "ffmpeg",
                  FileTags())


def _check_layout(rate: int, channels: int, duration_s: float) -> None:
    if not MIN_RATE <= rate <= MAX_RATE:
        raise Skipped(f"sample rate {rate} Hz is outside {MIN_RATE}..{MAX_RATE} Hz", "layout")
    if not 1 <= channels <= MAX_CHANNELS:
        raise Skipped(f"{channels} channels (at most {MAX_CHANNELS} are read)", "layout")
    if not math.isfinite(duration_s) or duration_s > MAX_HOURS * 3600:
        raise Skipped(f"claims to last {duration_s / 3600:.0f} hours", "layout")


def _facts(audio: np.ndarray, rate: int, channels: int, duration_s: float, file_format: str,
           decoder: str, tags: FileTags) -> FileFacts:
    if not np.all(np.isfinite(audio)):
        audio = np.nan_to_num(audio, nan=0.0, posinf=0.0, neginf=0.0)
    stereo = to_stereo(audio)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    return FileFacts(
        duration_s=float(duration_s), sample_rate=rate, channels=channels, format=file_format,
        decoder=decoder, loudness_lufs=_loudness(stereo, rate),
        peak_dbfs=round(20 * math.log10(peak), 2) if peak > 0 else None,
        overview=overview(stereo), tags=tags)


def to_stereo(audio: np.ndarray) -> np.ndarray:
    """Two channels of what a file holds: mono doubled, stereo as is, more channels folded
    (the even ones left, the odd ones right)."""
    if audio.shape[0] == 1:
        return np.concatenate([audio, audio])
    if audio.shape[0] == 2:
        return audio
    return np.stack([audio[0::2].mean(axis=0), audio[1::2].mean(axis=0)]).astype(np.float32)


def _loudness(stereo: np.ndarray, rate: int) -> float | None:
    try:
        value = integrated_lufs(stereo, rate)
    except (ValueError, FloatingPointError):
        return None
    return None if value is None or not math.isfinite(value) else round(float(value), 2)


def overview(stereo: np.ndarray, bins: int = OVERVIEW_BINS) -> bytes:
    """Peak level per bin, 0..255 (what the Library panel draws)."""
    n = stereo.shape[-1]
    if n == 0:
        return bytes(bins)
    if n < bins:  # fewer samples than bins: each sample fills a few bins
        peaks = np.abs(stereo).max(axis=0)[np.arange(bins) * n // bins]
    else:
        step = n // bins
        blocks = stereo[:, : step * bins].reshape(stereo.shape[0], bins, step)
        peaks = np.maximum(blocks.max(axis=(0, 2)), -blocks.min(axis=(0, 2)))
    return bytes(np.clip(np.round(peaks * 255), 0, 255).astype(np.uint8))


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]
