"""The audio formats an export can write, and which of them this installation supports.

WAV and FLAC always work (libsndfile, bundled with soundfile); MP3 and Ogg Vorbis only where
the installed libsndfile was built with their encoders.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.errors import InvalidInput


@dataclass(frozen=True)
class AudioFormat:
    name: str  # what users type: wav24, flac, ...
    container: str  # libsndfile major format
    subtype: str
    extension: str
    bits: int | None  # integer sample width; None for float and lossy formats
    lossy: bool = False
    description: str = ""

    @property
    def can_hold_markers(self) -> bool:
        return self.container == "WAV"


FORMATS = {f.name: f for f in (
    AudioFormat("wav16", "WAV", "PCM_16", ".wav", 16, description="WAV, 16-bit (dithered)"),
    AudioFormat("wav24", "WAV", "PCM_24", ".wav", 24, description="WAV, 24-bit"),
    AudioFormat("wav32f", "WAV", "FLOAT", ".wav", None, description="WAV, 32-bit float"),
    AudioFormat("flac", "FLAC", "PCM_24", ".flac", 24, description="FLAC, 24-bit lossless"),
    AudioFormat("mp3", "MP3", "MPEG_LAYER_III", ".mp3", None, lossy=True,
                description="MP3 (VBR)"),
    AudioFormat("ogg", "OGG", "VORBIS", ".ogg", None, lossy=True, description="Ogg Vorbis"),
)}


DEFAULT_FORMAT = "wav24"  # what a master is unless asked otherwise (and what .wav means)


def available_formats() -> list[str]:
    """Format names this installation can write, best first."""
    import soundfile as sf  # the table above is free to read; asking libsndfile is not

    return [f.name for f in FORMATS.values()
            if f.container in sf.available_formats()
            and f.subtype in sf.available_subtypes(f.container)]


def get_format(name: str) -> AudioFormat:
    if name not in available_formats():
        known = ", ".join(available_formats())
        hint = "" if name not in FORMATS else " (this installation's libsndfile cannot write it)"
        raise InvalidInput(f"format {name!r} is not available{hint}; choose one of: {known}.")
    return FORMATS[name]


def extension_of(name: str) -> str:
    """The file extension a format writes (`.wav` for wav16, wav24 and wav32f)."""
    if name not in FORMATS:
        raise InvalidInput(f"unknown format {name!r}; choose one of: {', '.join(FORMATS)}.")
    return FORMATS[name].extension


def format_for_path(path: Path) -> str | None:
    """The default format for an output file name (wav24 for .wav), or None if unknown."""
    suffix = path.suffix.lower()
    if suffix == FORMATS[DEFAULT_FORMAT].extension:
        return DEFAULT_FORMAT
    return next((f.name for f in FORMATS.values() if f.extension == suffix), None)
