"""Markers in WAV files: a `cue ` chunk of cue points and a `LIST`/`adtl` chunk of `labl`
labels (RIFF MCI specification), as DAWs and editors read them.

libsndfile writes the audio; the chunks are appended after it and the RIFF size updated.
Labels are UTF-8, as REAPER and most current tools write them.
"""
from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

RIFF_LIMIT = 0xFFFFFFFF


@dataclass(frozen=True)
class Marker:
    position: int  # sample frame from the start of the file
    label: str


def cue_chunks(markers: Sequence[Marker]) -> bytes:
    """`cue ` and `LIST`/`adtl` chunks for the markers (cue ids count from 1)."""
    points = b"".join(
        struct.pack("<II4sIII", number, marker.position, b"data", 0, 0, marker.position)
        for number, marker in enumerate(markers, start=1))
    cue = _chunk(b"cue ", struct.pack("<I", len(markers)) + points)
    labels = b"".join(
        _chunk(b"labl", struct.pack("<I", number) + _text(marker.label))
        for number, marker in enumerate(markers, start=1))
    return cue + _chunk(b"LIST", b"adtl" + labels)


def append_markers(path: str | os.PathLike, markers: Sequence[Marker]) -> None:
    """Add cue points with labels to a finished RIFF/WAVE file."""
    if not markers:
        return
    path = Path(path)
    with open(path, "r+b") as handle:
        header = handle.read(12)
        if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            raise ValueError(f"{path.name} is not a RIFF/WAVE file")
        end = handle.seek(0, os.SEEK_END)
        pad = b"\0" if end % 2 else b""  # chunks start on even offsets
        chunks = pad + cue_chunks(markers)
        if end + len(chunks) - 8 > RIFF_LIMIT:
            raise ValueError(f"{path.name} is too large for markers in a RIFF file")
        handle.write(chunks)
        handle.seek(4)
        handle.write(struct.pack("<I", end + len(chunks) - 8))


def _chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")


def _text(label: str) -> bytes:
    return " ".join(label.split()).encode("utf-8") + b"\0"
