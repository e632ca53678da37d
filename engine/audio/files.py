"""Reading and writing audio files. Audio is float32 shaped (channels, samples)."""
from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import numpy as np
import soundfile as sf

from engine.atomic import atomic_path, cannot_write_in
from engine.audio import decode
from engine.errors import ProjectError

_DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


class AudioWriteError(ProjectError):
    """An audio file could not be written; `reason` says why in words (disk full...)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: cannot write the audio file ({reason}).")
        self.path = path
        self.reason = reason


def read_audio(path: str | os.PathLike) -> tuple[np.ndarray, int]:
    """Return (audio, sample_rate) with audio float32 shaped (channels, samples)."""
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        if decode.needs_ffmpeg(path):  # AAC/M4A, WMA, video soundtracks: through ffmpeg
            return decode.decode_file(path)
        raise ProjectError(f"{path}: cannot read audio ({exc}).") from None
    return np.ascontiguousarray(data.T), int(rate)


def audio_file_problem(path: str | os.PathLike, sample_rate: int, channels: int,
                       frames: int) -> str | None:
    """Why the file at `path` is not the audio it should be (None when it looks whole).

    Cheap: the header must say the expected rate and channels and at least `frames`
    frames, and the last of those frames must be readable, which finds empty, truncated
    and non-audio files without decoding the whole file.
    """
    try:
        if os.path.getsize(path) == 0:
            return "the file is empty"
        with sf.SoundFile(str(path)) as audio:
            if audio.samplerate != sample_rate or audio.channels != channels:
                return (f"the file holds {audio.channels} channels at {audio.samplerate} Hz, "
                        f"not {channels} at {sample_rate} Hz")
            if audio.frames < frames:
                return f"the file holds {audio.frames} of its {frames} frames (truncated)"
            if frames > 0:
                audio.seek(frames - 1)
                if audio.read(1, dtype="float32").shape[0] != 1:
                    return "its last frames cannot be read (truncated)"
    except (sf.LibsndfileError, RuntimeError) as exc:
        return f"not readable audio ({_short_libsndfile(exc)})"
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    return None


def write_audio(path: str | os.PathLike, audio: np.ndarray, sample_rate: int,
                subtype: str = "PCM_24") -> None:
    """Write atomically; the container (WAV, FLAC) follows the file's extension.

    A failure is an `AudioWriteError` that says why in words (a full disk, a read-only
    disk, no permission) and leaves no file behind; an earlier file of that name is kept.
    """
    path = Path(path)
    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim != 2:
        raise ValueError(f"audio must be (channels, samples), got shape {audio.shape}")
    file_format = {".flac": "FLAC", ".wav": "WAV"}.get(path.suffix.lower())
    if file_format is None:
        raise ValueError(f"{path.name}: unsupported audio extension {path.suffix!r}")
    try:
        with atomic_path(path) as temp:
            sf.write(str(temp), audio.T, sample_rate, subtype=subtype, format=file_format)
    except (OSError, sf.LibsndfileError) as exc:
        raise AudioWriteError(path, write_failure_reason(exc, path.parent, audio.nbytes)) \
            from None


def write_failure_reason(exc: BaseException, folder: str | os.PathLike,
                         needed_bytes: int = 0) -> str:
    """Why a write into `folder` failed, in words a user can act on.

    An OSError carries its errno. libsndfile only says "System error." whatever happened,
    so then the folder is examined: a read-only disk, a folder that refuses new files, or
    less free space than the write needed (`needed_bytes`, the uncompressed size) each
    explain it.
    """
    if isinstance(exc, OSError) and exc.errno is not None:
        if exc.errno in _DISK_FULL:
            return "the disk is full; free some space or choose another disk"
        if exc.errno == errno.EROFS:
            return "the disk is read-only; choose a folder on a writable disk"
        if exc.errno in (errno.EACCES, errno.EPERM):
            return "permission denied; choose a folder you can write to"
        return exc.strerror or str(exc)
    existing = Path(folder)
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if _read_only_disk(existing):
        return "the disk is read-only; choose a folder on a writable disk"
    refused = cannot_write_in(existing)
    if refused:
        return f"{refused.lower()}; choose a folder you can write to"
    try:
        free = shutil.disk_usage(existing).free
    except OSError:
        free = None
    if free is not None and free < needed_bytes + (1 << 20):
        return (f"the disk is full ({free / 2**20:.1f} MB free); free some space or choose "
                "another disk")
    return _short_libsndfile(exc) if isinstance(exc, sf.LibsndfileError) else str(exc)


def _read_only_disk(folder: Path) -> bool:
    if not hasattr(os, "statvfs"):
        return False
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _short_libsndfile(exc: BaseException) -> str:
    text = getattr(exc, "error_string", None) or str(exc)
    return " ".join(str(text).split()).rstrip(".") or type(exc).__name__


def take_file_format(audio: np.ndarray) -> tuple[str, str]:
    """(extension, subtype) of a take file: 32-bit float WAV, as DAWs record.

    The file holds exactly the samples the generator made (nothing is quantised or clipped,
    whatever the level), so the audio kept in memory after a render *is* the file's content
    and the mix that follows needs no read-back. It is also the fastest to write and read
    (five times faster than FLAC here); the cost is space: beds take about 1.7x their FLAC
    size, sparse effects more (benchmarks/take_files.py).
    """
    return (".wav", "FLOAT")
