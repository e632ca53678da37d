"""Reading and writing audio files. Audio is float32 shaped (channels, samples)."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import soundfile as sf

from engine.atomic import atomic_path
from engine.errors import ProjectError

# soundfile subtypes by the names users type
WAV_SUBTYPES = {"wav16": "PCM_16", "wav24": "PCM_24", "wav32f": "FLOAT"}


def read_audio(path: str | os.PathLike) -> tuple[np.ndarray, int]:
    """Return (audio, sample_rate) with audio float32 shaped (channels, samples)."""
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise ProjectError(f"{path}: cannot read audio ({exc}).") from None
    return np.ascontiguousarray(data.T), int(rate)


def write_audio(path: str | os.PathLike, audio: np.ndarray, sample_rate: int,
                subtype: str = "PCM_24") -> None:
    """Write atomically; the container (WAV, FLAC) follows the file's extension."""
    path = Path(path)
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 2:
        raise ValueError(f"audio must be (channels, samples), got shape {audio.shape}")
    file_format = {".flac": "FLAC", ".wav": "WAV"}.get(path.suffix.lower())
    if file_format is None:
        raise ValueError(f"{path.name}: unsupported audio extension {path.suffix!r}")
    with atomic_path(path) as temp:
        sf.write(str(temp), audio.T, sample_rate, subtype=subtype, format=file_format)


def take_file_format(audio: np.ndarray) -> tuple[str, str]:
    """(extension, subtype) of a take file: 32-bit float WAV, as DAWs record.

    The file holds exactly the samples the generator made (nothing is quantised or clipped,
    whatever the level), so the audio kept in memory after a render *is* the file's content
    and the mix that follows needs no read-back. It is also the fastest to write and read
    (five times faster than FLAC here); the cost is space: beds take about 1.7x their FLAC
    size, sparse effects more (benchmarks/take_files.py).
    """
    return (".wav", "FLOAT")
