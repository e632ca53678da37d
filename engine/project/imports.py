"""Reading an audio file a user brings in (a drop on the timeline, `Project.import_take`).

The file can be anything, so it is checked before it is trusted: the header first (channels,
sample rate, length), so a 16-channel or 10-hour file is refused in a line instead of
filling memory; then the samples, a block at a time with progress and cancel, refusing NaN
and infinity, and reading no more than the story has room for.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import soundfile as sf

from engine.audio import decode
from engine.errors import ProjectError
from engine.model.fields import MAX_DURATION_S, MAX_SAMPLE_RATE
from engine.progress import CancelToken, Progress, no_progress

MAX_IMPORT_CHANNELS = 8  # mono, stereo, up to 7.1 surround; the mixer plays the first two
MIN_IMPORT_SAMPLE_RATE = 1_000
BLOCK_S = 10.0  # seconds read per step (progress and cancel are checked between steps)


def read_import(source: str | os.PathLike, room_s: float, progress: Progress = no_progress,
                cancel: CancelToken | None = None) -> tuple[np.ndarray, int]:
    """(audio, rate) of the file at `source`: float32 (channels, samples), at most `room_s`
    seconds of it (the part that fits in the story), every sample finite.

    Raises ProjectError with one line saying what is wrong with the file."""
    name = Path(source).name
    if decode.needs_ffmpeg(source):  # AAC/M4A, WMA, video soundtracks: through ffmpeg
        return _read_decoded(source, name, room_s, progress, cancel)
    try:
        with sf.SoundFile(str(source)) as audio_file:
            rate, channels, frames = audio_file.samplerate, audio_file.channels, audio_file.frames
            _check_header(name, rate, channels, frames)
            wanted = min(frames, max(int(math.ceil(room_s * rate)), 0))
            if wanted <= 0:
                raise ProjectError(f"{name}: the clip would start at or after the story's end; "
                                   "drop it inside the story.")
            return _read_blocks(audio_file, name, wanted, rate, progress, cancel), rate
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise ProjectError(f"{name}: not an audio file this app can read "
                           f"({' '.join(str(exc).split())}).") from None
    except OSError as exc:
        raise ProjectError(f"{name}: cannot read it ({exc.strerror or exc}).") from None


def _read_decoded(source: str | os.PathLike, name: str, room_s: float, progress: Progress,
                  cancel: CancelToken | None) -> tuple[np.ndarray, int]:
    """A format libsndfile cannot read: its header from ffprobe, checked the same way,
    then the part that fits decoded by ffmpeg."""
    info = decode.probe(source)
    rate, channels = info["sample_rate"], info["channels"]
    _check_header(name, rate, channels, int(info["duration_s"] * rate) if rate else 0)
    if room_s <= 0:
        raise ProjectError(f"{name}: the clip would start at or after the story's end; "
                           "drop it inside the story.")
    if cancel is not None:
        cancel.raise_if_cancelled()
    progress(0.1, f"decoding {name}")
    audio, rate = decode.decode_file(source, max_seconds=room_s)
    if not np.isfinite(audio).all():
        raise ProjectError(f"{name}: holds samples that are not numbers (NaN or infinity); "
                           "repair or re-export the file.")
    progress(1.0, f"read {name}")
    return audio, rate


def _check_header(name: str, rate: int, channels: int, frames: int) -> None:
    if channels > MAX_IMPORT_CHANNELS:
        raise ProjectError(f"{name}: {channels} channels; imports take at most "
                           f"{MAX_IMPORT_CHANNELS} (mono, stereo or surround up to 7.1). "
                           "Mix it down first.")
    if not MIN_IMPORT_SAMPLE_RATE <= rate <= MAX_SAMPLE_RATE:
        raise ProjectError(f"{name}: a sample rate of {rate} Hz; imports take "
                           f"{MIN_IMPORT_SAMPLE_RATE:,} to {MAX_SAMPLE_RATE:,} Hz.")
    if frames <= 0:
        raise ProjectError(f"{name}: the file holds no audio.")
    if frames / rate > MAX_DURATION_S:
        raise ProjectError(f"{name}: {_length(frames / rate)} long; an import can be at most "
                           f"{_length(MAX_DURATION_S)} (the longest story). Cut it first.")


def _read_blocks(audio_file: sf.SoundFile, name: str, wanted: int, rate: int,
                 progress: Progress, cancel: CancelToken | None) -> np.ndarray:
    audio = np.empty((audio_file.channels, wanted), dtype=np.float32)
    block = max(int(BLOCK_S * rate), 1)
    done = 0
    while done < wanted:
        if cancel is not None:
            cancel.raise_if_cancelled()
        frames = audio_file.read(min(block, wanted - done), dtype="float32", always_2d=True)
        if frames.shape[0] == 0:  # the header promised more than the file holds
            audio = audio[:, :done]
            break
        if not np.isfinite(frames).all():
            at = done + int(np.flatnonzero(~np.isfinite(frames).all(axis=1))[0])
            raise ProjectError(f"{name}: holds samples that are not numbers (NaN or infinity) "
                               f"at {at / rate:.3f} s; repair or re-export the file.")
        audio[:, done:done + frames.shape[0]] = frames.T
        done += frames.shape[0]
        progress(done / wanted, f"importing {name}")
    if audio.shape[1] == 0:
        raise ProjectError(f"{name}: the file holds no audio.")
    return audio


def _length(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.1f} s"
