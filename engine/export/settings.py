"""What an export will write, and whether it can: settings, file names, and every check
that must pass before any work starts (so a long render is never wasted on an output that
would be refused at the end)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.atomic import cannot_write_in
from engine.errors import InvalidInput
from engine.export.formats import DEFAULT_FORMAT, AudioFormat, get_format
from engine.export.naming import UCS_CREATOR_ID, event_stem_name, safe_name, speaker_label, stem_name, unique
from engine.export.subtitles import SUBTITLE_SUFFIXES
from engine.mix.loudness_targets import DEFAULT_LOUDNESS, target_lufs
from engine.mix.mixer import MixSettings, audible_tracks
from engine.model.story import Story, TrackKind


@dataclass(frozen=True)
class ExportSettings:
    master_path: Path | None  # None: no master file
    format: str = DEFAULT_FORMAT  # wav16 | wav24 | wav32f | flac | mp3 | ogg (see available_formats)
    loudness: str = DEFAULT_LOUDNESS  # a name in LOUDNESS_PRESETS: ebu, podcast, streaming, none
    true_peak_db: float = -1.0
    stems_dir: Path | None = None
    stems_per_event: bool = False
    markers: bool = True  # cue points + labels in a WAV master
    labels_path: Path | None = None  # Audacity label file
    otio_path: Path | None = None
    subtitles_path: Path | None = None  # SubRip (.srt) or WebVTT (.vtt) of the speech
    ucs_naming: bool = False
    force: bool = False
    ucs_creator_id: str = UCS_CREATOR_ID
    mix: MixSettings = MixSettings(headroom_trim=False)  # peaks are the limiter's job

    def __post_init__(self) -> None:  # accept str paths too
        for name in ("master_path", "stems_dir", "labels_path", "otio_path", "subtitles_path"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))


@dataclass(frozen=True)
class PlannedFile:
    """A file an export will write."""

    path: Path
    kind: str
    track_id: str | None = None
    event_id: str | None = None
    speaker: str | None = None  # a speaker stem: that speaker's lines on the track


def check_export(story: Story, settings: ExportSettings) -> list[PlannedFile]:
    """Every file the export would write; raises InvalidInput for anything that would stop
    it (a bad setting, an existing file without force, a folder that cannot be written)."""
    audio_format = get_format(settings.format)
    target_lufs(settings.loudness)
    if not -20.0 <= settings.true_peak_db <= 0.0:
        raise InvalidInput(f"true-peak ceiling {settings.true_peak_db} dBTP is outside "
                           "-20 .. 0 dBTP.")
    planned = _planned_files(story, settings, audio_format)
    if not planned:
        raise InvalidInput("nothing to export: give a master file, a stems folder, a label "
                           "file or an OTIO file.")
    if settings.stems_dir is not None and settings.stems_dir.exists() \
            and not settings.stems_dir.is_dir():
        raise InvalidInput(f"{settings.stems_dir} is a file; give a folder for the stems.")
    seen: set[Path] = set()
    for item in planned:
        resolved = item.path.resolve()
        if resolved in seen:
            raise InvalidInput(f"{item.path} would be written twice; give the outputs "
                               "different names.")
        seen.add(resolved)
        if item.path.is_dir():
            raise InvalidInput(f"{item.path} is a folder; give a file name.")
        if item.path.exists() and not settings.force:
            raise InvalidInput(f"{item.path} already exists; pass --force to overwrite it.")
    for folder in {item.path.parent for item in planned}:
        _check_writable(folder)
    return planned


def _planned_files(story: Story, settings: ExportSettings,
                   audio_format: AudioFormat) -> list[PlannedFile]:
    planned = []
    if settings.master_path is not None:
        master = Path(settings.master_path)
        if master.suffix.lower() != audio_format.extension:
            raise InvalidInput(f"{master}: a {settings.format} file must end in "
                               f"{audio_format.extension}; name it "
                               f"{master.with_suffix(audio_format.extension).name} or choose "
                               "another format.")
        planned.append(PlannedFile(master, "master"))
    if settings.stems_dir is not None:
        planned.extend(_stem_files(story, settings, audio_format, settings.stems_dir))
    if settings.labels_path is not None:
        planned.append(PlannedFile(Path(settings.labels_path), "labels"))
    if settings.otio_path is not None:
        otio_path = Path(settings.otio_path)
        if otio_path.suffix.lower() != ".otio":
            raise InvalidInput(f"{otio_path}: an OpenTimelineIO file must end in .otio.")
        planned.append(PlannedFile(otio_path, "timeline"))
    if settings.subtitles_path is not None:
        subtitles = Path(settings.subtitles_path)
        if subtitles.suffix.lower() not in SUBTITLE_SUFFIXES:
            raise InvalidInput(f"{subtitles}: subtitles must end in .srt (SubRip) or .vtt "
                               "(WebVTT).")
        planned.append(PlannedFile(subtitles, "subtitles"))
    return planned


def _stem_files(story: Story, settings: ExportSettings, audio_format: AudioFormat,
                folder: Path) -> list[PlannedFile]:
    base = (Path(settings.master_path).stem if settings.master_path is not None
            else safe_name(story.title))
    audible = audible_tracks(story)
    # (name, kind, track id, event id, speaker)
    entries: list[tuple[str, str, str, str | None, str | None]] = []
    for track in story.tracks:
        if track.id not in audible:
            continue
        events = sorted(story.events_on(track.id), key=lambda e: (e.start, e.id))
        speakers = list(dict.fromkeys(e.speaker for e in events if e.speaker))
        if settings.stems_per_event:
            entries.extend((event_stem_name(base, track, e.id, e.caption, settings.ucs_naming,
                                            settings.ucs_creator_id),
                            "event stem", track.id, e.id, None) for e in events)
        elif track.kind == TrackKind.SPEECH and speakers:
            # one stem per speaker, so a line can be replaced by an actor's take; lines
            # without a speaker keep a stem of their own
            name = stem_name(base, track, [e.caption for e in events], settings.ucs_naming,
                             settings.ucs_creator_id)
            groups = speakers + ([""] if any(not e.speaker for e in events) else [])
            entries.extend((f"{name} ({speaker_label(speaker)})", "speaker stem",
                            track.id, None, speaker) for speaker in groups)
        else:
            entries.append((stem_name(base, track, [e.caption for e in events],
                                      settings.ucs_naming, settings.ucs_creator_id),
                            "stem", track.id, None, None))
    names = unique([name for name, *_ in entries])
    return [PlannedFile(folder / f"{name}{audio_format.extension}", kind, track_id, event_id,
                        speaker)
            for name, (_, kind, track_id, event_id, speaker) in zip(names, entries)]


def _check_writable(folder: Path) -> None:
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InvalidInput(f"{folder}: not a folder that can hold the export.")
    reason = cannot_write_in(existing)
    if reason:
        raise InvalidInput(f"{folder}: cannot write there ({reason}); choose another folder.")
