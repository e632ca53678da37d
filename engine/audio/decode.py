"""Decoding the files libsndfile cannot read: AAC/M4A, WMA, Opus outside Ogg, the sound of
video files. pydub (MIT) runs ffmpeg for them; without ffmpeg on the PATH such a file is
refused with one line that says how to install it.

    audio, rate = decode_file("interview.m4a")   # float32 (channels, samples)

libsndfile stays the reader of WAV, FLAC, AIFF, MP3 and Ogg (`engine.audio.files`), which
calls this module only for a file it could not read itself.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np

from engine.errors import ProjectError

# Containers that hold audio libsndfile has no codec for (the video ones: their soundtrack).
FFMPEG_SUFFIXES = frozenset({
    ".m4a", ".m4b", ".aac", ".mp4", ".m4v", ".mov", ".3gp", ".wma", ".asf", ".wmv", ".mkv",
    ".mka", ".webm", ".avi", ".opus", ".ac3", ".amr", ".mpg", ".mpeg", ".ts"})
INSTALL_HINT = ("install ffmpeg to read it (Debian/Ubuntu: sudo apt install ffmpeg; macOS: "
                "brew install ffmpeg; Windows: winget install ffmpeg)")
PROBE_TIMEOUT_S = 30.0
MAX_CHANNELS = 64


class DecoderMissing(ProjectError):
    """The file needs ffmpeg, which is not installed."""


def ffmpeg_available() -> bool:
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def needs_ffmpeg(path: str | os.PathLike) -> bool:
    """A file whose extension says libsndfile has no codec for it."""
    return Path(path).suffix.lower() in FFMPEG_SUFFIXES


def probe(path: str | os.PathLike) -> dict:
    """(duration_s, sample_rate, channels, codec) of the first audio stream, from ffprobe."""
    _require_ffmpeg(path)
    command = ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
               "stream=codec_name,sample_rate,channels,duration:format=duration",
               "-of", "json", str(path)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=PROBE_TIMEOUT_S, check=False)
        info = json.loads(done.stdout or b"{}")
    except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
        raise ProjectError(f"{path}: ffprobe could not read it ({exc}).") from None
    streams = info.get("streams") or []
    if not streams:
        raise ProjectError(f"{path}: the file holds no audio stream.")
    stream = streams[0]
    duration = _number(stream.get("duration")) or _number(
        (info.get("format") or {}).get("duration"))
    return {"duration_s": duration, "sample_rate": int(_number(stream.get("sample_rate"))),
            "channels": int(_number(stream.get("channels"))),
            "codec": str(stream.get("codec_name") or "")}


def decode_file(path: str | os.PathLike, max_seconds: float | None = None
                ) -> tuple[np.ndarray, int]:
    """(audio float32 (channels, samples), sample_rate) decoded by ffmpeg through pydub;
    at most `max_seconds` from the start when given."""
    _require_ffmpeg(path)
    with warnings.catch_warnings():  # pydub warns at import when ffmpeg is not found
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)  # pydub imports audioop
        from pydub import AudioSegment
        from pydub.exceptions import CouldntDecodeError
    try:
        segment = AudioSegment.from_file(str(path), duration=max_seconds)
    except (CouldntDecodeError, OSError, IndexError, KeyError, ValueError) as exc:
        reason = " ".join(str(exc).split())[-200:] or type(exc).__name__
        raise ProjectError(f"{path}: ffmpeg cannot decode it ({reason}).") from None
    channels, width = segment.channels, segment.sample_width
    if not 1 <= channels <= MAX_CHANNELS or width not in (1, 2, 3, 4):
        raise ProjectError(f"{path}: unsupported audio layout ({channels} channels, "
                           f"{8 * width}-bit).")
    samples = _pcm_to_float(segment.raw_data, width)
    frames = samples.size // channels
    audio = samples[: frames * channels].reshape(frames, channels).T
    return np.ascontiguousarray(audio), int(segment.frame_rate)


def _pcm_to_float(raw: bytes, width: int) -> np.ndarray:
    if width == 1:  # 8-bit PCM is unsigned
        return (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    if width == 3:
        data = np.frombuffer(raw[: len(raw) // 3 * 3], np.uint8).reshape(-1, 3)
        ints = (data[:, 0].astype(np.int32) | (data[:, 1].astype(np.int32) << 8)
                | (data[:, 2].astype(np.int32) << 16))
        ints = np.where(ints & 0x800000, ints - (1 << 24), ints)
        return ints.astype(np.float32) / float(1 << 23)
    dtype = np.int16 if width == 2 else np.int32
    return np.frombuffer(raw, dtype).astype(np.float32) / float(2 ** (8 * width - 1))


def _require_ffmpeg(path: str | os.PathLike) -> None:
    if not ffmpeg_available():
        raise DecoderMissing(f"{path}: this format needs ffmpeg, which is not installed; "
                             f"{INSTALL_HINT}.")


def _number(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if np.isfinite(number) and number > 0 else 0.0
